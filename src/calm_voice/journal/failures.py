"""Turn SQLite and file-system failures into JournalErrors a person can act on."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from calm_voice.errors import JournalError


class JournalReadOnlyError(JournalError):
    """The data folder or disk cannot be written (reading may still work)."""


class JournalDiskFullError(JournalError):
    """The disk holding the journal is full (reading may still work)."""


class JournalBusyError(JournalError):
    """Another process held the journal longer than calm-voice was willing to wait."""


class JournalDamagedError(JournalError):
    """The journal file is damaged; a copy was kept aside."""

SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26

_BY_MESSAGE = (
    ("locked", SQLITE_BUSY),
    ("disk is full", SQLITE_FULL),
    ("malformed", SQLITE_CORRUPT),
    ("not a database", SQLITE_NOTADB),
    ("readonly", SQLITE_READONLY),
    ("read-only", SQLITE_READONLY),
    ("unable to open", SQLITE_CANTOPEN),
    ("disk i/o", SQLITE_IOERR),
)


def primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return code & 0xFF
    message = str(exc).lower()
    return next((value for text, value in _BY_MESSAGE if text in message), None)


_COPY = ("import shutil, sys\n"
         "for source, target in zip(sys.argv[1::2], sys.argv[2::2]):\n"
         "    shutil.copyfile(source, target)\n")


def copy_outside(pairs: list[tuple[Path, Path]]) -> bool:
    """Copy files in a child process: opening and closing the journal here would drop this
    process's SQLite locks on it (see journal/connection.py)."""
    arguments = [str(path) for pair in pairs for path in pair]
    old_mask = os.umask(0o077)
    try:
        done = subprocess.run([sys.executable, "-c", _COPY, *arguments], capture_output=True,
                              timeout=600, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        os.umask(old_mask)
    return done.returncode == 0


def keep_damaged_copy(db_path: Path) -> Path | None:
    """Copy a damaged journal aside (the original is never modified); None if that failed.

    One copy per damaged state of the file: it is named by the file's time and size, so asking
    again about the same damage finds the copy already made instead of making another."""
    try:
        info = db_path.stat()
    except OSError:
        return None
    stamp = datetime.fromtimestamp(info.st_mtime).strftime("%Y%m%d-%H%M%S")
    copy = db_path.with_name(f"{db_path.name}.damaged-{stamp}-{info.st_size}")
    if copy.exists():
        return copy
    wal = db_path.with_name(db_path.name + "-wal")
    partial = copy.with_name(f".{copy.name}.partial")
    pairs = [(db_path, partial)]
    if wal.exists():
        pairs.append((wal, copy.with_name(copy.name + "-wal")))
    if not copy_outside(pairs):
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        return None
    try:
        partial.chmod(0o600)
        os.replace(partial, copy)
    except OSError:
        return None
    return copy


def from_sqlite(exc: sqlite3.Error, db_path: Path, doing: str) -> JournalError:
    """`doing` completes "calm-voice could not …", e.g. "save what you said"."""
    code = primary_code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return JournalBusyError(
            f"The journal is locked by another calm-voice window, so calm-voice could not "
            f"{doing}.",
            "Close the other calm-voice window (or wait for it to finish) and try again.",
        )
    if code == SQLITE_FULL or (code == SQLITE_IOERR and disk_is_full(db_path.parent)):
        return disk_full(db_path, doing)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(db_path, doing)
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_IOERR):
        return read_only(db_path.parent, doing, str(exc))
    return JournalError(f"calm-voice could not {doing} ({exc}).",
                        "Try again; if it keeps happening, restart calm-voice.")


def disk_is_full(folder: Path) -> bool:
    """SQLite reports a failed write to its -shm as an I/O error; look at the disk itself."""
    try:
        space = os.statvfs(folder)
    except OSError:
        return False
    return space.f_bavail * space.f_frsize < 64 * 1024


def damaged(db_path: Path, doing: str) -> JournalError:
    copy = keep_damaged_copy(db_path)
    where = f"a copy is at {copy}" if copy else "a copy could not be made (is the disk full?)"
    return JournalDamagedError(
        f"The journal file {db_path} is damaged, so calm-voice could not {doing}.",
        f"Your file was left untouched; {where}. Run `calm-voice journal repair` to save "
        f"what can be saved (it keeps the damaged file aside as well).",
    )


def emptied(db_path: Path, doing: str) -> JournalError:
    return JournalDamagedError(
        f"The journal file {db_path} is empty (0 bytes), so calm-voice could not {doing}; "
        f"calm-voice never leaves a journal empty, so its contents were lost outside it.",
        "Restore your latest backup (see `calm-voice journal backup --help`), or move the "
        "empty file aside to start a new journal.",
    )


def from_os(exc: OSError, path: Path, doing: str) -> JournalError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_full(path, doing)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR):
        return read_only(path.parent, doing, exc.strerror or str(exc))
    return JournalError(f"calm-voice could not {doing} ({exc.strerror or exc}).",
                        "Check the data folder and try again.")


def disk_full(path: Path, doing: str) -> JournalError:
    return JournalDiskFullError(
        f"The disk is full, so calm-voice could not {doing}.",
        f"Free some space on the disk that holds {path.parent}, then try again. Everything "
        f"saved before is still there.",
    )


def read_only(folder: Path, doing: str, detail: str) -> JournalError:
    return JournalReadOnlyError(
        f"calm-voice cannot write in its data folder {folder} ({detail}), so it could not "
        f"{doing}.",
        "Check that the folder and disk are writable, or set CALM_VOICE_HOME to a folder "
        "you can write.",
    )
