"""An entry's life on a real journal file: stable numbers, the empty-entry rule, entries left
open by a killed process, audio that belongs to its own journal, a long-held lock, a 0-byte
file."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from calm_voice.errors import JournalError, UnknownEntryError
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore
from calm_voice.journal.schema import _V1

PCM = b"\x05\x00" * 3200


def store_at(data: Path, **kwargs: object) -> JournalStore:
    return JournalStore(data / "journal.sqlite3", data / "audio", **kwargs)  # type: ignore[arg-type]


def said(text: str) -> Final:
    return Final(text, tuple(Word(w, i * 0.5, i * 0.5 + 0.4, 0.9)
                             for i, w in enumerate(text.split())), 0.0, 1.0)


def test_entry_numbers_are_never_reused(tmp_path: Path) -> None:
    with store_at(tmp_path) as store:
        first = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(first, said("the first entry"))
        store.close_entry(first)
        empty = store.open_entry("g", "s", "p", "en", "m")
        assert store.close_entry(empty) == (0, 0)
        store.delete_entry(first)
    with store_at(tmp_path) as store:
        again = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(again, said("a different entry"))
    assert again > empty > first
    with store_at(tmp_path) as store, pytest.raises(UnknownEntryError):
        store.get_entry(first)


def test_an_older_journal_keeps_everything_when_it_gains_stable_numbers(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite3"
    tmp_path.chmod(0o700)
    with sqlite3.connect(db, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(_V1 + "PRAGMA user_version = 1;")
        for entry in (1, 2, 3):
            conn.execute("INSERT INTO entries (id, created, closed, guide, step, prompt, "
                         "language, model) VALUES (?, '2026-01-01T00:00:00+00:00', "
                         "'2026-01-01T00:01:00+00:00', 'g', 's', 'p', 'en', 'm')", (entry,))
            conn.execute("INSERT INTO utterances (entry_id, created, text, words, word_count, "
                         "confidence, start, \"end\") VALUES (?, '2026-01-01T00:00:30+00:00', "
                         "?, '[]', 2, 0.9, 0, 1)", (entry, f"old words {entry}"))
        conn.execute("DELETE FROM utterances WHERE entry_id = 3")
        conn.execute("DELETE FROM entries WHERE id = 3")
    with store_at(tmp_path) as store:
        assert [e.id for e in store.list_entries()] == [2, 1]
        assert store.search("old") and store.get_entry(1).utterances[0].text == "old words 1"
        new = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(new, said("new words"))
        store.delete_entry(new)
        newer = store.open_entry("g", "s", "p", "en", "m")
    assert newer > new >= 3


def test_an_entry_with_nothing_said_exists_nowhere(tmp_path: Path) -> None:
    with store_at(tmp_path) as store:
        kept = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(kept, said("something said"))
        silent = store.open_entry("g", "s", "p", "en", "m")  # still open: being spoken
        scratched = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(scratched, said("scratch this"))
        store.remove_last_utterance(scratched)
        for hidden in (silent, scratched):
            with pytest.raises(UnknownEntryError):
                store.get_entry(hidden)
        assert [e.id for e in store.list_entries()] == [kept]
        assert store.count_entries() == 1 and store.count_entries("s") == 1
        assert [e.id for e in store.all_entries()] == [kept]
        assert "nothing was said" not in store.export("md", None)
        assert store.search("scratch") == []
        store.add_utterance(silent, said("now something"))  # appears once something is said
        assert store.count_entries() == 2
        store.close_entry(silent)
        store.remove_last_utterance(silent)  # a closed entry left with nothing goes entirely
        assert store.count_entries() == 1 and store.count_entries("s") == 1
        with pytest.raises(UnknownEntryError):
            store.remove_last_utterance(silent)


HOLDER = r"""
import sys
from pathlib import Path
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore
data = Path(sys.argv[1])
store = JournalStore(data / "journal.sqlite3", data / "audio")
spoken = store.open_entry("g", "s", "p", "en", "m")
store.add_utterance(spoken, Final("said before the crash", (Word("said", 0, .4, .9),), 0, 1),
                    b"\x01\x00" * 1600)
silent = store.open_entry("g", "s", "p", "en", "m")
print(spoken, silent, flush=True)
sys.stdin.read()
"""


def start_holder(data: Path) -> tuple[subprocess.Popen[str], int, int]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(data)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    spoken, silent = (int(n) for n in holder.stdout.readline().split())
    return holder, spoken, silent


def test_entries_left_open_by_a_killed_process_are_closed_at_the_next_start(
        tmp_path: Path) -> None:
    dead, dead_spoken, dead_silent = start_holder(tmp_path)
    alive, alive_spoken, alive_silent = start_holder(tmp_path)
    try:
        dead.send_signal(signal.SIGKILL)
        dead.wait(timeout=30)
        with store_at(tmp_path) as store:
            assert store.abandoned_closed == 2
            assert store.get_entry(dead_spoken).closed is not None
            assert store.get_entry(alive_spoken).closed is None  # its owner is still running
        with sqlite3.connect(tmp_path / "journal.sqlite3") as conn:
            ids = {row[0] for row in conn.execute("SELECT id FROM entries")}
        assert dead_silent not in ids and alive_silent in ids
    finally:
        alive.communicate("", timeout=30)


def test_a_new_journal_never_touches_an_earlier_journals_recordings(tmp_path: Path) -> None:
    audio = tmp_path / "audio"
    with store_at(tmp_path) as store:
        old = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(old, said("the old journal"), PCM)
    [old_file] = audio.iterdir()
    before = old_file.read_bytes()
    for name in ("journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm"):
        (tmp_path / name).unlink(missing_ok=True)  # as if the file had been moved aside
    with store_at(tmp_path) as store:
        new = store.open_entry("g", "s", "p", "en", "m")
        assert new == old  # a new journal counts from 1 again...
        store.add_utterance(new, said("the new journal"), PCM * 2)
        clip = store.entry_audio(new)
        assert clip is not None and clip.pcm == PCM * 2
        store.delete_entry(new)
    assert old_file.read_bytes() == before  # ...but its recording is its own
    assert list(audio.iterdir()) == [old_file]


def test_a_lock_held_for_ten_seconds_loses_nothing(tmp_path: Path) -> None:
    with store_at(tmp_path) as store:
        entry = store.open_entry("g", "s", "p", "en", "m")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(tmp_path / 'journal.sqlite3')!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True)\n"
         "time.sleep(10); c.execute('COMMIT'); print('released', flush=True)"],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    told: list[str] = []
    saved = threading.Event()

    def dictate() -> None:
        with store_at(tmp_path) as writer:
            writer.on_wait = told.append
            writer.add_utterance(entry, said("said while another window held the journal"),
                                 PCM)
            saved.set()

    worker = threading.Thread(target=dictate)
    started = time.monotonic()
    worker.start()
    assert holder.stdout.readline().strip() == "released"
    worker.join(timeout=120)
    assert saved.is_set() and time.monotonic() - started >= 9
    assert len(told) == 1 and "will be saved" in told[0]
    holder.wait(timeout=30)
    with store_at(tmp_path) as store:
        [utterance] = store.get_entry(entry).utterances
        assert utterance.text == "said while another window held the journal"
        clip = store.utterance_audio(utterance.id)
        assert clip is not None and clip.pcm == PCM


def test_a_journal_emptied_to_zero_bytes_is_reported_not_reused(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    db = tmp_path / "journal.sqlite3"
    db.write_bytes(b"")
    for _ in range(2):
        with pytest.raises(JournalError, match=r"empty \(0 bytes\)") as info:
            store_at(tmp_path)
        assert "backup" in str(info.value)
    assert db.stat().st_size == 0


def test_one_damaged_copy_however_often_it_is_opened(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    db = tmp_path / "journal.sqlite3"
    db.write_bytes(b"not a database at all\n" * 400)
    for _ in range(3):
        with pytest.raises(JournalError, match="is damaged"):
            store_at(tmp_path)
    copies = [p for p in tmp_path.glob("journal.sqlite3.damaged-*") if "-wal" not in p.name]
    assert len(copies) == 1 and copies[0].read_bytes() == db.read_bytes()


def test_check_names_a_missing_recording(tmp_path: Path) -> None:
    with store_at(tmp_path) as store:
        entry = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(entry, said("kept with its sound"), PCM)
        report = store.check()
        assert report.problems == [] and (report.entries, report.recordings) == (1, 1)
        [recording] = (tmp_path / "audio").iterdir()
        recording.unlink()
        [problem] = store.check().problems
        assert f"recording of entry {entry}" in problem and "missing" in problem
