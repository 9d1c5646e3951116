"""What the journal hands back: plain frozen records, safe to pass between threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from calm_voice.events import Word

LOW_CONFIDENCE = 0.6
"""A word the recogniser was less sure of than this is shown as low confidence."""


def is_low_confidence(word: Word) -> bool:
    return word.conf < LOW_CONFIDENCE


@dataclass(frozen=True)
class EntrySummary:
    """One row of the journal list."""

    id: int
    created: str
    """ISO 8601 with a UTC offset."""
    guide: str
    step: str
    prompt: str
    utterances: int
    words: int
    preview: str
    """The start of the first utterance, for the list."""


@dataclass(frozen=True)
class UtteranceRecord:
    id: int
    entry_id: int
    created: str
    text: str
    """The current text: the person's edit if there is one."""
    original_text: str | None
    """What the recogniser heard, kept when the text was edited; None if never edited."""
    edited: str | None
    words: tuple[Word, ...]
    """As recognised (edits do not change them); times are seconds in the stream."""
    start: float
    end: float
    confidence: float
    has_audio: bool

    @property
    def heard_text(self) -> str:
        return self.original_text if self.original_text is not None else self.text


@dataclass(frozen=True)
class EntryDetail:
    id: int
    created: str
    closed: str | None
    guide: str
    step: str
    prompt: str
    language: str
    model: str
    utterances: tuple[UtteranceRecord, ...]
    audio_file: str | None

    @property
    def word_count(self) -> int:
        return sum(len(u.words) for u in self.utterances)


@dataclass(frozen=True)
class SearchHit:
    entry_id: int
    utterance_id: int
    created: str
    step: str
    text: str
    snippet: str
    """The text with each match wrapped in [ and ]."""


@dataclass(frozen=True)
class Clip:
    """Audio to play: mono int16 PCM."""

    pcm: bytes
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate if self.rate else 0.0


def local_time(iso: str) -> datetime:
    """A stored UTC timestamp in the person's own time zone."""
    return datetime.fromisoformat(iso).astimezone()


def short_time(iso: str) -> str:
    return local_time(iso).strftime("%Y-%m-%d %H:%M")
