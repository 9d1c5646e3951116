"""WAV files in and out: any PCM rate and channel count in, 16 kHz mono int16 for the recogniser."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from calm_voice.audio.playback import resample
from calm_voice.errors import AudioFileError

RECOGNIZER_RATE = 16000
_SAMPLE_TYPES = {1: np.uint8, 2: np.int16, 4: np.int32}


def _not_audio(path: Path, why: str) -> AudioFileError:
    return AudioFileError(
        f"{path} is not a WAV recording calm-voice can read ({why}).",
        "Use a PCM WAV file; to convert another file, run: sox INPUT -r 16000 -c 1 -b 16 out.wav",
    )


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono int16 samples and the file's rate; channels are mixed down."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError as exc:
        raise AudioFileError(f"There is no file {path}.", "Check the name and try again.") from exc
    except IsADirectoryError as exc:
        raise _not_audio(path, "it is a folder") from exc
    except (wave.Error, EOFError) as exc:
        raise _not_audio(path, str(exc) or "it ends too early") from exc
    except OSError as exc:
        raise AudioFileError(f"{path} cannot be read ({exc.strerror}).",
                             "Check that the file is readable.") from exc
    if width == 3:
        raw = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3)
        data = (raw[:, 2].astype(np.int8).astype(np.int32) << 8) | raw[:, 1].astype(np.int32)
        samples = data.astype(np.float64)
    elif width in _SAMPLE_TYPES:
        data = np.frombuffer(frames, dtype=_SAMPLE_TYPES[width])
        samples = data.astype(np.float64)
        if width == 1:
            samples = (samples - 128) * 256
        elif width == 4:
            samples = samples / 65536
    else:
        raise _not_audio(path, f"{width * 8}-bit samples")
    if channels < 1 or rate <= 0:
        raise _not_audio(path, "no channels or no sample rate")
    usable = samples.size - samples.size % channels
    mono = samples[:usable].reshape(-1, channels).mean(axis=1)
    return np.clip(np.round(mono), -32768, 32767).astype(np.int16), rate


def read_for_recognizer(path: Path) -> bytes:
    """16 kHz mono int16 bytes, whatever rate and channels the file has."""
    samples, rate = read_wav(path)
    return resample(samples, rate, RECOGNIZER_RATE).tobytes()


def write_wav(path: Path, samples: np.ndarray | bytes, rate: int) -> None:
    data = samples if isinstance(samples, bytes) else samples.astype(np.int16).tobytes()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data)
