"""Journal benchmarks: utterance commit time, FTS search over 100,000 utterances, the review
screen with 10,000 entries, and the SIGKILL tally. Each timing is shown next to a baseline
measured in the same run on the same disk.

    python bench/journal.py [--utterances 100000] [--entries 10000] [--kill-rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from calm_voice.events import Final, Word
from calm_voice.guide import Guide, load_guide
from calm_voice.journal import JournalStore
from calm_voice.paths import default_guide_path

WORDS = ("he", "feels", "distant", "work", "stress", "love", "space", "talk", "tonight", "maybe",
         "worried", "calm", "listen", "family", "holiday", "quiet", "phone", "weekend", "tired",
         "hug", "trust", "afraid", "open", "hurt", "time", "together", "alone", "support", "kind")


SCREEN_BASELINE = 1000
"""Entries in the baseline journal: enough that every scroll key in the run really moves."""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 50) * 1000:.2f} ms, p95 {pct(values, 95) * 1000:.2f} ms"


def sentence(rng: random.Random) -> Final:
    count = rng.randint(4, 14)
    words = tuple(Word(rng.choice(WORDS), 0.3 * i, 0.3 * i + 0.25, rng.uniform(0.3, 1.0))
                  for i in range(count))
    return Final(" ".join(w.word for w in words), words, 0.0, words[-1].end)


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def fsync_baseline(folder: Path, rounds: int) -> list[float]:
    """The floor for any durable write here: one small write plus fsync."""
    path = folder / "fsync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)

    def durable_write() -> None:
        os.write(fd, b"x" * 512)
        os.fsync(fd)

    try:
        return [timed(durable_write) for _ in range(rounds)]
    finally:
        os.close(fd)


def bench_commit(folder: Path, rounds: int) -> tuple[list[float], list[float], list[float]]:
    rng = random.Random(1)
    pcm = np.random.default_rng(1).integers(-3000, 3000, 2 * 16000, dtype=np.int16).tobytes()
    results = []
    for keep in (True, False):
        data = folder / f"commit-{keep}"
        with JournalStore(data / "j.sqlite3", data / "audio", keep_audio=keep) as store:
            entry = store.open_entry("g", "reason-1", "p", "en", "m")

            def commit(store: JournalStore = store, entry: int = entry) -> None:
                store.add_utterance(entry, sentence(rng), pcm)

            results.append([timed(commit) for _ in range(rounds)])
    return results[0], results[1], fsync_baseline(folder, rounds)


def build_and_search(data: Path, utterances: int, seed: int) -> tuple[list[float], float]:
    rng = random.Random(seed)
    with JournalStore(data / "j.sqlite3", data / "audio") as store:
        build = time.perf_counter()
        with store.batch():
            entry = 0
            for i in range(utterances):
                if i % 5 == 0:
                    if entry:
                        store.close_entry(entry)  # as dictation does: a journal of closed entries
                    entry = store.open_entry("g", f"reason-{i % 5 + 1}", "p", "en", "m")
                store.add_utterance(entry, sentence(rng))
        build = time.perf_counter() - build
        queries = [rng.choice(WORDS)[: rng.randint(2, 6)] + (" " + rng.choice(WORDS)
                   if rng.random() < 0.5 else "") for _ in range(200)]
        return [timed(lambda q=q: store.search(q)) for q in queries], build  # type: ignore[misc]


def bench_search(folder: Path, utterances: int) -> tuple[list[float], list[float], float]:
    """Search over `utterances`, and the same queries over 1,000 as the baseline."""
    small, _ = build_and_search(folder / "search-small", 1000, 2)
    large, build = build_and_search(folder / "search-large", utterances, 2)
    return large, small, build


def bench_screen(folder: Path, entries: int, guide: Guide) -> dict[str, list[float]]:
    from tests.ui.test_journal_screen import JournalApp
    from textual.widgets import DataTable

    out: dict[str, list[float]] = {}
    for label, count in (("small", SCREEN_BASELINE), ("large", entries)):
        data = folder / f"screen-{count}"
        rng = random.Random(3)
        with JournalStore(data / "j.sqlite3", data / "audio") as store, store.batch():
            for i in range(count):
                entry = store.open_entry("g", guide.steps[i % len(guide.steps)].id, "p", "en", "m")
                store.add_utterance(entry, sentence(rng))
                store.close_entry(entry)

        async def run(data: Path = data, label: str = label) -> None:
            def factory() -> JournalStore:
                return JournalStore(data / "j.sqlite3", data / "audio")

            loads, scrolls = [], []
            for _ in range(3):
                app = JournalApp(factory, guide)
                start = time.perf_counter()
                async with app.run_test(size=(140, 40)) as pilot:
                    table = None
                    while table is None or table.row_count == 0:
                        await pilot.pause(0.005)
                        found = app.screen.query("#journal-list")
                        table = found.first(DataTable) if found else None
                    loads.append(time.perf_counter() - start)
                    for key in ["pagedown"] * 25 + ["end"] + ["pageup"] * 5:
                        begin = time.perf_counter()
                        await pilot.press(key)
                        await pilot.pause()
                        scrolls.append(time.perf_counter() - begin)
                    await app.workers.wait_for_complete()
            out[f"{label}-load"], out[f"{label}-scroll"] = loads, scrolls

        asyncio.run(run())
    return out


def bench_kill(rounds: int) -> tuple[int, int]:
    spec = importlib.util.spec_from_file_location("kill_soak", Path(__file__).with_name(
        "kill_soak.py"))
    assert spec is not None and spec.loader is not None
    soak = importlib.util.module_from_spec(spec)
    sys.modules["kill_soak"] = soak
    spec.loader.exec_module(soak)
    rng = random.Random(4)
    recognised = stored = 0
    with tempfile.TemporaryDirectory() as folder:
        for round_number in range(1, rounds + 1):
            tally = soak.run_round(Path(folder), round_number, rng)
            recognised += tally.recognised
            stored += tally.stored
    return recognised, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--utterances", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--kill-rounds", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    guide = load_guide(default_guide_path())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with_audio, text_only, fsync = bench_commit(folder, args.commits)
        print(f"commit, with 2 s of audio:  {ms(with_audio)}  (goal p95 <= 5 ms)")
        print(f"commit, audio off:          {ms(text_only)}")
        print(f"baseline write+fsync:       {ms(fsync)}  -> commit p95 = "
              f"{pct(with_audio, 95) / pct(fsync, 95):.1f}x one fsync")
        fts, small, build = bench_search(folder, args.utterances)
        print(f"search over {args.utterances} utterances (built in {build:.1f} s): {ms(fts)}  "
              f"(goal p95 <= 20 ms)")
        print(f"baseline, 1000 utterances:  {ms(small)}  -> p95 x"
              f"{pct(fts, 95) / pct(small, 95):.1f} for {args.utterances // 1000}x the data")
        screen = bench_screen(folder, args.entries, guide)
        for label, size in (("small", SCREEN_BASELINE), ("large", args.entries)):
            print(f"screen with {size} entries: first rows after {ms(screen[label + '-load'])}; "
                  f"each scroll key {ms(screen[label + '-scroll'])}")
        ratio = pct(screen["large-scroll"], 95) / pct(screen["small-scroll"], 95)
        load_ratio = pct(screen["large-load"], 50) / pct(screen["small-load"], 50)
    recognised, stored = bench_kill(args.kill_rounds)
    print(f"kill test: {args.kill_rounds} SIGKILLs, utterances recognised {recognised}, "
          f"stored {stored}")
    ok = (pct(with_audio, 95) <= 0.005 and pct(fts, 95) <= 0.020 and recognised == stored)
    print(f"SUMMARY journal: commit p95 {pct(with_audio, 95) * 1000:.2f} ms, search p95 "
          f"{pct(fts, 95) * 1000:.2f} ms, 10k/1k-entry screen load x{load_ratio:.2f} scroll p95 "
          f"x{ratio:.2f}, kill {stored}/{recognised} -> {'PASS' if ok else 'MISS'}")


if __name__ == "__main__":
    main()
