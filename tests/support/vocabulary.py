"""The Korean command words the tests and the benches that say them (다음, 다시, 멈춰, ...) use:
their own, in tests/data/commands, so the shipped content/commands.ko.yaml can change without
them."""

from __future__ import annotations

import os
from pathlib import Path

TEST_COMMANDS = Path(__file__).resolve().parents[1] / "data" / "commands"


def use_test_commands() -> None:
    """From now on this process, and every calm-voice it starts, hears the tests' own words."""
    os.environ["CALM_VOICE_COMMANDS"] = str(TEST_COMMANDS)
