"""Headless `listen` with no microphone: typed commands steer it, typed words are kept as an
answer only inside an open question, voice changes are confirmed, and the end of the input ends
the session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from calm_voice.session.navigation import RATE_STEP, VOLUME_STEP
from tests.support.listen_run import REPO, ListenRun
from tests.support.pulse import PulseServer

GUIDE = load_guide(default_guide_path())


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



def test_without_a_speaker_listen_does_not_claim_to_read(tmp_path: Path) -> None:
    env = {"CALM_VOICE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin",
           "PULSE_SERVER": "unix:/nonexistent"}  # no sound devices at all
    listen = subprocess.run([sys.executable, "-m", "calm_voice", "listen", "--no-voice"],
                            input="play\nnext\n", env=env, cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert listen.returncode == 0, listen.stderr
    out = listen.stdout
    assert "reading:" not in out, out
    second = GUIDE.steps[1].title
    assert f"no speaker, so nothing is read aloud: step 2, {second}" in out, out
    assert "type reflect for its questions" in out

@pytest.mark.audio
def test_a_mistyped_command_is_not_saved_and_voice_changes_are_confirmed(
        pulse: PulseServer, tmp_path: Path) -> None:
    """With the real speaker on the virtual sound card, so the voice really changes."""
    home = tmp_path / "home"
    run = ListenRun(pulse, home, ["listen", "--no-voice", "--quiet-start"])
    try:
        run.wait_for("ready at step 1")
        for line, answer in (("nxt", "saying: I didn't understand “nxt”; say help"),
                             ("go to step 20", "I didn't understand “go to step 20”"),
                             ("softer", f"softer: volume {round((1 - VOLUME_STEP) * 100)}%"),
                             ("slower", f"slower: rate {165 - RATE_STEP} words a minute"),
                             ("louder", "louder: volume 100%"),
                             ("faster", "faster: rate 165 words a minute")):
            mark = len(run.lines)
            run.type(line)
            run.wait_for(answer, after=mark)
        mark = len(run.lines)
        run.type("reflect")
        run.wait_for("saying: What brought you to this guide today?", after=mark)
        run.type("nxt is what I typed first")  # inside the question: the answer, kept as is
        run.type("i'm done")
        run.wait_for("saved journal entry", after=mark)
    finally:
        assert run.quit() == 0
    assert not any("Traceback" in line for line in run.lines)
    env = {**pulse.env, "CALM_VOICE_HOME": str(home)}
    listed = subprocess.run([sys.executable, "-m", "calm_voice", "journal", "list"], env=env,
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    said = [line for line in listed.stdout.splitlines()[1:] if line.strip()]
    assert len(said) == 1 and "nxt is what I typed first" in said[0], listed.stdout


@pytest.mark.audio
def test_notices_are_only_shown_when_speaking_them_is_turned_off(
        pulse: PulseServer, tmp_path: Path) -> None:
    run = ListenRun(pulse, tmp_path / "home", ["listen", "--no-voice", "--quiet-start"],
                    "speaker: {speak_notices: false}\n")
    try:
        run.wait_for("ready at step 1")
        run.type("nxt")
        run.wait_for("I didn't understand “nxt”")
        run.type("where am i")  # something said after it, so a spoken notice would show first
        run.wait_for("saying: You are at step 1")
    finally:
        assert run.quit() == 0
    assert not any("saying: I didn't understand" in line for line in run.lines)


@pytest.mark.audio
def test_quiet_start_from_a_step_waits_there_for_a_command(
        pulse: PulseServer, tmp_path: Path) -> None:
    run = ListenRun(pulse, tmp_path / "home",
                    ["listen", "--no-voice", "--quiet-start", "--from", "reason-3"])
    try:
        run.wait_for("ready at step")
        run.type("where am i")  # anything read before this answer was read unasked
        answered = run.wait_for("saying: You are at step")
    finally:
        assert run.quit() == 0
    assert not any(line.split("  ", 1)[-1].startswith("reading:")
                   for line in run.lines[:answered]), "\n".join(run.lines)
    guide = load_guide(default_guide_path())
    assert f"step {guide.index_of('reason-3') + 1} of" in run.lines[answered]
