"""Every key of the main screen in one table: its binding, its line in the help, its command in
the palette (ctrl+p), and what can be said instead. Each spoken command has a key here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.binding import Binding

from calm_voice.events import CommandKind as K
from calm_voice.session.spoken_words import SpokenWords


@dataclass(frozen=True)
class Key:
    keys: str
    """Textual key names, comma-separated."""
    shown: str
    """The key as a person reads it."""
    action: str
    label: str
    """The footer's and the palette's short name."""
    meaning: str
    voice: str = ""
    """What can be said instead ("" when it is keys only)."""
    footer: bool = False
    """Shown in the footer; the rest are under ? and ctrl+p, so the footer fits 80 columns."""


def _command(kind: str) -> str:
    return f"command('{kind}')"


KEYS: tuple[Key, ...] = (
    Key("space", "space", _command("toggle"), "Play/pause", "play or pause the reading",
        "pause / continue", footer=True),
    Key("n", "n", _command("next"), "Next", "next question, then next step", "next",
        footer=True),
    Key("p", "p", _command("previous"), "Back", "previous step", "back"),
    Key("r", "r", _command("repeat"), "Repeat", "read this step again from the start",
        "repeat"),
    Key("s", "s", _command("stop"), "Stop", "stop reading", "stop"),
    Key("g", "g", "go_to_step", "Go to step", "choose a step in the outline (Enter jumps)",
        "go to step five"),
    Key("w", "w", _command("where"), "Where am I", "hear where you are", "where am I"),
    Key("a", "a", _command("reflect"), "Ask me", "ask me a question about this step",
        "reflect"),
    Key("t", "t", "app.type_answer", "Type answer", "type your answer instead of saying it",
        footer=True),
    Key("d", "d", _command("finish_entry"), "Done", "my answer is finished", "I'm done"),
    Key("u", "u", _command("scratch_that"), "Take back",
        "take back the last thing I said or typed", "scratch that"),
    Key("plus,equals_sign", "+", _command("louder"), "Louder", "speak louder", "louder"),
    Key("minus", "-", _command("softer"), "Softer", "speak more softly", "softer"),
    Key("greater_than_sign,full_stop", ">", _command("faster"), "Faster", "speak faster",
        "faster"),
    Key("less_than_sign,comma", "<", _command("slower"), "Slower", "speak more slowly",
        "slower"),
    Key("j", "j", "app.journal", "Journal", "look back at your journal", footer=True),
    Key("i", "i", "app.notices", "Notices", "the notices at the top in full, with what to do"),
    Key("m", "m", "app.models", "Models", "speech models: see them and get one"),
    Key("question_mark", "?", "app.help", "Help", "all keys and what you can say", "help",
        footer=True),
    Key("q", "q", "app.quit", "Quit", "quit (your place is remembered)", footer=True),
)


def bindings() -> list[Binding]:
    return [Binding(key.keys, key.action, key.label, show=key.footer) for key in KEYS]


_SAID_BY_ACTION = {"command('toggle')": (K.PAUSE, K.RESUME), "go_to_step": (K.GOTO_STEP,),
                   "app.help": (K.HELP,)}


def voice_for(key: Key, spoken: SpokenWords) -> str:
    """What can be said instead of the key, in the language listened for ("" if nothing)."""
    if spoken.language == "en" or not key.voice:
        return key.voice
    command = re.fullmatch(r"command\('(\w+)'\)", key.action)
    kinds = _SAID_BY_ACTION.get(key.action) or ((K(command[1]),) if command else ())
    return " / ".join(word for kind in kinds if (word := spoken.of(kind)))
