"""Turn SQLite and file-system failures into JournalErrors a person can act on."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from calm_voice.errors import JournalError

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


def keep_damaged_copy(db_path: Path) -> Path | None:
    """Copy a damaged journal aside (the original is never modified); None if that failed."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    copy = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    try:
        shutil.copy2(db_path, copy)
        copy.chmod(0o600)
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, copy.with_name(copy.name + "-wal"))
    except OSError:
        return None
    return copy


def from_sqlite(exc: sqlite3.Error, db_path: Path, doing: str) -> JournalError:
    """`doing` completes "calm-voice could not …", e.g. "save what you said"."""
    code = primary_code(exc)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return JournalError(
            f"The journal is locked by another calm-voice window, so calm-voice could not "
            f"{doing}.",
            "Close the other calm-voice window (or wait for it to finish) and try again.",
        )
    if code == SQLITE_FULL:
        return disk_full(db_path, doing)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(db_path, doing)
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_IOERR):
        return read_only(db_path.parent, doing, str(exc))
    return JournalError(f"calm-voice could not {doing} ({exc}).",
                        "Try again; if it keeps happening, restart calm-voice.")


def damaged(db_path: Path, doing: str) -> JournalError:
    copy = keep_damaged_copy(db_path)
    where = f"a copy is at {copy}" if copy else "a copy could not be made (is the disk full?)"
    return JournalError(
        f"The journal file {db_path} is damaged, so calm-voice could not {doing}.",
        f"Your file was left untouched; {where}. Move the damaged file aside to start a "
        f"new journal, and keep the copy: it may still be recoverable.",
    )


def from_os(exc: OSError, path: Path, doing: str) -> JournalError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_full(path, doing)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR):
        return read_only(path.parent, doing, exc.strerror or str(exc))
    return JournalError(f"calm-voice could not {doing} ({exc.strerror or exc}).",
                        "Check the data folder and try again.")


def disk_full(path: Path, doing: str) -> JournalError:
    return JournalError(
        f"The disk is full, so calm-voice could not {doing}.",
        f"Free some space on the disk that holds {path.parent}, then try again. Everything "
        f"saved before is still there.",
    )


def read_only(folder: Path, doing: str, detail: str) -> JournalError:
    return JournalError(
        f"calm-voice cannot write in its data folder {folder} ({detail}), so it could not "
        f"{doing}.",
        "Check that the folder and disk are writable, or set CALM_VOICE_HOME to a folder "
        "you can write.",
    )
