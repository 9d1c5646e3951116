"""Frozen settings, loaded once from the YAML config file and the command line."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from calm_voice import paths, safe_yaml
from calm_voice.errors import ConfigError

DEFAULT_MODEL = "vosk-model-small-en-us-0.15"


@dataclass(frozen=True)
class AudioSettings:
    input_device: str | int | None = None
    """Microphone: PortAudio index or a part of its name; None is the system default."""
    output_device: str | int | None = None
    """Speaker: PortAudio index or a part of its name; None is the system default."""
    capture_rate: int = 16000
    """Rate the recogniser wants; capture resamples when the device cannot do it."""
    block_ms: int = 20
    """Playback and capture block; stop takes effect within one block."""


@dataclass(frozen=True)
class SpeakerSettings:
    rate: int = 165
    """Words per minute."""
    volume: float = 1.0
    """0.0 to 1.0."""
    voice: str | None = None
    """espeak-ng voice id or name; None picks one for the guide's language."""
    lookahead: bool = True
    """Synthesise the next sentence and step ahead of time."""
    read_on_start: bool = True
    """Start reading the remembered step as soon as calm-voice opens (hands-free from the start)."""
    speak_notices: bool = True
    """Also say warnings and errors aloud, for someone who cannot see the screen."""
    sentence_pause: float = 0.6
    """Seconds of quiet between sentences: a calm pace, and room for a command to be heard."""


@dataclass(frozen=True)
class RecognizerSettings:
    model: str | None = None
    """Model name under models/ or a path; None uses CALM_VOICE_MODEL or the default."""
    language: str = "en"
    """Language of the command vocabulary (content/commands.<lang>.yaml)."""
    endpoint_silence: float = 0.5
    """Seconds of trailing silence that end a short command."""
    endpoint_silence_long: float = 1.0
    """Seconds of trailing silence that end a longer utterance."""
    reject_own_voice: bool = True
    """Ignore a command heard while the guide is saying those same words."""
    echo_cancel: bool = True
    """Take the guide's own sound out of the microphone before the recogniser hears it (with
    reject_own_voice), so a command said over the guide can be heard."""
    command_hold: float = 0.2
    """Seconds a heard command that nothing longer starts with must stay unchanged before it
    is acted on, without waiting for the endpoint (0 turns this off). 0.2 is the shortest
    that heard as many words right as the endpoint in bench/command_hold.py, with none of
    them below the command confidence limit."""
    command_endpoint: float = 0.35
    """Seconds a heard command that could still grow ("go to reason …") must stay unchanged
    before it is acted on (0: wait for the endpoint)."""


@dataclass(frozen=True)
class JournalSettings:
    keep_audio: bool = True
    """Keep each entry's audio beside the database, for replay."""
    silence_timeout: float = 45.0
    """Seconds of silence that close an open reflection."""


@dataclass(frozen=True)
class Settings:
    audio: AudioSettings = field(default_factory=AudioSettings)
    speaker: SpeakerSettings = field(default_factory=SpeakerSettings)
    recognizer: RecognizerSettings = field(default_factory=RecognizerSettings)
    journal: JournalSettings = field(default_factory=JournalSettings)
    guide_path: Path = field(default_factory=paths.default_guide_path)
    data_dir: Path = field(default_factory=paths.data_dir)
    models_dir: Path = field(default_factory=paths.models_dir)

    @property
    def journal_db(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def journal_audio_dir(self) -> Path:
        return self.data_dir / "audio"

    @property
    def state_file(self) -> Path:
        return self.data_dir / "state.json"


_TOP_LEVEL = {"guide", "language"}
"""Settings that are not in a section: the guide file, and the one switch for the language."""

_SECTIONS = {
    "audio": AudioSettings,
    "speaker": SpeakerSettings,
    "recognizer": RecognizerSettings,
    "journal": JournalSettings,
}


def _section(name: str, cls: type, raw: Any, source: Path) -> Any:
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"In {source}, '{name}' should be a mapping of settings.",
                          "Fix or delete the file to use the defaults.")
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(safe_yaml.shown(key) for key in set(raw) - known)
    if unknown:
        raise ConfigError(
            f"In {source}, '{name}' has unknown setting(s): "
            f"{', '.join(safe_yaml.capped(unknown))}.",
            f"Known settings are: {', '.join(sorted(known))}.",
        )
    for f in dataclasses.fields(cls):
        if f.name in raw and not _fits(raw[f.name], str(f.type)):
            raise ConfigError(
                f"In {source}, '{name}.{f.name}' is {safe_yaml.shown(repr(raw[f.name]))}, "
                "which is not "
                f"{_KIND_WORDS.get(str(f.type), str(f.type))}.",
                "Fix the value or delete the line to use the default.",
            )
        bounds = _BOUNDS.get(f"{name}.{f.name}")
        value = raw.get(f.name)
        if bounds and isinstance(value, (int, float)) and not bounds[0] <= value <= bounds[1]:
            raise ConfigError(
                f"In {source}, '{name}.{f.name}' is {value!r}, which is outside "
                f"{bounds[0]:g} to {bounds[1]:g}.",
                "Fix the value or delete the line to use the default.",
            )
    return cls(**raw)


# Values outside these would misbehave quietly (a negative timeout closes every answer at once).
_BOUNDS: dict[str, tuple[float, float]] = {
    "audio.capture_rate": (8000, 48000),
    "audio.block_ms": (5, 100),
    "speaker.rate": (80, 400),
    "speaker.volume": (0.1, 1.0),
    "speaker.sentence_pause": (0.0, 3.0),
    "recognizer.endpoint_silence": (0.1, 5.0),
    "recognizer.endpoint_silence_long": (0.1, 10.0),
    "recognizer.command_hold": (0.0, 2.0),
    "recognizer.command_endpoint": (0.0, 2.0),
    "journal.silence_timeout": (5.0, 3600.0),
}


# Field annotations are strings (postponed evaluation); these are the ones settings use.
_KIND_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "str | None": "a name",
    "str | int | None": "a device number or a part of its name",
}


def _fits(value: Any, annotation: str) -> bool:
    allowed = {part.strip() for part in annotation.split("|")}
    if isinstance(value, bool):
        return "bool" in allowed
    if value is None:
        return "None" in allowed
    if isinstance(value, int):
        return bool(allowed & {"int", "float"})
    if isinstance(value, float):
        return "float" in allowed
    return isinstance(value, str) and "str" in allowed


def _language_choices(raw: dict[str, Any], source: Path, language: Any,
                      guide_override: Any) -> dict[str, Any]:
    """What one `language` setting picks: the commands (and so the model) and the packaged
    guide of that language, unless the file sets them by hand. {} when no language is set."""
    if language is None:
        return {}
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}", language):
        raise ConfigError(f"The language {safe_yaml.shown(repr(language))} (in {source} or "
                          "--language) is not a language code like 'en' or 'ko'.",
                          f"Use one of: {', '.join(paths.command_languages())}.")
    picked: dict[str, Any] = {}
    if "language" not in (raw.get("recognizer") or {}):
        picked["recognizer__language"] = language
    guide = paths.default_guide_path(language)
    if "guide" not in raw and guide_override is None and guide.is_file():
        picked["guide_path"] = guide
    return picked


def check_language(settings: Settings, source: Path) -> Settings:
    """The command language must be one calm-voice has words for; said before anything runs."""
    language = settings.recognizer.language
    known = paths.command_languages()
    if known and language not in known:
        raise ConfigError(f"calm-voice has no spoken commands for the language "
                          f"'{safe_yaml.shown(language)}' (set in {source} or on the command "
                          "line).", f"Use one of: {', '.join(known)}.")
    return settings


def load_settings(config_path: Path | None = None, **overrides: Any) -> Settings:
    """Read the YAML config (if any), then apply overrides like speaker__rate=150.

    `language` (in the file, or language=... here) picks the commands, the model and the guide
    of that language together; each can still be set on its own."""
    source = config_path or paths.config_file()
    raw: dict[str, Any] = {}
    if config_path is not None and not config_path.exists():
        raise ConfigError(f"The settings file {config_path} does not exist.",
                          "Check the path given to --config, or leave it out to use the defaults.")
    if source.exists():
        try:
            loaded, _node = safe_yaml.load_file(source)
        except OSError as exc:
            raise ConfigError(f"The settings file {source} cannot be read ({exc.strerror}).",
                              "Check that it is a readable file, or delete it.") from exc
        except safe_yaml.YamlProblem as exc:
            raise ConfigError(f"The settings file {source} cannot be read: "
                              f"{safe_yaml.in_words(exc.problems)}.",
                              "Fix or delete the file to use the defaults.") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"The settings file {source} is not a mapping of settings.",
                              "Fix or delete the file to use the defaults.")
        raw = loaded or {}
    unknown = sorted(safe_yaml.shown(key) for key in set(raw) - set(_SECTIONS) - _TOP_LEVEL)
    if unknown:
        raise ConfigError(
            f"The settings file {source} has unknown section(s): "
            f"{', '.join(safe_yaml.capped(unknown))}.",
            f"Known sections are: {', '.join([*_SECTIONS, *sorted(_TOP_LEVEL)])}.",
        )
    top: dict[str, Any] = {
        name: _section(name, cls, raw.get(name), source) for name, cls in _SECTIONS.items()
    }
    if "guide" in raw:
        if not isinstance(raw["guide"], str) or not raw["guide"].strip():
            raise ConfigError(f"In {source}, 'guide' should be the path of a guide file.",
                              "Fix the value or delete the line to use the built-in guide.")
        top["guide_path"] = Path(raw["guide"]).expanduser()
    language = overrides.pop("language", None)
    picked = _language_choices(raw, source, language if language is not None
                               else raw.get("language"), overrides.get("guide_path"))
    settings = apply_overrides(Settings(**top), **picked)
    return check_language(apply_overrides(settings, **overrides), source)


def apply_overrides(settings: Settings, **overrides: Any) -> Settings:
    """Apply `section__name=value` pairs; None values are ignored (an unset CLI flag)."""
    for key, value in overrides.items():
        if value is None:
            continue
        if "__" in key:
            section_name, name = key.split("__", 1)
            section = replace(getattr(settings, section_name), **{name: value})
            settings = replace(settings, **{section_name: section})
        else:
            settings = replace(settings, **{key: value})
    return settings
