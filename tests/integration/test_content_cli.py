"""`calm-voice content check FILE` run as a real process: exit codes and what a person sees."""

from __future__ import annotations

import subprocess
from pathlib import Path

from calm_voice.guide import check_guide
from tests.conftest import REPO, python_cmd
from tests.unit.test_guide import BROKEN


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python_cmd(), *args], capture_output=True, text=True, timeout=60,
                          cwd=REPO)


def check(path: Path | str) -> subprocess.CompletedProcess[str]:
    return run_cli("content", "check", str(path))


def test_real_guide_passes() -> None:
    done = check(REPO / "content" / "guide.en.yaml")
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout and "4 parts, 11 steps" in done.stdout
    assert done.stderr == ""


def test_broken_guide_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    _, problems = check_guide(path)
    done = check(path)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[:-1] == problems
    assert lines[-1] == f"{len(problems)} problem(s) found in {path}."
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_missing_file_exits_1_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    done = check(path)
    assert done.returncode == 1
    assert f"{path}: the guide file does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_yaml_exits_1_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("schema: 1\nid: [oops\n", encoding="utf-8")
    done = check(path)
    assert done.returncode == 1
    assert f"{path}:" in done.stderr and "not valid YAML" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_without_a_file_checks_the_guide_in_use(tmp_path: Path) -> None:
    done = run_cli("content", "check")
    assert done.returncode == 0, done.stderr
    assert "guide.en.yaml: OK — 4 parts, 11 steps." in done.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    done = run_cli("--guide", str(broken), "content", "check")
    assert done.returncode == 1 and "problem(s) found in" in done.stderr


def test_a_command_given_a_broken_guide_gives_the_same_problems(tmp_path: Path) -> None:
    """Commands that load the guide (here `say --step`) stop with the problems, exit code 2."""
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    done = run_cli("--guide", str(path), "say", "--step", "first", "--out",
                   str(tmp_path / "out.wav"))
    assert done.returncode == 2
    _, problems = check_guide(path)
    for problem in problems:
        assert problem in done.stderr
    assert f"calm-voice content check {path}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.wav").exists()


def test_a_command_given_a_missing_guide_says_so(tmp_path: Path) -> None:
    path = tmp_path / "gone.yaml"
    done = run_cli("--guide", str(path), "say", "--step", "intro", "--out",
                   str(tmp_path / "out.wav"))
    assert done.returncode == 2
    assert f"{path}: the guide file does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_step_lists_the_steps(tmp_path: Path) -> None:
    done = run_cli("say", "--step", "reason-9", "--out", str(tmp_path / "out.wav"))
    assert done.returncode == 2
    assert "There is no step called 'reason-9'." in done.stderr
    assert "reason-1" in done.stderr and "Traceback" not in done.stderr
