"""Own-voice detection: by words, and by the shape of the sound (pure numpy, no devices)."""

from __future__ import annotations

import numpy as np

from calm_voice.runtime.echo import FRAME, RATE, echo_likeness, is_own_voice


def bursts(pattern: list[int], seed: int) -> np.ndarray:
    """Noise bursts, 10 ms per pattern element: 1 is sound, 0 is quiet (a speech-like rhythm)."""
    rng = np.random.default_rng(seed)
    envelope = np.repeat(np.array(pattern, dtype=np.float64), FRAME)
    return (rng.normal(0, 4000, envelope.size) * envelope).astype(np.int16)


RHYTHM = [0] * 5 + [1] * 20 + [0] * 8 + [1] * 30 + [0] * 6 + [1] * 12 + [0] * 10


def test_a_phrase_the_guide_just_said_is_its_own_voice() -> None:
    assert is_own_voice("next", "When you are ready, say next.")
    assert is_own_voice("go to reason three", "you can go to reason three now")
    assert not is_own_voice("next", "the following step")
    assert not is_own_voice("next step", "next, we look at the step")


def test_the_microphone_hearing_the_speaker_late_is_recognised() -> None:
    played = np.concatenate([np.zeros(RATE, np.int16), bursts(RHYTHM, 1),
                             np.zeros(RATE // 2, np.int16)])
    lag = int(0.7 * RATE)  # the mic hears it 0.7 s after it was played
    mic = 0.3 * played[RATE - lag + lag: RATE + len(RHYTHM) * FRAME]
    noise = np.random.default_rng(2).normal(0, 50, mic.size)
    assert echo_likeness((mic + noise).astype(np.int16), played) > 0.9


def test_a_person_speaking_is_not_the_speaker() -> None:
    played = np.concatenate([np.zeros(RATE, np.int16), bursts(RHYTHM, 1)])
    person = bursts([0] * 3 + [1] * 9 + [0] * 25 + [1] * 40 + [0] * 20, 3)
    assert echo_likeness(person, played) < 0.75


def test_nothing_played_means_no_echo() -> None:
    assert echo_likeness(bursts(RHYTHM, 1), np.zeros(3 * RATE, np.int16)) == 0.0
