"""Many processes, one journal, random SIGKILLs: is every acknowledged write still there?

Workers, each a real process on the same journal (CALM_VOICE_HOME):
  listen  the session loop: one long-lived store dictating utterances (with audio) into entries
  tui     the TUI's shape: a long-lived loop store dictating, plus a store opened per action (as
          the journal screen's workers do) to list, search, read, correct and delete
  cli     `calm-voice journal` commands run through the real CLI entry point (add by store, list,
          search, show, export, backup, delete --yes)
Every few seconds one worker is SIGKILLed and a new one takes its place. After each kill the
journal gets `PRAGMA integrity_check` and every acknowledged write is looked for: each utterance
with its text (or its correction) and, for dictation, its exact audio; each acknowledged
correction; each acknowledged delete still deleted. Only entries of the step "doomed" are ever
deleted, so everything else acknowledged must be present.

    python bench/journal_soak.py [--seconds 180] [--listen 2] [--tui 1] [--cli 2] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from calm_voice.config import load_settings
from calm_voice.errors import CalmVoiceError
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore

RATE = 16000
EDIT_MARK = " (corrected)"


def utterance_for(tag: str, n: int) -> tuple[Final, bytes]:
    words = (Word(tag, 0.0, 0.3, 0.9), Word(str(n), 0.35, 0.6, 0.8))
    pcm = np.random.default_rng(zlib.crc32(f"{tag} {n}".encode())).integers(
        -5000, 5000, RATE // 4, dtype=np.int16)
    return Final(f"{tag} {n}", words, 0.0, 0.6), pcm.tobytes()


def say(*parts: object) -> None:
    print(*parts, flush=True)


def dictate(store: JournalStore, tag: str, n: int, entry: int) -> int:
    """One utterance into `entry` (a new one every 5), acknowledged once committed."""
    if entry == 0 or n % 5 == 0:
        if entry:
            store.close_entry(entry)
            say("C", entry)
        entry = store.open_entry("g", "reason-1", "p", "en", "soak")
    final, pcm = utterance_for(tag, n)
    utterance = store.add_utterance(entry, final, pcm, RATE, audio_start=0.0)
    say("U", entry, utterance, tag, n, "audio")
    return entry


def worker_listen(tag: str, rng: random.Random) -> None:
    store = JournalStore.from_settings(load_settings())
    entry = 0
    for n in range(10**9):
        entry = dictate(store, tag, n, entry)
        time.sleep(rng.uniform(0, 0.05))


def ui_action(rng: random.Random) -> None:
    """What the journal screen does, each in a store of its own."""
    with JournalStore.from_settings(load_settings()) as store:
        choice = rng.random()
        rows = store.list_entries(0, 200)
        if choice < 0.3 or not rows:
            say("R list", len(rows))
            return
        picked = rng.choice(rows)
        if choice < 0.5:
            say("R search", len(store.search(picked.preview.split()[0])))
        elif choice < 0.8:
            detail = store.get_entry(picked.id)
            utterance = rng.choice(detail.utterances)
            store.edit_utterance(utterance.id, utterance.heard_text + EDIT_MARK)
            say("E", utterance.id)
        elif picked.step == "doomed":
            store.delete_entry(picked.id)
            say("D", picked.id)
        else:
            say("R show", len(store.get_entry(picked.id).utterances))


def worker_tui(tag: str, rng: random.Random) -> None:
    loop = JournalStore.from_settings(load_settings())
    entry = 0
    for n in range(10**9):
        if rng.random() < 0.5:
            entry = dictate(loop, tag, n, entry)
        else:
            with contextlib.suppress(CalmVoiceError):  # e.g. an entry deleted meanwhile
                ui_action(rng)


def cli_add(tag: str, n: int, rng: random.Random) -> None:
    step = "doomed" if rng.random() < 0.5 else "keep"
    with JournalStore.from_settings(load_settings()) as store:
        entry = store.open_entry("g", step, "p", "en", "soak")
        for part in range(rng.randint(1, 3)):
            final, _ = utterance_for(tag, n * 10 + part)
            utterance = store.add_utterance(entry, final)
            say("U", entry, utterance, tag, n * 10 + part, step)
        store.close_entry(entry)


def worker_cli(tag: str, rng: random.Random) -> None:
    from calm_voice.cli import main

    for n in range(10**9):
        choice = rng.random()
        if choice < 0.4:
            cli_add(tag, n, rng)
            continue
        command = rng.choice([["list"], ["search", tag], ["export"], ["export", "--format",
                              "json"], ["backup", "--out", f"{tag}-{n}.sqlite3"], ["delete"]])
        if command == ["delete"]:
            with JournalStore.from_settings(load_settings()) as store:
                doomed = [e.id for e in store.list_entries(0, 50, step="doomed")]
            if not doomed:
                continue
            command = ["delete", "--yes", str(rng.choice(doomed))]
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(io.StringIO()):
            code = main(["journal", *command])
        if command[0] == "delete" and code == 0:
            say("D", command[2])
        else:
            say("R", command[0], code)


# -- the parent -------------------------------------------------------------------------------


@dataclass
class Ledger:
    """What the workers acknowledged."""

    utterances: dict[int, tuple[str, int, str]] = field(default_factory=dict)
    edits: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)
    entry_of: dict[int, int] = field(default_factory=dict)
    operations: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, line: str) -> None:
        parts = line.split()
        if not line.endswith("\n") or len(parts) < 2:
            return  # cut short by the kill: not an acknowledgement
        with self.lock:
            self.operations += 1
            if parts[0] == "U":
                entry, utterance = int(parts[1]), int(parts[2])
                self.utterances[utterance] = (parts[3], int(parts[4]), parts[5])
                self.entry_of[utterance] = entry
            elif parts[0] == "E":
                self.edits.add(int(parts[1]))
            elif parts[0] == "D":
                self.deleted.add(int(parts[1]))


@dataclass
class Worker:
    role: str
    tag: str
    process: subprocess.Popen[str]
    reader: threading.Thread


def start(role: str, tag: str, seed: int, home: Path, ledger: Ledger) -> Worker:
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "worker", role, tag, str(seed)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=home,
        env={**os.environ, "CALM_VOICE_HOME": str(home)})

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip():
                ledger.take(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return Worker(role, tag, process, reader)


def stop(worker: Worker) -> None:
    """SIGKILL, then wait until every acknowledgement it made is in the ledger."""
    worker.process.send_signal(signal.SIGKILL)
    worker.process.wait(timeout=60)
    worker.reader.join(timeout=60)


@dataclass
class Tally:
    checks: int = 0
    integrity_ok: int = 0
    acknowledged: int = 0
    present: int = 0
    lost: list[str] = field(default_factory=list)


def verify(home: Path, ledger: Ledger, tally: Tally) -> None:
    with ledger.lock:
        utterances = dict(ledger.utterances)
        edits, deleted = set(ledger.edits), set(ledger.deleted)
        entry_of = dict(ledger.entry_of)
    settings = load_settings()
    db = settings.journal_db
    tally.checks += 1
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = dict(conn.execute("SELECT id, text FROM utterances").fetchall())
        entries = {row[0] for row in conn.execute("SELECT id FROM entries")}
    except sqlite3.DatabaseError as exc:
        tally.acknowledged = len(utterances) + len(edits) + len(deleted)
        tally.present, tally.lost = 0, [f"the journal cannot be read: {exc}"]
        return
    finally:
        conn.close()
    tally.integrity_ok += ok
    lost = []
    must = {u: v for u, v in utterances.items() if v[2] != "doomed"}
    with contextlib.suppress(CalmVoiceError), \
            JournalStore(db, settings.journal_audio_dir) as store:
        for utterance, (tag, n, kind) in must.items():
            final, pcm = utterance_for(tag, n)
            text = rows.get(utterance)
            wanted = {final.text, final.text + EDIT_MARK}
            if utterance in edits:
                wanted = {final.text + EDIT_MARK}
            if text not in wanted:
                lost.append(f"utterance {utterance} ({tag} {n}): {text!r}")
            elif kind == "audio":
                clip = store.utterance_audio(utterance)
                if clip is None or clip.pcm != pcm:
                    lost.append(f"audio of utterance {utterance} ({tag} {n})")
    lost += [f"deleted entry {e} is back" for e in deleted if e in entries]
    lost += [f"edited utterance {u} is gone" for u in edits
             if u not in rows and utterances.get(u, ("", 0, "doomed"))[2] != "doomed"
             and entry_of.get(u) not in deleted]
    tally.acknowledged = len(must) + len(edits) + len(deleted)
    tally.present = tally.acknowledged - len(lost)
    tally.lost = lost


def soak(seconds: float, roles: dict[str, int], seed: int) -> None:
    rng = random.Random(seed)
    ledger = Ledger()
    tally = Tally()
    kills = 0
    left_open = -1
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        home = Path(folder)
        os.environ["CALM_VOICE_HOME"] = str(home)
        JournalStore.from_settings(load_settings()).close()  # one journal for all
        workers: list[Worker] = []
        serial = 0
        try:
            for role, count in roles.items():
                for _ in range(count):
                    serial += 1
                    workers.append(start(role, f"{role}{serial}", rng.randrange(10**9), home,
                                         ledger))
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and not tally.lost:
                time.sleep(rng.uniform(0.5, 3.0))
                victim = rng.choice(workers)
                stop(victim)
                kills += 1
                verify(home, ledger, tally)
                serial += 1
                workers[workers.index(victim)] = start(victim.role, f"{victim.role}{serial}",
                                                       rng.randrange(10**9), home, ledger)
                print(f"kill {kills} ({victim.role}): operations {ledger.operations}, "
                      f"acknowledged {tally.acknowledged}, present {tally.present}, lost "
                      f"{len(tally.lost)}, integrity ok {tally.integrity_ok}/{tally.checks}",
                      flush=True)
        finally:
            for worker in workers:
                stop(worker)
        verify(home, ledger, tally)
        with contextlib.suppress(CalmVoiceError), \
                JournalStore.from_settings(load_settings()) as store:  # the next start
            left_open = store._conn.execute(
                "SELECT count(*) FROM entries WHERE closed IS NULL").fetchone()[0]
    for line in tally.lost[:20]:
        print("LOST", line)
    verdict = "PASS" if not tally.lost and tally.integrity_ok == tally.checks and \
        left_open == 0 else "FAIL"
    print(f"SUMMARY journal soak: {seconds:.0f} s, {sum(roles.values())} processes "
          f"({', '.join(f'{n} {r}' for r, n in roles.items())}), operations "
          f"{ledger.operations}, kills {kills}, acknowledged {tally.acknowledged}, present "
          f"{tally.present}, lost {len(tally.lost)}, integrity ok {tally.integrity_ok}/"
          f"{tally.checks}, left open after restart {left_open} -> {verdict}")


def main() -> None:
    if len(sys.argv) > 4 and sys.argv[1] == "worker":
        role, tag, seed = sys.argv[2], sys.argv[3], int(sys.argv[4])
        workers = {"listen": worker_listen, "tui": worker_tui, "cli": worker_cli}
        workers[role](tag, random.Random(seed))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--listen", type=int, default=2)
    parser.add_argument("--tui", type=int, default=1)
    parser.add_argument("--cli", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    soak(args.seconds, {"listen": args.listen, "tui": args.tui, "cli": args.cli}, args.seed)


if __name__ == "__main__":
    main()
