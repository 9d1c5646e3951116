"""Headless `listen` with no microphone: typed commands steer it, typed words are kept as an
answer, and the end of the input ends the session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.listen_run import REPO


def test_typed_reflection_is_kept_and_end_of_input_quits(tmp_path: Path) -> None:
    env = {"CALM_VOICE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
           "PULSE_SERVER": "unix:/nonexistent"}  # no sound devices at all
    typed = "reflect\nI feel hopeful today\ni'm done\nnext\n"
    listen = subprocess.run([sys.executable, "-m", "calm_voice", "listen", "--no-voice"],
                            input=typed, env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=60)
    assert listen.returncode == 0, listen.stderr
    out = listen.stdout
    assert "saved journal entry 1: 4 words" in out, out
    assert "command: next" in out and "Traceback" not in out + listen.stderr
    shown = subprocess.run([sys.executable, "-m", "calm_voice", "journal", "show", "1"],
                           env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert "I feel hopeful today" in shown.stdout
    assert "What brought you to this guide today?" in shown.stdout
