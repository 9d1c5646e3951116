"""Echo rejection: a command heard while the guide talks may be the guide's own voice, either
word for word or misheard; the second case shows as a mic signal shaped like what was played."""

from __future__ import annotations

import numpy as np

from calm_voice.commands import normalise
from calm_voice.runtime.ports import SpeakerPort

RATE = 16000
FRAME = 160  # 10 ms
# Sound systems buffer, and the two clocks drift: the microphone's copy of the speaker was
# seen arriving from 0.05 s early to 1.4 s late through PulseAudio's monitor.
MAX_LAG_FRAMES = 200
LEAD_FRAMES = 50
SAME_SHAPE = 0.75  # envelope correlation above which the mic heard mostly the speaker


def is_own_voice(heard: str, recently_played: str) -> bool:
    """True when the heard phrase appears, word for word, in what the speaker just played."""
    phrase = normalise(heard).split()
    played = normalise(recently_played).split()
    if not phrase or len(phrase) > len(played):
        return False
    width = len(phrase)
    return any(played[i:i + width] == phrase for i in range(len(played) - width + 1))


def _envelope(samples: np.ndarray) -> np.ndarray:
    count = samples.size // FRAME
    frames = samples[: count * FRAME].astype(np.float64).reshape(count, FRAME)
    return np.log10(np.sqrt((frames ** 2).mean(axis=1)) + 10.0)


def echo_likeness(mic: np.ndarray, played: np.ndarray) -> float:
    """Best correlation of loudness envelopes over every alignment of `mic` within `played`.

    `played` covers the mic's span plus MAX_LAG_FRAMES before it and LEAD_FRAMES after it.
    """
    m = _envelope(mic)
    p = _envelope(played)
    if m.size < 10 or p.size < m.size or float(np.ptp(p)) < 0.3:
        return 0.0  # too short to judge, or the speaker was silent
    best = 0.0
    for offset in range(0, p.size - m.size + 1):
        segment = p[offset:offset + m.size]
        if np.std(segment) == 0 or np.std(m) == 0:
            continue
        best = max(best, float(np.corrcoef(m, segment)[0, 1]))
    return best


def sounds_like_playback(audio: bytes | None, audio_end: float, speaker: SpeakerPort) -> bool:
    """Whether a heard utterance (16 kHz int16, ending at time.monotonic() `audio_end`) is
    shaped like what the speaker played around then."""
    if not audio or not audio_end:
        return False
    mic = np.frombuffer(audio, dtype=np.int16)
    before = mic.size / RATE + MAX_LAG_FRAMES * FRAME / RATE
    after = LEAD_FRAMES * FRAME / RATE
    played = speaker.played_audio(audio_end - before, audio_end + after)
    return echo_likeness(mic, played) >= SAME_SHAPE
