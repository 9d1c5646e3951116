"""The guide's own voice taken out of the microphone before the recogniser hears it: each
captured block is paired with exactly what the speaker played over the same span of time
(SpeakerPort.played_audio, on the time.monotonic() clock the capture callback stamps blocks
with) and handed to the streaming echo canceller. Runs on the voice thread."""

from __future__ import annotations

import numpy as np

from calm_voice.audio.stream_echo_cancel import StreamingEchoCanceller
from calm_voice.runtime.ports import SpeakerPort

RATE = 16000
RESYNC_S = 0.1
"""When the reference's own count of samples and the capture clock disagree by more than this
(audio lost, a stalled thread), the reference is read from the capture clock again."""


class PlayedSoundRemover:
    """Callable on (block of 16 kHz int16 bytes, time.monotonic() its last sample was
    recorded): the microphone with the played sound taken out, sample for sample, as much of
    it as is ready (the canceller works in 16 ms steps, so one block may give none)."""

    def __init__(self, speaker: SpeakerPort) -> None:
        self._speaker = speaker
        self._canceller = StreamingEchoCanceller()
        self._next = 0.0  # monotonic time of the next reference sample

    def __call__(self, block: bytes, recorded_at: float) -> bytes:
        mic = np.frombuffer(block, dtype=np.int16)
        count = mic.size
        began = recorded_at - count / RATE
        if abs(self._next - began) > RESYNC_S:
            self._next = began
        reference = self._speaker.played_audio(self._next, self._next + (count + 1) / RATE)
        self._next += count / RATE
        cleaned = self._canceller.process(mic, _exactly(reference, count))
        return cleaned.tobytes()


def _exactly(samples: np.ndarray, count: int) -> np.ndarray:
    out = np.zeros(count, dtype=np.int16)
    size = min(count, samples.size)
    out[:size] = samples[:size]
    return out
