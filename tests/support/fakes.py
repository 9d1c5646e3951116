"""Fakes for unit tests of the session loop's logic (the real parts are tested elsewhere)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from calm_voice.events import Command, Final, Partial
from calm_voice.session.state import Listening, SessionState


class FakeSpeaker:
    voice_name = "fake voice"
    device_name = "fake device"

    def __init__(self, finish_at_once: bool = True) -> None:
        self.finish_at_once = finish_at_once
        self.rate, self.volume = 165, 1.0
        self.spoken: list[tuple[str, list[str], int]] = []
        self.calls: list[str] = []
        self.playing = False
        self.played_text = ""
        self._on_done: Callable[[bool], None] | None = None

    def speak(self, key: str, sentences: Sequence[str], start: int = 0, *,
              on_sentence: Callable[[int], None] | None = None,
              on_done: Callable[[bool], None] | None = None) -> None:
        self.stop()
        self.spoken.append((key, list(sentences), start))
        self.played_text = " ".join(sentences[start:])
        self.playing = True
        self._on_done = on_done
        if on_sentence:
            for i in range(start, len(sentences)):
                on_sentence(i)
        if self.finish_at_once:
            self.finish(True)

    def finish(self, completed: bool) -> None:
        self.playing = False
        done, self._on_done = self._on_done, None
        if done:
            done(completed)

    def prefetch(self, sentences: Sequence[str]) -> None:
        self.calls.append("prefetch")

    def stop(self) -> None:
        self.calls.append("stop")
        if self.playing:
            self.finish(False)

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")

    def is_playing(self) -> bool:
        return self.playing

    def recent_text(self, seconds: float) -> str:
        return self.played_text

    def played_audio(self, start: float, end: float, rate: int = 16000) -> np.ndarray:
        return np.zeros(max(0, int((end - start) * rate)), dtype=np.int16)

    def adjust(self, rate_delta: int = 0, volume_delta: float = 0.0) -> tuple[int, float]:
        self.calls.append(f"adjust {rate_delta} {volume_delta}")
        self.rate += rate_delta
        self.volume = round(min(1.0, self.volume + volume_delta), 2)
        return self.rate, self.volume

    def close(self) -> None:
        self.calls.append("close")


class FakeJournal:
    def __init__(self) -> None:
        self.entries: dict[int, dict[str, Any]] = {}
        self.closed = False

    def open_entry(self, guide_id: str, step_id: str, prompt_id: str, language: str,
                   model: str, *, step_title: str | None = None,
                   prompt_text: str | None = None) -> int:
        entry_id = len(self.entries) + 1
        self.entries[entry_id] = {"step": step_id, "prompt": prompt_id, "utterances": [],
                                  "closed": False}
        return entry_id

    def add_utterance(self, entry_id: int, final: Final, audio: bytes | None = None,
                      sample_rate: int = 16000) -> int:
        self.entries[entry_id]["utterances"].append((final.text, audio))
        return len(self.entries[entry_id]["utterances"])

    def remove_last_utterance(self, entry_id: int) -> None:
        self.entries[entry_id]["utterances"].pop()

    def close_entry(self, entry_id: int) -> tuple[int, int]:
        utterances = self.entries[entry_id]["utterances"]
        words = sum(len(text.split()) for text, _ in utterances)
        if not utterances:
            del self.entries[entry_id]
            return 0, 0
        self.entries[entry_id]["closed"] = True
        return len(utterances), words

    def close(self) -> None:
        self.closed = True


class RecordingSink:
    """Keeps every report; `wait_for` blocks until a predicate over the reports holds."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, Any]] = []
        self._changed = threading.Condition()

    def _add(self, kind: str, value: Any) -> None:
        with self._changed:
            self.reports.append((kind, value))
            self._changed.notify_all()

    def of(self, kind: str) -> list[Any]:
        with self._changed:
            return [value for k, value in self.reports if k == kind]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def on_state(self, state: SessionState) -> None:
        self._add("state", state)

    def on_heard(self, heard: Partial | Final) -> None:
        self._add("heard", heard)

    def on_command(self, command: Command, ignored_reason: str = "") -> None:
        self._add("command", (command, ignored_reason))

    def on_say(self, text: str) -> None:
        self._add("say", text)

    def on_level(self, dbfs: float) -> None:
        self._add("level", dbfs)

    def on_listening(self, status: Listening) -> None:
        self._add("listening", status)

    def on_notice(self, text: str, severity: str = "information") -> None:
        self._add("notice", (text, severity))

    def on_entry_saved(self, entry_id: int, utterances: int, words: int) -> None:
        self._add("saved", (entry_id, utterances, words))

    def on_help(self) -> None:
        self._add("help", None)

    def on_quit(self) -> None:
        self._add("quit", None)
