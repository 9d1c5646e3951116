"""The real speaker path: espeak-ng → PCM → PortAudio → the private PulseAudio virtual speaker."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from calm_voice.audio.devices import rescan
from calm_voice.config import AudioSettings, SpeakerSettings
from calm_voice.errors import AudioDeviceError
from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from calm_voice.session.script import step_script
from calm_voice.speech.speaker import Speaker
from tests.support.live_record import LiveRecorder, loud_run_starts, wait_until
from tests.support.pulse import SPEAKER, PulseServer, active_span

pytestmark = pytest.mark.audio

FAST = SpeakerSettings(rate=280)


class Progress:
    """Collects a speak() run's callbacks."""

    def __init__(self) -> None:
        self.sentences: list[tuple[int, float]] = []
        self.outcomes: list[bool] = []
        self.done = threading.Event()

    def on_sentence(self, index: int) -> None:
        self.sentences.append((index, time.monotonic()))

    def on_done(self, completed: bool) -> None:
        self.outcomes.append(completed)
        self.done.set()


@pytest.fixture(scope="module")
def recorder(pulse_server: PulseServer) -> Iterator[LiveRecorder]:
    """One live recording for the module: a null sink takes ~2 s to wake for a new recorder."""
    rec = LiveRecorder(pulse_server, f"{SPEAKER}.monitor")
    rec.wait_ready()
    yield rec
    rec.stop()


@pytest.fixture
def speaker(pulse: PulseServer, recorder: LiveRecorder) -> Iterator[Speaker]:
    rescan()
    spk = Speaker(FAST, AudioSettings())
    yield spk
    spk.close()


def envelope(samples: np.ndarray, rate: int) -> np.ndarray:
    window = rate // 50
    count = samples.size // window
    return np.abs(samples[:count * window].astype(np.float64)).reshape(count, window).mean(axis=1)


def piecewise_correlations(want: np.ndarray, got: np.ndarray, piece: int = 50,
                           slack: int = 15) -> list[float]:
    """For each `piece`-frame stretch of `want`, its best correlation with `got` within
    `slack` frames of where the stretch before it was found."""
    out, shift = [], 0
    for begin in range(0, want.size - piece + 1, piece):
        part = want[begin:begin + piece]
        if np.std(part) == 0:
            continue
        best, best_lag = -1.0, begin + shift
        centre = begin + shift
        for lag in range(max(0, centre - slack), min(got.size - piece, centre + slack) + 1):
            other = got[lag:lag + piece]
            if np.std(other) > 0:
                score = float(np.corrcoef(part, other)[0, 1])
                if score > best:
                    best, best_lag = score, lag
        shift = best_lag - begin
        out.append(best)
    return out


def test_a_step_played_through_the_speaker_matches_what_was_synthesised(
        speaker: Speaker, recorder: LiveRecorder) -> None:
    guide = load_guide(default_guide_path())
    script = step_script(guide, guide.index_of("react-4"))
    pause = np.zeros(int(FAST.sentence_pause * 22050), np.int16)  # quiet between sentences
    rendered = [speaker.synthesize(text).samples for text in script]
    synthesised = np.concatenate([part for pcm in rendered for part in (pcm, pause)][:-1])
    progress = Progress()
    mark = recorder.mark()

    speaker.speak("step:react-4", script, on_sentence=progress.on_sentence,
                  on_done=progress.on_done)
    assert speaker.is_playing()
    assert progress.done.wait(60)
    recorder.wait_quiet(mark, 0.3)  # the tail has reached the monitor

    assert progress.outcomes == [True]
    assert [index for index, _at in progress.sentences] == list(range(len(script)))
    assert not speaker.is_playing()
    recorded = recorder.samples(mark)
    assert np.abs(recorded.astype(np.int32)).max() > 3000, "the speaker stayed silent"
    want_start, want_end = active_span(synthesised, 22050)
    got_start, got_end = active_span(recorded, recorder.rate)
    want, got = want_end - want_start, got_end - got_start
    assert abs(got - want) <= 0.05 * want, (got, want)
    # Same shape, not just the same length: compare 20 ms loudness envelopes, one second at a
    # time, each second aligned on its own (a short gap under load shifts what follows it).
    a = envelope(synthesised[int(want_start * 22050):], 22050)
    b = envelope(recorded[int(got_start * recorder.rate):], recorder.rate)
    assert np.median(piecewise_correlations(a, b)) > 0.8


def test_sentence_callbacks_follow_the_sound_not_the_synthesis(
        speaker: Speaker, recorder: LiveRecorder) -> None:
    script = ["First, a short sentence.", "Then another one follows it."]
    progress = Progress()
    mark = recorder.mark()
    speaker.speak("two", script, on_sentence=progress.on_sentence, on_done=progress.on_done)
    assert progress.done.wait(30)
    span = recorder.loud_times(mark)
    assert span is not None
    first_sound, _last = span
    (_, first_cb), (_, second_cb) = progress.sentences
    first_duration = speaker.synthesize(script[0]).duration
    # The second callback comes one sentence-length after the first, not at once.
    assert second_cb - first_cb > 0.8 * first_duration
    # The first callback is close to when the sound came out (generous: machines are noisy).
    assert abs(first_cb - first_sound) < 0.5


def test_stop_silences_the_speaker_and_reports_not_completed(
        speaker: Speaker, recorder: LiveRecorder) -> None:
    text = "Take a slow breath in, and let it out gently, as slowly as you can manage."
    pcm = speaker.synthesize(text).samples
    lead, _ = active_span(pcm, 22050)
    cut = next(p for p in loud_run_starts(pcm, 22050, 0.25) if p > 22050 * 0.5)
    progress = Progress()
    mark = recorder.mark()
    speaker.speak("long", [text, "This sentence is never reached."],
                  on_sentence=progress.on_sentence, on_done=progress.on_done)
    deadline = time.monotonic() + 10
    while (span := recorder.loud_times(mark)) is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert span is not None
    first_sound = span[0]
    time.sleep(max(0.0, first_sound + (cut - lead * 22050) / 22050 - time.monotonic()))
    stopped_at = time.monotonic()
    speaker.stop()
    assert progress.done.wait(5)
    recorder.wait_quiet(mark, 0.5)

    assert progress.outcomes == [False]
    assert not speaker.is_playing()
    assert [index for index, _at in progress.sentences] == [0]
    span = recorder.loud_times(mark)
    assert span is not None
    assert stopped_at - 0.1 < span[1] < stopped_at + 0.5, span[1] - stopped_at


def test_pause_holds_the_sound_and_resume_finishes_it(
        speaker: Speaker, recorder: LiveRecorder) -> None:
    text = "Hold on for a moment, and then we carry on together."
    progress = Progress()
    mark = recorder.mark()
    speaker.speak("pause", [text], on_sentence=progress.on_sentence, on_done=progress.on_done)
    recorder.wait_loud(mark, 0.3)
    speaker.pause()
    assert not speaker.is_playing()
    paused_at = time.monotonic()
    time.sleep(1.0)
    quiet = recorder.loud_times(recorder.mark())
    resumed_mark = recorder.mark()
    speaker.resume()
    assert speaker.is_playing()
    assert progress.done.wait(30)
    assert progress.outcomes == [True]
    recorder.wait_loud(resumed_mark, 0.1)  # something played after resume
    before = recorder.loud_times(mark)
    assert before is not None and before[0] < paused_at
    assert quiet is None or quiet[1] < paused_at + 0.3


def test_a_new_speak_replaces_the_old_one(speaker: Speaker) -> None:
    first, second = Progress(), Progress()
    speaker.speak("a", ["This first sentence will be cut short by the second."],
                  on_sentence=first.on_sentence, on_done=first.on_done)
    wait_until(lambda: bool(first.sentences), 10, "the first run never started")
    speaker.speak("b", ["Short."], on_sentence=second.on_sentence, on_done=second.on_done)
    assert first.done.wait(5) and second.done.wait(10)
    assert first.outcomes == [False]
    assert second.outcomes == [True]
    assert [index for index, _ in second.sentences] == [0]


def test_recent_text_is_what_reached_the_speaker(speaker: Speaker) -> None:
    progress = Progress()
    speaker.speak("echo", ["Breathe in slowly now.", "Breathe out."],
                  on_sentence=progress.on_sentence, on_done=progress.on_done)
    assert speaker.recent_text(5) == "" or "Breathe in" in speaker.recent_text(5)
    assert progress.done.wait(30)
    assert speaker.recent_text(10) == "Breathe in slowly now. Breathe out."
    time.sleep(0.3)
    assert speaker.recent_text(0.1) == ""


def test_start_index_and_prefetch(speaker: Speaker) -> None:
    script = ["Zero is skipped.", "One is read.", "Two is read too."]
    speaker.prefetch(script)
    progress = Progress()
    speaker.speak("start", script, 1, on_sentence=progress.on_sentence,
                  on_done=progress.on_done)
    assert progress.done.wait(30)
    assert [index for index, _ in progress.sentences] == [1, 2]
    assert progress.outcomes == [True]


def test_adjust_changes_later_speech_within_limits(speaker: Speaker) -> None:
    text = "The same words, a little faster."
    before = speaker.synthesize(text).duration
    speaker.adjust(rate_delta=60, volume_delta=-0.5)
    assert (speaker.rate, speaker.volume) == (FAST.rate + 60, 0.5)
    assert speaker.synthesize(text).duration < 0.9 * before
    speaker.adjust(rate_delta=1000, volume_delta=-5)
    assert (speaker.rate, speaker.volume) == (400, 0.1)


def test_close_reports_a_run_it_cut_short(pulse: PulseServer) -> None:
    rescan()
    spk = Speaker(FAST, AudioSettings())
    progress = Progress()
    spk.speak("closing", ["A sentence that close will interrupt before it can end."],
              on_sentence=progress.on_sentence, on_done=progress.on_done)
    wait_until(lambda: bool(progress.sentences), 10, "the run never started")
    spk.close()
    assert progress.done.wait(5)
    assert progress.outcomes == [False]


def test_output_device_by_name_and_unknown_name(pulse: PulseServer) -> None:
    rescan()
    spk = Speaker(FAST, AudioSettings(output_device="pulse"))
    try:
        assert spk.device_name == "pulse"
        assert spk.voice_name == "English (America)"
    finally:
        spk.close()
    with pytest.raises(AudioDeviceError) as caught:
        Speaker(FAST, AudioSettings(output_device="no such speaker"))
    assert "no such speaker" in caught.value.problem
    assert "--output-device" in caught.value.fix
