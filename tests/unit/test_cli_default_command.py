"""`calm-voice` with no command opens the app, and takes every top-level option there."""

from __future__ import annotations

from calm_voice.cli import build_parser, with_default_command


def test_the_language_switch_works_with_no_command() -> None:
    parser = build_parser()
    for argv in (["--language", "ko"], ["--language", "ko", "app"], ["app", "--language", "ko"]):
        args = parser.parse_args(with_default_command(parser, argv))
        assert (args.command, args.language) == ("app", "ko"), argv
