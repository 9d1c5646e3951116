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
    # layout: a longer line may take a second row on a narrow terminal rather than be cut.
    mode: reactive[Mode] = reactive(Mode.IDLE, layout=True)
    device: reactive[str] = reactive("…", layout=True)
    voice: reactive[str] = reactive("…", layout=True)
    model: reactive[str] = reactive("", layout=True)
    model_state: reactive[str] = reactive("", layout=True)

    def render(self) -> str:
        parts = [
            MODE_WORDS[self.mode],
            f"speaker: {self.device}",
            f"voice: {self.voice}",
            f"model: {self.model}, {self.model_state}" if self.model
            else f"model: {self.model_state}",
        ]
        return for_markup("  ·  ".join(parts))
