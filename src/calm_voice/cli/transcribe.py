"""`calm-voice transcribe FILE`: what the recogniser hears in a recording, as text or JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from calm_voice.audio.formats import ACCEPTED
from calm_voice.cli import settings_from
from calm_voice.commands import load_vocabulary
from calm_voice.config import apply_overrides
from calm_voice.events import Final, Partial
from calm_voice.safe_text import for_terminal
from calm_voice.safe_yaml import capped


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "transcribe", help="print what the speech model hears in a recording",
        description=f"Runs the speech recogniser over a recording ({ACCEPTED}) and prints "
                    "each utterance; with --json, every partial and final result as one JSON "
                    "object per line. Long recordings are read in blocks, so memory stays flat.")
    parser.add_argument("file", type=Path, help="a recording: WAV, FLAC, Ogg or MP3")
    parser.add_argument("--model", dest="transcribe_model", metavar="M",
                        help="model name under models/, or a folder path")
    parser.add_argument("--grammar", choices=["commands"],
                        help="only listen for the spoken commands (command mode)")
    parser.add_argument("--language", dest="transcribe_language", metavar="CODE",
                        help="language of the commands and the model (e.g. en, ko)")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.set_defaults(func=run_transcribe)


def event_json(event: Partial | Final) -> str:
    if isinstance(event, Partial):
        return json.dumps({"type": "partial", "text": event.text}, ensure_ascii=False)
    return json.dumps({"type": "final", "text": event.text, "start": event.start,
                       "end": event.end, "words": [asdict(w) for w in event.words]},
                      ensure_ascii=False)


def warn_unknown_words(name: str, model_path: Path, grammar: list[str], model: Any) -> None:
    """A grammar word the model does not know is never heard: say so rather than print nothing."""
    from calm_voice.speech.vocabulary import grammar_words, missing_words

    missing = missing_words(model_path, grammar_words(grammar), model)
    if missing:
        shown = ", ".join(capped(missing, 10))
        print(for_terminal(f"Warning: the speech model {name} does not know {len(missing)} of "
                           f"the command words ({shown}), so it will never hear them. Use a "
                           "model of the commands' language (--language, --model)."),
              file=sys.stderr, flush=True)


def run_transcribe(args: argparse.Namespace) -> int:
    from calm_voice.audio.wavfile import describe, recognizer_blocks
    from calm_voice.speech.discovery import find_model
    from calm_voice.speech.endpoint import model_view
    from calm_voice.speech.recognizer import load_model
    from calm_voice.speech.transcribe_stream import transcribe_blocks

    settings = apply_overrides(settings_from(args), recognizer__model=args.transcribe_model,
                               recognizer__language=args.transcribe_language)
    describe(args.file)  # a bad file fails before the slow model load
    grammar = (load_vocabulary(settings.recognizer.language).grammar()
               if args.grammar == "commands" else None)
    found = find_model(settings, cannot="calm-voice cannot tell what the recording says")
    view = model_view(found.path, settings.data_dir / "model-views",
                      settings.recognizer.endpoint_silence,
                      settings.recognizer.endpoint_silence_long)
    model = load_model(view)
    if grammar is not None:
        warn_unknown_words(found.name, view, grammar, model)
    for event in transcribe_blocks(recognizer_blocks(args.file), model, grammar):
        if args.json:
            print(event_json(event), flush=True)
        elif isinstance(event, Final):
            print(for_terminal(event.text), flush=True)
    return 0
