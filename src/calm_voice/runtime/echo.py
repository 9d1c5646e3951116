"""Echo rejection: a command heard while the guide talks may be the guide's own voice, either
word for word or misheard. The second case is judged by cancelling what was played from what
was heard (calm_voice.audio.echo_cancel): if nothing is left, no person spoke. The loudness-shape
correlations below are kept for the own-voice bench, which compares every way of deciding."""

from __future__ import annotations

import numpy as np

from calm_voice.audio import echo_cancel
from calm_voice.commands import normalise
from calm_voice.runtime.ports import SpeakerPort

RATE = 16000
FRAME = 160  # 10 ms
# Sound systems buffer, and the two clocks drift: the microphone's copy of the speaker was
# seen arriving from 0.05 s early to 1.4 s late through PulseAudio's monitor.
MAX_LAG_FRAMES = 200
LEAD_FRAMES = 50
SAME_SHAPE = 0.75  # envelope correlation above which the mic heard mostly the speaker
HEARS_SPEAKER_DB = -6.0
"""The played sound explains three quarters of what the microphone heard: words matching what
was just played are then taken for its echo. The echo alone measures -11 to -27 dB on the echo
rig; a word with no echo at all -1 to -3 dB (the fit explains a little of anything). Otherwise
(headphones, a person much louder than the echo) a person repeating the guide's words is
obeyed (bench/own_voice.py)."""


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


def lag_correlations(mic: np.ndarray, played: np.ndarray) -> np.ndarray:
    """Correlation of the mic's loudness envelope with `played`'s at every alignment of `mic`
    within `played`; empty when too short to judge or the speaker was silent."""
    m = _envelope(mic)
    p = _envelope(played)
    if m.size < 10 or p.size < m.size or float(np.ptp(p)) < 0.3 or np.std(m) == 0:
        return np.zeros(0)
    windows = np.lib.stride_tricks.sliding_window_view(p, m.size)
    centred = windows - windows.mean(axis=1, keepdims=True)
    spread = np.sqrt((centred ** 2).sum(axis=1))
    mc = m - m.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = centred @ mc / (spread * np.sqrt((mc ** 2).sum()))
    return np.nan_to_num(scores, nan=0.0)


def echo_likeness(mic: np.ndarray, played: np.ndarray) -> float:
    """Best correlation of loudness envelopes over every alignment of `mic` within `played`.

    `played` covers the mic's span plus MAX_LAG_FRAMES before it and LEAD_FRAMES after it.
    Kept for comparison only: the best of ~250 correlations between two unrelated voices is
    often above SAME_SHAPE, so on its own it rejects real commands.
    """
    scores = lag_correlations(mic, played)
    return float(scores.max()) if scores.size else 0.0


def echo_significance(mic: np.ndarray, played: np.ndarray) -> float:
    """How far the best alignment stands out from all the others, in robust standard
    deviations: a real echo has one sharp peak, unrelated speech only a lucky maximum."""
    scores = lag_correlations(mic, played)
    if scores.size < 20:
        return 0.0
    centre = float(np.median(scores))
    spread = 1.4826 * float(np.median(np.abs(scores - centre))) + 1e-6
    return (float(scores.max()) - centre) / spread


def only_playback(mic: np.ndarray, played: np.ndarray) -> bool:
    """True when cancelling the played sound from `mic` leaves no one talking (see
    calm_voice.audio.echo_cancel); works while the person talks over the guide."""
    return not echo_cancel.judge(mic, played).person


def judge_playback(audio: bytes | None, audio_end: float,
                   speaker: SpeakerPort) -> echo_cancel.Verdict | None:
    """The played sound cancelled from a heard utterance (16 kHz int16, ending at
    time.monotonic() `audio_end`); None when there is too little sound to tell."""
    if not audio or not audio_end:
        return None
    mic = np.frombuffer(audio, dtype=np.int16)
    if mic.size < 2 * echo_cancel.FFT:
        return None
    before = mic.size / RATE + MAX_LAG_FRAMES * FRAME / RATE
    after = LEAD_FRAMES * FRAME / RATE
    played = speaker.played_audio(audio_end - before, audio_end + after)
    return echo_cancel.judge(mic, played)


def sounds_like_playback(audio: bytes | None, audio_end: float, speaker: SpeakerPort) -> bool:
    """Whether a heard utterance is only what the speaker played around then
    (bench/own_voice.py: 0% false rejects where the best envelope correlation had ~40%)."""
    verdict = judge_playback(audio, audio_end, speaker)
    return verdict is not None and not verdict.person


def hears_the_speaker(verdict: echo_cancel.Verdict | None) -> bool:
    """Whether the guide's voice is a real part of what the microphone heard: only then can
    words that match what was just played be its echo. Unknown counts as yes."""
    return verdict is None or verdict.echo_db < HEARS_SPEAKER_DB
