"""Two real processes on one journal, one of them shaped like the TUI (a loop store that stays
open plus UI-worker stores opened and closed around it). Every committed row must be visible to
every process after every step, and SQLite's -wal/-shm must never vanish under an open
connection: closing any descriptor on the database in a process that holds a connection drops
that process's locks, and the next process to close then deletes the WAL it still writes to."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PEER = r"""
import json, sys
from pathlib import Path
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore

data = Path(sys.argv[1])
def store():
    return JournalStore(data / "journal.sqlite3", data / "audio")
def said(text):
    return Final(text, (Word(text, 0.0, 0.5, 0.9),), 0.0, 0.5)
def visible(s):
    return s._conn.execute("SELECT count(*) FROM utterances").fetchone()[0]

loop = store() if sys.argv[2] == "tui" else None
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    command, _, text = line.strip().partition(" ")
    if command == "loop-write":  # the session loop's long-lived store
        entry = loop.open_entry("g", "s", "p", "en", "m")
        loop.add_utterance(entry, said(text))
        loop.close_entry(entry)
        reply = {"count": visible(loop)}
    elif command == "worker-write":  # a UI worker, or a CLI command: open, write, close
        with store() as worker:
            entry = worker.open_entry("g", "s", "p", "en", "m")
            worker.add_utterance(entry, said(text))
            worker.close_entry(entry)
            reply = {"count": visible(worker)}
    elif command == "count":
        with store() as worker:
            reply = {"count": visible(worker), "loop": visible(loop) if loop else None}
    else:
        break
    print(json.dumps(reply), flush=True)
"""


class Peer:
    def __init__(self, data: Path, shape: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", PEER, str(data), shape],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.ask("") == {"ready": True}

    def ask(self, command: str) -> dict[str, int | None]:
        assert self.process.stdin is not None and self.process.stdout is not None
        if command:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the peer died answering {command!r}"
        reply: dict[str, int | None] = json.loads(line)
        return reply

    def stop(self) -> None:
        self.process.communicate("quit\n", timeout=60)


@pytest.fixture
def peers(tmp_path: Path) -> Iterator[tuple[Peer, Peer]]:
    tui = Peer(tmp_path, "tui")
    cli = Peer(tmp_path, "cli")
    yield tui, cli
    for peer in (tui, cli):
        if peer.process.poll() is None:
            peer.stop()


def test_the_tui_shape_and_a_cli_process_see_every_write(tmp_path: Path,
                                                        peers: tuple[Peer, Peer]) -> None:
    tui, cli = peers
    db = tmp_path / "journal.sqlite3"
    writes = 0
    for step in range(12):
        for peer, command in ((tui, "loop-write"), (tui, "worker-write"), (cli, "worker-write")):
            peer.ask(f"{command} step-{step}")
            writes += 1
            # The TUI's loop store is open throughout, so SQLite's files must still be there.
            assert db.with_name(db.name + "-wal").exists()
            assert db.with_name(db.name + "-shm").exists()
            assert tui.ask("count") == {"count": writes, "loop": writes}
            assert cli.ask("count") == {"count": writes, "loop": None}
    tui.stop()
    cli.stop()
    with __import__("sqlite3").connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM utterances").fetchone()[0] == writes
