"""Real speech for recogniser tests: espeak-ng words, joined with silence, as 16 kHz PCM."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from calm_voice.audio.playback import resample
from calm_voice.audio.wavfile import read_wav, write_wav

RATE = 16000


def espeak(text: str, out: Path, voice: str = "ko") -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True, timeout=60)
    return out


def spoken(text: str, folder: Path, voice: str = "ko") -> np.ndarray:
    """`text` spoken by espeak-ng, as 16 kHz mono int16 samples."""
    samples, rate = read_wav(espeak(text, folder / f"{abs(hash((text, voice)))}.wav", voice))
    return resample(samples, rate, RATE)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


def with_noise_floor(samples: np.ndarray, level: float = 8.0) -> np.ndarray:
    """`samples` with a faint fixed hiss (standard deviation `level` int16 steps, about
    -72 dBFS), as any real microphone has. Over exact digital silence the only signal Vosk
    sees is Kaldi's feature dither, drawn at random per run, and the word after it is then
    heard or lost by chance: a live capture test lost its first word about 1 run in 20, and
    decoding those captured bytes again lost it 10 times in 12; with this floor, 0 in 24."""
    hiss = np.random.default_rng(0).normal(0.0, level, samples.size)
    return np.clip(samples.astype(np.float64) + np.round(hiss), -32768, 32767).astype(np.int16)


def sequence(words: list[str], folder: Path, gap: float = 1.2, voice: str = "ko",
             lead: float = 0.5) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The words one after another with silence between; also each word's (start, end) s."""
    parts, spans, at = [silence(lead)], [], lead
    for word in words:
        audio = spoken(word, folder, voice)
        spans.append((at, at + audio.size / RATE))
        parts += [audio, silence(gap)]
        at += audio.size / RATE + gap
    return np.concatenate(parts), spans


def save(samples: np.ndarray, path: Path, rate: int = RATE) -> Path:
    write_wav(path, samples, rate)
    return path


def linked_model_copy(model: Path, tmp_path: Path) -> Path:
    """A model folder made of symlinks (cheap), so single files can be removed or damaged."""
    copy = tmp_path / "model-copy"
    for src in model.rglob("*"):
        dest = copy / src.relative_to(model)
        if src.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.symlink_to(src)
    return copy
