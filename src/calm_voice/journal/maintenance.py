"""Looking after the journal file: an integrity check, salvage of a damaged file, and backups."""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from calm_voice.errors import JournalError
from calm_voice.journal import audio as audio_files
from calm_voice.journal import connection, failures

_ENTRY_COLUMNS = ("id, created, closed, guide, step, prompt, language, model, audio_file, "
                  "audio_rate, step_title, prompt_text")
_KEPT_TEXT_COLUMNS = 2
"""The last columns (step_title, prompt_text), which a file from before version 3 lacks."""
_UTTERANCE_COLUMNS = ('id, entry_id, created, text, original_text, edited, words, word_count, '
                      'confidence, start, "end", audio_start, audio_offset, audio_samples')
DAILY_KEEP = 7


@dataclass
class CheckReport:
    entries: int = 0
    utterances: int = 0
    recordings: int = 0
    problems: list[str] = field(default_factory=list)


def check(conn: sqlite3.Connection, audio_dir: Path, can_write: bool) -> CheckReport:
    """SQLite's integrity check, the search index against the utterances, and every recording
    long enough for the utterances that point into it."""
    report = CheckReport()
    try:
        found = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(20)")]
        if found != ["ok"]:
            report.problems += [f"database: {line}" for line in found]
        if can_write:
            conn.execute("SAVEPOINT fts_check")
            try:
                conn.execute("INSERT INTO utterance_fts(utterance_fts, rank) "
                             "VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError:
                report.problems.append("search index: it does not match the saved words "
                                       "(repair rebuilds it)")
            finally:
                conn.execute("ROLLBACK TO fts_check")
                conn.execute("RELEASE fts_check")
        report.entries = int(conn.execute(
            "SELECT count(DISTINCT entry_id) FROM utterances").fetchone()[0])
        report.utterances = int(conn.execute("SELECT count(*) FROM utterances").fetchone()[0])
        for entry_id, name, samples in conn.execute(
                "SELECT e.id, e.audio_file, max(u.audio_offset + u.audio_samples) FROM entries e "
                "JOIN utterances u ON u.entry_id = e.id WHERE e.audio_file IS NOT NULL "
                "GROUP BY e.id"):
            report.recordings += 1
            path = audio_dir / str(name)
            try:
                size = path.stat().st_size
            except OSError:
                report.problems.append(f"recording of entry {entry_id}: {path} is missing")
                continue
            if samples and size < audio_files.HEADER_BYTES + int(samples) * 2:
                report.problems.append(f"recording of entry {entry_id}: {path} is shorter "
                                       f"than the words saved from it")
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"database: {exc}")
    return report


def backup(conn: sqlite3.Connection, target: Path) -> tuple[int, int]:
    """A consistent copy made with SQLite's online backup (other processes may keep writing),
    written privately beside `target` and linked into place: an existing file is never replaced.
    Returns (entries, utterances) in the copy."""
    temporary = target.with_name(f".{target.name}.partial-{secrets.token_hex(4)}")
    doing = "back up the journal"
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(temporary)
        try:
            conn.backup(copy)  # all pages in one step: one snapshot of the journal
            counts = copy.execute("SELECT (SELECT count(DISTINCT entry_id) FROM utterances), "
                                  "(SELECT count(*) FROM utterances)").fetchone()
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
        os.link(temporary, target)
    except FileExistsError as exc:
        raise JournalError(f"{target} already exists, so the backup was not written.",
                           "Choose a new file name with --out; nothing was changed.") from exc
    except OSError as exc:
        raise failures.from_os(exc, target, doing) from exc
    finally:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
    return int(counts[0]), int(counts[1])


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def default_backup_path(db_path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return backup_folder(db_path) / f"journal-{stamp}.sqlite3"


def daily_backup_due(db_path: Path) -> Path | None:
    """Where today's automatic backup goes, or None if there is one already."""
    folder = backup_folder(db_path) / "daily"
    target = folder / f"journal-{datetime.now():%Y-%m-%d}.sqlite3"
    return None if target.exists() else target


def prune_daily(folder: Path) -> None:
    """Keep the newest DAILY_KEEP automatic backups (names sort by date)."""
    for old in sorted(folder.glob("journal-*.sqlite3"))[:-DAILY_KEEP]:
        with suppress(OSError):
            old.unlink()


@dataclass(frozen=True)
class Repaired:
    entries: int
    utterances: int
    damaged_copy: Path


def others_using(db_path: Path) -> bool:
    """True if another connection has the journal open (WAL readers hold a shared lock)."""
    try:
        conn = sqlite3.connect(db_path, timeout=0.5, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        return failures.primary_code(exc) in (failures.SQLITE_BUSY, failures.SQLITE_LOCKED)
    finally:
        conn.close()
    return False


def repair(db_path: Path) -> Repaired:
    """Salvage every entry and utterance SQLite can still read into a new journal file, after
    keeping a copy of the damaged one (and its WAL) aside. Every calm-voice window must be
    closed first: the journal file is replaced."""
    doing = "repair the journal"
    if others_using(db_path):
        raise JournalError("The journal is open in another calm-voice window, so it was not "
                           "repaired.", "Close every calm-voice window and try again.")
    copy = failures.keep_damaged_copy(db_path)
    if copy is None:
        raise JournalError("A copy of the damaged journal could not be kept, so it was not "
                           "repaired.", "Free some disk space and try again; nothing was "
                           "changed.")
    token = secrets.token_hex(4)
    scratch = db_path.with_name(f".{db_path.name}.repair-{token}.scratch")
    fresh = db_path.with_name(f".{db_path.name}.repair-{token}.new")
    try:
        # Read from a scratch copy: opening the kept copy would checkpoint its WAL into it.
        shutil.copyfile(copy, scratch)
        copy_wal = connection.side_file(copy, "-wal")
        if copy_wal.exists():
            shutil.copyfile(copy_wal, connection.side_file(scratch, "-wal"))
        connection.create_database(fresh)
        kept = salvage(scratch, fresh)
        for suffix in connection.SIDE_FILES:  # the damaged file's; the copy keeps its WAL
            connection.side_file(db_path, suffix).unlink(missing_ok=True)
        os.replace(fresh, db_path)
    except sqlite3.Error as exc:
        raise failures.from_sqlite(exc, db_path, doing) from exc
    except OSError as exc:
        raise JournalError(f"calm-voice could not {doing} ({exc.strerror or exc}).",
                           f"Nothing was lost: the damaged journal is kept at {copy}.") from exc
    finally:
        for path in (scratch, fresh, *(connection.side_file(p, s) for p in (scratch, fresh)
                                       for s in connection.SIDE_FILES)):
            with suppress(OSError):
                path.unlink(missing_ok=True)
    return Repaired(kept[0], kept[1], copy)


MAX_PROBES = 2_000_000
"""Row numbers looked up one by one across damaged stretches of a table, at most."""


def readable_rows(conn: sqlite3.Connection, table: str, columns: str) -> list[tuple[object, ...]]:
    """Every row of `table` that can still be read: a scan from each end stops at the first
    damaged page, so the stretch between is then looked up row number by row number."""
    rows: dict[int, tuple[object, ...]] = {}
    for order in ("ASC", "DESC"):
        try:
            for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY rowid {order}"):
                rows[int(row[0])] = tuple(row)
        except sqlite3.DatabaseError:
            pass
    known = sorted(rows)
    probes = 0
    for low, high in pairwise(known):
        for rowid in range(low + 1, min(high, low + 1 + MAX_PROBES - probes)):
            probes += 1
            with suppress(sqlite3.DatabaseError):
                row = conn.execute(f"SELECT {columns} FROM {table} WHERE rowid = ?",
                                   (rowid,)).fetchone()
                if row is not None:
                    rows[rowid] = tuple(row)
    return [rows[key] for key in sorted(rows)]


def _entry_rows(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Readable entries with every column; a file from before the titles were kept gives
    None for them."""
    with suppress(sqlite3.DatabaseError):
        known = {str(row[1]) for row in conn.execute("PRAGMA table_info(entries)")}
        if {"step_title", "prompt_text"} <= known:
            return readable_rows(conn, "entries", _ENTRY_COLUMNS)
    older = _ENTRY_COLUMNS.rsplit(",", _KEPT_TEXT_COLUMNS)[0]
    return [(*row, *(None,) * _KEPT_TEXT_COLUMNS) for row in readable_rows(conn, "entries", older)]


def salvage(damaged: Path, fresh: Path) -> tuple[int, int]:
    """Copy what can be read from `damaged` into the new journal `fresh`; an utterance whose
    entry was lost is kept under a stand-in entry. Returns (entries, utterances) kept."""
    try:
        old = sqlite3.connect(damaged, isolation_level=None)
    except sqlite3.DatabaseError:
        return 0, 0
    try:
        utterances = readable_rows(old, "utterances", _UTTERANCE_COLUMNS)
        entries = {int(str(row[0])): row for row in _entry_rows(old)}
        sequence = 0
        with suppress(sqlite3.DatabaseError):
            found = old.execute("SELECT seq FROM sqlite_sequence WHERE name = 'entries'"
                                ).fetchone()
            sequence = int(found[0]) if found else 0
    finally:
        old.close()
    for row in utterances:  # entry id, first utterance's time, step "(recovered)"
        entry_id = int(str(row[1]))
        entries.setdefault(entry_id, (entry_id, row[2], row[2], "", "(recovered)", "", "", "",
                                      None, None, None, None))
    conn = sqlite3.connect(fresh, isolation_level=None)
    try:
        conn.execute("BEGIN")
        marks = ", ".join("?" * len(_ENTRY_COLUMNS.split(",")))
        conn.executemany(f"INSERT OR IGNORE INTO entries ({_ENTRY_COLUMNS}) VALUES ({marks})",
                         [entries[key] for key in sorted(entries)])
        marks = ", ".join("?" * len(_UTTERANCE_COLUMNS.split(",")))
        conn.executemany(f"INSERT OR IGNORE INTO utterances ({_UTTERANCE_COLUMNS}) "
                         f"VALUES ({marks})", utterances)
        conn.execute("DELETE FROM entries WHERE id NOT IN (SELECT entry_id FROM utterances)")
        conn.execute("UPDATE entries SET closed = coalesce(closed, created)")
        conn.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'entries'",
                     (sequence,))
        conn.execute("INSERT INTO utterance_fts(utterance_fts) VALUES ('rebuild')")
        conn.execute("COMMIT")
        counts = conn.execute("SELECT (SELECT count(*) FROM entries), "
                              "(SELECT count(*) FROM utterances)").fetchone()
    finally:
        conn.close()
    return int(counts[0]), int(counts[1])
