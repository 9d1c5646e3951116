"""Opening the journal file safely when many processes use it at once.

SQLite's locks on a file are POSIX locks, held per process: closing *any* descriptor on the file
in a process drops every lock that process holds on it, and another process then believes it is
the last user, checkpoints and deletes the -wal/-shm still in use ("How To Corrupt An SQLite
Database File", section 2.2). So nothing here ever opens the database, its -wal or its -shm
outside SQLite: a new journal is built complete in a private temporary file and linked into
place, modes are set by path (chmod), and damaged copies are made by a child process.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from contextlib import suppress
from pathlib import Path

from calm_voice import paths
from calm_voice.errors import DataDirError
from calm_voice.journal import failures, schema

SIDE_FILES = ("-wal", "-shm")
PER_ATTEMPT_TIMEOUT = 1.0
"""SQLite's own busy wait for one attempt; the store retries attempts up to its patience
(short, so the store can tell the person it is waiting)."""


def private_dir(path: Path, doing: str) -> None:
    """Make sure `path` is a writable folder only its owner can enter (0700)."""
    if not path.is_dir():
        try:
            paths.ensure_private_dir(path)
        except DataDirError as exc:
            raise failures.JournalReadOnlyError(exc.problem, exc.fix) from exc
        return
    try:
        if path.stat().st_mode & 0o777 != 0o700:
            path.chmod(0o700)
    except OSError as exc:
        raise failures.from_os(exc, path / "x", doing) from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise failures.read_only(path, doing, "it is read-only")


def side_file(db_path: Path, suffix: str) -> Path:
    return db_path.with_name(db_path.name + suffix)


def create_database(db_path: Path) -> None:
    """Make a new, fully formed, 0600 journal at `db_path` unless one appears there first.

    The file never exists at its real name half-made or empty, so a 0-byte journal is always
    damage to report, never a journal that is still being created."""
    temporary = db_path.with_name(f".{db_path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
    doing = "create the journal"
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise failures.from_os(exc, db_path, doing) from exc
    try:
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            schema.migrate(conn)
        finally:
            conn.close()
        with suppress(FileExistsError):  # another process made one first: theirs is used
            os.link(temporary, db_path)  # atomic, and never replaces an existing journal
    except sqlite3.Error as exc:
        raise failures.from_sqlite(exc, db_path, doing) from exc
    except OSError as exc:
        raise failures.from_os(exc, db_path, doing) from exc
    finally:
        for path in (temporary, *(side_file(temporary, s) for s in SIDE_FILES)):
            with suppress(OSError):
                path.unlink(missing_ok=True)


def keep_private(db_path: Path) -> None:
    """0600 on the journal and SQLite's side files, set by path (no descriptor is opened)."""
    for path in (db_path, *(side_file(db_path, s) for s in SIDE_FILES)):
        with suppress(OSError):  # a side file may come and go; a read-only disk keeps its modes
            if path.stat().st_mode & 0o777 != 0o600:
                path.chmod(0o600)


def connect(db_path: Path, busy_timeout: float, doing: str) -> sqlite3.Connection:
    """A read-write connection in WAL mode, migrated to the current schema."""
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(db_path, timeout=min(busy_timeout, PER_ATTEMPT_TIMEOUT),
                               isolation_level=None, check_same_thread=True)
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError("database is locked")
        conn.execute("PRAGMA synchronous=FULL")
        schema.migrate(conn)
        conn.execute("PRAGMA foreign_keys=ON")  # after migrate: rebuilding a table needs it off
        return conn
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise failures.from_sqlite(exc, db_path, doing) from exc
    except BaseException:
        if conn is not None:
            conn.close()
        raise


def connect_read_only(db_path: Path, busy_timeout: float, doing: str) -> sqlite3.Connection:
    """A connection that never writes: through SQLite's read-only mode when its -shm can be
    used, else as an immutable file (only when nothing can be writing to it either)."""
    last: sqlite3.Error | None = None
    for flags in ("mode=ro", "immutable=1"):
        if flags == "immutable=1" and side_file(db_path, "-wal").exists() and \
                side_file(db_path, "-wal").stat().st_size:
            break  # committed rows may still sit in the WAL: immutable would hide them
        try:
            conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?{flags}", uri=True,
                                   timeout=min(busy_timeout, PER_ATTEMPT_TIMEOUT),
                                   isolation_level=None)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            version = schema.version_of(conn)
            conn.execute("SELECT count(*) FROM entries").fetchone()
        except sqlite3.Error as exc:
            conn.close()
            last = exc
            continue
        if version > schema.SCHEMA_VERSION:
            conn.close()
            raise schema.too_new(version)
        return conn
    raise failures.from_sqlite(last or sqlite3.OperationalError("unable to open database file"),
                               db_path, doing)


def check_not_emptied(db_path: Path, doing: str) -> None:
    """A 0-byte journal is damage (calm-voice never makes one); say so rather than reuse it."""
    try:
        size = db_path.stat().st_size
    except OSError:
        return  # missing (a new journal) or unreachable (the folder checks explain that)
    if size == 0:
        raise failures.emptied(db_path, doing)
