"""`calm-voice say`: to a file, to the virtual speaker, and every way it can be asked wrongly."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import python_cmd
from tests.support.live_record import LiveRecorder
from tests.support.pulse import SPEAKER, PulseServer, read_wav

NO_SOUND_SERVER = {"PULSE_SERVER": "unix:/nonexistent/calm-voice-test"}


def say(*args: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python_cmd(), *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def sox_info(path: Path, flag: str) -> str:
    return subprocess.run(["sox", "--i", flag, str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_step_to_a_wav_file(tmp_path: Path) -> None:
    out = tmp_path / "react-4.wav"
    result = say("say", "--step", "react-4", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"to {out}" in result.stdout
    assert sox_info(out, "-r") == "22050"
    assert sox_info(out, "-c") == "1"
    seconds = float(sox_info(out, "-D"))
    assert 5 < seconds < 60
    assert f"{seconds:.1f} s" in result.stdout
    samples, _rate = read_wav(out)
    assert np.abs(samples.astype(np.int32)).max() > 3000


def test_text_to_a_wav_file_follows_the_configured_rate(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("speaker:\n  rate: 320\n")
    normal, fast = tmp_path / "normal.wav", tmp_path / "fast.wav"
    text = "Breathe in slowly. Hold it for a moment. Now breathe out."
    assert say("say", text, "--out", str(normal)).returncode == 0
    assert say("--config", str(config), "say", text, "--out", str(fast)).returncode == 0
    assert float(sox_info(fast, "-D")) < 0.75 * float(sox_info(normal, "-D"))


def test_unknown_step_names_the_problem_and_the_steps() -> None:
    result = say("say", "--step", "reason-99")
    assert result.returncode == 2
    assert "There is no step called 'reason-99'." in result.stderr
    assert "reason-1" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_output_device_is_a_short_message() -> None:
    result = say("say", "Hello.", env=NO_SOUND_SERVER)
    assert result.returncode == 2
    assert "No speaker (output device) was found." in result.stderr
    assert "calm-voice devices" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_folder_for_the_file(tmp_path: Path) -> None:
    result = say("say", "Hello.", "--out", str(tmp_path / "nowhere" / "x.wav"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_empty_text() -> None:
    result = say("say", "   ")
    assert result.returncode == 2
    assert "nothing to say" in result.stderr


def test_text_and_step_together_is_refused() -> None:
    result = say("say", "Hello.", "--step", "intro")
    assert result.returncode == 2
    assert "not allowed with" in result.stderr


@pytest.mark.audio
def test_text_is_spoken_through_the_chosen_output_device(pulse: PulseServer) -> None:
    recorder = LiveRecorder(pulse, f"{SPEAKER}.monitor")
    try:
        recorder.wait_ready()
        mark = recorder.mark()
        result = say("--output-device", "pulse", "say", "Hello there. This is calm voice.")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == ["Hello there.", "This is calm voice."]
        span = recorder.loud_times(mark)
        assert span is not None, "nothing reached the speaker"
        assert span[1] - span[0] > 1.0
    finally:
        recorder.stop()


@pytest.mark.audio
def test_unknown_output_device(pulse: PulseServer) -> None:
    result = say("--output-device", "headphones-that-are-not-there", "say", "Hello.")
    assert result.returncode == 2
    assert "headphones-that-are-not-there" in result.stderr
    assert "--output-device with one of:" in result.stderr
