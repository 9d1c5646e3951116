"""The guide's own voice taken out of the microphone before the recogniser hears it.

Every block the speaker's stream hands to the device (silence too) comes back with the time it
reaches the device (PlayedStream.take_played); they are joined into one continuous 16 kHz
reference. Each captured block is paired with the reference over the same span of time, on
the time.monotonic() clock the capture callback stamps blocks with, and both go through the
streaming echo canceller. Runs on the voice thread.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol, runtime_checkable

import numpy as np

from calm_voice.audio.capture import StreamResampler
from calm_voice.audio.stream_echo_cancel import StreamingEchoCanceller

RATE = 16000
KEEP_S = 4.0  # reference kept, in seconds: more than any echo delay the canceller looks for
RESYNC_S = 0.5
"""When a count of samples and the clock it follows disagree by more than this (audio lost, a
restarted stream), the count starts again from the clock. Smaller disagreements are the
sound system delivering blocks in bursts: counting samples is steadier than their arrival
times, and the canceller finds the remaining constant offset itself."""
EARLY_S = 0.005
GAP_S = 0.01  # played blocks this much later than counted, for GAP_BLOCKS in a row: a gap
GAP_BLOCKS = 25


@runtime_checkable
class PlayedStream(Protocol):
    def take_played(self) -> tuple[int, list[tuple[float, np.ndarray]]]:
        """The device rate, and the blocks played since the last call with the
        time.monotonic() each reached the device."""


class _Reference:
    """The played sound as one 16 kHz timeline: sample i of the buffer was heard at
    `start + i / RATE` (monotonic seconds)."""

    def __init__(self) -> None:
        self.samples = np.zeros(0, dtype=np.int16)
        self.start = 0.0
        self._rate = 0
        self._resample: StreamResampler | None = None
        self._late: deque[float] = deque(maxlen=GAP_BLOCKS)

    def add(self, rate: int, blocks: list[tuple[float, np.ndarray]]) -> None:
        for at, block in blocks:
            if rate != self._rate:
                self._rate = rate
                self._resample = StreamResampler(rate, RATE) if rate != RATE else None
            pcm = (self._resample(block) if self._resample is not None else block)
            late = at - (self.start + self.samples.size / RATE)
            if not self.samples.size or abs(late) > RESYNC_S:
                self.samples, self.start = pcm.astype(np.int16), at
                self._late.clear()
                continue
            self._late.append(late)
            if len(self._late) == self._late.maxlen and min(self._late) > GAP_S:
                # Every block for a while came this much later than counted: the device ran
                # dry (an underrun) and played silence that no block carried.
                gap = np.zeros(int(min(self._late) * RATE), dtype=np.int16)
                self.samples = np.concatenate([self.samples, gap])
                self._late.clear()
            self.samples = np.concatenate([self.samples, pcm.astype(np.int16)])
        extra = self.samples.size - int(KEEP_S * RATE)
        if extra > 0:
            self.samples = self.samples[extra:]
            self.start += extra / RATE

    def between(self, start: float, count: int) -> np.ndarray:
        """`count` samples from monotonic time `start`; silence where nothing was played."""
        out = np.zeros(count, dtype=np.int16)
        first = int(round((start - self.start) * RATE))
        lo, hi = max(first, 0), min(first + count, self.samples.size)
        if hi > lo:
            out[lo - first:hi - first] = self.samples[lo:hi]
        return out


class PlayedSoundRemover:
    """Callable on (block of 16 kHz int16 bytes, time.monotonic() its last sample was
    recorded): the microphone with the played sound taken out, sample for sample, as much of
    it as is ready (the canceller works in 16 ms steps, so one block may give none)."""

    def __init__(self, speaker: PlayedStream) -> None:
        self._speaker = speaker
        self._reference = _Reference()
        self._canceller = StreamingEchoCanceller()
        self._next = 0.0  # monotonic time of the next microphone sample

    def __call__(self, block: bytes, recorded_at: float) -> bytes:
        self._reference.add(*self._speaker.take_played())
        mic = np.frombuffer(block, dtype=np.int16)
        began = recorded_at - mic.size / RATE
        # A block can arrive late (a burst) but never before it was recorded: the count
        # follows the earliest arrivals.
        if began - self._next > RESYNC_S or self._next - began > EARLY_S:
            self._next = began
        reference = self._reference.between(self._next, mic.size)
        self._next += mic.size / RATE
        return self._canceller.process(mic, reference).tobytes()
