"""JournalStore: the spoken journal in SQLite (WAL, synchronous=FULL, FTS5) plus per-entry audio.

Threading: a store owns one sqlite3 connection, usable only by the thread that created the store
(sqlite3 enforces it). The session loop thread owns one; each UI worker opens its own.
Every write commits before it returns, so a crash loses at most the utterance being spoken.

Who writes what: the session loop (TUI or `calm-voice listen`) opens, fills and closes entries;
the journal screen's workers and `calm-voice journal` commands edit, delete, import, back up and
read. Any number of these may run at once, in any number of processes: each write is one
IMMEDIATE transaction that waits for a busy journal (SQLite's busy timeout, retried up to the
store's patience) instead of failing, and is visible to every process once it returns.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Concatenate, ParamSpec, TypeVar

from calm_voice.config import Settings
from calm_voice.errors import JournalError
from calm_voice.events import Final
from calm_voice.guide import Guide
from calm_voice.journal import audio as audio_files
from calm_voice.journal import connection, export, failures, maintenance, queries, recovery
from calm_voice.journal.connection import private_dir
from calm_voice.journal.recordings import RecordingReads
from calm_voice.journal.records import EntryDetail, EntrySummary, SearchHit

P = ParamSpec("P")
T = TypeVar("T")

PATIENCE = 300.0
"""Seconds a write waits for a journal held by another process before it gives up: long enough
for any backup, import or editing session, so what was said is saved late rather than lost."""

BUSY_NOTICE_AFTER = 2.0


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def centred_start(final: Final, audio_bytes: int, rate: int) -> float:
    """Where audio cut with equal margins around the words begins in the stream."""
    seconds = audio_bytes / audio_files.SAMPLE_BYTES / rate if rate else 0.0
    margin = max(0.0, (seconds - (final.end - final.start)) / 2)
    return max(0.0, final.start - margin)


def _is_busy(exc: sqlite3.Error) -> bool:
    return failures.primary_code(exc) in (failures.SQLITE_BUSY, failures.SQLITE_LOCKED)


class JournalStore(RecordingReads):
    """Implements calm_voice.ports.JournalPort, plus the review, search and export calls.

    `read_only_ok` (for commands that only read): when the folder or disk cannot be written,
    open the journal read-only instead of failing; `read_only_reason` then says why."""

    def __init__(self, db_path: Path, audio_dir: Path, keep_audio: bool = True,
                 busy_timeout: float = PATIENCE, *, read_only_ok: bool = False) -> None:
        self.db_path = Path(db_path)
        self.audio_dir = Path(audio_dir)
        self.keep_audio = keep_audio
        self.patience = busy_timeout
        self.read_only_reason: str | None = None
        self.on_wait: Callable[[str], None] | None = None
        """Told once per write that has to wait for another process, to reassure the person."""
        self.abandoned_closed = 0
        """Entries left open by a dead process that opening this store closed or removed."""
        self._batch_depth = 0
        self._conn = self._connect(read_only_ok)

    @classmethod
    def from_settings(cls, settings: Settings, *, read_only_ok: bool = False) -> JournalStore:
        """The person's journal, with its rolling daily backup made if today's is missing."""
        store = cls(settings.journal_db, settings.journal_audio_dir, settings.journal.keep_audio,
                    read_only_ok=read_only_ok)
        if store.read_only_reason is None:
            store.daily_backup()
        return store

    def _connect(self, read_only_ok: bool) -> sqlite3.Connection:
        doing = "open the journal"
        connection.check_not_emptied(self.db_path, doing)
        try:
            private_dir(self.db_path.parent, doing)
            if self.keep_audio:
                private_dir(self.audio_dir, doing)
            if not self.db_path.exists():
                connection.create_database(self.db_path)
            conn = connection.connect(self.db_path, self.patience, doing)
        except (failures.JournalReadOnlyError, failures.JournalDiskFullError) as exc:
            if not read_only_ok or not self.db_path.exists():
                raise
            self.read_only_reason = exc.problem
            return connection.connect_read_only(self.db_path, self.patience, doing)
        connection.keep_private(self.db_path)
        self._conn = conn
        try:
            self._close_abandoned()
        except JournalError:
            conn.close()
            raise
        return conn

    def _close_abandoned(self) -> None:
        """Finish entries a killed process left open; if the journal is busy, the next start
        will (nothing is lost by waiting: their utterances are already committed)."""
        doing = "finish entries left open when calm-voice stopped"
        found = self._query(doing, recovery.abandoned)
        if not found:
            return
        patience, self.patience = self.patience, min(self.patience, 1.0)
        try:
            with self._write(doing) as conn:
                self.abandoned_closed = recovery.close_abandoned(conn, self.audio_dir, found)
        except failures.JournalBusyError:
            pass
        finally:
            self.patience = patience

    # -- upkeep ------------------------------------------------------------------------------

    def check(self) -> maintenance.CheckReport:
        return self._retrying("check the journal", lambda: maintenance.check(
            self._conn, self.audio_dir, can_write=self.read_only_reason is None))

    def backup(self, target: Path) -> tuple[int, int]:
        """Copy the journal to `target` (never replacing a file) while others may write."""
        return self._retrying("back up the journal",
                              lambda: maintenance.backup(self._conn, target))

    def daily_backup(self) -> Path | None:
        """Today's automatic backup (the newest DAILY_KEEP are kept), if it is not there yet.
        A failed backup never stands in the way of using the journal."""
        target = maintenance.daily_backup_due(self.db_path)
        if target is None:
            return None
        try:
            private_dir(target.parent.parent, "back up the journal")
            private_dir(target.parent, "back up the journal")
            self.backup(target)
        except JournalError:
            return None
        maintenance.prune_daily(target.parent)
        return target

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> JournalStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One transaction, committed on exit (or at the end of the enclosing batch)."""
        if self._batch_depth:
            yield self._conn
            return
        if self.read_only_reason is not None:
            raise failures.read_only(self.db_path.parent, doing, "it was opened read-only")
        self._retrying(doing, lambda: self._conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.ProgrammingError):
                raise failures.from_sqlite(exc, self.db_path, doing) from exc
            raise

    def _retrying(self, doing: str, attempt: Callable[[], T]) -> T:
        """Run `attempt`, waiting while another process holds the journal, up to the patience."""
        started = time.monotonic()
        told = False
        while True:
            try:
                return attempt()
            except sqlite3.ProgrammingError:
                raise  # a bug (e.g. the wrong thread), not something the person can fix
            except sqlite3.Error as exc:
                waited = time.monotonic() - started
                if not _is_busy(exc) or waited >= self.patience:
                    raise failures.from_sqlite(exc, self.db_path, doing) from exc
                if not told and waited >= BUSY_NOTICE_AFTER and self.on_wait is not None:
                    told = True
                    self.on_wait("Another calm-voice window is using the journal; what you "
                                 "said is kept and will be saved as soon as it is free.")
                time.sleep(min(0.2, max(0.0, self.patience - waited)))

    def _rollback(self) -> None:
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the original failure is the one worth reporting

    @contextmanager
    def batch(self, doing: str = "save the journal") -> Iterator[None]:
        """Group many writes into one commit (imports and benchmarks), not for live dictation."""
        with self._write(doing):
            self._batch_depth += 1
            try:
                yield
            finally:
                self._batch_depth -= 1

    # -- JournalPort --------------------------------------------------------------------------

    def open_entry(self, guide_id: str, step_id: str, prompt_id: str, language: str,
                   model: str, *, step_title: str | None = None,
                   prompt_text: str | None = None) -> int:
        """`step_title` and `prompt_text` are kept with the entry so it reads the same whatever
        guide is loaded later."""
        with self._write("start a journal entry") as conn:
            cursor = conn.execute(
                "INSERT INTO entries (created, guide, step, prompt, language, model, owner, "
                "step_title, prompt_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now(), guide_id, step_id, prompt_id, language, model, recovery.owner_tag(),
                 step_title, prompt_text))
            return int(cursor.lastrowid or 0)

    def add_utterance(self, entry_id: int, final: Final, audio: bytes | None = None,
                      sample_rate: int = 16000, *, audio_start: float | None = None) -> int:
        """Commit one recognised utterance. `audio` is its mono int16 PCM, whose first sample is
        at stream time `audio_start`; by default the audio is taken to be centred on the words
        (an equal margin either side, cut short at the start of the stream)."""
        doing = "save what you just said"
        with self._write(doing) as conn:
            row = conn.execute("SELECT audio_file, audio_rate FROM entries WHERE id = ?",
                               (entry_id,)).fetchone()
            if row is None:
                raise queries.unknown_entry(entry_id)
            placed = None
            if audio and self.keep_audio:
                placed = self._append_audio(conn, entry_id, row[0], row[1], audio,
                                            sample_rate)
            try:
                cursor = conn.execute(
                    'INSERT INTO utterances (entry_id, created, text, words, word_count, '
                    'confidence, start, "end", audio_start, audio_offset, audio_samples) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (entry_id, now(), final.text, queries.words_to_json(final.words),
                     # A typed answer has no word timings, but it has words.
                     len(final.words) or len(final.text.split()),
                     final.confidence, final.start, final.end,
                     centred_start(final, len(audio or b""), sample_rate)
                     if audio_start is None else audio_start,
                     placed[0] if placed else None, placed[1] if placed else None))
            except BaseException:
                if placed:
                    self._truncate_audio(conn, entry_id, placed[0])
                raise
            return int(cursor.lastrowid or 0)

    def _append_audio(self, conn: sqlite3.Connection, entry_id: int, file_name: str | None,
                      rate: int | None, pcm: bytes, sample_rate: int) -> tuple[int, int]:
        first = file_name is None or rate is None
        if file_name is None or rate is None:
            file_name, rate = audio_files.new_file_name(entry_id), sample_rate
            conn.execute("UPDATE entries SET audio_file = ?, audio_rate = ? WHERE id = ?",
                         (file_name, rate, entry_id))
        data = audio_files.resample(pcm, sample_rate, rate)
        path = self.audio_dir / file_name
        private_dir(self.audio_dir, "save what you just said")
        try:
            offset = audio_files.append(path, data, rate, new=first)
        except FileExistsError as exc:
            raise JournalError(
                f"calm-voice would have written over the recording {path}, so it did not save "
                f"what you just said.", "Try again; nothing already saved was changed.") from exc
        except OSError as exc:
            raise failures.from_os(exc, path, "save what you just said") from exc
        return offset, len(data) // audio_files.SAMPLE_BYTES

    def _truncate_audio(self, conn: sqlite3.Connection, entry_id: int, offset: int) -> None:
        row = conn.execute("SELECT audio_file, audio_rate FROM entries WHERE id = ?",
                           (entry_id,)).fetchone()
        if row and row[0]:
            # On failure, unreferenced samples at the end of the file are harmless.
            with suppress(OSError):
                audio_files.truncate(self.audio_dir / row[0], offset, int(row[1]))

    def remove_last_utterance(self, entry_id: int) -> None:
        """Scratch the entry's last utterance; a closed entry left with none goes as a whole
        (a closed entry always has words: see queries.HAS_WORDS)."""
        with self._write("remove what you just said") as conn:
            entry = conn.execute("SELECT closed, audio_file FROM entries WHERE id = ?",
                                 (entry_id,)).fetchone()
            if entry is None:
                raise queries.unknown_entry(entry_id)
            row = conn.execute("SELECT id, audio_offset FROM utterances WHERE entry_id = ? "
                               "ORDER BY id DESC LIMIT 1", (entry_id,)).fetchone()
            if row is None:
                return
            conn.execute("DELETE FROM utterances WHERE id = ?", (row[0],))
            emptied = entry[0] is not None and conn.execute(
                "SELECT 1 FROM utterances WHERE entry_id = ? LIMIT 1", (entry_id,)
            ).fetchone() is None
            if emptied:
                conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
        if emptied and entry[1]:
            audio_files.remove(self.audio_dir / str(entry[1]))
        elif row[1] is not None:
            self._truncate_audio(self._conn, entry_id, int(row[1]))

    def close_entry(self, entry_id: int) -> tuple[int, int]:
        with self._write("finish the journal entry") as conn:
            if not queries.entry_exists(conn, entry_id):
                raise queries.unknown_entry(entry_id)
            count, words = conn.execute(
                "SELECT count(*), coalesce(sum(word_count), 0) FROM utterances "
                "WHERE entry_id = ?", (entry_id,)).fetchone()
            if count:
                conn.execute("UPDATE entries SET closed = ? WHERE id = ?", (now(), entry_id))
        if not count:
            self.delete_entry(entry_id)
        return int(count), int(words)

    # -- review -------------------------------------------------------------------------------

    def edit_utterance(self, utterance_id: int, text: str) -> None:
        """Store the person's correction; the recognised text is kept as the original."""
        text = " ".join(text.split())
        if not text:
            raise JournalError("An utterance cannot be made empty.",
                               "Type the corrected words, or delete the whole entry instead.")
        with self._write("save your correction") as conn:
            row = conn.execute("SELECT coalesce(original_text, text) FROM utterances "
                               "WHERE id = ?", (utterance_id,)).fetchone()
            if row is None:
                raise JournalError(f"There is no utterance {utterance_id} in the journal.",
                                   "It may have been deleted; reopen the entry.")
            if text == row[0]:  # edited back to what was heard: no longer an edit
                conn.execute("UPDATE utterances SET text = ?, original_text = NULL, "
                             "edited = NULL WHERE id = ?", (text, utterance_id))
            else:
                conn.execute("UPDATE utterances SET original_text = coalesce(original_text, "
                             "text), text = ?, edited = ? WHERE id = ?",
                             (text, now(), utterance_id))

    def delete_entry(self, entry_id: int) -> None:
        """Delete the entry, its utterances and its audio file."""
        with self._write("delete the entry") as conn:
            row = conn.execute("SELECT audio_file FROM entries WHERE id = ?",
                               (entry_id,)).fetchone()
            if row is None:
                raise queries.unknown_entry(entry_id)
            conn.execute("DELETE FROM utterances WHERE entry_id = ?", (entry_id,))
            conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
        if row[0]:  # only this entry's own file, named when its first audio was saved
            audio_files.remove(self.audio_dir / str(row[0]))

    def count_entries(self, step: str | None = None) -> int:
        return self._query("read the journal", queries.count_entries, step)

    def list_entries(self, offset: int = 0, limit: int = 100, step: str | None = None,
                     step_order: Sequence[str] | None = None) -> list[EntrySummary]:
        return self._query("read the journal", queries.list_entries, offset, limit, step,
                           step_order)

    def get_entry(self, entry_id: int) -> EntryDetail:
        return self._query("read the entry", queries.get_entry, entry_id)

    def all_entries(self) -> list[EntryDetail]:
        return self._query("read the journal", queries.all_entries)

    def search(self, text: str, limit: int = 100) -> list[SearchHit]:
        return self._query("search the journal", queries.search, text, limit)

    def export(self, fmt: str, guide: Guide | None) -> str:
        """The whole journal as Markdown ("md") or JSON ("json")."""
        entries = self.all_entries()
        if fmt == "json":
            return export.to_json(entries, self.audio_dir, guide)
        if fmt == "md":
            return export.to_markdown(entries, guide)
        raise JournalError(f"'{fmt}' is not an export format.", "Use md or json.")

    def _query(self, doing: str, function: Callable[Concatenate[sqlite3.Connection, P], T],
               *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return self._retrying(doing, lambda: function(self._conn, *args, **kwargs))
        except (ValueError, TypeError) as exc:  # rows SQLite could read but that make no sense
            raise failures.damaged(self.db_path, doing) from exc
