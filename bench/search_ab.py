"""Journal search, this code against another tree's (e.g. `git archive main src | tar -x -C
/tmp/main`), run interleaved in fresh processes so both see the same load. Each run is
bench/journal.py's search benchmark: 200 prefix queries over N utterances."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ONE_RUN = """
import importlib.util, json, sys, tempfile
from pathlib import Path
spec = importlib.util.spec_from_file_location("journal_bench", sys.argv[1])
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
with tempfile.TemporaryDirectory() as tmp:
    large, small, _ = bench.bench_search(Path(tmp), int(sys.argv[2]))
print(json.dumps({"large": bench.pct(large, 50), "small": bench.pct(small, 50)}))
"""


def run(src: Path, utterances: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", ONE_RUN, str(BENCH / "journal.py"),
                           str(utterances)], env=env, capture_output=True, text=True,
                          check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--other-src", type=Path, required=True,
                        help="the src/ folder of the code to compare with")
    parser.add_argument("--utterances", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    this_src = BENCH.parent / "src"
    ratios: list[float] = []
    for round_number in range(1, args.rounds + 1):
        other, this = run(args.other_src, args.utterances), run(this_src, args.utterances)
        ratios.append(this["large"] / other["large"])
        print(f"round {round_number}: p50 over {args.utterances}: other "
              f"{other['large'] * 1000:.2f} ms, this {this['large'] * 1000:.2f} ms; over 1000: "
              f"other {other['small'] * 1000:.2f} ms, this {this['small'] * 1000:.2f} ms")
    print(f"SUMMARY search A/B: this/other p50 over {args.utterances} utterances "
          + ", ".join(f"x{r:.2f}" for r in ratios))


if __name__ == "__main__":
    main()
