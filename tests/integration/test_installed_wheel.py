"""A built wheel, installed into a fresh venv outside the checkout, works from any folder."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import wave
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from calm_voice.guide import load_guide
from tests.integration.test_tmux_app import Terminal

pytestmark = pytest.mark.tmux

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calm-voice command of a venv holding only the wheel; its dependencies come from the
    test venv through a .pth line (no network), which does not expose the editable checkout."""
    root = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-w", str(root / "dist"), str(REPO)],
                   check=True, timeout=300, capture_output=True)
    wheel = next((root / "dist").glob("calm_voice-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, timeout=300, capture_output=True)
    return venv / "bin" / "calm-voice"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "somewhere-else"
    folder.mkdir()
    return folder


def run(cli: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CALM_VOICE_MODEL", "CALM_VOICE_CONTENT"))}
    return subprocess.run([str(cli), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def fake_model_zip(path: Path) -> Path:
    """A zip with a model's folder layout; installing checks the files, not what Vosk says."""
    with zipfile.ZipFile(path, "w") as archive:
        for rel in ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst",
                    "graph/words.txt"):
            archive.writestr(f"vosk-model-small-xx-0.1/{rel}", b"model data " * 10)
    return path


def test_the_installed_wheel_reads_its_packaged_guide_from_any_folder(
        installed: Path, elsewhere: Path) -> None:
    code = ("import calm_voice, calm_voice.paths as p; "
            "print(calm_voice.__file__); print(p.default_guide_path())")
    python = installed.parent / "python"
    shown = subprocess.run([str(python), "-c", code], cwd=elsewhere, capture_output=True,
                           text=True, check=True).stdout.split()
    assert not shown[0].startswith(str(REPO)) and not shown[1].startswith(str(REPO))
    assert Path(shown[1]).is_file() and not Path(shown[1]).is_symlink()

    checked = run(installed, elsewhere, "content", "check")
    assert checked.returncode == 0, checked.stderr
    assert "guide.en.yaml: OK" in checked.stdout and str(REPO) not in checked.stdout

    out = elsewhere / "x.wav"
    said = run(installed, elsewhere, "say", "--step", "intro", "--out", str(out))
    assert said.returncode == 0, said.stderr
    with wave.open(str(out)) as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds > 3 and np.abs(samples).max() > 1000, "real speech, not silence"


def test_the_installed_wheel_installs_a_model_into_the_data_folder(
        installed: Path, elsewhere: Path, calm_home: Path) -> None:
    listed = run(installed, elsewhere, "models", "list")
    assert listed.returncode == 0, listed.stderr
    models_dir = calm_home / "data" / "models"
    assert f"Models folder: {models_dir}" in listed.stdout
    assert "checkout" not in listed.stdout  # an install has no checkout folder to look in

    archive = fake_model_zip(elsewhere / "vosk-model-small-xx-0.1.zip")
    done = run(installed, elsewhere, "models", "install", str(archive))
    assert done.returncode == 0, done.stderr
    assert (models_dir / "vosk-model-small-xx-0.1" / "am" / "final.mdl").is_file()
    listed = run(installed, elsewhere, "models", "list")
    assert "vosk-model-small-xx-0.1" in listed.stdout and "installed" in listed.stdout


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed; run scripts/setup")
    term = Terminal(f"calm-wheel-{os.getpid()}-{tmp_path.name}")
    yield term
    term.tmux("kill-server")


def test_the_installed_wheel_opens_the_companion_on_the_first_step(
        installed: Path, elsewhere: Path, calm_home: Path, terminal: Terminal) -> None:
    first = load_guide(REPO / "content" / "guide.en.yaml").steps[0]
    env = {"CALM_VOICE_HOME": str(calm_home), "PULSE_SERVER": "unix:/nonexistent",
           "TERM": "xterm-256color"}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    terminal.start(f"cd {shlex.quote(str(elsewhere))} && env -u COLUMNS -u LINES "
                   f"-u CALM_VOICE_MODELS {exports} {shlex.quote(str(installed))}; sleep 60")
    screen = terminal.wait_for(lambda s: first.sentences[0][:30] in s)
    assert "Traceback" not in screen
    terminal.keys("q")
