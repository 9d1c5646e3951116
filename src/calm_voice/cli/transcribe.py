"""`calm-voice transcribe FILE`: what the recogniser hears in a WAV file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from calm_voice.audio.wavfile import read_for_recognizer
from calm_voice.cli import settings_from
from calm_voice.commands import load_vocabulary
from calm_voice.events import Final, Partial
from calm_voice.speech.discovery import find_model
from calm_voice.speech.recognizer import load_model, transcribe_pcm


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "transcribe", help="print what the speech recogniser hears in a WAV file",
        description="Runs the speech recogniser over a WAV file (any rate, any number of "
                    "channels) and prints the finished sentences, or every event as JSON lines.")
    parser.add_argument("file", type=Path, metavar="FILE", help="a WAV recording")
    # Also accepted after the sub-command; its own dest keeps it from hiding the top-level one.
    parser.add_argument("--model", dest="sub_model", metavar="M",
                        help="speech model name under models/, or a folder path")
    parser.add_argument("--grammar", choices=["commands"],
                        help="hear only the spoken commands (as the companion does)")
    parser.add_argument("--language", metavar="CODE",
                        help="language of the command list for --grammar (default: from "
                             "settings)")
    parser.add_argument("--json", action="store_true",
                        help="print every partial and final result as one JSON object per line")
    parser.set_defaults(func=run_transcribe)


def event_json(event: Partial | Final) -> dict[str, Any]:
    if isinstance(event, Partial):
        return {"type": "partial", "text": event.text}
    return {"type": "final", "text": event.text, "start": event.start, "end": event.end,
            "words": [{"word": w.word, "start": w.start, "end": w.end, "conf": w.conf}
                      for w in event.words]}


def run_transcribe(args: argparse.Namespace) -> int:
    if args.sub_model:
        args.model = args.sub_model
    settings = settings_from(args)
    pcm = read_for_recognizer(args.file)  # before the slow model load: a bad file fails fast
    grammar = None
    if args.grammar == "commands":
        grammar = load_vocabulary(args.language or settings.recognizer.language).grammar()
    model = load_model(find_model(settings).path)
    heard = False
    for event in transcribe_pcm(pcm, model, grammar):
        if args.json:
            print(json.dumps(event_json(event), ensure_ascii=False), flush=True)
        elif isinstance(event, Final):
            print(event.text, flush=True)
        heard = heard or isinstance(event, Final)
    if not heard and not args.json:
        print(f"No speech was recognised in {args.file}.", file=sys.stderr)
    return 0
