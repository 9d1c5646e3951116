"""The voice thread: microphone blocks → recogniser → the session loop, plus the mic level."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from calm_voice.audio.levels import dbfs
from calm_voice.events import Final, Partial
from calm_voice.runtime.ports import Sink, VoiceControl
from calm_voice.session.inputs import MicrophoneLost, VoiceHeard
from calm_voice.session.state import ListeningMode

RATE = 16000
BYTES_PER_SECOND = RATE * 2
KEEP_SECONDS = 120  # audio kept in memory so a long utterance can be saved with its sound
MARGIN_S = 0.15  # a little before and after the recognised words, so nothing is clipped
LEVEL_INTERVAL_S = 0.1
LOST_AUDIO_EVERY_S = 10.0


class StreamRecognizer(Protocol):
    def accept(self, pcm: bytes) -> list[Partial | Final]: ...
    def set_mode(self, mode: str) -> None:
        """"commands" or "dictation" (a ListeningMode is one)."""


class VoiceInput(VoiceControl):
    """Owns the recogniser; only its own thread feeds it."""

    def __init__(self, next_block: Callable[[float], bytes | None], recognizer: StreamRecognizer,
                 submit: Callable[[VoiceHeard | MicrophoneLost], None], sink: Sink,
                 on_stop: Callable[[], None] | None = None,
                 is_alive: Callable[[], bool] | None = None,
                 clock: Callable[[], float] | None = None,
                 lost_audio_note: Callable[[], str | None] | None = None,
                 remove_played: Callable[[bytes, float], bytes] | None = None) -> None:
        """remove_played(block, recorded_at): what the recogniser hears instead of the raw
        block (the speaker's sound taken out, echo_removal.py); the raw block is what is kept
        for the journal and for judging own voice."""
        self._next_block = next_block
        self._remove_played = remove_played
        self._recognizer = recognizer
        self._submit = submit
        self._sink = sink
        self._on_stop = on_stop
        self._is_alive = is_alive
        self._clock = clock
        self._lost_audio_note = lost_audio_note
        self._next_lost_check = 0.0
        self._last_block_time = 0.0
        self._stop = threading.Event()
        self._wanted_mode = ListeningMode.COMMANDS
        self._mode = ListeningMode.COMMANDS
        self._ring: deque[bytes] = deque()
        self._ring_bytes = 0
        self._total_bytes = 0  # bytes heard since the start
        self._stream_start = 0  # _total_bytes when the current recogniser stream began
        self._since_level = 0.0
        self._thread = threading.Thread(target=self._run, name="calm-voice-input", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def set_mode(self, mode: ListeningMode) -> None:
        self._wanted_mode = mode  # applied by the voice thread between blocks

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        if self._on_stop is not None:
            self._on_stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            block = self._next_block(0.1)
            if block is None:
                if self._is_alive is not None and not self._is_alive():
                    self._sink.on_notice(
                        "The microphone stopped working, so voice commands are off. "
                        "Keys still work; reconnect it and restart calm-voice to speak again.",
                        "warning")
                    self._submit(MicrophoneLost())
                    return
                continue
            # An utterance cut by a switch comes out of the next accept(), heard the old way.
            heard_as = self._mode
            if self._wanted_mode != self._mode:
                self._mode = self._wanted_mode
                self._recognizer.set_mode(self._mode)  # its times stay stream-relative
            self._last_block_time = self._clock() if self._clock else time.monotonic()
            self._keep(block)
            self._report_level(block)
            self._report_lost_audio()
            heard_block = block
            if self._remove_played is not None:
                heard_block = self._remove_played(block, self._last_block_time)
            for heard in self._recognizer.accept(heard_block):
                if isinstance(heard, Final):
                    audio, ends_at = self._audio_for(heard)
                    self._submit(VoiceHeard(heard, audio, ends_at, heard_as))
                else:
                    self._submit(VoiceHeard(heard, mode=self._mode))

    def _keep(self, block: bytes) -> None:
        self._ring.append(block)
        self._ring_bytes += len(block)
        self._total_bytes += len(block)
        while self._ring_bytes > KEEP_SECONDS * BYTES_PER_SECOND:
            self._ring_bytes -= len(self._ring.popleft())

    def _report_level(self, block: bytes) -> None:
        self._since_level += len(block) / BYTES_PER_SECOND
        if self._since_level >= LEVEL_INTERVAL_S:
            self._since_level = 0.0
            self._sink.on_level(dbfs(block))

    def _report_lost_audio(self) -> None:
        """At most every few seconds, so a busy machine does not flood the screen."""
        now = time.monotonic()
        if self._lost_audio_note is None or now < self._next_lost_check:
            return
        self._next_lost_check = now + LOST_AUDIO_EVERY_S
        note = self._lost_audio_note()
        if note:
            self._sink.on_notice(note, "warning")

    def _audio_for(self, final: Final) -> tuple[bytes, float]:
        """The utterance's samples, cut from the ring by the recogniser's word times, and the
        time.monotonic() at which the last of them was recorded."""
        ring_start = self._total_bytes - self._ring_bytes
        if final.words:
            start_s, end_s = final.words[0].start, final.words[-1].end
        else:
            start_s, end_s = final.start, final.end
        first = self._stream_start + int(max(0.0, start_s - MARGIN_S) * RATE) * 2
        last = self._stream_start + int((end_s + MARGIN_S) * RATE) * 2
        first, last = max(first, ring_start), min(last, self._total_bytes)
        if last <= first:
            return b"", 0.0
        ends_at = self._last_block_time - (self._total_bytes - last) / BYTES_PER_SECOND
        parts, at = [], ring_start
        for block in self._ring:  # only the blocks the utterance spans, not the whole ring
            end = at + len(block)
            if end > first and at < last:
                parts.append(block[max(0, first - at):last - at])
            at = end
        return b"".join(parts), ends_at
