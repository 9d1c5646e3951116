"""Recognition of audio that arrives in blocks (a long file), holding one block at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from calm_voice.events import Final, Partial
from calm_voice.speech.recognizer import Recognizer


def transcribe_blocks(blocks: Iterable[np.ndarray], model: Any,
                      grammar: Sequence[str] | None = None) -> Iterator[Partial | Final]:
    """Events for 16 kHz mono int16 blocks, as transcribe_pcm gives for the same audio joined."""
    recognizer = Recognizer(model, grammar)
    for block in blocks:
        yield from recognizer.accept(block.astype(np.int16, copy=False).tobytes())
    last = recognizer.flush()
    if last is not None:
        yield last
