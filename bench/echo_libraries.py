"""Kept echo-cancelling libraries, behind the same streaming interface as
calm_voice.audio.stream_echo_cancel (equal lengths of microphone and played sound in, the
microphone with the played sound taken out back), for bench/barge_in_rig.py to compare with
the app's own canceller on the same recordings:

* WebRTC's AEC3, through the `livekit` wheel's AudioProcessingModule (10 ms frames; it finds
  the echo's delay itself). It runs locally: nothing here joins a LiveKit room, and strace
  shows no network socket opened (only a local socketpair).
* speexdsp's MDF canceller with its residual suppressor, through the `pyaec` wheel (no delay
  search, so its filter must span the delay).

Neither is a dependency of the app (neither won, see docs/benchmarks.md); install them with
`pip install -e ".[bench]"`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RATE = 16000
FRAME = RATE // 100  # both take exactly 10 ms per call
SPEEX_FILTER = 4800  # 300 ms: longer than the rig's largest delay (200 ms) plus its reverberation


class _Framed:
    """Cuts the streams into 10 ms frames; output sample n is input sample n, cleaned, handed
    back up to one frame later."""

    def __init__(self) -> None:
        self._mic = np.zeros(0, dtype=np.int16)
        self._ref = np.zeros(0, dtype=np.int16)

    def process(self, mic: np.ndarray, reference: np.ndarray) -> np.ndarray:
        self._mic = np.concatenate([self._mic, mic.astype(np.int16)])
        self._ref = np.concatenate([self._ref, reference.astype(np.int16)])
        ready = self._mic.size // FRAME * FRAME
        out = np.empty(ready, dtype=np.int16)
        for start in range(0, ready, FRAME):
            out[start:start + FRAME] = self._frame(self._mic[start:start + FRAME],
                                                   self._ref[start:start + FRAME])
        self._mic, self._ref = self._mic[ready:], self._ref[ready:]
        return out

    def _frame(self, mic: np.ndarray, played: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class WebRtcEchoCanceller(_Framed):
    def __init__(self) -> None:
        super().__init__()
        from livekit import rtc

        self._rtc: Any = rtc
        self._apm = rtc.AudioProcessingModule(echo_cancellation=True, high_pass_filter=True)
        self._apm.set_stream_delay_ms(0)  # the played sound is paired by time already

    def _frame(self, mic: np.ndarray, played: np.ndarray) -> np.ndarray:
        # The played frame for a stretch of time goes in before the microphone's.
        self._apm.process_reverse_stream(self._rtc.AudioFrame(played.tobytes(), RATE, 1, FRAME))
        heard = self._rtc.AudioFrame(mic.tobytes(), RATE, 1, FRAME)
        self._apm.process_stream(heard)  # in place
        return np.frombuffer(heard.data, dtype=np.int16)


class SpeexCanceller(_Framed):
    def __init__(self) -> None:
        super().__init__()
        import pyaec

        self._aec = pyaec.Aec(FRAME, SPEEX_FILTER, RATE, True)

    def _frame(self, mic: np.ndarray, played: np.ndarray) -> np.ndarray:
        return np.array(self._aec.cancel_echo(mic.tolist(), played.tolist()), dtype=np.int16)


def available() -> dict[str, type[_Framed]]:
    """The libraries that load here, by the name the bench reports them under."""
    found: dict[str, type[_Framed]] = {}
    for name, module, kind in (("webrtc aec3", "livekit.rtc", WebRtcEchoCanceller),
                               ("speex", "pyaec", SpeexCanceller)):
        try:
            __import__(module)
        except (ImportError, OSError):
            continue
        found[name] = kind
    return found
