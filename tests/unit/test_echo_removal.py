"""Pairing each microphone block with what was played over the same time (the canceller itself
is tested on the echo rig in integration/test_stream_echo_cancel.py)."""

from __future__ import annotations

import numpy as np

from calm_voice.runtime.echo_removal import PlayedSoundRemover, _Reference

RATE = 16000


def test_played_blocks_join_into_one_timeline_read_by_time() -> None:
    reference = _Reference()
    ramp = np.arange(960, dtype=np.int16)
    reference.add(RATE, [(10.0, ramp[:320]), (10.02, ramp[320:640]), (10.04, ramp[640:])])
    assert np.array_equal(reference.between(10.01, 320), ramp[160:480])
    # Before anything was played and after the end: silence.
    assert np.array_equal(reference.between(9.99, 320)[:160], np.zeros(160, np.int16))
    assert np.array_equal(reference.between(10.05, 320)[160:], np.zeros(160, np.int16))


def test_a_gap_in_the_device_clock_starts_the_timeline_again() -> None:
    reference = _Reference()
    block = np.ones(320, dtype=np.int16)
    reference.add(RATE, [(10.0, block), (12.0, 2 * block)])
    assert reference.start == 12.0
    assert np.array_equal(reference.between(12.0, 320), 2 * block)


def test_played_at_another_rate_is_resampled_to_the_microphones() -> None:
    reference = _Reference()
    reference.add(48000, [(5.0, np.full(960, 1000, dtype=np.int16))])
    assert abs(reference.samples.size - 320) <= 1
    assert int(reference.between(5.005, 100).min()) == 1000


class Played:
    def __init__(self, blocks: list[tuple[float, np.ndarray]]) -> None:
        self.blocks = blocks

    def take_played(self) -> tuple[int, list[tuple[float, np.ndarray]]]:
        blocks, self.blocks = self.blocks, []
        return RATE, blocks


def test_with_nothing_played_the_microphone_comes_through_unchanged() -> None:
    remover = PlayedSoundRemover(Played([]))
    rng = np.random.default_rng(1)
    mic = (rng.standard_normal(RATE) * 2000).astype(np.int16)
    out = b"".join(remover(mic[at:at + 320].tobytes(), 100.0 + (at + 320) / RATE)
                   for at in range(0, mic.size, 320))
    heard = np.frombuffer(out, dtype=np.int16)
    assert heard.size >= mic.size - 512 and np.array_equal(heard, mic[:heard.size])
