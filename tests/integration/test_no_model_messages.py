"""Without a speech model, each command says what it cannot do, and how to get a model."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import python_cmd
from tests.support.speech import espeak

REPO = Path(__file__).resolve().parents[2]
GET_ONE = ("Get one with: calm-voice models download vosk-model-small-en-us-0.15 (needs the "
           "internet), or install one brought on a USB stick: calm-voice models install FILE.zip")


@pytest.mark.parametrize(("args", "cannot"), [
    (["transcribe", "{wav}"], "calm-voice cannot tell what the recording says"),
    (["journal", "add", "--step", "reason-1", "{wav}"],
     "the recording cannot be written into the journal"),
])
def test_a_command_that_needs_a_model_says_what_it_cannot_do(
        tmp_path: Path, args: list[str], cannot: str) -> None:
    wav = espeak("hello there", tmp_path / "hello.wav", voice="en")
    env = {k: v for k, v in os.environ.items() if k != "CALM_VOICE_MODEL"}
    env["CALM_VOICE_MODELS"] = str(tmp_path / "no-models")  # only the Korean package is here
    done = subprocess.run([*python_cmd(), *(a.format(wav=wav) for a in args)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"No speech model was found for language 'en', so "
                                   f"{cannot}. {GET_ONE}")
    assert "keyboard" not in done.stderr
