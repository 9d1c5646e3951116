"""The seams between the session loop and the engines: what each side may call on the other."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from calm_voice.events import Command, Final, Partial
from calm_voice.session.state import Listening, ListeningMode, SessionState


class SpeakerPort(Protocol):
    """Reads text aloud; non-blocking; reports progress through the callbacks it was given."""

    voice_name: str
    device_name: str

    def speak(self, key: str, sentences: Sequence[str], start: int = 0, *,
              on_sentence: Callable[[int], None] | None = None,
              on_done: Callable[[bool], None] | None = None) -> None:
        """Stop whatever plays, then play sentences[start:]. on_sentence(i) fires when sentence i's
        first frame reaches the device; on_done(completed) once, when it ends or is stopped."""

    def prefetch(self, sentences: Sequence[str]) -> None:
        """Synthesise ahead in the background so a later speak() starts at once."""

    def stop(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def is_playing(self) -> bool: ...

    def recent_text(self, seconds: float) -> str:
        """Sentences that reached the speaker in the last `seconds`, for echo rejection."""

    def played_audio(self, start: float, end: float, rate: int = 16000) -> Any:
        """int16 samples of what reached the speaker between two time.monotonic() instants."""

    def adjust(self, rate_delta: int = 0, volume_delta: float = 0.0) -> tuple[int, float]:
        """Change the voice; returns the new rate (words a minute) and volume (0 to 1)."""
    def close(self) -> None: ...


class JournalPort(Protocol):
    """What the session loop needs from the journal; every call commits before it returns."""

    def open_entry(self, guide_id: str, step_id: str, prompt_id: str, language: str,
                   model: str, *, step_title: str | None = None,
                   prompt_text: str | None = None) -> int: ...

    def add_utterance(self, entry_id: int, final: Final, audio: bytes | None = None,
                      sample_rate: int = 16000) -> int: ...

    def remove_last_utterance(self, entry_id: int) -> None: ...

    def close_entry(self, entry_id: int) -> tuple[int, int]:
        """Close it; returns (utterances, words). An entry with no utterances is deleted."""

    def close(self) -> None:
        """Let go of the journal file; called once, when the session ends."""


class VoiceControl(Protocol):
    """What the loop needs from the voice input (runtime/voice_input.py)."""

    def set_mode(self, mode: ListeningMode) -> None:
        """Listen for the command grammar or for any words, from the next block on."""

    def stop(self) -> None: ...


class Sink(Protocol):
    """How the loop reports to whoever shows it (the TUI bridge or headless printing).
    Called from worker threads: implementations must only hand the report on."""

    def on_state(self, state: SessionState) -> None: ...
    def on_heard(self, heard: Partial | Final) -> None: ...
    def on_command(self, command: Command, ignored_reason: str = "") -> None: ...
    def on_say(self, text: str) -> None: ...
    def on_level(self, dbfs: float) -> None: ...
    def on_listening(self, status: Listening) -> None: ...
    def on_notice(self, text: str, severity: str = "information") -> None: ...
    def on_entry_saved(self, entry_id: int, utterances: int, words: int) -> None: ...
    def on_help(self) -> None: ...
    def on_quit(self) -> None: ...
