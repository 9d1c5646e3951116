"""What flows into the session: commands (from keys or voice) and what the recogniser heard."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class CommandKind(Enum):
    NEXT = "next"
    PREVIOUS = "previous"
    REPEAT = "repeat"
    PAUSE = "pause"
    RESUME = "resume"
    TOGGLE = "toggle"  # play/pause on one key
    STOP = "stop"
    WHERE = "where"
    HELP = "help"
    REFLECT = "reflect"
    GOTO_STEP = "goto_step"
    GOTO_REASON = "goto_reason"
    LOUDER = "louder"
    SOFTER = "softer"
    FASTER = "faster"
    SLOWER = "slower"
    FINISH_ENTRY = "finish_entry"
    SCRATCH_THAT = "scratch_that"
    QUIT = "quit"


@dataclass(frozen=True)
class Command:
    """One intent; a key press and a spoken phrase both become this."""

    kind: CommandKind
    number: int | None = None  # for GOTO_STEP / GOTO_REASON, 1-based
    source: str = "key"  # "key" or "voice"
    heard: str = ""  # the recognised text, for voice commands


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    conf: float


@dataclass(frozen=True)
class Partial:
    """Text so far in the utterance being spoken; replaced by the next Partial or a Final."""

    text: str


@dataclass(frozen=True)
class Final:
    """A finished utterance; times are seconds from the start of the stream."""

    text: str
    words: tuple[Word, ...] = field(default_factory=tuple)
    start: float = 0.0
    end: float = 0.0

    @property
    def confidence(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.conf for w in self.words) / len(self.words)


Heard = Partial | Final
