"""Time and peak memory of speaking very long text to a file (real espeak-ng), by length.

Each length runs `calm-voice say TEXT --out FILE` in its own process (default speaking rate) and
reports wall time and peak resident memory (ru_maxrss from wait4) against a same-run baseline of
100 characters; "per 1k" figures show whether cost grows linearly with the length.

    python bench/long_text.py [--chars 1000 10000 100000] [--trials 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("quiet", "morning", "water", "slowly", "breathe", "window", "garden", "light")


def sentence(chars: int) -> str:
    """One sentence: words and a comma now and then, one full stop at the end."""
    pick = random.Random(chars)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(pick.choice(WORDS) + ("," if pick.random() < 0.05 else ""))
    return " ".join(words)[: chars - 1].rstrip() + "."


def measure(text: str, out: Path) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one `say --out`."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "calm_voice", "say", text, "--out",
                                str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"say failed ({status}): {process.stderr.read()[-300:]!r}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')} {platform.machine()} {os.cpu_count()} cores, "
          f"{platform.python_version()}; median of {args.trials} runs each")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.wav"
        for chars in [100, *args.chars]:
            runs = [measure(sentence(chars), out) for _ in range(args.trials)]
            wall = statistics.median(r[0] for r in runs)
            peak = statistics.median(r[1] for r in runs)
            audio = (out.stat().st_size - 44) / 2 / 22050
            rows.append((chars, wall, peak))
            base_wall, base_peak = rows[0][1], rows[0][2]
            print(f"{chars:7,} chars ({audio / 60:6.1f} min of speech): {wall:7.2f} s, peak "
                  f"{peak:7.1f} MB; over 100 chars: +{wall - base_wall:6.2f} s, "
                  f"+{peak - base_peak:6.1f} MB; per 1k chars: "
                  f"{(wall - base_wall) / chars * 1000:5.2f} s, "
                  f"{(peak - base_peak) / chars * 1000:5.2f} MB")
    big, small = rows[-1], rows[1]
    ratio = ((big[1] - rows[0][1]) / big[0]) / max(1e-9, (small[1] - rows[0][1]) / small[0])
    print(f"SUMMARY {big[0]:,} chars: {big[1]:.1f} s, peak {big[2]:.0f} MB; time per character "
          f"at {big[0]:,} vs {small[0]:,} chars: {ratio:.2f}x (1.0 = linear)")


if __name__ == "__main__":
    main()
