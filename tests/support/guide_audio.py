"""The guide, its prompts and its help, read by espeak-ng into one long 16 kHz stream whose
sentence spans are known: what the speaker plays, for the echo rig."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calm_voice.guide import load_guide
from tests.support.speech import RATE, silence, spoken

PAUSE_S = 0.35


@dataclass(frozen=True)
class Reading:
    samples: np.ndarray
    spans: list[tuple[float, float, str]]
    """(start s, end s, text) of each sentence."""

    def text_between(self, start: float, end: float) -> str:
        return " ".join(text for s, e, text in self.spans if e >= start and s <= end)


def guide_sentences(guide_path: Path, steps: int | None = None) -> list[str]:
    """Titles, sentences and prompts, in reading order."""
    guide = load_guide(guide_path)
    out: list[str] = []
    for step in guide.steps[:steps]:
        out += [step.title, *step.sentences, *(p.text for p in step.prompts)]
    return out


def read_aloud(sentences: list[str], folder: Path, voice: str) -> Reading:
    parts, spans, at = [], [], 0.0
    for text in sentences:
        audio = spoken(text, folder, voice)
        spans.append((at, at + audio.size / RATE, text))
        parts += [audio, silence(PAUSE_S)]
        at += audio.size / RATE + PAUSE_S
    return Reading(np.concatenate(parts), spans)
