"""A sentence far longer than anyone writes is spoken whole by the real espeak-ng, no crash."""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from calm_voice.audio.wavfile import describe, read_span
from calm_voice.speech.synth import Synthesizer
from tests.conftest import python_cmd

WORDS = ("quiet", "morning", "water", "slowly", "breathe", "window", "garden", "light")


def long_sentence(chars: int, seed: int = 1) -> str:
    pick = random.Random(seed)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(pick.choice(WORDS) + ("," if pick.random() < 0.05 else ""))
    return " ".join(words)[:chars].rstrip() + "."


def test_a_50000_character_sentence_is_written_to_a_file(tmp_path: Path) -> None:
    text = long_sentence(50_000)
    assert len(text) >= 49_990 and text.count(".") == 1
    config = tmp_path / "config.yaml"
    config.write_text("speaker:\n  rate: 400\n")
    out = tmp_path / "long.wav"
    result = subprocess.run([*python_cmd(), "--config", str(config), "say", text, "--out",
                             str(out)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]  # -11 was espeak's SIGSEGV
    seconds = describe(out).seconds
    assert seconds > 50_000 / 6 / 400 * 60 * 0.5  # most of ~8,000 words at 400 per minute
    for start in np.linspace(1, seconds - 2, 12):  # speech all the way through, no gaps
        assert np.abs(read_span(out, float(start), float(start) + 1.5)).max() > 1000


def test_the_caller_gets_one_rendering_for_one_long_sentence() -> None:
    synth = Synthesizer(rate=400)
    try:
        text = long_sentence(3_000, seed=2)
        pcm = synth.synthesize(text)
        assert synth.is_cached(text)  # one sentence, one entry, whatever espeak was given
        assert pcm.duration > 20
    finally:
        synth.close()
    assert not any(Path(tempfile.gettempdir()).glob(f"calm-voice-tts-{os.getpid()}-*"))
