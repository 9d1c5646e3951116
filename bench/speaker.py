"""Speaker latency through the real path (espeak-ng → PortAudio → a private PulseAudio speaker).

Measured on the monitor of the virtual speaker, recorded live, so every figure is from the call
to the moment the sound came out (plus parec's own 10 ms, so an upper bound):

* "next" → first audio frame, with look-ahead (the next step was prefetched while the current one
  played) and without it (synthesised on demand), against the floor of the same run: handing an
  already-rendered sentence straight to playback, with no speaker threads in between.
* stop → silence, against the same floor (playback stopped directly).

    python bench/speaker.py [--trials 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.live_record import LiveRecorder, loud_run_starts  # noqa: E402
from tests.support.pulse import SPEAKER, active_span, start_pulse  # noqa: E402

from calm_voice.audio.devices import rescan, resolve_output  # noqa: E402
from calm_voice.audio.playback import Playback  # noqa: E402
from calm_voice.config import AudioSettings, SpeakerSettings  # noqa: E402
from calm_voice.guide import load_guide  # noqa: E402
from calm_voice.paths import default_guide_path  # noqa: E402
from calm_voice.session.script import step_script  # noqa: E402
from calm_voice.speech.speaker import Speaker  # noqa: E402
from calm_voice.speech.synth import RATE  # noqa: E402

SETTLE_S = 0.35


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def lead_of(samples: np.ndarray) -> float:
    """Seconds of quiet at the start of a rendering, before the first loud sample."""
    return active_span(samples, RATE)[0]


def wait_for_sound(rec: LiveRecorder, since: int, timeout: float = 5.0) -> int:
    """Recording position of the first loud sample after `since`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        span = rec.loud_positions(since)
        if span is not None:
            return span[0]
        time.sleep(0.002)
    raise RuntimeError("no sound reached the virtual speaker")


def first_frame(rec: LiveRecorder, start: Callable[[], None], lead: float,
                stop: Callable[[], None]) -> float:
    """Seconds of recording between the call and the sentence's first frame.

    Positions count samples as they arrive from parec, so "the call" is placed a little early
    (by parec's own latency) and the figure is an upper bound.
    """
    time.sleep(SETTLE_S)
    called = rec.position()
    start()
    heard = wait_for_sound(rec, called)
    stop()
    return (heard - called) / rec.rate - lead


def stop_latency(rec: LiveRecorder, start: Callable[[], None], samples: np.ndarray,
                 stop: Callable[[], None]) -> float:
    """Stop while the speech is loud for at least 250 ms more; seconds of sound after the call."""
    lead = int(lead_of(samples) * RATE)
    cut = next(p for p in loud_run_starts(samples, RATE, 0.25) if p > RATE * 0.4)
    time.sleep(SETTLE_S)
    since = rec.position()
    start()
    heard = wait_for_sound(rec, since)
    while rec.position() < heard + (cut - lead):
        time.sleep(0.001)
    stopped = rec.position()
    stop()
    time.sleep(SETTLE_S)
    span = rec.loud_positions(since)
    assert span is not None
    return (span[1] - stopped) / rec.rate


def row(name: str, values: list[float], floor: list[float] | None = None) -> str:
    p50, p95 = pct(values, 50) * 1000, pct(values, 95) * 1000
    line = f"{name:<34} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms"
    if floor is not None:
        line += f"   (p50 {p50 - pct(floor, 50) * 1000:+.1f} ms over the floor)"
    return line


async def _first_paint(home: Path) -> float:
    """Seconds from building the app to its first screen (same measure as bench/tui.py)."""
    from calm_voice.config import load_settings
    from calm_voice.ui.app import make_app

    os.environ["CALM_VOICE_HOME"] = str(home)
    settings = load_settings(None, models_dir=home / "models")
    started = time.perf_counter()
    app = make_app(settings, load_guide(default_guide_path()), voice=True)
    async with app.run_test(size=(120, 40)) as pilot:
        painted = time.perf_counter() - started
        await pilot.press("q")
    return painted


def first_paints(runs: int) -> list[float]:
    import asyncio
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return [asyncio.run(_first_paint(Path(tmp) / f"run-{n}")) for n in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--paint-runs", type=int, default=8)
    args = parser.parse_args()

    server = start_pulse(Path(f"/tmp/calm-bench-{os.getpid()}"))
    server.apply_to_environ()
    rescan()
    rec = LiveRecorder(server, f"{SPEAKER}.monitor")
    guide = load_guide(default_guide_path())
    scripts = [step_script(guide, index) for index in range(len(guide.steps))]
    try:
        rec.wait_ready()
        ahead = Speaker(SpeakerSettings(lookahead=True), AudioSettings())
        cold = Speaker(SpeakerSettings(lookahead=False), AudioSettings())
        playback = Playback(resolve_output(None))
        playback.start()
        print(f"device: {ahead.device_name} at {ahead.device_rate} Hz, "
              f"reported output latency {playback.latency * 1000:.1f} ms; "
              f"voice {ahead.voice_name}; {args.trials} trials each")

        floor_first: list[float] = []
        with_ahead: list[float] = []
        without: list[float] = []
        floor_stop: list[float] = []
        stops: list[float] = []
        for trial in range(args.trials):
            script = scripts[trial % len(scripts)]
            # Floor: an already-rendered sentence straight into the running stream.
            pcm = ahead.synthesize(script[0]).samples

            def raw_start(samples: np.ndarray = pcm) -> None:
                playback.enqueue(playback.new_run(), 0, samples)

            floor_first.append(first_frame(rec, raw_start, lead_of(pcm), playback.stop))
            # With look-ahead: the step was prefetched while the one before it was playing.
            ahead.prefetch(script)
            for text in script:
                ahead.synthesize(text)
            with_ahead.append(first_frame(
                rec, lambda s=script: ahead.speak("next", s), lead_of(pcm), ahead.stop))
            # Without: nothing rendered beforehand (a 1-wpm nudge empties the cache).
            cold.adjust(rate_delta=1 if trial % 2 == 0 else -1)
            lead = lead_of(cold.synthesize(script[0]).samples)
            cold.adjust(rate_delta=1 if trial % 2 == 0 else -1)
            without.append(first_frame(
                rec, lambda s=script: cold.speak("next", s), lead, cold.stop))
            # Stop: through the speaker, and the floor of stopping playback directly.
            long_text = script[1] if len(script) > 1 else script[0]
            samples = ahead.synthesize(long_text).samples
            stops.append(stop_latency(
                rec, lambda t=long_text: ahead.speak("stop", [t]), samples, ahead.stop))
            floor_stop.append(stop_latency(
                rec, lambda s=samples: playback.enqueue(playback.new_run(), 0, s), samples,
                playback.stop))
        playback.close()
        cold.close()
        ahead.close()
        paints = first_paints(args.paint_runs)
    finally:
        rec.stop()
        server.stop()

    print(row("floor: rendered PCM → playback", floor_first))
    print(row('"next" → first frame, look-ahead', with_ahead, floor_first))
    print(row('"next" → first frame, no look-ahead', without, floor_first))
    print(row("floor: playback.stop() → silence", floor_stop))
    print(row("speaker.stop() → silence", stops, floor_stop))
    print(row("TUI first paint (engines load after)", paints))
    ratio = pct(without, 50) / max(1e-6, pct(with_ahead, 50))
    print(f"SUMMARY speaker: first frame p95 {pct(with_ahead, 95) * 1000:.0f} ms with look-ahead "
          f"(goal <= 50), {pct(without, 95) * 1000:.0f} ms without ({ratio:.2f}x p50); "
          f"stop p95 {pct(stops, 95) * 1000:.0f} ms (goal <= 50); "
          f"first paint p95 {pct(paints, 95) * 1000:.0f} ms (goal <= 500)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
