"""Small messages the bridge posts from worker threads; UI-thread handlers own the widgets."""

from __future__ import annotations

from datetime import datetime

from textual.message import Message

from calm_voice.events import Command, Final, Partial
from calm_voice.session.state import Listening, SessionState


class StateChanged(Message):
    def __init__(self, state: SessionState) -> None:
        super().__init__()
        self.state = state

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StateChanged)


class PartialHeard(Message):
    """Words so far; a newer partial makes an older one pointless."""

    def __init__(self, heard: Partial, at: datetime) -> None:
        super().__init__()
        self.heard, self.at = heard, at

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PartialHeard)


class FinalHeard(Message):
    def __init__(self, heard: Final, at: datetime) -> None:
        super().__init__()
        self.heard, self.at = heard, at


class CommandSeen(Message):
    def __init__(self, command: Command, ignored_reason: str, at: datetime) -> None:
        super().__init__()
        self.command, self.ignored_reason, self.at = command, ignored_reason, at


class Said(Message):
    """Something the companion says aloud that is not part of the guide text."""

    def __init__(self, text: str, at: datetime) -> None:
        super().__init__()
        self.text, self.at = text, at


class LevelChanged(Message):
    """Microphone level; arrives ten times a second, so only the newest matters."""

    def __init__(self, dbfs: float) -> None:
        super().__init__()
        self.dbfs = dbfs

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LevelChanged)


class ListeningChanged(Message):
    def __init__(self, status: Listening) -> None:
        super().__init__()
        self.status = status


class NoticePosted(Message):
    def __init__(self, text: str, severity: str) -> None:
        super().__init__()
        self.text, self.severity = text, severity


class EntrySaved(Message):
    def __init__(self, entry_id: int, utterances: int, words: int) -> None:
        super().__init__()
        self.entry_id, self.utterances, self.words = entry_id, utterances, words


class HelpWanted(Message):
    pass


class QuitWanted(Message):
    pass
