"""SIGKILL in the middle of dictation loses nothing that was reported as saved."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def load_soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kill_soak", REPO / "bench" / "kill_soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_committed_utterance_survives_sigkill_and_restart(tmp_path: Path) -> None:
    soak = load_soak()
    rng = random.Random(20261127)
    recognised = stored = 0
    for round_number in range(1, 4):  # each restart appends to the same journal
        tally = soak.run_round(tmp_path, round_number, rng)
        assert tally.missing == []
        recognised += tally.recognised
        stored += tally.stored
    assert recognised > 3 and stored == recognised
