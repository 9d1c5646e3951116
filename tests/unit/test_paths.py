"""Where things are kept: CALM_VOICE_HOME, XDG folders, and a private data folder that works."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from calm_voice import paths
from calm_voice.errors import DataDirError
from tests.conftest import python_cmd

REPO = Path(__file__).resolve().parents[2]


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_calm_voice_home_holds_data_and_config(calm_home: Path) -> None:
    assert os.environ["CALM_VOICE_HOME"] == str(calm_home)
    assert paths.data_dir() == calm_home / "data"
    assert paths.config_dir() == calm_home / "config"
    assert paths.config_file() == calm_home / "config" / "config.yaml"
    assert paths.journal_db_path() == calm_home / "data" / "journal.sqlite3"
    assert paths.journal_audio_dir() == calm_home / "data" / "audio"
    assert paths.state_file() == calm_home / "data" / "state.json"


def test_calm_voice_home_expands_the_tilde(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CALM_VOICE_HOME", "~/calm")
    assert paths.data_dir() == tmp_path / "calm" / "data"


@pytest.mark.parametrize("value", [None, ""])
def test_without_calm_voice_home_the_xdg_folders_are_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CALM_VOICE_HOME")
    else:
        monkeypatch.setenv("CALM_VOICE_HOME", value)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert paths.home_override() is None
    assert paths.data_dir() == tmp_path / "xdg-data" / "calm-voice"
    assert paths.config_file() == tmp_path / "xdg-config" / "calm-voice" / "config.yaml"


def test_content_is_package_data_read_from_the_checkout_content_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CALM_VOICE_CONTENT", raising=False)
    packaged = paths.content_dir()
    assert packaged == Path(paths.__file__).parent / "content"
    assert packaged.resolve() == REPO / "content"  # the link: one source for both
    assert paths.default_guide_path().read_bytes() == (REPO / "content" / "guide.en.yaml"
                                                       ).read_bytes()
    monkeypatch.setenv("CALM_VOICE_CONTENT", str(tmp_path))
    assert paths.default_guide_path("ko") == tmp_path / "guide.ko.yaml"


def test_models_folder_is_in_the_data_folder_for_every_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, calm_home: Path) -> None:
    monkeypatch.delenv("CALM_VOICE_MODELS", raising=False)
    assert paths.models_dir() == calm_home / "data" / "models"
    checkout_models = REPO / "models"
    assert paths.checkout_models_dir() == (checkout_models if checkout_models.is_dir() else None)
    monkeypatch.setenv("CALM_VOICE_MODELS", str(tmp_path / "m"))
    assert paths.models_dir() == tmp_path / "m"
    assert paths.checkout_models_dir() is None, "a chosen folder is the only place looked in"


def test_ensure_private_dir_creates_a_private_folder(calm_home: Path) -> None:
    target = paths.data_dir() / "audio"
    assert paths.ensure_private_dir(target) == target
    assert target.is_dir()
    assert mode_of(target) == 0o700
    assert list(target.iterdir()) == [], "the write check leaves nothing behind"


def test_ensure_private_dir_leaves_an_existing_folder_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "chosen"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    (target / "keep.txt").write_text("kept", encoding="utf-8")
    paths.ensure_private_dir(target)
    assert mode_of(target) == 0o755  # a folder the person chose is not changed behind their back
    assert (target / "keep.txt").read_text(encoding="utf-8") == "kept"


def test_ensure_private_dir_twice_is_fine(tmp_path: Path) -> None:
    target = tmp_path / "twice"
    paths.ensure_private_dir(target)
    paths.ensure_private_dir(target)
    assert mode_of(target) == 0o700


def test_a_folder_under_a_regular_file_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    target = blocker / "data"
    with pytest.raises(DataDirError) as raised:
        paths.ensure_private_dir(target)
    assert raised.value.problem == (
        f"calm-voice cannot create its data folder {target} (Not a directory).")
    assert raised.value.fix == ("Check the folder's permissions, or set CALM_VOICE_HOME to a "
                                "folder you can write.")
    assert "Traceback" not in str(raised.value)


def test_a_folder_that_cannot_exist_is_explained() -> None:
    target = Path("/proc/calm-voice-test/data")
    with pytest.raises(DataDirError) as raised:
        paths.ensure_private_dir(target)
    assert raised.value.problem.startswith(f"calm-voice cannot create its data folder {target} (")
    assert "CALM_VOICE_HOME" in raised.value.fix


def test_a_folder_that_cannot_be_written_is_explained(tmp_path: Path) -> None:
    """Root ignores permissions, so block the write check itself: its name is taken by a folder."""
    target = tmp_path / "data"
    (target / f".write-test-{os.getpid()}").mkdir(parents=True)
    with pytest.raises(DataDirError) as raised:
        paths.ensure_private_dir(target)
    assert raised.value.problem.startswith(f"calm-voice cannot write to its data folder {target} (")
    assert "CALM_VOICE_HOME" in raised.value.fix


def test_an_unusable_home_stops_the_cli_with_one_short_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    env = {**os.environ, "CALM_VOICE_HOME": str(blocker)}
    done = subprocess.run([*python_cmd(), "journal", "list"], capture_output=True, text=True,
                          timeout=60, cwd=REPO, env=env)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert str(blocker / "data") in done.stderr and "CALM_VOICE_HOME" in done.stderr
