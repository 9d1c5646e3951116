"""The same sound heard the same way every time, with the real Vosk Korean model: after exact
digital silence (a muted or virtual microphone), Kaldi's random feature dither once decided
whether a first word was heard and what dictation wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calm_voice.events import Final
from calm_voice.speech.recognizer import Recognizer, load_model
from tests.support.speech import silence, spoken

pytestmark = pytest.mark.vosk

SENTENCES = ["오늘은 날씨가 좋아요", "마음이 많이 아팠어요"]
RUNS = 6


@pytest.fixture(scope="module")
def model(korean_model_path: Path) -> Any:
    return load_model(korean_model_path)


def dictated(model: Any, samples: np.ndarray) -> str:
    """Dictation of `samples`, fed in 20 ms blocks as capture delivers them."""
    recognizer = Recognizer(model, None)
    pcm = samples.tobytes()
    texts = [e.text for offset in range(0, len(pcm), 640)
             for e in recognizer.accept(pcm[offset:offset + 640]) if isinstance(e, Final)]
    last = recognizer.flush()
    return " | ".join(texts + ([last.text] if last else []))


@pytest.mark.parametrize("sentence", SENTENCES)
def test_dictation_after_digital_silence_is_the_same_every_time(
        model: Any, tmp_path: Path, sentence: str) -> None:
    """Without the recogniser's fixed hiss these gave two or three different texts in ten
    runs; the chance of six equal runs by luck was about 1 in 100."""
    clip = np.concatenate([silence(0.5), spoken(sentence, tmp_path), silence(1.0)])
    texts = {dictated(model, clip) for _ in range(RUNS)}
    assert len(texts) == 1, texts
    assert next(iter(texts)).strip(), "nothing was heard"
