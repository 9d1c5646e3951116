"""The session loop's Sink for the TUI: every report becomes a posted message, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.message import Message

from calm_voice.events import Command, Final, Partial
from calm_voice.session.state import Listening, SessionState
from calm_voice.ui import messages as m


class UiBridge:
    """Implements calm_voice.runtime.ports.Sink; safe from any thread because post_message is."""

    def __init__(self, post: Callable[[Message], object],
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self._post = post
        self._clock = clock

    def on_state(self, state: SessionState) -> None:
        self._post(m.StateChanged(state))

    def on_heard(self, heard: Partial | Final) -> None:
        if isinstance(heard, Final):
            self._post(m.FinalHeard(heard, self._clock()))
        else:
            self._post(m.PartialHeard(heard, self._clock()))

    def on_command(self, command: Command, ignored_reason: str = "") -> None:
        self._post(m.CommandSeen(command, ignored_reason, self._clock()))

    def on_say(self, text: str) -> None:
        self._post(m.Said(text, self._clock()))

    def on_level(self, dbfs: float) -> None:
        self._post(m.LevelChanged(dbfs))

    def on_listening(self, status: Listening) -> None:
        self._post(m.ListeningChanged(status))

    def on_notice(self, text: str, severity: str = "information") -> None:
        self._post(m.NoticePosted(text, severity))

    def on_entry_saved(self, entry_id: int, utterances: int, words: int) -> None:
        self._post(m.EntrySaved(entry_id, utterances, words))

    def on_help(self) -> None:
        self._post(m.HelpWanted())

    def on_quit(self) -> None:
        self._post(m.QuitWanted())
