"""The played sound taken out of the microphone as it streams, before the recogniser hears it.

The app renders every sample it plays, so the microphone's copy of it can be predicted and
subtracted. Three stages, all on the voice thread, block by block:

1. Bulk delay: where the echo sits in the reference (sound-card buffers and clock offsets: tens
   of ms to over a second) is found by phase-transform cross-correlation (GCC-PHAT) over the
   last second, and re-checked every quarter second.
2. A partitioned-block frequency-domain NLMS filter (overlap-save) models the room from there.
   Two copies (as in speexdsp's MDF): one always adapting, one used for output and replaced
   only by a better-cancelling adapter, so a person talking over the guide does not wreck it.
3. Residual echo suppression: what the linear filter leaves (reverberation beyond its length,
   loudspeaker distortion) is attenuated per frequency where the predicted echo dominates.
   Without this, a grammar-restricted recogniser turns the faint residue into command words.
"""

from __future__ import annotations

import numpy as np

RATE = 16000
BLOCK = 256  # 16 ms per filter step
FFT = 2 * BLOCK
PARTITIONS = 12  # 192 ms of room modelled after the bulk delay
MARGIN = 3 * BLOCK // 2  # the filter starts this much before the found delay
HISTORY_S = 2.0  # how far back the reference is kept (the largest delay looked for + 0.5 s)
CHECK_EVERY = 16  # blocks between delay checks (~0.25 s)
STEP = 0.3  # NLMS step of the adapting filter
SUPPRESS_OVER = 1.0  # how much residual echo the suppressor assumes, against the predicted echo
SUPPRESS_FLOOR = 0.05  # -26 dB: never attenuate a band further than this
TAIL_DECAY = 0.85  # per block: how long the suppressor expects reverberation to ring
LEAK_MIN, LEAK_MAX = 1e-3, 10.0  # residual echo power against predicted echo power
LEAK_UP = 0.05  # natural-log step per block when the ratio is above its estimate
LEAK_QUANTILE = 0.5  # the estimate settles where the ratio is below it this share of the time
TALKING = 4.0  # residual this far above the echo the filter leaves, in a band: someone else
TALKING_SHARE = 0.25  # ...in this share of the bands where echo is expected
AGREE = 4  # delay estimates in a row (~1 s) that must agree before the filter moves
CANCELS_AT_ALL = 2.0  # 3 dB over ~1.6 s: less, and the filter is moved to a new delay
CANCELS_WELL = 4.0  # 6 dB over ~0.1 s: enough that what it leaves can tell a person apart
SILENT = 100.0  # power (int16 units squared, per sample) below which there is nothing to align


class StreamingEchoCanceller:
    """Feed equal lengths of microphone and reference (both 16 kHz int16, the reference being
    what was played over the same stretch of time); get the microphone back with the played
    sound taken out: output sample n is input sample n, cleaned, handed back up to two BLOCKs
    later (the canceller works in BLOCK steps). Owned by one thread."""

    def __init__(self, max_delay_s: float = HISTORY_S - 0.5) -> None:
        self.max_delay = int(max_delay_s * RATE)
        self._history = int(HISTORY_S * RATE) + PARTITIONS * BLOCK + FFT
        self._ref = np.zeros(self._history)  # the newest reference sample is last
        self._mic_log = np.zeros(RATE)  # the last second of microphone, for the delay search
        self._mic_in = np.zeros(0)
        self._ref_in = np.zeros(0)
        self._skip = BLOCK
        self.delay = float(MARGIN)
        """Samples (fractional) by which the echo's direct sound lags the reference."""
        self._lags: list[float] = []
        self._blocks = 0
        self._reset_filters()
        self._window = np.sqrt(np.hanning(FFT + 1)[:FFT])  # analysis = synthesis, 50% overlap
        self._last_error = np.zeros(BLOCK)
        self._last_echo = np.zeros(BLOCK)
        self._overlap = np.zeros(BLOCK)
        self._echo_power = np.zeros(BLOCK + 1)
        self._log_leak = np.zeros(BLOCK + 1)
        self._mic_energy = 0.0
        self._slow_mic = self._slow_err = 0.0  # the same over ~1.6 s
        self.talking = False
        """Whether the last block held more than the echo (someone talking, or a new sound)."""

    def _reset_filters(self) -> None:
        self._adapting = np.zeros((PARTITIONS, BLOCK + 1), dtype=np.complex128)
        self._used = np.zeros_like(self._adapting)
        self._err_used = 0.0
        self._err_adapting = 0.0
        self._power = np.full(BLOCK + 1, 1.0)

    def process(self, mic: np.ndarray, reference: np.ndarray) -> np.ndarray:
        """The cleaned microphone, as int16, as many samples as have been completed."""
        self._mic_in = np.concatenate([self._mic_in, mic.astype(np.float64)])
        self._ref_in = np.concatenate([self._ref_in, reference.astype(np.float64)])
        outputs = []
        while self._mic_in.size >= BLOCK and self._ref_in.size >= BLOCK:
            outputs.append(self._block(self._mic_in[:BLOCK], self._ref_in[:BLOCK]))
            self._mic_in, self._ref_in = self._mic_in[BLOCK:], self._ref_in[BLOCK:]
        if not outputs:
            return np.zeros(0, dtype=np.int16)
        out = np.concatenate(outputs)
        if self._skip:  # the suppressor's first half-frame: drop it, so out[n] lines up with in[n]
            dropped = min(self._skip, out.size)
            out, self._skip = out[dropped:], self._skip - dropped
        return np.clip(np.round(out), -32768, 32767).astype(np.int16)

    def _block(self, mic: np.ndarray, ref: np.ndarray) -> np.ndarray:
        self._ref = np.concatenate([self._ref[BLOCK:], ref])
        self._mic_log = np.concatenate([self._mic_log[BLOCK:], mic])
        self._blocks += 1
        if self._blocks % CHECK_EVERY == 0 and not self.talking:
            self._check_delay()
        if not np.any(self._ref[-(self._reach() + FFT):]):  # nothing played within reach
            self._echo_power *= TAIL_DECAY
            self.talking = False
            if float(self._echo_power.max()) < 1.0:
                return self._pass(mic)
            return self._suppress(mic, np.zeros(BLOCK))
        spectra = self._reference_spectra()
        echo_used = self._predict(self._used, spectra)
        echo_adapting = self._predict(self._adapting, spectra)
        error_used = mic - echo_used
        error_adapting = mic - echo_adapting
        if not self.talking:  # a person's voice would pull the filters off the room
            self._adapt(spectra, error_adapting)
            self._choose(mic, error_used, error_adapting)
        return self._suppress(error_used, echo_used)

    def _reach(self) -> int:
        """How far back in the reference the filter reads, in samples."""
        return round(self.delay) - MARGIN + PARTITIONS * BLOCK

    def _pass(self, mic: np.ndarray) -> np.ndarray:
        """The suppressor with every gain at 1, cheaply: its output is the previous block."""
        out = self._overlap + self._last_error * self._window[:BLOCK] ** 2
        self._overlap = mic * self._window[BLOCK:] ** 2
        self._last_error, self._last_echo = mic, np.zeros(BLOCK)
        return out

    def _reference_spectra(self) -> np.ndarray:
        """FFT of each partition's 2-block window, newest (least delayed) first, read at the
        whole-sample delay; the fraction is carried by the filters (see _move_to)."""
        end = self._ref.size - round(self.delay) + MARGIN
        starts = end - FFT - BLOCK * np.arange(PARTITIONS)
        return np.fft.rfft(self._ref[starts[:, None] + np.arange(FFT)[None, :]], axis=1)

    def _move_to(self, delay: float) -> None:
        """Read the reference at `delay` from now on. A small move (the clocks drifting) turns
        the filters' phase by the same fraction of a sample, so they need not re-learn the
        room; a large one starts them again."""
        shift = delay - self.delay
        read_shift = round(delay) - round(self.delay)
        self.delay = delay
        if abs(shift) > BLOCK // 4:
            self._reset_filters()
            self._err_used = self._err_adapting = self._mic_energy  # nothing cancelled yet
            return
        # The echo moved by `shift`, the frames by `read_shift`: the taps move by the difference.
        turn = np.exp(2j * np.pi * np.arange(BLOCK + 1) * (read_shift - shift) / FFT)
        self._adapting *= turn
        self._used *= turn

    @staticmethod
    def _predict(weights: np.ndarray, spectra: np.ndarray) -> np.ndarray:
        return np.fft.irfft((weights * spectra).sum(axis=0), FFT)[BLOCK:]

    def _adapt(self, spectra: np.ndarray, error: np.ndarray) -> None:
        power = (np.abs(spectra) ** 2).sum(axis=0) / PARTITIONS
        self._power = 0.7 * self._power + 0.3 * power
        err = np.fft.rfft(np.concatenate([np.zeros(BLOCK), error]))
        gradient = np.conj(spectra) * err / (PARTITIONS * self._power + 1e3 * FFT)
        # Overlap-save constraint: each partition's update must be BLOCK taps long.
        taps = np.fft.irfft(gradient, FFT, axis=1)
        taps[:, BLOCK:] = 0.0
        self._adapting += STEP * np.fft.rfft(taps, axis=1)

    def _choose(self, mic: np.ndarray, error_used: np.ndarray,
                error_adapting: np.ndarray) -> None:
        """Keep the adapting filter if it cancels clearly better over the last ~100 ms; throw
        its adaptation away if double talk made it clearly worse."""
        self._mic_energy = 0.85 * self._mic_energy + float(np.dot(mic, mic))
        self._slow_mic = 0.99 * self._slow_mic + float(np.dot(mic, mic))
        self._slow_err = 0.99 * self._slow_err + float(np.dot(error_used, error_used))
        self._err_used = 0.85 * self._err_used + float(np.dot(error_used, error_used))
        self._err_adapting = 0.85 * self._err_adapting + float(np.dot(error_adapting,
                                                                      error_adapting))
        if self._err_adapting < 0.7 * self._err_used:
            self._used = self._adapting.copy()
            self._err_used = self._err_adapting
        elif self._err_adapting > 4.0 * self._err_used + float(np.dot(mic, mic)) * 1e-3:
            self._adapting = self._used.copy()
            self._err_adapting = self._err_used

    def _suppress(self, error: np.ndarray, echo: np.ndarray) -> np.ndarray:
        """Overlap-add STFT gain: bands where the predicted echo (and its ringing) is as loud
        as what is left are turned down. Output is one block behind its input."""
        frame_e = np.concatenate([self._last_error, error]) * self._window
        frame_y = np.concatenate([self._last_echo, echo]) * self._window
        self._last_error, self._last_echo = error, echo
        spec_e = np.fft.rfft(frame_e)
        power_y = np.abs(np.fft.rfft(frame_y)) ** 2
        self._echo_power = np.maximum(power_y, TAIL_DECAY * self._echo_power)
        power_e = np.abs(spec_e) ** 2 + 1e-6
        self._track_leak(power_e, power_y)
        residual = np.exp(self._log_leak) * self._echo_power
        judged = self._echo_power > max(1e-4 * float(self._echo_power.max()), 1.0)
        self.talking = self._cancels_well() and bool(np.any(judged)) and float(
            np.mean(power_e[judged] > TALKING * residual[judged])) > TALKING_SHARE
        gain = np.clip(1.0 - SUPPRESS_OVER * residual / power_e, SUPPRESS_FLOOR, 1.0)
        frame = np.fft.irfft(spec_e * gain, FFT) * self._window
        out = self._overlap + frame[:BLOCK]
        self._overlap = frame[BLOCK:]
        return out

    def _track_leak(self, power_e: np.ndarray, power_y: np.ndarray) -> None:
        """Per band, how loud what the filter leaves is against the echo it predicts: a high
        percentile of that ratio over time (a person talking now and then barely moves
        it, and a filter still learning, or beaten by distortion and reverberation, raises it)."""
        judged = power_y > max(1e-4 * float(power_y.max()), 1.0)
        if not np.any(judged):
            return
        above = np.log(power_e[judged] / power_y[judged]) > self._log_leak[judged]
        down = LEAK_UP * (1 - LEAK_QUANTILE) / LEAK_QUANTILE
        self._log_leak[judged] += np.where(above, LEAK_UP, -down)
        np.clip(self._log_leak, np.log(LEAK_MIN), np.log(LEAK_MAX), out=self._log_leak)

    def _check_delay(self) -> None:
        """Move the filter to where the echo is, once the same delay is found twice running."""
        ref = self._ref[-(RATE + self.max_delay):]
        if float(np.mean(ref[-RATE:] ** 2)) < SILENT or \
                float(np.mean(self._mic_log ** 2)) < SILENT:
            return
        lag = find_lag(self._mic_log, ref)
        if lag is None:
            return
        self._lags = [*self._lags[-(AGREE - 1):], lag]
        if len(self._lags) < AGREE or max(self._lags) - min(self._lags) > 2.0:
            return
        target = max(lag, float(MARGIN))
        if abs(target - self.delay) <= BLOCK // 4:  # follow the clocks' drift, smoothly
            self._move_to(self.delay + 0.5 * (target - self.delay))
        elif self._slow_err * CANCELS_AT_ALL > self._slow_mic:
            # A guide that repeats itself, or a person saying what it just said, has more than
            # one plausible delay: a filter that has been cancelling is not thrown away.
            self._move_to(target)

    def _cancels_well(self) -> bool:
        return self._err_used * CANCELS_WELL < self._mic_energy


def find_lag(mic: np.ndarray, reference: np.ndarray, sharpness: float = 6.0) -> float | None:
    """Samples (to a fraction, by a parabola through the peak) by which `mic` (ending with
    `reference`'s end) lags its copy in `reference`, or None when no one alignment stands out
    (no echo heard, or only a person)."""
    size = 1 << int(np.ceil(np.log2(mic.size + reference.size)))
    spectrum = np.fft.rfft(reference, size) * np.conj(np.fft.rfft(mic, size))
    spectrum /= np.abs(spectrum) + 1e-9
    correlation = np.fft.irfft(spectrum, size)[: reference.size - mic.size + 1]
    peak = int(np.argmax(correlation))
    spread = float(np.median(np.abs(correlation))) * 1.4826 + 1e-12
    if correlation[peak] < sharpness * spread:
        return None
    fraction = 0.0
    if 0 < peak < correlation.size - 1:
        left, centre, right = correlation[peak - 1:peak + 2]
        bend = left - 2 * centre + right
        fraction = 0.5 * (left - right) / bend if bend < 0 else 0.0
    return float(reference.size - mic.size - peak - fraction)
