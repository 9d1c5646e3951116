"""The Korean command words the tests and the benches that say them (다음, 다시, 멈춰, ...) use:
their own, in tests/data/commands, so the shipped content/commands.ko.yaml can change without
them."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

TEST_COMMANDS = Path(__file__).resolve().parents[1] / "data" / "commands"


def use_test_commands() -> None:
    """From now on this process, and every calm-voice it starts, hears the tests' own words."""
    os.environ["CALM_VOICE_COMMANDS"] = str(TEST_COMMANDS)


def add_commands_option(parser: argparse.ArgumentParser) -> None:
    """--commands for a bench: the shipped words (content/commands.ko.yaml, what a person
    gets) by default, or the tests' own nine short words, as runs before 2026-12-04 used."""
    parser.add_argument("--commands", choices=("shipped", "tests"), default="shipped",
                        help="which Korean command words are said and listened for")


def apply_commands_option(args: argparse.Namespace) -> None:
    if args.commands == "tests":
        use_test_commands()
