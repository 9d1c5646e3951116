"""`calm-voice journal` as real processes on a real journal: reading from a read-only or full
disk, check and repair of a damaged file, a backup while another process writes, and output
into a pipe that its reader has closed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from calm_voice.config import load_settings
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore
from tests.conftest import python_cmd


def said(text: str) -> Final:
    return Final(text, tuple(Word(w, i * 0.5, i * 0.5 + 0.4, 0.9)
                             for i, w in enumerate(text.split())), 0.0, 1.0)


def run(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python_cmd(), "journal", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=300, env=dict(os.environ))


def fill(entries: int, utterances: int = 1, text: str = "a quiet evening walk") -> list[int]:
    ids = []
    with JournalStore.from_settings(load_settings()) as store, store.batch():
        for i in range(entries):
            entry = store.open_entry("his-distance", "reason-1", "reason-1-pressures", "en", "m")
            for j in range(utterances):
                store.add_utterance(entry, said(f"{text} number {i} part {j}"))
            store.close_entry(entry)
            ids.append(entry)
    return ids


@pytest.fixture
def small_home(calm_home: Path) -> Iterator[Path]:
    """CALM_VOICE_HOME on its own 2 MB tmpfs, which a test may fill or make read-only."""
    calm_home.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(calm_home)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    yield calm_home
    subprocess.run(["umount", "-l", str(calm_home)], check=False)


def test_a_read_only_disk_can_still_be_read(small_home: Path) -> None:
    fill(3)
    subprocess.run(["mount", "-o", "remount,ro", str(small_home)], check=True)
    listed = run("list")
    assert listed.returncode == 0, listed.stderr
    assert "number 2 part 0" in listed.stdout and "opened read-only" in listed.stderr
    assert "number 1" in run("search", "quiet").stdout
    assert "number 0" in run("show", "1").stdout
    assert "number 0" in run("export").stdout
    deleted = run("delete", "--yes", "1")
    assert deleted.returncode == 2 and "cannot write" in deleted.stderr
    assert "Traceback" not in deleted.stderr


def test_a_full_disk_can_still_be_read_and_says_it_is_full(small_home: Path) -> None:
    fill(3)
    filler = small_home / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    try:
        listed = run("list")
        assert listed.returncode == 0, listed.stderr
        assert "number 2 part 0" in listed.stdout and "disk is full" in listed.stderr
        deleted = run("delete", "--yes", "1")
        assert deleted.returncode == 2 and "The disk is full" in deleted.stderr
    finally:
        filler.unlink()
    assert run("delete", "--yes", "1").returncode == 0  # with space again, writing works


def damage(db: Path) -> bytes:
    """Overwrite the start of every other page after the first few (the schema survives)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    for start in range(6 * 4096, len(data) - 4096, 8 * 4096):
        data[start: start + 200] = b"\xff" * 200
    db.write_bytes(bytes(data))
    return bytes(data)


def test_check_finds_damage_and_repair_keeps_what_can_be_read(calm_home: Path) -> None:
    fill(300, text="a long sentence that fills pages of the journal with words")
    db = calm_home / "data" / "journal.sqlite3"
    healthy = run("check")
    assert healthy.returncode == 0 and "The journal is healthy" in healthy.stdout
    damaged = damage(db)
    checked = run("check")
    assert checked.returncode == 2 and "journal repair" in checked.stderr
    repaired = run("repair")
    assert repaired.returncode == 0, repaired.stderr
    kept = int(repaired.stdout.split("kept ")[1].split()[0])
    assert 0 < kept < 300
    [copy] = [p for p in db.parent.glob("journal.sqlite3.damaged-*") if "-" not in p.name[-4:]]
    assert copy.read_bytes() == damaged
    assert run("check").returncode == 0
    listed = run("list", "--limit", "1000")
    assert len(listed.stdout.splitlines()) == kept + 1  # the heading line
    assert run("search", "sentence").stdout.count("*sentence*") >= min(kept, 100)


WRITER = r"""
import sys
from calm_voice.config import load_settings
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore
with JournalStore.from_settings(load_settings()) as store:
    for i in range(int(sys.argv[1])):
        entry = store.open_entry("g", "reason-1", "p", "en", "m")
        for j in range(3):
            store.add_utterance(entry, Final(f"line {i} {j}", (Word("line", 0, .4, .9),), 0, 1))
        store.close_entry(entry)
        print(i, flush=True)
"""


def test_a_backup_while_another_process_writes_is_whole(calm_home: Path,
                                                        tmp_path: Path) -> None:
    fill(1)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, "400"], stdout=subprocess.PIPE,
                              text=True, env=dict(os.environ))
    assert writer.stdout is not None
    backups = []
    try:
        for n in range(4):
            writer.stdout.readline()  # the writer is mid-way through its entries
            target = tmp_path / f"copy-{n}.sqlite3"
            done = run("backup", "--out", str(target))
            assert done.returncode == 0, done.stderr
            backups.append(target)
    finally:
        writer.wait(timeout=300)
    assert run("backup", "--out", str(backups[0])).returncode == 2  # never over a file
    for target in backups:
        assert target.stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(target) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.execute("INSERT INTO utterance_fts(utterance_fts, rank) "
                         "VALUES ('integrity-check', 1)")
            per_entry = {row[0] for row in conn.execute(
                "SELECT count(*) FROM utterances WHERE entry_id > 1 GROUP BY entry_id")}
            assert per_entry <= {1, 2, 3}  # one snapshot: entries mid-way are simply earlier
    daily = list((calm_home / "data" / "backups" / "daily").glob("journal-*.sqlite3"))
    assert len(daily) == 1  # made once, by the first open of the day


def closed_pipe_run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run with stdout into a pipe whose reader is already gone: every write fails (EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([*python_cmd(), *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=300, env=dict(os.environ))
    finally:
        os.close(write_end)


def test_printing_into_a_closed_pipe_ends_quietly(calm_home: Path, tmp_path: Path,
                                                  korean_model_path: Path) -> None:
    [entry] = fill(1, utterances=50)
    wav = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), "다시 시작"], check=True,
                   capture_output=True, timeout=60)
    for args in (("journal", "list"), ("journal", "search", "quiet"),
                 ("journal", "show", str(entry)), ("journal", "export"),
                 ("--model", str(korean_model_path), "transcribe", str(wav))):
        done = closed_pipe_run(*args)
        assert done.returncode == 1 and done.stderr == "", (args, done.stderr)
    shell = subprocess.run(f"{' '.join(python_cmd())} journal show {entry} | head -2",
                           shell=True, capture_output=True, text=True, timeout=300)
    assert len(shell.stdout.splitlines()) == 2 and "Traceback" not in shell.stderr


def test_markdown_shows_control_characters_the_journal_keeps(calm_home: Path) -> None:
    with JournalStore.from_settings(load_settings()) as store:
        entry = store.open_entry("his-distance", "reason-1", "reason-1-pressures", "en", "m")
        store.add_utterance(entry, said("red \x1b[31mALERT\x1b[0m bell\x07"))
        assert store.get_entry(entry).utterances[0].text == "red \x1b[31mALERT\x1b[0m bell\x07"
    for args in (("export",), ("show", str(entry)), ("list",)):
        out = run(*args).stdout
        assert "\x1b" not in out and "\x07" not in out and "␛[31mALERT" in out, args
    assert "\\u001b[31mALERT" in run("export", "--format", "json").stdout
