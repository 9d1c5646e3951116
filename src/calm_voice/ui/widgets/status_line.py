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
NO_SPEAKER = "No speaker: showing the text only"
"""Said instead of reading or pausing when there is nothing to read aloud with."""


class StatusLine(Static):
    # layout: a longer line may take a second row on a narrow terminal rather than be cut.
    mode: reactive[Mode] = reactive(Mode.IDLE, layout=True)
    device: reactive[str] = reactive("…", layout=True)
    voice: reactive[str] = reactive("…", layout=True)
    model: reactive[str] = reactive("", layout=True)
    model_state: reactive[str] = reactive("", layout=True)
    reads_aloud: reactive[bool] = reactive(True, layout=True)

    def render(self) -> str:
        silent = not self.reads_aloud and self.mode in (Mode.PLAYING, Mode.PAUSED)
        parts = [NO_SPEAKER if silent else MODE_WORDS[self.mode]]
        if self.reads_aloud:
            parts += [f"speaker: {self.device}", f"voice: {self.voice}"]
        elif not silent:
            parts.append("speaker: none")
        parts.append(f"model: {self.model}, {self.model_state}" if self.model
                     else f"model: {self.model_state}")
        return for_markup("  ·  ".join(parts))
