"""Everything the session can ask for; runtime/loop.py carries each out and decides nothing."""

from __future__ import annotations

from dataclasses import dataclass

from calm_voice.events import Command, Final, Partial
from calm_voice.session.state import Listening, ListeningMode, SavedNote


# Speech.
@dataclass(frozen=True)
class PlayStep:
    step: int
    sentence: int = 0


@dataclass(frozen=True)
class StopSpeech:
    pass


@dataclass(frozen=True)
class PauseSpeech:
    pass


@dataclass(frozen=True)
class ResumeSpeech:
    pass


@dataclass(frozen=True)
class Announce:
    text: str


@dataclass(frozen=True)
class AskPrompt:
    step: int
    prompt: int
    hint: str = ""
    """Said after the question: how to answer it and move on."""


@dataclass(frozen=True)
class AdjustVoice:
    rate_delta: int = 0
    volume_delta: float = 0.0


# The journal.
@dataclass(frozen=True)
class OpenEntry:
    step_id: str
    prompt_id: str
    model: str = ""


@dataclass(frozen=True)
class AddUtterance:
    final: Final
    audio: bytes | None = None
    entry_id: int | None = None


@dataclass(frozen=True)
class RemoveLastUtterance:
    entry_id: int | None = None


@dataclass(frozen=True)
class CloseEntry:
    """Close the open entry; an entry with no utterances is discarded."""

    utterances: int
    words: int
    entry_id: int | None = None
    note: SavedNote = SavedNote.SPOKEN


@dataclass(frozen=True)
class SaveTypedAnswer:
    """Open, fill and close an entry at once: a typed answer with no spoken one open."""

    step_id: str
    prompt_id: str
    final: Final
    model: str = ""


@dataclass(frozen=True)
class SavePosition:
    step_id: str
    sentence: int = 0


# The microphone.
@dataclass(frozen=True)
class SetRecognizerMode:
    mode: ListeningMode


# Reports to whoever shows the session (the TUI or printed lines).
@dataclass(frozen=True)
class ShowHeard:
    heard: Partial | Final


@dataclass(frozen=True)
class ShowCommand:
    command: Command
    ignored_reason: str = ""


@dataclass(frozen=True)
class ShowListening:
    status: Listening


@dataclass(frozen=True)
class ShowNotice:
    text: str
    severity: str = "information"


@dataclass(frozen=True)
class ShowEntrySaved:
    entry_id: int
    utterances: int
    words: int


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class Quit:
    pass


Effect = (
    PlayStep | StopSpeech | PauseSpeech | ResumeSpeech | Announce | AskPrompt | AdjustVoice
    | OpenEntry | AddUtterance | RemoveLastUtterance | CloseEntry | SaveTypedAnswer
    | SavePosition | SetRecognizerMode | ShowHeard | ShowCommand | ShowListening | ShowNotice
    | ShowEntrySaved | ShowHelp | Quit
)
SPEECH = (PlayStep, AskPrompt, Announce)
"""Effects that start something playing."""
