"""Kill soak: dictate into the real JournalStore in a child process, SIGKILL it at a random
moment, reopen the journal and check that every utterance the child reported as committed is
stored intact (text, words and audio). Prints the tally: utterances recognised vs stored.

    python bench/kill_soak.py [--rounds 30] [--seed 1]
    python bench/kill_soak.py child DATA_DIR FIRST   (used by the rounds, and by the tests)
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore

RATE = 16000
PER_ENTRY = 7
VOCABULARY = ("I", "feel", "he", "is", "distant", "tired", "work", "stress", "love", "space",
              "talk", "tonight", "maybe", "worried", "calm", "listen")


def utterance_for(n: int) -> tuple[Final, bytes]:
    """The n-th dictated utterance: deterministic text, word times and audio."""
    rng = random.Random(n)
    count = rng.randint(2, 9)
    words = []
    at = 0.3
    for _ in range(count):
        length = rng.uniform(0.15, 0.5)
        words.append(Word(rng.choice(VOCABULARY), round(at, 3), round(at + length, 3),
                          round(rng.uniform(0.3, 1.0), 3)))
        at += length + 0.05
    final = Final(f"{n} " + " ".join(w.word for w in words), tuple(words), words[0].start, at)
    pcm = np.random.default_rng(n).integers(-8000, 8000, int(at * RATE), dtype=np.int16)
    return final, pcm.tobytes()


def child(data_dir: Path, first: int) -> None:
    """Dictate as fast as the store commits, printing `entry utterance n` after each commit."""
    store = JournalStore(data_dir / "journal.sqlite3", data_dir / "audio")
    n = first
    entry = 0
    while True:
        if n % PER_ENTRY == 0 or not entry:
            if entry:
                store.close_entry(entry)
            entry = store.open_entry("his-distance", "reason-1", "reason-1-pressures", "en", "soak")
        final, pcm = utterance_for(n)
        utterance = store.add_utterance(entry, final, pcm, RATE, audio_start=0.0)
        print(entry, utterance, n, flush=True)
        n += 1


@dataclass
class Tally:
    recognised: int = 0
    stored: int = 0
    missing: list[str] = field(default_factory=list)


def verify(data_dir: Path, reported: list[tuple[int, int, int]]) -> Tally:
    """Reopen the journal; count reported utterances that are there with the same content."""
    tally = Tally(recognised=len(reported))
    with JournalStore(data_dir / "journal.sqlite3", data_dir / "audio") as store:
        entries = {}
        for entry_id, utterance_id, n in reported:
            if entry_id not in entries:
                entries[entry_id] = {u.id: u for u in store.get_entry(entry_id).utterances}
            final, pcm = utterance_for(n)
            found = entries[entry_id].get(utterance_id)
            clip = store.utterance_audio(utterance_id)
            if (found is not None and found.text == final.text and found.words == final.words
                    and clip is not None and clip.pcm == pcm):
                tally.stored += 1
            else:
                tally.missing.append(f"entry {entry_id} utterance {utterance_id} (#{n})")
    return tally


def run_round(data_dir: Path, round_number: int, rng: random.Random) -> Tally:
    """Start the child, let it commit a random number of utterances, SIGKILL it, verify."""
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "child", str(data_dir),
         str(round_number * 1_000_000)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    wanted = rng.randint(1, 40)
    reported: list[tuple[int, int, int]] = []
    for line in process.stdout:
        entry, utterance, n = (int(part) for part in line.split())
        reported.append((entry, utterance, n))
        if len(reported) >= wanted:
            break
    process.send_signal(signal.SIGKILL)
    # Lines already in the pipe were committed before the kill too.
    rest, errors = process.communicate(timeout=30)
    for line in rest.splitlines():
        parts = line.split()
        if len(parts) == 3:
            entry, utterance, n = (int(part) for part in parts)
            reported.append((entry, utterance, n))
    if not reported:
        raise RuntimeError(f"the dictation child reported nothing: {errors[-2000:]}")
    return verify(data_dir, reported)


def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "child":
        child(Path(sys.argv[2]), int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    total = Tally()
    with tempfile.TemporaryDirectory() as folder:
        for round_number in range(1, args.rounds + 1):
            tally = run_round(Path(folder), round_number, rng)
            total.recognised += tally.recognised
            total.stored += tally.stored
            total.missing += tally.missing
            print(f"round {round_number}: recognised {tally.recognised}, stored {tally.stored}")
    verdict = "PASS" if total.recognised == total.stored else "FAIL"
    print(f"kill soak: {args.rounds} SIGKILLs, utterances recognised {total.recognised}, "
          f"stored {total.stored}, missing {len(total.missing)} -> {verdict}")


if __name__ == "__main__":
    main()
