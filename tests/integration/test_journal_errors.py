"""Real failure paths: a locked, damaged or newer journal, a full disk, a read-only data folder.
Each gives a clear JournalError, and nothing stored before is lost or altered."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from calm_voice.errors import JournalError
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore


def store_at(data: Path, **kwargs: object) -> JournalStore:
    return JournalStore(data / "journal.sqlite3", data / "audio", **kwargs)  # type: ignore[arg-type]


def said(text: str) -> Final:
    return Final(text, tuple(Word(w, i * 0.5, i * 0.5 + 0.4, 0.9)
                             for i, w in enumerate(text.split())), 0.0, 1.0)


def seed(data: Path) -> int:
    with store_at(data) as store:
        entry = store.open_entry("g", "reason-1", "p", "en", "m")
        store.add_utterance(entry, said("this must survive"), b"\x01\x00" * 16000)
        return entry


def assert_intact(data: Path, entry: int) -> None:
    with store_at(data) as store:
        detail = store.get_entry(entry)
        assert [u.text for u in detail.utterances] == ["this must survive"]
        clip = store.entry_audio(entry)
        assert clip is not None and clip.pcm == b"\x01\x00" * 16000


def test_locked_by_another_window(tmp_path: Path) -> None:
    entry = seed(tmp_path)
    other = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         f"c = sqlite3.connect({str(tmp_path / 'journal.sqlite3')!r}, isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "locked"
        with store_at(tmp_path, busy_timeout=0.2) as store:
            with pytest.raises(JournalError, match="locked by another calm-voice window") as info:
                store.add_utterance(entry, said("while locked"))
            assert "Close the other calm-voice window" in str(info.value)
            assert store.get_entry(entry).utterances  # reading still works under WAL
    finally:
        other.communicate("", timeout=20)
    assert_intact(tmp_path, entry)


def test_garbage_file_is_left_untouched_and_copied(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    db = tmp_path / "journal.sqlite3"
    db.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    before = db.read_bytes()
    with pytest.raises(JournalError, match="is damaged") as info:
        store_at(tmp_path)
    assert "left untouched" in str(info.value)
    assert db.read_bytes() == before
    [copy] = tmp_path.glob("journal.sqlite3.damaged-*")
    assert copy.read_bytes() == before and str(copy) in str(info.value)


def test_damaged_pages_are_reported_on_read_without_changing_the_file(tmp_path: Path) -> None:
    with store_at(tmp_path) as store, store.batch():
        for i in range(300):
            entry = store.open_entry("g", "s", "p", "en", "m")
            store.add_utterance(entry, said(f"entry number {i} with some words to fill pages"))
    db = tmp_path / "journal.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    for start in range(page, len(data) - page, 2 * page):  # spare the header page
        data[start: start + 300] = b"\xff" * 300
    db.write_bytes(bytes(data))
    with pytest.raises(JournalError, match="is damaged"), store_at(tmp_path) as store:
        store.all_entries()
    assert db.read_bytes() == bytes(data)
    assert list(tmp_path.glob("journal.sqlite3.damaged-*"))


def test_sqlite_full_keeps_earlier_entries(tmp_path: Path) -> None:
    entry = seed(tmp_path)
    with store_at(tmp_path, keep_audio=False) as store:
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(JournalError, match="The disk is full") as info:
            for i in range(500):
                store.add_utterance(entry, said(f"long words {i} " * 40))
        assert "Everything saved before is still there" in str(info.value)
    with store_at(tmp_path) as store:
        texts = [u.text for u in store.get_entry(entry).utterances]
    assert texts[0] == "this must survive"
    assert all(t.startswith("long words") for t in texts[1:])  # no half-written utterance


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root; the SQLITE_FULL test covers the rest")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk_keeps_earlier_entries(small_tmpfs: Path) -> None:
    data = small_tmpfs / "data"
    entry = seed(data)
    with store_at(data) as store, pytest.raises(JournalError, match="The disk is full"):
        for _ in range(100):
            store.add_utterance(entry, said("and more"), b"\x02\x00" * 16000)
    with store_at(data) as store:
        detail = store.get_entry(entry)
        assert detail.utterances[0].text == "this must survive"
        for utterance in detail.utterances[1:]:
            clip = store.utterance_audio(utterance.id)
            assert clip is not None and clip.pcm == b"\x02\x00" * 16000


def test_a_read_only_data_folder(small_tmpfs: Path) -> None:
    data = small_tmpfs / "data"
    entry = seed(data)
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    try:
        with pytest.raises(JournalError, match="cannot .*data folder") as info:
            store_at(data)
        assert "CALM_VOICE_HOME" in str(info.value)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_tmpfs)], check=True)
    assert_intact(data, entry)


def test_a_data_folder_that_cannot_exist(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(JournalError, match="cannot create its data folder"):
        store_at(blocker / "data")
