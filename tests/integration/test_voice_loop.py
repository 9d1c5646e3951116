"""The whole hands-free loop on the virtual devices: voice → session → speaker, with real Vosk,
real espeak-ng and real PortAudio streams. The Korean model drives it (see docs/design.md,
"Testing with real parts")."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from tests.support.listen_run import REPO, ListenRun
from tests.support.pulse import SPEAKER, PulseServer, read_wav

pytestmark = [pytest.mark.audio, pytest.mark.vosk]

KO_GUIDE = REPO / "tests" / "data" / "guide.ko.yaml"
KO_CONFIG = "recognizer: {language: ko}\nspeaker: {rate: 150}\n"


def espeak_ko(text: str, out: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(out), text], check=True)
    return out


def loud_seconds(path: Path, start: float = 0.0, end: float | None = None) -> float:
    """Seconds of the recording (between start and end) louder than quiet speech."""
    samples, rate = read_wav(path)
    part = samples[int(start * rate): None if end is None else int(end * rate)]
    frames = part[: part.size - part.size % 441].reshape(-1, 441).astype(np.float64)
    rms = np.sqrt((frames ** 2).mean(axis=1)) if frames.size else np.zeros(0)
    return float((rms > 300).sum() * 441 / rate)


def test_spoken_next_moves_on_and_the_next_step_is_heard(
        pulse: PulseServer, tmp_path: Path, korean_model_path: Path) -> None:
    run = ListenRun(pulse, tmp_path / "home",
                    ["--guide", str(KO_GUIDE), "--model", str(korean_model_path), "listen",
                     "--quiet-start"], KO_CONFIG)
    try:
        run.wait_for("microphone: listening")
        recording = pulse.record(f"{SPEAKER}.monitor", tmp_path / "speaker.wav")
        time.sleep(0.5)
        assert loud_seconds  # the speaker is silent until a command comes
        pulse.play(espeak_ko("다음", tmp_path / "next.wav")).wait(timeout=20)
        heard = run.wait_for("command: next")
        run.wait_for("reading: step 2", after=heard)
        run.wait_for("saying:", after=heard)  # the step was read to its end, then its prompt
        recording.terminate()
        recording.wait(timeout=10)
    finally:
        assert run.quit() == 0
    assert loud_seconds(tmp_path / "speaker.wav") > 0.5, "\n".join(run.lines)


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
    run.wait_for_any(["saying:", "command: "], timeout=60, after=reading + 1)
    time.sleep(1.0)
    return run


def _obeyed(run: ListenRun) -> list[str]:
    """Commands it carried out other than the ones typed by the test."""
    return [line for line in run.lines if "command: " in line
            and "command: quit" not in line and "command: repeat" not in line]


def test_the_guide_never_obeys_its_own_voice(pulse: PulseServer, tmp_path: Path,
                                             korean_model_path: Path) -> None:
    guarded = _self_trigger_run(pulse, tmp_path / "guarded", korean_model_path, reject=True)
    try:
        assert guarded.has("ignored:") and guarded.has("guide's own voice"), guarded.lines
        assert _obeyed(guarded) == [], guarded.lines
    finally:
        guarded.quit()
    # The same run without the guard does obey itself, so the check above can fail.
    unguarded = _self_trigger_run(pulse, tmp_path / "unguarded", korean_model_path, reject=False)
    try:
        assert _obeyed(unguarded) != [], unguarded.lines
        assert not unguarded.has("guide's own voice")
    finally:
        unguarded.quit()


def test_spoken_stop_silences_the_guide_mid_step(pulse: PulseServer, tmp_path: Path,
                                                  korean_model_path: Path) -> None:
    run = ListenRun(pulse, tmp_path / "home",
                    ["--model", str(korean_model_path), "listen", "--from", "reason-1"],
                    KO_CONFIG)
    try:
        run.wait_for("Listening on")
        recording = pulse.record(f"{SPEAKER}.monitor", tmp_path / "speaker.wav")
        time.sleep(3.0)  # the English step is being read
        pulse.play(espeak_ko("멈춰", tmp_path / "stop.wav")).wait(timeout=20)
        run.wait_for("command: stop")
        stopped_at = time.monotonic()
        time.sleep(3.0)
        recording.terminate()
        recording.wait(timeout=10)
        recorded = read_wav(tmp_path / "speaker.wav")
        total = recorded[0].size / recorded[1]
        after = total - (time.monotonic() - stopped_at)
    finally:
        run.quit()
    assert loud_seconds(tmp_path / "speaker.wav", 0, 2.5) > 1.0  # it was reading
    assert loud_seconds(tmp_path / "speaker.wav", after + 0.5) == 0.0  # and then it was quiet
