"""Hand the session's reports to the Sink (the TUI bridge or printed lines), and notices to the
speaker too, so someone who cannot see the screen hears them."""

from __future__ import annotations

from collections.abc import Callable

from calm_voice.events import Command, Final, Partial
from calm_voice.runtime.ports import Sink
from calm_voice.session import effects as e
from calm_voice.session.inputs import Input, NoticeToSay
from calm_voice.session.state import Listening, SessionState


def report(effect: e.Effect, sink: Sink) -> bool:
    """Report `effect`; False if it is not a report."""
    if isinstance(effect, e.ShowHeard):
        sink.on_heard(effect.heard)
    elif isinstance(effect, e.ShowCommand):
        sink.on_command(effect.command, effect.ignored_reason)
    elif isinstance(effect, e.ShowListening):
        sink.on_listening(effect.status)
    elif isinstance(effect, e.ShowNotice):
        sink.on_notice(effect.text, effect.severity)
    elif isinstance(effect, e.ShowEntrySaved):
        sink.on_entry_saved(effect.entry_id, effect.utterances, effect.words)
    elif isinstance(effect, e.ShowHelp):
        sink.on_help()
    else:
        return False
    return True


class SpokenNotices:
    """A Sink that hands everything on, and also asks the session to say each notice aloud
    (the session decides whether now is the time: see machine.say_notice)."""

    def __init__(self, sink: Sink, submit: Callable[[Input], None]) -> None:
        self.sink = sink
        self.submit = submit

    def on_notice(self, text: str, severity: str = "information") -> None:
        self.sink.on_notice(text, severity)
        self.submit(NoticeToSay(text, severity))

    def on_state(self, state: SessionState) -> None:
        self.sink.on_state(state)

    def on_heard(self, heard: Partial | Final) -> None:
        self.sink.on_heard(heard)

    def on_command(self, command: Command, ignored_reason: str = "") -> None:
        self.sink.on_command(command, ignored_reason)

    def on_say(self, text: str) -> None:
        self.sink.on_say(text)

    def on_level(self, dbfs: float) -> None:
        self.sink.on_level(dbfs)

    def on_listening(self, status: Listening) -> None:
        self.sink.on_listening(status)

    def on_entry_saved(self, entry_id: int, utterances: int, words: int) -> None:
        self.sink.on_entry_saved(entry_id, utterances, words)

    def on_help(self) -> None:
        self.sink.on_help()

    def on_quit(self) -> None:
        self.sink.on_quit()
