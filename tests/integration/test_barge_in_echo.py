"""Barge-in with a real echo path: PulseAudio loops the virtual speaker back into the virtual
microphone (module-loopback, its own buffering and clock), so `listen` hears the guide it
reads as loudly as the person. Real Vosk, real espeak-ng, real PortAudio streams."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_voice_loop import KO_CONFIG, espeak_ko
from tests.support.listen_run import ListenRun
from tests.support.live_record import LiveRecorder
from tests.support.pulse import MIC, SPEAKER, PulseServer

pytestmark = [pytest.mark.audio, pytest.mark.vosk]


@pytest.fixture
def echo_path(pulse: PulseServer) -> Iterator[None]:
    module = pulse.pactl("load-module", "module-loopback", f"source={SPEAKER}.monitor",
                         f"sink={MIC}", "latency_msec=60").strip()
    try:
        yield
    finally:
        pulse.pactl("unload-module", module)


def _obeyed(run: ListenRun, after: int) -> list[str]:
    """Commands carried out once it listened (the first, "resume", is its own start)."""
    return [line for line in run.lines[after:]
            if "command: " in line and "command: quit" not in line]


def test_stop_said_over_the_guides_echo_is_obeyed_and_the_echo_is_not(
        pulse: PulseServer, echo_path: None, tmp_path: Path, korean_model_path: Path) -> None:
    recorder = LiveRecorder(pulse, f"{SPEAKER}.monitor")
    said = espeak_ko("멈춰", tmp_path / "stop.wav")
    run = ListenRun(pulse, tmp_path / "home",
                    ["--model", str(korean_model_path), "listen", "--from", "reason-1"],
                    KO_CONFIG)
    try:
        recorder.wait_ready()
        mark = recorder.mark()
        listening = run.wait_for("microphone: listening", timeout=120)
        recorder.wait_loud(mark, 4.0, timeout=60)  # the canceller has heard the guide a while
        assert _obeyed(run, listening) == [], run.lines  # its own voice, looped back

        line = len(run.lines)
        pulse.play(said).wait(timeout=20)
        heard = run.wait_for("command: stop", timeout=30, after=line)
        stopped_at = run.times[heard]
        recorder.wait_quiet(mark, 1.5)
        last_sound = recorder.loud_times(mark)
    finally:
        recorder.stop()
        run.quit()
    assert _obeyed(run, listening) == [run.lines[heard]], run.lines
    assert last_sound is not None and last_sound[1] < stopped_at + 0.5, run.lines
