"""Is anyone but the speaker in this sound? An echo canceller with the exact reference.

The app renders every sample it plays, so the microphone's copy of it (delayed, filtered by the
room, quieter) can be predicted and taken away. What is left is the person, or nothing. This
works while the person talks over the guide (double talk), where comparing loudness shapes
cannot: there the microphone mostly holds the guide either way.

The canceller is fitted to the one utterance it judges, after the fact: the bulk delay is found by
phase-transform cross-correlation (GCC-PHAT), then each frequency band gets a short adaptive
filter over the last few frames of the reference (a subband least-squares fit, which is what a
converged NLMS canceller reaches). A person's voice does not correlate with the reference, so the
fit takes the echo and leaves the voice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 16000
FFT = 1024
HOP = 256  # 16 ms
TAPS = 10  # reference frames per band: 8 back (~160 ms of room echo with the window), 2 ahead
PRE_FRAMES = 2  # reference frames after the aligned one, for a delay estimate a little early
WINDOW_FRAMES = 12  # ~200 ms (hop 16 ms): about one short word
BAND = (150.0, 4000.0)  # Hz: where speech, and the guide's voice, have their energy
QUIET_DB = 10.0  # windows this far below the loudest one are not judged
PERSON_DB = -5.0
"""A window whose residual is within this of the microphone's own level holds a person."""


@dataclass(frozen=True)
class Verdict:
    residual_db: float
    """Loudest window's residual against the microphone there, dB (0: nothing cancelled)."""
    delay_s: float
    """Where in the reference the microphone's first sample was found, seconds."""
    echo_db: float = 0.0
    """All that is left against all the microphone heard, over its loud windows, dB: how much
    of it the played sound explains (0: none; -10: nine tenths). Near 0 when the microphone
    cannot hear the speaker at all, or a person is much louder than the echo."""

    @property
    def person(self) -> bool:
        return self.residual_db > PERSON_DB


def find_delay(mic: np.ndarray, reference: np.ndarray) -> int:
    """Sample offset into `reference` that lines up with mic[0] (GCC-PHAT peak)."""
    size = 1 << int(np.ceil(np.log2(mic.size + reference.size)))
    spectrum = np.conj(np.fft.rfft(mic, size)) * np.fft.rfft(reference, size)
    spectrum /= np.abs(spectrum) + 1e-9
    correlation = np.fft.irfft(spectrum, size)[: reference.size - mic.size + 1]
    return int(np.argmax(correlation))


def _frames(samples: np.ndarray, count: int) -> np.ndarray:
    """STFT (Hann window) of `count` frames starting at sample 0; zero-padded past the end."""
    need = (count - 1) * HOP + FFT
    padded = np.zeros(need)
    padded[: min(need, samples.size)] = samples[:need]
    index = np.arange(FFT)[None, :] + HOP * np.arange(count)[:, None]
    return np.fft.rfft(padded[index] * np.hanning(FFT), axis=1)


def cancel(mic: np.ndarray, reference: np.ndarray, offset: int,
           bands: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame, per-band spectra of the microphone and of what is left after cancelling.

    `reference` is aligned so that reference[offset] is the sound heard at mic[0]. `bands`
    (a mask over the FFT bins) limits the work to the bands that will be looked at.
    """
    mic = mic.astype(np.float64)
    count = max(1, (mic.size - FFT) // HOP + 1)
    history = TAPS - 1
    first = offset - (history - PRE_FRAMES) * HOP
    lead = max(0, -first)
    ref = np.concatenate([np.zeros(lead), reference.astype(np.float64)])[first + lead:]
    spread = count + history
    x = _frames(ref, spread)  # (spread, bands)
    y = _frames(mic, count)  # (count, bands)
    if bands is not None:
        x, y = x[:, bands], y[:, bands]
    # Row m of the design: reference frames m .. m + history, newest (latest sound) last.
    taps = np.stack([x[j:j + count] for j in range(TAPS)], axis=-1)  # (count, bands, TAPS)
    a = np.transpose(taps, (1, 0, 2))  # (bands, count, TAPS)
    gram = np.conj(np.transpose(a, (0, 2, 1))) @ a  # (bands, TAPS, TAPS)
    load = 1e-3 * np.real(np.trace(gram, axis1=1, axis2=2))[:, None, None] / TAPS + 1e-6
    target = np.conj(np.transpose(a, (0, 2, 1))) @ y.T[:, :, None]  # (bands, TAPS, 1)
    weights = np.linalg.solve(gram + load * np.eye(TAPS), target)
    residual = y - (a @ weights)[:, :, 0].T
    return y, residual


def _overlap_add(residual: np.ndarray, size: int) -> np.ndarray:
    window = np.hanning(FFT)
    out = np.zeros(max(size, (residual.shape[0] - 1) * HOP + FFT))
    weight = np.zeros_like(out)
    for index, frame in enumerate(np.fft.irfft(residual, FFT, axis=1)):
        out[index * HOP:index * HOP + FFT] += frame * window
        weight[index * HOP:index * HOP + FFT] += window ** 2
    return (out / np.maximum(weight, 1e-3))[:size]


def cancelled(mic: np.ndarray, reference: np.ndarray, chunk_s: float = 1.0) -> np.ndarray:
    """The microphone with the played sound taken away, as samples; for feeding a recogniser
    in tests and benches. `reference` starts up to its extra length before the microphone.
    Fitted a second at a time, as an adaptive canceller tracks a path that drifts with the
    clocks; each second's delay is found on its own, since a loud voice can hide it."""
    mic = mic.astype(np.float64)
    reference = reference.astype(np.float64)
    slack = max(0, reference.size - mic.size)
    chunk = int(chunk_s * RATE)
    out = np.zeros(mic.size)
    for begin in range(0, mic.size, chunk):
        part = mic[begin:begin + chunk + FFT]
        kept = min(chunk, mic.size - begin)
        window = reference[begin:begin + slack + part.size]
        if part.size < 2 * FFT or window.size < part.size:
            out[begin:begin + kept] = part[:kept]
            continue
        offset = begin + find_delay(part, window)
        _heard, residual = cancel(part, reference, offset)
        out[begin:begin + kept] = _overlap_add(residual, part.size)[:kept]
    return out


def judge(mic: np.ndarray, reference: np.ndarray) -> Verdict:
    """Verdict for one utterance; `reference` covers the same time and more (lags, drift)."""
    if mic.size < FFT * 2 or reference.size < mic.size or not np.any(reference):
        return Verdict(0.0, 0.0)
    offset = find_delay(mic.astype(np.float64), reference.astype(np.float64))
    freqs = np.fft.rfftfreq(FFT, 1 / RATE)
    y, residual = cancel(mic, reference, offset, (freqs >= BAND[0]) & (freqs <= BAND[1]))
    heard = (np.abs(y) ** 2).sum(axis=1)
    left = (np.abs(residual) ** 2).sum(axis=1)
    width = min(WINDOW_FRAMES, heard.size)
    kernel = np.ones(width)
    heard_w = np.convolve(heard, kernel, "valid")
    left_w = np.convolve(left, kernel, "valid")
    loud = heard_w >= heard_w.max() * 10 ** (-QUIET_DB / 10)
    if heard_w.max() <= 0:
        return Verdict(0.0, offset / RATE)
    ratios = 10 * np.log10((left_w[loud] + 1e-9) / (heard_w[loud] + 1e-9))
    echo_db = 10 * np.log10((left_w[loud].sum() + 1e-9) / (heard_w[loud].sum() + 1e-9))
    return Verdict(float(ratios.max()), offset / RATE, float(echo_db))
