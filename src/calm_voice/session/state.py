"""What the session remembers: the place in the guide, the open answer, and how it listens."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class TextEnum(str, Enum):
    """A str Enum that prints as its value, so it reads the same in a log line or a label."""

    def __str__(self) -> str:
        return str(self.value)


class Mode(TextEnum):
    IDLE = "idle"  # nothing playing; voice commands are heard
    PLAYING = "playing"  # a step is being read aloud
    PAUSED = "paused"  # a step is paused mid-way
    REFLECTING = "reflecting"  # a prompt is asked and the answer is being taken down


class ListeningMode(TextEnum):
    """How the recogniser listens: for the command grammar, or for any words (an answer)."""

    COMMANDS = "commands"
    DICTATION = "dictation"


class Listening(TextEnum):
    """What the microphone label says."""

    OFF = "off"  # no microphone or no model: keys only
    LISTENING = "listening"  # for commands, the guide silent
    COMMANDS_WHILE_SPEAKING = "listening for commands"  # the guide speaks; commands still work
    TAKING_NOTES = "taking notes"  # an answer is being taken down


class SpeechKind(TextEnum):
    STEP = "step"
    PROMPT = "prompt"
    SAY = "say"


class SavedNote(TextEnum):
    """How "Saved, N words" reaches the person: said aloud, or only shown because something
    else is about to be said."""

    SPOKEN = "spoken"
    SHOWN = "shown"


@dataclass(frozen=True)
class SessionState:
    step: int = 0
    mode: Mode = Mode.IDLE
    sentence: int = 0
    prompt: int = 0
    entry_open: bool = False
    entry_id: int | None = None
    """The journal's id for the open entry; None while none is open or the journal is away."""
    entry_utterances: int = 0
    entry_words: int = 0
    utterance_words: tuple[int, ...] = ()
    """Words in each utterance of the open entry, so taking one back corrects entry_words."""
    step_done: bool = False  # the step was read to its end, so "continue" moves on
    next_prompt: int | None = None
    """The step's question that moving on asks next, once an answer was left: none is skipped."""
    away: bool = False
    """Another screen covers the guide: nothing is read, asked or taken down meanwhile."""
    resume_on_return: bool = False
    """Going away cut reading or a question short: it is picked up again on return."""
    reflect_after_step: bool = True
    step_replaced: bool = False
    """Other speech played since the step was started, so resuming must start the step again."""
    voice_attached: bool = False
    model_name: str = ""
    speaking: bool = False  # the speaker is playing (not paused)
    listening: Listening = Listening.OFF
    recognizer_mode: ListeningMode | None = None
    last_voice_activity: float = field(default=0.0, compare=False)
    """The clock when something was last heard or typed (a reading, so not compared)."""
