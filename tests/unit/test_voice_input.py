"""The voice thread's own logic: cutting each utterance's audio, mode switches, lost audio, and a
microphone that goes away (the real capture and Vosk are tested in integration/)."""

from __future__ import annotations

import queue
import time

from calm_voice.events import Final, Partial, Word
from calm_voice.runtime.voice_input import VoiceInput
from calm_voice.session.inputs import MicrophoneLost, VoiceHeard
from tests.support.fakes import RecordingSink

BLOCK = b"\x00\x01" * 320  # 20 ms at 16 kHz


class ScriptedRecognizer:
    """Says a Final for the words at 1.0–1.5 s once 2 s of audio have come in."""

    def __init__(self) -> None:
        self.fed = 0
        self.modes: list[str] = []

    def accept(self, pcm: bytes) -> list[Partial | Final]:
        self.fed += len(pcm)
        if self.fed == 2 * 32000:
            words = (Word("hello", 1.0, 1.2, 0.9), Word("there", 1.25, 1.5, 0.9))
            return [Final("hello there", words, 1.0, 1.5)]
        return [Partial("hel")] if self.fed == 32000 else []

    def set_mode(self, mode: str) -> None:
        self.modes.append(mode)


def run_voice(blocks: int, alive: bool = True, note: str | None = None):
    feed: queue.Queue[bytes] = queue.Queue()
    for _ in range(blocks):
        feed.put(BLOCK)
    submitted: queue.Queue[object] = queue.Queue()
    sink = RecordingSink()
    notes = [note]

    def next_block(timeout: float) -> bytes | None:
        try:
            return feed.get(timeout=timeout)
        except queue.Empty:
            return None

    recognizer = ScriptedRecognizer()
    voice = VoiceInput(next_block, recognizer, submitted.put, sink,
                       is_alive=lambda: alive or not feed.empty(), clock=lambda: 100.0,
                       lost_audio_note=lambda: notes.pop() if notes else None)
    voice.start()
    voice.feed = feed  # type: ignore[attr-defined]
    return voice, submitted, sink, recognizer


def test_a_final_comes_with_its_own_audio_and_when_it_ended() -> None:
    voice, submitted, sink, _ = run_voice(150)  # 3 s
    heard = [submitted.get(timeout=5) for _ in range(2)]
    voice.stop()
    partial, final = heard
    assert isinstance(partial, VoiceHeard) and partial.audio is None
    assert isinstance(final, VoiceHeard) and isinstance(final.heard, Final)
    # 1.0–1.5 s plus a 0.15 s margin each side, in 16 kHz int16.
    assert final.audio is not None and len(final.audio) == int(0.8 * 16000) * 2
    assert final.audio_end == 100.0 - (2.0 - 1.65)  # the last block came in at t=100, 2 s in
    assert sink.wait_for(lambda: bool(sink.of("level")))


def test_lost_audio_is_told_once_and_a_lost_microphone_ends_the_voice() -> None:
    voice, submitted, sink, _ = run_voice(10, alive=False, note="About 40 ms were lost.")
    assert sink.wait_for(lambda: ("About 40 ms were lost.", "warning") in sink.of("notice"))
    events = []
    while not any(isinstance(e, MicrophoneLost) for e in events):
        events.append(submitted.get(timeout=5))
    assert any("microphone stopped" in text for text, _ in sink.of("notice"))
    voice.stop()


def test_mode_switches_reach_the_recogniser_with_the_next_block() -> None:
    voice, submitted, sink, recognizer = run_voice(0)
    voice.set_mode("dictation")
    voice.set_mode("commands")
    voice.set_mode("dictation")
    voice.feed.put(BLOCK)  # type: ignore[attr-defined]
    deadline = time.monotonic() + 5
    while recognizer.fed == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    voice.stop()
    assert recognizer.modes == ["dictation"]  # applied once, by the voice thread


def test_the_recogniser_hears_the_cleaned_sound_and_the_raw_sound_is_kept() -> None:
    feed: queue.Queue[bytes] = queue.Queue()
    for _ in range(150):
        feed.put(BLOCK)
    submitted: queue.Queue[object] = queue.Queue()
    heard_blocks: list[bytes] = []

    class Listening(ScriptedRecognizer):
        def accept(self, pcm: bytes) -> list[Partial | Final]:
            heard_blocks.append(pcm)
            return super().accept(pcm)

    def clean(block: bytes, recorded_at: float) -> bytes:
        assert recorded_at == 100.0
        return b"\x00\x00" * (len(block) // 2)

    voice = VoiceInput(lambda timeout: feed.get(timeout=timeout) if not feed.empty() else None,
                       Listening(), submitted.put, RecordingSink(), clock=lambda: 100.0,
                       remove_played=clean)
    voice.start()
    final = [submitted.get(timeout=5) for _ in range(2)][1]
    voice.stop()
    assert heard_blocks and all(not any(block) for block in heard_blocks)
    assert isinstance(final, VoiceHeard) and final.audio is not None
    assert final.audio[:len(BLOCK)] == BLOCK  # the raw sound, for the journal and own voice
