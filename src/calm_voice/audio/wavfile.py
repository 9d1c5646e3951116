"""Recordings in (through libsndfile), 16 kHz mono int16 out for the recogniser, in bounded blocks.

Reading goes through `soundfile` so every common WAV sample format and channel count, FLAC,
Ogg and MP3 are read by a kept library; resampling and mixing down happen one block at a time
so a two-hour recording costs no more memory than a one-minute one.
"""

from __future__ import annotations

import math
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from calm_voice.audio.formats import ACCEPTED
from calm_voice.errors import AudioFileError

RECOGNIZER_RATE = 16000
BLOCK_SECONDS = 2.0
"""Audio read, mixed down and resampled at a time: memory stays flat whatever the length."""
_MAX_CHANNELS = 64


def _not_audio(path: Path, why: str) -> AudioFileError:
    return AudioFileError(
        f"{path} is not a recording calm-voice can read ({why}).",
        f"Use one of: {ACCEPTED}. To convert another file, run: "
        "sox INPUT -r 16000 -c 1 -b 16 out.wav",
    )


@dataclass(frozen=True)
class RecordingInfo:
    rate: int
    channels: int
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


def _open(path: Path) -> sf.SoundFile:
    if path.is_dir():
        raise _not_audio(path, "it is a folder")
    if not path.exists():
        raise AudioFileError(f"There is no file {path}.", "Check the name and try again.")
    try:
        handle = sf.SoundFile(str(path))
    except sf.LibsndfileError as exc:
        raise _not_audio(path, _why(exc)) from exc
    except OSError as exc:
        raise AudioFileError(f"{path} cannot be read ({exc.strerror or exc}).",
                             "Check that the file is readable.") from exc
    if not 1 <= handle.channels <= _MAX_CHANNELS or handle.samplerate <= 0:
        handle.close()
        raise _not_audio(path, "no channels or no sample rate")
    return handle


def _why(exc: sf.LibsndfileError) -> str:
    words = str(exc.error_string).strip().rstrip(".") if exc.error_string else ""
    return words[:200] or "its format is not recognised"


def describe(path: Path) -> RecordingInfo:
    """Rate, channels and length; a file that is not audio is refused here, before slow work."""
    with _open(path) as handle:
        return RecordingInfo(handle.samplerate, handle.channels, handle.frames)


class StreamResampler:
    """Linear resampling fed block by block, with the same result as resampling all at once."""

    def __init__(self, source_rate: int, target_rate: int) -> None:
        self._step = source_rate / target_rate
        self._pos = 0.0  # where the next output sample sits, counted from the kept tail
        self._tail = np.zeros(0, dtype=np.float32)

    def feed(self, block: np.ndarray, *, last: bool = False) -> np.ndarray:
        buffer = np.concatenate([self._tail, block.astype(np.float32, copy=False)])
        if buffer.size == 0:
            return np.zeros(0, dtype=np.int16)
        end = buffer.size - 1
        if last:
            count = max(0, math.floor((buffer.size - self._pos) / self._step + 1e-9))
        else:  # every output needs the sample after it, which may come with the next block
            count = max(0, math.ceil((end - self._pos) / self._step - 1e-9))
        positions = self._pos + np.arange(count) * self._step
        out = np.interp(positions, np.arange(buffer.size), buffer)
        following = self._pos + count * self._step
        dropped = min(int(math.floor(following)), buffer.size)
        self._tail = buffer[dropped:]
        self._pos = following - dropped
        return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def _mono_blocks(path: Path, start: int = 0, stop: int | None = None) -> Iterator[np.ndarray]:
    """Float samples on the int16 scale, channels mixed down, BLOCK_SECONDS at a time."""
    with _open(path) as handle:
        size = max(1, int(handle.samplerate * BLOCK_SECONDS))
        try:
            if start:
                handle.seek(min(start, handle.frames))
            left = None if stop is None else max(0, stop - start)
            while left is None or left > 0:
                wanted = size if left is None else min(size, left)
                block = handle.read(wanted, dtype="float32", always_2d=True)
                if block.shape[0] == 0:
                    return
                if left is not None:
                    left -= block.shape[0]
                yield block.mean(axis=1) * 32768.0
        except sf.LibsndfileError as exc:
            raise _not_audio(path, _why(exc)) from exc


def recognizer_blocks(path: Path) -> Iterator[np.ndarray]:
    """16 kHz mono int16 blocks of the whole file, whatever its format, rate and channels."""
    rate = describe(path).rate
    resampler = StreamResampler(rate, RECOGNIZER_RATE)
    for block in _mono_blocks(path):
        out = resampler.feed(block) if rate != RECOGNIZER_RATE else _to_int16(block)
        if out.size:
            yield out
    if rate != RECOGNIZER_RATE:
        rest = resampler.feed(np.zeros(0, dtype=np.float32), last=True)
        if rest.size:
            yield rest


def read_span(path: Path, start: float, end: float) -> np.ndarray:
    """16 kHz mono int16 samples between two times (seconds) of the file."""
    rate = describe(path).rate
    first, last = max(0, int(start * rate)), max(0, int(math.ceil(end * rate)))
    resampler = StreamResampler(rate, RECOGNIZER_RATE)
    parts = [resampler.feed(block) for block in _mono_blocks(path, first, last)]
    parts.append(resampler.feed(np.zeros(0, dtype=np.float32), last=True))
    return np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, dtype=np.int16)


def _to_int16(block: np.ndarray) -> np.ndarray:
    return np.clip(np.round(block), -32768, 32767).astype(np.int16)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono int16 samples of the whole file and its rate; for short files (tests, samples)."""
    rate = describe(path).rate
    blocks = [_to_int16(block) for block in _mono_blocks(path)]
    return (np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)), rate


def read_for_recognizer(path: Path) -> bytes:
    """16 kHz mono int16 bytes of the whole file; long files should use recognizer_blocks."""
    return b"".join(block.tobytes() for block in recognizer_blocks(path))


def write_wav(path: Path, samples: np.ndarray | bytes, rate: int) -> None:
    data = samples if isinstance(samples, bytes) else samples.astype(np.int16).tobytes()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data)
