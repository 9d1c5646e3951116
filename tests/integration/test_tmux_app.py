"""Start `calm-voice` in a real terminal (tmux) as a person would, and use it with keys."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path

pytestmark = pytest.mark.tmux

GUIDE = load_guide(default_guide_path())
CLI = Path(sys.executable).parent / "calm-voice"


class Terminal:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, check=False)
        return done.stdout

    def start(self, command: str) -> None:
        self.tmux("kill-session", "-t", "calm")
        self.tmux("new-session", "-d", "-s", "calm", "-x", "120", "-y", "40", command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "calm")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "calm", *keys)

    def wait_for(self, found: Callable[[str], bool], timeout: float = 60.0) -> str:
        """Poll the screen; the timeout only ends a hung test, it is not a speed check."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if found(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"not seen on screen in time; screen was:\n{text}")
            time.sleep(0.2)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed; run scripts/setup")
    term = Terminal(f"calm-test-{os.getpid()}-{tmp_path.name}")
    yield term
    term.tmux("kill-server")


def app_command(tmp_path: Path, *args: str) -> str:
    """Run the installed command with a private home, no speech model and no sound server."""
    models = tmp_path / "models"
    models.mkdir(exist_ok=True)
    exe = CLI if CLI.exists() else Path(shutil.which("calm-voice") or "calm-voice")
    env = {"CALM_VOICE_HOME": str(tmp_path / "home"), "CALM_VOICE_MODELS": str(models),
           "PULSE_SERVER": "unix:/nonexistent", "TERM": "xterm-256color"}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    status = tmp_path / "exit-status"
    cli = " ".join(shlex.quote(a) for a in (str(exe), *args))
    # COLUMNS/LINES from the caller would override the pane size inside the app.
    run = f"env -u COLUMNS -u LINES {exports} {cli}"
    return f"{run}; echo $? > {shlex.quote(str(status))}; sleep 60"


def test_opens_on_the_first_step_in_keyboard_mode_and_remembers_the_place(
        terminal: Terminal, tmp_path: Path) -> None:
    first, second = GUIDE.steps[0], GUIDE.steps[1]
    terminal.start(app_command(tmp_path))
    terminal.wait_for(lambda s: first.sentences[0][:30] in s)
    assert "▶  1. Introduction" in terminal.screen()
    screen = terminal.wait_for(lambda s: "vosk-model-small-en-us-0.15" in s
                               and "No speech model was found" in s)
    assert "Traceback" not in screen
    assert "q Quit" in screen and "? Help" in screen
    terminal.keys("i")  # the notice in full, with how to get a model
    terminal.wait_for(lambda s: "models download" in s)
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "models download" not in s)
    terminal.keys("n")
    terminal.wait_for(lambda s: second.sentences[0][:30] in s and "▶  2. " in s)
    terminal.keys("?")
    terminal.wait_for(lambda s: "next question, then next step" in s)
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "next question, then next step" not in s)
    terminal.keys("q")
    status = tmp_path / "exit-status"
    terminal.wait_for(lambda s: status.exists() and status.read_text().strip() != "")
    assert status.read_text().strip() == "0"
    status.unlink()

    terminal.start(app_command(tmp_path))
    terminal.wait_for(lambda s: second.sentences[0][:30] in s)
    terminal.keys("q")
    terminal.wait_for(lambda s: status.exists() and status.read_text().strip() == "0")


def test_a_broken_guide_is_refused_with_the_content_check_message(terminal: Terminal,
                                                                   tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema: 1\nid: Bad Id\nlanguage: en\ntitle: x\nparts: []\n",
                      encoding="utf-8")
    terminal.start(app_command(tmp_path, "--guide", str(broken)))
    status = tmp_path / "exit-status"
    screen = terminal.wait_for(lambda s: status.exists() and status.read_text().strip() != "")
    assert status.read_text().strip() == "2"
    check = subprocess.run([str(CLI), "content", "check", str(broken)], capture_output=True,
                           text=True, check=False)
    problems = [line for line in check.stderr.splitlines() if line.startswith(str(broken))]
    assert problems
    flat = "".join(screen.split())
    for problem in problems:
        assert "".join(problem.split()) in flat
    assert "Traceback" not in screen


def test_from_and_keyboard_options(terminal: Terminal, tmp_path: Path) -> None:
    step = GUIDE.steps[GUIDE.index_of("reason-3")]
    terminal.start(app_command(tmp_path, "--keyboard", "--from", "reason-3"))
    screen = terminal.wait_for(lambda s: step.sentences[0][:30] in s and "keys only" in s)
    assert "○ microphone off" in screen
    assert "models download" not in screen  # no model is needed when keys are all you use
    terminal.keys("q")
    status = tmp_path / "exit-status"
    terminal.wait_for(lambda s: status.exists() and status.read_text().strip() == "0")


def test_an_unknown_step_is_refused_without_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run([str(CLI), "--from", "reason-99"], capture_output=True, text=True,
                          env={**os.environ, "CALM_VOICE_HOME": str(tmp_path)}, check=False)
    assert done.returncode == 2
    assert "There is no step called 'reason-99'." in done.stderr
    assert "reason-3" in done.stderr  # the steps that do exist
    assert "Traceback" not in done.stderr


def test_without_a_speaker_or_model_at_80x24(terminal: Terminal, tmp_path: Path) -> None:
    """No sound server at all, so no output device, and no speech model: each notice takes one
    line with the fix one key away, and the status tells the truth about reading."""
    terminal.tmux("new-session", "-d", "-s", "calm", "-x", "80", "-y", "24",
                  app_command(tmp_path))
    screen = terminal.wait_for(lambda s: "No speaker: read it here. Press a" in s
                               and "No speech model was found" in s and "speaker: none" in s)
    notice_rows = [line for line in screen.splitlines() if line.startswith(" ▌")]
    assert len(notice_rows) == 2 and "i: what to do" in notice_rows[0], screen
    assert "No speaker (output device) was found." in notice_rows[0]
    assert "Press space to hear" not in screen
    terminal.keys("i")
    details = terminal.wait_for(lambda s: "models install FILE.zip" in s)
    assert "PulseAudio/PipeWire" in details  # the fix for the speaker too
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "models install FILE.zip" not in s)
    terminal.keys("Space")
    screen = terminal.wait_for(lambda s: "No speaker: showing the text only" in s)
    assert "Reading aloud" not in screen
    terminal.keys("q")
    status = tmp_path / "exit-status"
    terminal.wait_for(lambda s: status.exists() and status.read_text().strip() == "0")
