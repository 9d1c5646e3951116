"""`calm-voice` with no command (or `calm-voice app`): the terminal companion."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from calm_voice.cli import _device, settings_from
from calm_voice.guide import load_guide
from calm_voice.runtime.position import opening_step


def register(sub: Any) -> None:
    app = sub.add_parser(
        "app", help="open the terminal companion (the default)",
        description="Shows the guide, reads it aloud and listens for spoken commands. "
                    "Press ? inside for the keys.")
    # `calm-voice --guide X` is parsed as `calm-voice app --guide X`, so the app takes the
    # top-level options too; SUPPRESS keeps them from hiding values given before "app".
    app.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    app.add_argument("--guide", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    app.add_argument("--language", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    app.add_argument("--model", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    app.add_argument("--input-device", type=_device, default=argparse.SUPPRESS,
                     help=argparse.SUPPRESS)
    app.add_argument("--output-device", type=_device, default=argparse.SUPPRESS,
                     help=argparse.SUPPRESS)
    app.add_argument("--from", dest="from_step", metavar="STEP",
                     help="start at this step id (e.g. reason-3) instead of where you left off")
    app.add_argument("--keyboard", action="store_true",
                     help="do not use the microphone; keys only")
    app.set_defaults(func=run_app)


def run_app(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    guide = load_guide(settings.guide_path)
    start = opening_step(settings, guide, args.from_step)
    # Textual is imported only now, so other sub-commands never load it.
    from calm_voice.ui.app import make_app
    from calm_voice.ui.terminal import keep_native_noise_off_screen

    app = make_app(settings, guide, start_step=start, voice=not args.keyboard)
    keep_native_noise_off_screen(settings.data_dir / "calm-voice.log")
    app.run()
    return 0
