"""A whole reflection by keys alone, in a real 80x24 terminal (tmux), with no microphone and no
sound: every step of the way the screen says what to press, and both answers reach the journal."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from tests.integration.test_tmux_app import CLI, Terminal, app_command, terminal

pytestmark = pytest.mark.tmux

GUIDE = load_guide(default_guide_path())
__all__ = ["terminal"]  # the fixture, shared with test_tmux_app


def flat(screen: str) -> str:
    """The screen's words in one line, so text wrapped in a narrow column still matches."""
    return " ".join(screen.split())


def test_a_reflection_by_keys_only_at_80x24(terminal: Terminal, tmp_path: Path) -> None:
    first_prompt, second_prompt = GUIDE.steps[0].prompts
    config = tmp_path / "home" / "config" / "config.yaml"
    config.parent.mkdir(parents=True)
    # However slow the machine, no answer is closed for silence while the test types it.
    config.write_text("journal: {silence_timeout: 3600}\n", encoding="utf-8")
    terminal.tmux("new-session", "-d", "-s", "calm", "-x", "80", "-y", "24",
                  app_command(tmp_path, "--keyboard"))
    screen = terminal.wait_for(lambda s: "No speaker: read it here. Press a" in s)
    footer = screen.splitlines()[-1]
    assert "? Help" in footer and "q Quit" in footer and "t Type answer" in footer

    terminal.keys("a")  # ask me
    terminal.wait_for(lambda s: "Question 1 of 2. Press t to type" in s)  # a toast may cover
    # the right of the bottom lines for a few seconds, so only the left of the hint is read
    terminal.keys("t")
    terminal.wait_for(lambda s: "Your answer" in s and first_prompt.text[:20] in flat(s))
    terminal.keys("I miss our talks")
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "Your answer" not in s)
    terminal.keys("n")  # done with this one: the second question comes, not the next step
    screen = terminal.wait_for(lambda s: "Question 2 of 2." in s)
    assert "▶  1. Introduction" in screen
    terminal.wait_for(lambda s: second_prompt.text.split()[-1] in s)

    terminal.keys("t")
    terminal.wait_for(lambda s: "Your answer" in s)
    terminal.keys("Slow evenings together")
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "Your answer" not in s)
    terminal.keys("d")  # finished
    screen = terminal.wait_for(lambda s: "No speaker: read it here" in s)
    assert "Say next" not in screen  # there is no microphone to say it to
    terminal.keys("n")
    terminal.wait_for(lambda s: "▶  2. " in s)
    terminal.keys("q")
    status = tmp_path / "exit-status"
    terminal.wait_for(lambda s: status.exists() and status.read_text().strip() != "")
    assert status.read_text().strip() == "0"

    listed = subprocess.run([str(CLI), "journal", "export", "--format", "md"],
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "CALM_VOICE_HOME": str(tmp_path / "home")})
    assert listed.returncode == 0, listed.stderr
    assert "I miss our talks" in listed.stdout and "Slow evenings together" in listed.stdout
