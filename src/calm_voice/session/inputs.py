"""Everything that can happen to the session: keys and voice, the speaker's progress, timers,
and what the journal answered."""

from __future__ import annotations

from dataclasses import dataclass

from calm_voice.events import Command, Final, Partial
from calm_voice.session.state import ListeningMode, SavedNote, SpeechKind


@dataclass(frozen=True)
class SentenceStarted:
    step: int
    sentence: int


@dataclass(frozen=True)
class StepFinished:
    step: int


@dataclass(frozen=True)
class PromptAsked:
    """The prompt has been spoken; the answer can be taken down now."""

    step: int
    prompt: int


@dataclass(frozen=True)
class SpeechDone:
    """The speaker finished (completed) or was stopped; `index` is the prompt number."""

    kind: SpeechKind
    step: int
    index: int
    completed: bool


@dataclass(frozen=True)
class SpeakerPlaying:
    """The speaker started or stopped playing (paused counts as not playing)."""

    playing: bool


@dataclass(frozen=True)
class EchoVerdict:
    """Whether what was heard matches what the speaker just played: the same words, or a
    signal shaped like the played sound. Both False when the check is off or not possible."""

    same_words: bool = False
    same_sound: bool = False


@dataclass(frozen=True)
class VoiceHeard:
    """From the voice thread: something the recogniser produced, with its audio for finals."""

    heard: Partial | Final
    audio: bytes | None = None
    audio_end: float = 0.0
    """time.monotonic() when the last sample of `audio` was recorded."""
    mode: ListeningMode | None = None
    """How the recogniser was listening when it heard this (None: as the session last set)."""
    echo: EchoVerdict = EchoVerdict()


@dataclass(frozen=True)
class Dictated:
    """A finished utterance while reflecting."""

    final: Final
    audio: bytes | None = None


@dataclass(frozen=True)
class TypedAnswer:
    """A reflection typed from the keyboard instead of spoken."""

    text: str


@dataclass(frozen=True)
class NoticeToSay:
    """A notice that was shown, to be said aloud too (when the setting speak_notices is on)."""

    text: str
    severity: str = "information"


@dataclass(frozen=True)
class TypedLine:
    """A typed line that is not a command (in `listen`): the answer while a question is open,
    otherwise not understood and not kept."""

    text: str


@dataclass(frozen=True)
class VoiceAttached:
    """The microphone and the speech model are ready."""

    model_name: str = ""


@dataclass(frozen=True)
class MicrophoneLost:
    """The voice thread ended because the microphone went away."""


@dataclass(frozen=True)
class SilenceTimeout:
    """Nothing was said for the configured time while reflecting."""


@dataclass(frozen=True)
class PersonAway:
    """Another screen (journal, help, models) now covers the guide."""


@dataclass(frozen=True)
class PersonBack:
    """The guide is on screen again."""


@dataclass(frozen=True)
class Tick:
    """Time passed with nothing else happening (the clock is given to transition())."""


@dataclass(frozen=True)
class EntryOpened:
    """The journal opened the entry (entry_id), or could not (None: it is not available)."""

    entry_id: int | None


@dataclass(frozen=True)
class EntrySaved:
    """The journal closed an entry that holds something."""

    entry_id: int
    utterances: int
    words: int
    note: SavedNote = SavedNote.SPOKEN


Input = (
    Command | SentenceStarted | StepFinished | PromptAsked | SpeechDone | SpeakerPlaying
    | VoiceHeard | Dictated | TypedAnswer | VoiceAttached | MicrophoneLost | SilenceTimeout
    | Tick | EntryOpened | EntrySaved | PersonAway | PersonBack | TypedLine | NoticeToSay
)
