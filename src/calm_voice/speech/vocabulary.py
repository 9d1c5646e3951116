"""Which words a speech model knows: its graph/words.txt when it has one, else Vosk itself."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from calm_voice.speech.recognizer import load_model

UNKNOWN = "[unk]"


def grammar_words(phrases: Iterable[str]) -> list[str]:
    """Every word of the grammar phrases, once each, without the catch-all [unk]."""
    return sorted({word for phrase in phrases for word in phrase.split()} - {UNKNOWN})


def missing_words(model_path: Path, words: Iterable[str], model: Any | None = None) -> list[str]:
    """The words the model cannot recognise. Reads graph/words.txt when the model lists its
    words; otherwise asks Vosk, loading the model (seconds) unless `model` is given."""
    wanted = sorted(set(words) - {UNKNOWN})
    listing = model_path / "graph" / "words.txt"
    if listing.is_file():
        with listing.open(encoding="utf-8", errors="replace") as lines:
            known = {line.split(maxsplit=1)[0] for line in lines if line.strip()}
        return [word for word in wanted if word not in known]
    if model is None:
        model = load_model(model_path)
    return [word for word in wanted if model.vosk_model_find_word(word) < 0]
