"""Command vocabularies per language: the recogniser's grammar, and text → Command."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calm_voice import paths, safe_yaml
from calm_voice.errors import GuideError
from calm_voice.events import Command, CommandKind

UNKNOWN_WORD = "[unk]"
# Said alone while a reflection is open, these steer rather than being written down. Words a
# person might well answer with ("wait", "again", "enough") are kept out, and so are mishearings.
DICTATION_CONTROLS = frozenset({
    CommandKind.FINISH_ENTRY, CommandKind.SCRATCH_THAT, CommandKind.NEXT, CommandKind.STOP,
})


def can_grow(phrases: Iterable[str], text: str) -> bool:
    """Whether a longer phrase starts with these words: "go to reason" may still become "go to
    reason three", "stop" cannot become anything else."""
    said = normalise(text).split()
    if not said:
        return True
    count = len(said)
    return any(len(words) > count and words[:count] == said
               for words in (normalise(p).split() for p in phrases))


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, no punctuation, single spaces."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Vocabulary:
    language: str
    phrases: dict[str, Command]
    """Every grammar phrase, normalised, with the command it means."""
    confusions: dict[str, Command]
    """Mishearings accepted in free text only."""

    def grammar(self) -> list[str]:
        """Phrases for Vosk grammar mode; `[unk]` soaks up everything else."""
        return [*sorted(self.phrases), UNKNOWN_WORD]

    def can_grow(self, text: str) -> bool:
        """Whether a longer grammar phrase that means something else starts with `text`:
        "go to reason" can still become "go to reason three"; "stop" can become "stop
        talking", but that is the same command, so "stop" is already certain."""
        said = self.phrases.get(normalise(text))
        return can_grow([p for p, command in self.phrases.items() if command != said], text)

    def match(self, text: str, *, strict: bool = True) -> Command | None:
        """The command for a whole utterance, or None.

        strict: only exact grammar phrases (command mode). Otherwise known mishearings count too.
        """
        said = normalise(text)
        if not said or UNKNOWN_WORD.strip("[]") in said.split():
            return None
        found = self.phrases.get(said)
        if found is None and not strict:
            found = self.confusions.get(said)
        if found is None:
            return None
        return Command(found.kind, found.number, source="voice", heard=text)

    def match_dictation_control(self, text: str) -> Command | None:
        """A command said alone during a reflection ("I'm done", "scratch that")."""
        found = self.match(text, strict=True)
        return found if found and found.kind in DICTATION_CONTROLS else None


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data, _node = safe_yaml.load_file(path)
    except FileNotFoundError as exc:
        raise GuideError(f"The command vocabulary {path} does not exist.",
                         "Reinstall calm-voice or choose a language that has one.") from exc
    except OSError as exc:
        raise GuideError(f"The command vocabulary {path} cannot be read ({exc.strerror}).",
                         "Check that it is a readable file.") from exc
    except safe_yaml.YamlProblem as exc:
        raise GuideError(f"The command vocabulary {path} cannot be read: "
                         f"{safe_yaml.in_words(exc.problems)}.",
                         "Fix the file; each command needs a list of phrases.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("commands"), dict):
        raise GuideError(f"The command vocabulary {path} has no 'commands' mapping.",
                         "Fix the file; each command needs a list of phrases.")
    return data


def _phrase_list(name: str, value: Any) -> list[str]:
    """A list of phrases; a bare string would otherwise become one phrase per letter."""
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise TypeError(f"'{name}' should be a list of phrases, not {value!r}")
    return value


def load_vocabulary(language: str = "en", content_dir: Path | None = None) -> Vocabulary:
    """The spoken commands of a language: from `content_dir` if given, else one's own folder
    (CALM_VOICE_COMMANDS) or the packaged content."""
    path = (content_dir / f"commands.{language}.yaml" if content_dir
            else paths.commands_path(language))
    return load_vocabulary_file(path, language)


def load_vocabulary_file(path: Path, language: str) -> Vocabulary:
    """A commands file (format of content/commands.en.yaml); `language` unless it names one."""
    data = _load_yaml(path)
    phrases: dict[str, Command] = {}
    confusions: dict[str, Command] = {}
    try:
        for name, said in data["commands"].items():
            for phrase in _phrase_list(name, said):
                phrases[normalise(phrase)] = Command(CommandKind(name))
        numbers: dict[str, int] = dict(data.get("numbers") or {})
        sloppy_numbers = {**numbers, **(data.get("number_confusions") or {})}
        for name, templates in (data.get("goto") or {}).items():
            kind = CommandKind(name)
            for template in _phrase_list(name, templates):
                if "{n}" not in template:
                    raise ValueError(f"'{template}' under {name} has no {{n}} for the number")
                for word, n in sloppy_numbers.items():
                    target = phrases if word in numbers else confusions
                    target[normalise(template.format(n=word))] = Command(kind, int(n))
                    confusions[normalise(template.format(n=n))] = Command(kind, int(n))
        for name, heard in (data.get("confusions") or {}).items():
            for phrase in _phrase_list(name, heard):
                confusions.setdefault(normalise(phrase), Command(CommandKind(name)))
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise GuideError(f"The command vocabulary {path} has a bad entry "
                         f"({safe_yaml.shown(exc)}).",
                         "Each command must be one of: "
                         + ", ".join(k.value for k in CommandKind) + ".") from exc
    return Vocabulary(language=str(data.get("language", language)), phrases=phrases,
                      confusions=confusions)
