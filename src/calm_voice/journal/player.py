"""Play a journal clip through the speaker and block until it has been heard (or stopped)."""

from __future__ import annotations

import threading
import time

import numpy as np

from calm_voice.audio.devices import resolve_output
from calm_voice.audio.playback import Playback
from calm_voice.journal.records import Clip

TAIL_WAIT_LIMIT = 1.0
"""At most this long is spent letting the last buffered frames reach the device."""


class ClipPlayer:
    """One clip at a time; call play() from a worker thread and stop() from anywhere."""

    def __init__(self, output_device: str | int | None = None) -> None:
        self.output_device = output_device
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def stop(self) -> None:
        with self._lock:
            self._stop.set()

    def play(self, clip: Clip) -> bool:
        """Play the clip; True if it played to its end, False if stop() cut it short."""
        with self._lock:
            self._stop.set()  # a clip that is still playing ends now
            stop = self._stop = threading.Event()
        playback = Playback(resolve_output(self.output_device), source_rate=clip.rate)
        playback.start()
        try:
            run = playback.new_run()
            playback.enqueue(run, 0, np.frombuffer(clip.pcm, dtype=np.int16))
            playback.finish(run, 0)
            deadline = time.monotonic() + clip.seconds + 5.0
            while not stop.is_set() and time.monotonic() < deadline:
                event = playback.next_event(timeout=0.05)
                if event is not None and event.kind == "end" and event.generation == run:
                    tail_end = time.monotonic() + TAIL_WAIT_LIMIT
                    while (playback.now() < event.at and time.monotonic() < tail_end
                           and not stop.is_set()):
                        time.sleep(0.01)
                    return not stop.is_set()
            return False
        finally:
            playback.close()
