"""What a stricter own-voice rule would cost: both sides, on the same echo-rig recordings.

Every command the recogniser hears on the echo rig (bench/barge_in_rig.py's trials, through
the app's streaming canceller) is kept with the two figures the own-voice judge computes
(echo_cancel.judge: the loudest window's residual, a person above PERSON_DB; and echo_db, how
much of all it heard the played sound explains) and its least sure word's confidence (under
MIN_COMMAND_CONFIDENCE the session does not act anyway). The same is kept for every command
heard in read-throughs with no person: the Korean test guide with its spoken help and every
command phrase, the English guide's first four steps and, held out from the rig's trials,
the rest of the English guide, each through the realistic and the harsh room.

Each rule is then applied to both: real commands heard right that it would ignore (false
rejects), and echo commands it would obey (self-triggers). Run it with two seeds to see
whether a rule chosen on one holds on the other.

    python bench/own_voice_rule.py [--trials 200] [--seed 11] [--commands shipped|tests]
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.barge_in_rig import (  # noqa: E402
    listen_from,
    make_trials,
    rig_arguments,
    rig_model,
    rig_readings,
    stream,
)
from bench.own_voice import korean_read_through  # noqa: E402
from tests.support import echo_rig  # noqa: E402
from tests.support.guide_audio import guide_sentences, read_aloud  # noqa: E402
from tests.support.speech import RATE  # noqa: E402

from calm_voice.audio import echo_cancel  # noqa: E402
from calm_voice.commands import Vocabulary, load_vocabulary  # noqa: E402
from calm_voice.config import RecognizerSettings  # noqa: E402
from calm_voice.events import Final  # noqa: E402
from calm_voice.paths import default_guide_path  # noqa: E402
from calm_voice.session.context import MIN_COMMAND_CONFIDENCE  # noqa: E402

RULES: dict[str, tuple[float, float | None]] = {
    "residual > -5 dB (the app's)": (echo_cancel.PERSON_DB, None),
    "residual > -4 dB": (-4.0, None),
    "residual > -3.5 dB": (-3.5, None),
    "residual > -2.5 dB": (-2.5, None),
    "residual > -5, echo_db > -6 dB": (-5.0, -6.0),
    "residual > -4, echo_db > -7 dB": (-4.0, -7.0),
}
"""A person when the residual is above the first figure and, if given, echo_db above the
second (the played sound explains less than that of what was heard)."""


@dataclass(frozen=True)
class Heard:
    text: str
    confidence: float
    residual_db: float
    echo_db: float

    def obeyed(self, person_db: float, echo_db: float | None) -> bool:
        return (self.confidence >= MIN_COMMAND_CONFIDENCE and self.residual_db > person_db
                and (echo_db is None or self.echo_db > echo_db))


def judged(final: Final, mic: np.ndarray, played: np.ndarray) -> Heard:
    """The verdict the session gets: the utterance with 0.1 s around it, against what was
    played from 2 s before to 0.5 s after."""
    first = max(0, int((final.start - 0.1) * RATE))
    last = int((final.end + 0.1) * RATE)
    verdict = echo_cancel.judge(mic[first:last], played[max(0, first - 2 * RATE):last + RATE // 2])
    confidence = min((w.conf for w in final.words), default=0.0)
    return Heard(final.text, confidence, verdict.residual_db, verdict.echo_db)


def commands_heard(finals: list[Final], vocabulary: Vocabulary, mic: np.ndarray,
                   played: np.ndarray) -> list[tuple[Final, Heard]]:
    return [(f, judged(f, mic, played)) for f in finals
            if vocabulary.match(f.text, strict=True) is not None]


def main() -> None:
    args = rig_arguments(__doc__.splitlines()[0])
    settings = RecognizerSettings()
    vocabulary = load_vocabulary("ko")
    words = sorted(vocabulary.phrases)
    real: list[Heard] = []
    echoes: dict[str, list[Heard]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = rig_model(folder, settings)
        readings = rig_readings(words, folder)
        english = guide_sentences(default_guide_path())
        first_steps = guide_sentences(default_guide_path(), steps=4)
        for trial in make_trials(args.trials, args.seed, readings, words, folder):
            finals, _ = stream(model, vocabulary, trial.mic, trial.played, settings,
                               listen_from())
            real += [h for f, h in commands_heard(finals, vocabulary, trial.mic, trial.played)
                     if h.text == trial.word and f.start < trial.span[1]
                     and f.end > trial.span[0]]
        throughs = {"ko guide+help+words": korean_read_through(vocabulary, folder),
                    "en guide, steps 1-4": readings["en"],
                    "en guide, the rest": read_aloud(english[len(first_steps):], folder,
                                                     "en-us")}
        for label, reading in throughs.items():
            for room_name, room in (("realistic", echo_rig.REALISTIC), ("harsh", echo_rig.HARSH)):
                echo = echo_rig.echo_of(reading.samples, room)
                finals, _ = stream(model, vocabulary, echo, reading.samples, settings)
                echoes[f"{label}, {room_name}"] = [
                    h for _, h in commands_heard(finals, vocabulary, echo, reading.samples)]
    sure = [h for h in real if h.confidence >= MIN_COMMAND_CONFIDENCE]
    every_echo = [h for heard in echoes.values() for h in heard]
    print(f"{'rule: a person when':34} {'real rejected':>14} {'self-triggers':>14}")
    results = {}
    for name, (person_db, echo_db) in RULES.items():
        rejected = sum(not h.obeyed(person_db, echo_db) for h in sure)
        triggers = sum(h.obeyed(person_db, echo_db) for h in every_echo)
        results[name] = (rejected, triggers)
        print(f"{name:34} {rejected:>8}/{len(sure):<5} {triggers:>14}")
    for label, heard in echoes.items():
        let = [h.text for h in heard if h.obeyed(echo_cancel.PERSON_DB, None)]
        print(f"  {label:32} heard {len(heard):3}, obeyed by the app's rule: {let}")
    print(f"own-voice rules over {args.trials} trials, seed {args.seed}: " + "; ".join(
        f"{name}: {r[0]}/{len(sure)} real commands rejected, {r[1]} self-triggers"
        for name, r in results.items()))


if __name__ == "__main__":
    main()
