"""Opening a PortAudio stream again when the sound server was briefly not ready for it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

import sounddevice as sd

log = logging.getLogger(__name__)


class _Stream(Protocol):
    def start(self) -> None: ...
    def close(self) -> None: ...


T = TypeVar("T")
S = TypeVar("S", bound=_Stream)

ATTEMPTS = 3
PAUSE_S = 0.2


def open_with_retry(open_stream: Callable[[], T], attempts: int = ATTEMPTS,
                    pause: float = PAUSE_S) -> T:
    """`open_stream()`, tried again after a short pause when PortAudio refuses it.

    A busy PulseAudio server (another stream just closed, or a CPU hog beside it) sometimes
    answers "Device unavailable" or times out once and accepts the same request a moment later.
    The last error is raised as it came; ValueError (bad settings) is never retried.
    """
    for attempt in range(1, attempts + 1):
        try:
            return open_stream()
        except sd.PortAudioError as exc:
            if attempt == attempts:
                raise
            log.info("audio stream refused (%s); trying again", exc)
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")


def started(stream: S) -> S:
    """The stream, started; closed again if PortAudio refuses to start it (so a retry can
    open a fresh one without leaking this one)."""
    try:
        stream.start()
    except sd.PortAudioError:
        stream.close()
        raise
    return stream
