"""One line with what the companion is doing, where it plays, its voice and its speech model."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from calm_voice.safe_text import for_markup
from calm_voice.session.state import Mode

MODE_WORDS = {
    Mode.IDLE: "Ready",
    Mode.PLAYING: "Reading aloud",
    Mode.PAUSED: "Paused",
    Mode.REFLECTING: "Your turn to reflect",
}


class StatusLine(Static):
    mode: reactive[Mode] = reactive(Mode.IDLE)
    device: reactive[str] = reactive("…")
    voice: reactive[str] = reactive("…")
    model: reactive[str] = reactive("")
    model_state: reactive[str] = reactive("")

    def render(self) -> str:
        parts = [
            MODE_WORDS[self.mode],
            f"speaker: {self.device}",
            f"voice: {self.voice}",
            f"model: {self.model}, {self.model_state}" if self.model
            else f"model: {self.model_state}",
        ]
        return for_markup("  ·  ".join(parts))
