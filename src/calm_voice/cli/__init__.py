"""The `calm-voice` command: parse arguments, build settings, run a sub-command or the TUI."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from calm_voice import __version__
from calm_voice.config import Settings, load_settings
from calm_voice.errors import CalmVoiceError
from calm_voice.safe_text import for_terminal

# Each module adds its sub-command(s) through register(subparsers).
SUBCOMMAND_MODULES = ("app", "listen", "say", "content", "diagnostics", "models", "transcribe",
                      "journal")


def _device(value: str) -> str | int:
    return int(value) if value.isdigit() else value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calm-voice",
        description="An offline, hands-free voice companion for the guide. "
                    "With no command, opens the terminal companion.",
    )
    parser.add_argument("--version", action="version", version=f"calm-voice {__version__}")
    parser.add_argument("--config", type=Path, help="settings file (YAML)")
    parser.add_argument("--guide", type=Path,
                        help="guide file (default: the packaged guide of the language)")
    parser.add_argument("--language", metavar="CODE",
                        help="language of the commands, the model and the guide, e.g. en or ko")
    parser.add_argument("--model", help="speech model name under models/, or a folder path")
    parser.add_argument("--input-device", type=_device, help="microphone: index or part of name")
    parser.add_argument("--output-device", type=_device, help="speaker: index or part of name")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        import_module(f"calm_voice.cli.{name}").register(sub)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(
        args.config,
        language=args.language,
        guide_path=args.guide,
        recognizer__model=args.model,
        audio__input_device=args.input_device,
        audio__output_device=args.output_device,
    )


def fail(error: CalmVoiceError) -> int:
    print(for_terminal(str(error), keep_newlines=True), file=sys.stderr)
    return 2


def with_default_command(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`calm-voice [options]` means `calm-voice app [options]`, so `--from`/`--keyboard` work."""
    commands = next((a.choices for a in parser._actions
                     if isinstance(a, argparse._SubParsersAction)), None) or {}
    if any(arg in commands or arg in ("-h", "--help", "--version") for arg in argv):
        return argv
    return ["app", *argv]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(with_default_command(
        parser, list(argv if argv is not None else sys.argv[1:])))
    try:
        result: int = args.func(args)
        sys.stdout.flush()  # a closed pipe is found here, inside the try, not at exit
        return result
    except CalmVoiceError as error:
        return fail(error)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return quiet_closed_pipe()


def quiet_closed_pipe() -> int:
    """The reader went away (`calm-voice journal list | head`): that is normal, not an error.
    Point stdout at /dev/null so the interpreter's final flush has nowhere to fail (as the
    Python documentation on SIGPIPE advises) and end without a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1
