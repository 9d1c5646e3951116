"""The speech-likeness check that keeps recogniser guesses on noise out of the journal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from calm_voice.audio.wavfile import write_wav
from calm_voice.cli.journal_import import RATE, cut, frame_levels, lively_frames, spoken_finals
from calm_voice.events import Final, Word


def bursts(seconds: float = 3.0) -> np.ndarray:
    """Syllable-like bursts of a tone, 150 ms on and 100 ms off, over faint noise."""
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = ((t % 0.25) < 0.15).astype(np.float64)
    return (np.sin(2 * np.pi * 220 * t) * 9000 * envelope + rng.normal(0, 60, t.size))


def final(start: float, end: float) -> Final:
    return Final("words", (Word("words", start, end, 0.9),), start, end)


def test_steady_noise_silence_and_hum_have_no_lively_frames() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(3 * RATE) / RATE
    for steady in (rng.normal(0, 8000, 3 * RATE), np.zeros(3 * RATE),
                   np.sin(2 * np.pi * 120 * t) * 10000):
        assert not lively_frames(steady).any()


def test_only_utterances_over_speech_like_sound_are_kept() -> None:
    audio = np.concatenate([bursts(2.0), np.random.default_rng(2).normal(0, 60, 2 * RATE)])
    lively = lively_frames(audio)
    assert lively[: int(2.0 / 0.02)].mean() > 0.4
    speech, guess = final(0.2, 1.8), final(2.5, 3.5)
    assert spoken_finals([speech, guess], lively) == [speech]
    assert spoken_finals([Final("  ", (), 0.2, 1.8)], lively) == []


def test_cut_keeps_a_margin_but_not_before_the_file_starts(tmp_path: Path) -> None:
    audio = tmp_path / "ramp.wav"
    write_wav(audio, np.arange(2 * RATE, dtype=np.int16), RATE)
    pcm, start = cut(audio, final(0.05, 1.0))
    assert start == 0.0 and len(pcm) == int(1.15 * RATE) * 2
    pcm, start = cut(audio, final(1.0, 1.5))
    assert start == 0.85 and np.frombuffer(pcm, np.int16)[0] == int(0.85 * RATE)


@given(st.lists(st.integers(1, 3000), min_size=1, max_size=20))
@settings(max_examples=50, deadline=None)
def test_levels_do_not_depend_on_how_the_audio_is_cut(sizes: list[int]) -> None:
    audio = bursts(1.0)[: sum(sizes)]
    edges = np.cumsum([0, *sizes])
    blocks = [audio[a:b] for a, b in zip(edges[:-1], edges[1:], strict=False)]
    assert np.allclose(frame_levels(blocks), frame_levels([audio]))
