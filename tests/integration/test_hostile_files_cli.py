"""Hostile settings and guides through the real CLI: a short answer, non-zero exit, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import python_cmd
from tests.unit.test_safe_yaml import BOMB

MEMORY_CAP_MB = 300


_MEASURE = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
            "open(sys.argv[1], 'w').write(str(resource.getrusage("
            "resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(code)")


def run(*args: str, folder: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """The finished command and its own peak resident memory in MB (measured by a fresh parent)."""
    peak_file = folder / "peak.txt"
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(peak_file), *python_cmd(),
                             *args], capture_output=True, text=True, timeout=60)
    return result, int(peak_file.read_text()) / 1024


def test_an_alias_bomb_guide_is_refused_quickly_and_briefly(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    result, peak_mb = run("content", "check", str(bomb), folder=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "would expand to more than" in result.stderr and len(result.stderr) < 1000
    assert peak_mb < MEMORY_CAP_MB
    result, _ = run("--guide", str(bomb), "say", "--step", "1", folder=tmp_path)
    assert result.returncode == 2 and "would expand" in result.stderr
    assert len(result.stderr) < 1000 and "Traceback" not in result.stderr


def test_odd_settings_are_one_paragraph(tmp_path: Path) -> None:
    for text in ("speaker: {1: 2}\n", "true: x\n", "speaker:\n  rate: 2024-01-01\n"):
        config = tmp_path / "config.yaml"
        config.write_text(text, encoding="utf-8")
        result, _ = run("--config", str(config), "doctor", folder=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "cannot be read: line" in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1
    config.write_bytes(b"speaker:\n  voice: \xe9\x1b]0;owned\x07\n")
    result, _ = run("--config", str(config), "doctor", folder=tmp_path)
    assert result.returncode == 2 and "UTF-8" in result.stderr and "\x1b" not in result.stderr
