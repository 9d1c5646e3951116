"""A laptop's echo path, in process: what the speaker plays reaches the microphone delayed
(10-200 ms, drifting with the clocks), quieter, coloured, reverberant and a little distorted,
with room noise, and mixed with the person's voice at a chosen speech-to-echo ratio.

Everything is 16 kHz mono; samples are float64 internally and int16 at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 16000


@dataclass(frozen=True)
class Room:
    delay_s: float = 0.06
    """Bulk delay of the direct sound (sound card buffers plus the air)."""
    drift_ppm: float = 100.0
    """The speaker's and the microphone's clocks disagree: the delay grows this many
    microseconds per second (sound cards differ by ~10-100 ppm; a resampler hunting for its
    rate, more)."""
    gain_db: float = -12.0
    """Level of the echo against what was played."""
    rt60_s: float = 0.3
    """Reverberation time: the tail falls 60 dB in this long."""
    direct_to_reverb_db: float = 6.0
    """Direct sound against the whole reverberant tail (a laptop's speaker is close to its
    microphone, so the direct path dominates)."""
    cutoff_hz: float = 3000.0
    """The small speaker and the room take the highs away above this."""
    drive: float = 1.0
    """Loudspeaker distortion (tanh drive; 0 = linear)."""
    noise_db: float = -60.0
    """Room noise, dB against full scale."""
    seed: int = 0


REALISTIC = Room()
HARSH = Room(delay_s=0.15, drift_ppm=500.0, gain_db=-3.0, rt60_s=0.6, direct_to_reverb_db=0.0,
             cutoff_hz=2500.0, drive=2.0, noise_db=-50.0, seed=1)


def impulse_response(room: Room) -> np.ndarray:
    """Direct sound, a few early reflections, and an exponentially decaying diffuse tail."""
    rng = np.random.default_rng(room.seed)
    length = int(room.rt60_s * RATE)
    t = np.arange(length) / RATE
    tail = rng.standard_normal(length) * 10 ** (-3 * t / room.rt60_s)
    tail[: int(0.004 * RATE)] = 0.0  # the tail builds up after the direct sound
    response = tail / np.sqrt((tail ** 2).sum()) * 10 ** (-room.direct_to_reverb_db / 20)
    response[0] = 1.0
    for _ in range(4):
        at = int(rng.uniform(0.003, 0.03) * RATE)
        response[at] += rng.uniform(-0.5, 0.5)
    # Colour: a one-pole low-pass at cutoff_hz, applied by convolution with its response.
    pole = np.exp(-2 * np.pi * room.cutoff_hz / RATE)
    lowpass = (1 - pole) * pole ** np.arange(int(0.01 * RATE))
    response = np.convolve(response, lowpass)[:length]
    return response / np.sqrt((response ** 2).sum())


def _convolve(signal: np.ndarray, response: np.ndarray) -> np.ndarray:
    size = 1 << int(np.ceil(np.log2(signal.size + response.size)))
    out = np.fft.irfft(np.fft.rfft(signal, size) * np.fft.rfft(response, size), size)
    return out[: signal.size]


def echo_of(played: np.ndarray, room: Room) -> np.ndarray:
    """What the microphone picks up of `played` (int16) in `room`, as float64 samples."""
    x = played.astype(np.float64) / 32768.0
    if room.drive > 0:
        x = np.tanh(room.drive * x) / np.tanh(room.drive)
    t = np.arange(x.size) / RATE
    delay = room.delay_s + room.drift_ppm * 1e-6 * t
    delayed = np.interp(t - delay, t, x, left=0.0, right=0.0)
    wet = _convolve(delayed, impulse_response(room)) * 10 ** (room.gain_db / 20)
    noise = np.random.default_rng(room.seed + 100).standard_normal(x.size)
    return (wet + noise * 10 ** (room.noise_db / 20)) * 32768.0


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if samples.size else 0.0


def speech_level(samples: np.ndarray) -> float:
    """RMS over the 20 ms frames within 30 dB of the loudest: the level while talking."""
    frame = RATE // 50
    count = samples.size // frame
    if count == 0:
        return 0.0
    power = (samples[: count * frame].astype(np.float64).reshape(count, frame) ** 2).mean(axis=1)
    active = power[power >= power.max() * 1e-3]
    return float(np.sqrt(active.mean()))


def mix(echo: np.ndarray, voice: np.ndarray, at: int, ser_db: float) -> np.ndarray:
    """`voice` (int16) added to `echo` from sample `at`, scaled so that its speech level is
    `ser_db` above the echo's (negative: the person is quieter than the echo)."""
    out = echo.astype(np.float64).copy()
    end = min(out.size, at + voice.size)
    voiced = voice[: end - at].astype(np.float64)
    level = speech_level(echo) * 10 ** (ser_db / 20) / max(speech_level(voiced), 1e-9)
    out[at:end] += voiced * level
    return out


def to_int16(samples: np.ndarray) -> np.ndarray:
    return np.clip(np.round(samples), -32768, 32767).astype(np.int16)
