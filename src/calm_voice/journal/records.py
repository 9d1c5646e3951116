"""What the journal hands back: plain frozen records, safe to pass between threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from calm_voice.events import Word
from calm_voice.guide import Guide
from calm_voice.journal.matching import match_spans

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
    step_title: str | None = None
    """As stored with the entry; None for entries written before titles were kept."""


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
    step_title: str | None = None
    """The step's title and the question asked, as they were when the entry was written; None
    for entries from before they were kept (the loaded guide is asked instead)."""
    prompt_text: str | None = None

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
    query: str
    """What was searched for."""
    step_title: str | None = None

    @property
    def matches(self) -> tuple[tuple[int, int], ...]:
        """(start, end) character offsets in `text` of each matched word; worked out only
        when asked, so a search costs no more than the index lookup."""
        return match_spans(self.text, self.query)


@dataclass(frozen=True)
class Clip:
    """Audio to play: mono int16 PCM."""

    pcm: bytes
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate if self.rate else 0.0


def step_title_of(step: str, stored: str | None, guide: Guide | None) -> str | None:
    """The title kept with the entry, else the loaded guide's title for its step."""
    if stored:
        return stored
    found = next((s for s in guide.steps if s.id == step), None) if guide else None
    return found.title if found else None


def prompt_text_of(entry: EntryDetail, guide: Guide | None) -> str | None:
    """The question kept with the entry, else the loaded guide's text for its prompt id."""
    if entry.prompt_text:
        return entry.prompt_text
    prompt = guide.prompt(entry.prompt) if guide and entry.prompt else None
    return prompt.text if prompt else None


def local_time(iso: str) -> datetime:
    """A stored UTC timestamp in the person's own time zone."""
    return datetime.fromisoformat(iso).astimezone()


def short_time(iso: str) -> str:
    return local_time(iso).strftime("%Y-%m-%d %H:%M")
