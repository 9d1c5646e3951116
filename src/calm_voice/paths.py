"""Where calm-voice keeps things: XDG dirs (platformdirs), overridable with CALM_VOICE_HOME."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

from calm_voice.errors import DataDirError

APP_NAME = "calm-voice"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def home_override() -> Path | None:
    value = os.environ.get("CALM_VOICE_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    home = home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.yaml"


def content_dir() -> Path:
    """The guide, command vocabularies and article shipped inside the package (calm_voice/content
    links to the project's top-level content/ folder, and a built wheel holds a copy of it)."""
    override = os.environ.get("CALM_VOICE_CONTENT")
    if override:
        return Path(override).expanduser()
    return Path(str(resources.files("calm_voice").joinpath("content")))


def default_guide_path(language: str = "en") -> Path:
    return content_dir() / f"guide.{language}.yaml"


def command_languages() -> list[str]:
    """Languages calm-voice has spoken commands for (content/commands.<language>.yaml)."""
    return sorted(path.name.split(".")[1] for path in content_dir().glob("commands.*.yaml"))


def models_dir() -> Path:
    """Where models are downloaded and installed: the data folder, for every kind of install."""
    override = os.environ.get("CALM_VOICE_MODELS")
    if override:
        return Path(override).expanduser()
    return data_dir() / "models"


def checkout_models_dir() -> Path | None:
    """A checkout's own models/ folder, looked in after the models folder; None elsewhere."""
    if os.environ.get("CALM_VOICE_MODELS"):
        return None
    folder = PROJECT_ROOT / "models"
    if (PROJECT_ROOT / "pyproject.toml").is_file() and folder.is_dir():
        return folder
    return None


def journal_db_path() -> Path:
    return data_dir() / "journal.sqlite3"


def journal_audio_dir() -> Path:
    return data_dir() / "audio"


def state_file() -> Path:
    """Small resume state (current step), kept apart from the journal."""
    return data_dir() / "state.json"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (mode 0700) and check that it can be written, or explain how to fix it.

    A folder that already exists keeps its mode: it may be one the person chose and shares."""
    try:
        if not path.is_dir():
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.chmod(0o700)  # mkdir's mode is filtered by the umask
    except OSError as exc:
        raise DataDirError(
            f"calm-voice cannot create its data folder {path} ({exc.strerror}).",
            "Check the folder's permissions, or set CALM_VOICE_HOME to a folder you can write.",
        ) from exc
    probe = path / f".write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataDirError(
            f"calm-voice cannot write to its data folder {path} ({exc.strerror}).",
            "Check the folder's permissions, or set CALM_VOICE_HOME to a folder you can write.",
        ) from exc
    return path
