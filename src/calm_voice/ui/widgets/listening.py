"""Whether the microphone is taking commands, muted while the guide speaks, or off."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

LABELS = {
    "listening": "● listening",
    "muted while speaking": "◐ muted while speaking",
    "taking notes": "✎ taking notes",
    "off": "○ microphone off",
    "starting": "… starting",
}


class ListeningIndicator(Static):
    status: reactive[str] = reactive("starting")

    def render(self) -> str:
        return LABELS.get(self.status, self.status)

    def watch_status(self, old: str, new: str) -> None:
        self.remove_class(f"-{old.replace(' ', '-')}")
        self.add_class(f"-{new.replace(' ', '-')}")
