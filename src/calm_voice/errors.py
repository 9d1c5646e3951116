"""Errors that carry a message a person can act on: what went wrong, and how to fix it."""

from __future__ import annotations


class CalmVoiceError(Exception):
    """A problem to show as one short paragraph, never as a traceback."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem} {self.fix}".strip()


class GuideError(CalmVoiceError):
    """The guide file is missing or does not follow the schema."""


class UnknownStepError(CalmVoiceError):
    """A step id or number that the guide does not have."""


class ConfigError(CalmVoiceError):
    """The settings file cannot be read or holds a bad value."""


class DataDirError(CalmVoiceError):
    """The data directory cannot be created or written."""


class AudioDeviceError(CalmVoiceError):
    """No usable microphone or speaker, or the device went away."""


class SpeechEngineError(CalmVoiceError):
    """Speech synthesis (pyttsx3 / espeak-ng) is missing or produced nothing."""


class ModelError(CalmVoiceError):
    """A speech model is missing, partial, corrupt or unknown."""


class DownloadError(CalmVoiceError):
    """A model download failed or did not verify."""


class AudioFileError(CalmVoiceError):
    """A file that should hold audio does not."""


class JournalError(CalmVoiceError):
    """The journal database cannot be opened, read or written."""


class UnknownEntryError(JournalError):
    """A journal entry id that does not exist."""
