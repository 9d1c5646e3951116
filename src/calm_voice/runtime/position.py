"""The remembered place in the guide (step and sentence), kept in a small JSON file apart from
the journal."""

from __future__ import annotations

import json
import os
from pathlib import Path

from calm_voice.config import Settings
from calm_voice.errors import CalmVoiceError
from calm_voice.guide import Guide


def load_position(state_file: Path, guide: Guide) -> int:
    """Index of the remembered step, or 0 when there is none or it no longer exists."""
    return load_place(state_file, guide)[0]


def load_place(state_file: Path, guide: Guide) -> tuple[int, int]:
    """The remembered (step index, sentence); (0, 0) when there is none or it no longer fits."""
    try:
        data = json.loads(state_file.read_text(encoding="utf-8"))
        if data.get("guide") == guide.id:
            step = guide.index_of(str(data.get("step")))
            sentence = data.get("sentence", 0)
            fits = type(sentence) is int and 0 <= sentence < len(guide.steps[step].sentences)
            return step, sentence if fits else 0
    except (OSError, ValueError, AttributeError, CalmVoiceError):
        pass  # no file, a damaged one, or a step the guide no longer has: start at the beginning
    return 0, 0


def save_position(state_file: Path, guide: Guide, step_id: str, sentence: int = 0) -> None:
    """Write atomically so a crash mid-write never leaves a broken file."""
    state_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = state_file.with_suffix(".tmp")
    place = {"guide": guide.id, "step": step_id, "sentence": sentence}
    tmp.write_text(json.dumps(place), encoding="utf-8")
    os.replace(tmp, state_file)


def opening_step(settings: Settings, guide: Guide, from_step: str | None = None) -> int:
    """The step to open at: `--from` (remembered from now on), else the remembered one."""
    if from_step:
        index = guide.index_of(from_step)  # CalmVoiceError names the steps there are
        save_position(settings.state_file, guide, from_step)
        return index
    return load_position(settings.state_file, guide)
