"""Whether the microphone is taking commands (also while the guide speaks), taking notes, or off."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from calm_voice.session.state import Listening

STARTING = "starting"
LABELS = {
    Listening.LISTENING: "● listening",
    Listening.COMMANDS_WHILE_SPEAKING: "◐ listening for commands",
    Listening.TAKING_NOTES: "✎ taking notes",
    Listening.OFF: "○ microphone off",
    STARTING: "… starting",
}


class ListeningIndicator(Static):
    status: reactive[str] = reactive(STARTING)

    def render(self) -> str:
        return LABELS.get(self.status, self.status)

    def watch_status(self, old: str, new: str) -> None:
        self.remove_class(f"-{old.replace(' ', '-')}")
        self.add_class(f"-{new.replace(' ', '-')}")
