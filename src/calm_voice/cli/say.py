"""`calm-voice say`: speak some text or a guide step aloud, or write it to a WAV file."""

from __future__ import annotations

import argparse
import re
import sys
import threading
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from calm_voice.cli import settings_from
from calm_voice.config import Settings
from calm_voice.errors import AudioFileError, CalmVoiceError
from calm_voice.guide import load_guide
from calm_voice.safe_text import for_terminal
from calm_voice.session.script import step_script
from calm_voice.speech.synth import RATE, Synthesizer

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


def register(sub: Any) -> None:
    say = sub.add_parser(
        "say", help="speak text or a step of the guide (or write it to a WAV file)",
        description="Speaks the given text, or a step of the guide, through the speaker. "
                    "With --out, writes the speech to a WAV file instead.")
    what = say.add_mutually_exclusive_group(required=True)
    what.add_argument("text", nargs="?", help="the text to speak")
    what.add_argument("--step", metavar="ID", help="a step id of the guide, e.g. reason-3")
    say.add_argument("--out", type=Path, metavar="FILE.wav",
                     help="write the speech to this WAV file instead of playing it")
    say.set_defaults(func=run_say)


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def _script(args: argparse.Namespace, settings: Settings) -> tuple[list[str], str]:
    """The sentences to speak and the language to speak them in."""
    if args.step is not None:
        guide = load_guide(settings.guide_path)
        return step_script(guide, guide.index_of(args.step)), guide.language
    sentences = split_sentences(args.text)
    if not sentences:
        raise CalmVoiceError("There is nothing to say: the text is empty.",
                             'Give some words, e.g. calm-voice say "Hello".')
    return sentences, settings.recognizer.language  # the language chosen with --language


def write_wav(path: Path, sentences: Sequence[str], settings: Settings, language: str) -> float:
    """Render the sentences into one mono 22050 Hz WAV file; returns its length in seconds."""
    if not path.parent.exists():
        raise AudioFileError(f"The folder {path.parent} does not exist, so {path.name} "
                             "cannot be written there.", "Choose a folder that exists.")
    synth = Synthesizer(settings.speaker.voice, settings.speaker.rate, settings.speaker.volume,
                        language)
    try:
        samples = np.concatenate([synth.synthesize(text).samples for text in sentences])
    finally:
        synth.close()
    try:
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(samples.tobytes())
    except OSError as exc:
        raise AudioFileError(f"{path} cannot be written ({exc.strerror}).",
                             "Choose a file in a folder you can write to.") from exc
    return samples.size / RATE


def play(sentences: Sequence[str], settings: Settings, language: str) -> bool:
    """Speak through the chosen output device; True if it played to the end."""
    from calm_voice.speech.speaker import Speaker  # late: needs PortAudio, which --out does not

    speaker = Speaker.create(settings, language)
    finished = threading.Event()
    outcome: list[bool] = []

    def on_done(completed: bool) -> None:
        outcome.append(completed)
        finished.set()

    def on_sentence(index: int) -> None:
        print(for_terminal(sentences[index]), flush=True)

    try:
        speaker.speak("say", sentences, on_sentence=on_sentence, on_done=on_done)
        while not finished.wait(0.1):
            pass
    finally:
        speaker.close()
    return bool(outcome and outcome[0])


def run_say(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    sentences, language = _script(args, settings)
    if args.out is not None:
        seconds = write_wav(args.out, sentences, settings, language)
        print(for_terminal(f"Wrote {seconds:.1f} s of speech to {args.out}"))
        return 0
    completed = play(sentences, settings, language)
    if not completed:
        print("Stopped.", file=sys.stderr)
        return 1
    return 0
