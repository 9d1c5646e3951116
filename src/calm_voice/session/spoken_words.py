"""How to say each command in the language being listened for, for the lines that tell a person
what they can say: the English words are written for people; another language's are the first
phrase its commands file gives each command."""

from __future__ import annotations

from dataclasses import dataclass

from calm_voice.commands import Vocabulary
from calm_voice.events import CommandKind as K

ENGLISH: tuple[tuple[K, str], ...] = (
    (K.NEXT, "next"), (K.PREVIOUS, "back"), (K.REPEAT, "repeat"), (K.PAUSE, "pause"),
    (K.RESUME, "continue"), (K.STOP, "stop"), (K.WHERE, "where am I"), (K.HELP, "help"),
    (K.GOTO_REASON, "go to reason three"), (K.LOUDER, "louder"), (K.SOFTER, "softer"),
    (K.FASTER, "faster"), (K.SLOWER, "slower"), (K.REFLECT, "reflect"),
    (K.FINISH_ENTRY, "I'm done"), (K.SCRATCH_THAT, "scratch that"),
)


@dataclass(frozen=True)
class SpokenWords:
    language: str = "en"
    words: tuple[tuple[K, str], ...] = ENGLISH

    def of(self, kind: K) -> str | None:
        """What to say for this command; None when it can only be done by key."""
        return next((said for known, said in self.words if known is kind), None)


def spoken_words(vocabulary: Vocabulary | None) -> SpokenWords:
    if vocabulary is None or vocabulary.language == "en":
        return SpokenWords()
    first: dict[K, str] = {}
    for phrase, command in vocabulary.phrases.items():
        if command.number is None:
            first.setdefault(command.kind, phrase)
    return SpokenWords(vocabulary.language, tuple((kind, said) for kind, _ in ENGLISH
                                                  if (said := first.get(kind)) is not None))
