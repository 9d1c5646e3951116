"""The synthesiser's temporary folder goes away on every exit, and a killed process's is swept."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from calm_voice.speech import tts_temp
from tests.conftest import python_cmd

START_THEN = """
import sys, time
from calm_voice.speech.synth import Synthesizer
synth = Synthesizer()
synth.synthesize("Hello there.")
print("ready", flush=True)
if sys.argv[1] == "raise":
    raise RuntimeError("an unexpected failure")
if sys.argv[1] == "wait":
    time.sleep(600)
"""


def folders_of(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{tts_temp.PREFIX}{pid}-*"))


@pytest.mark.parametrize("how", ["finish", "raise"])
def test_the_folder_is_removed_when_the_process_ends(how: str) -> None:
    process = subprocess.Popen([sys.executable, "-c", START_THEN, how], text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = process.communicate(timeout=120)
    assert "ready" in stdout, stderr
    assert (process.returncode == 0) == (how == "finish")
    assert folders_of(process.pid) == []


def test_a_killed_process_leaves_a_folder_that_the_next_start_sweeps(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", START_THEN, "wait"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        left = folders_of(process.pid)
        assert len(left) == 1
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert left[0].exists()  # SIGKILL gives no chance to clean up
    result = subprocess.run([*python_cmd(), "say", "Hello.", "--out", str(tmp_path / "h.wav")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert not left[0].exists()


def test_the_sweep_removes_only_folders_of_dead_processes(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "60"])
    try:
        names = [f"{tts_temp.PREFIX}{dead.pid}-abc", f"{tts_temp.PREFIX}{alive.pid}-abc",
                 f"{tts_temp.PREFIX}abcdef", "calm-voice-other-1-x"]
        for name in names:
            (tmp_path / name).mkdir()
            (tmp_path / name / "utterance-0.wav").write_bytes(b"x")
        removed = tts_temp.sweep_stale(tmp_path)
    finally:
        alive.kill()
        alive.wait()
    assert removed == [tmp_path / names[0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])
