"""`calm-voice content check FILE`: validate a guide and report every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from calm_voice.cli import settings_from
from calm_voice.guide import check_guide
from calm_voice.safe_text import for_terminal
from calm_voice.safe_yaml import capped

MAX_LISTED = 50
"""Problems printed one per line; the rest are counted."""


def register(sub: Any) -> None:
    content = sub.add_parser("content", help="check guide content files")
    actions = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a guide file against the schema")
    check.add_argument("file", type=Path, nargs="?",
                       help="the guide YAML file (default: the guide calm-voice reads)")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    if args.file is None:
        args.file = settings_from(args).guide_path
    data, problems = check_guide(args.file)
    if problems:
        for problem in capped(problems, MAX_LISTED):
            print(for_terminal(problem), file=sys.stderr)
        print(for_terminal(f"{len(problems)} problem(s) found in {args.file}."), file=sys.stderr)
        return 1
    assert data is not None
    steps = sum(len(part["steps"]) for part in data["parts"])
    print(for_terminal(f"{args.file}: OK — {len(data['parts'])} parts, {steps} steps."))
    return 0
