"""Own voice or the person, on the echo rig: real espeak-ng voices (the guide in English, the
person's Korean command words) through a simulated room with a drifting delay, reverberation,
colour, distortion and noise. Judged as the session judges a heard command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from calm_voice.audio import echo_cancel
from calm_voice.events import Final, Word
from calm_voice.runtime.echo import hears_the_speaker, sounds_like_playback
from calm_voice.runtime.echo_verdict import with_echo_verdict
from calm_voice.session.inputs import VoiceHeard
from tests.support import echo_rig
from tests.support.speech import RATE, spoken

GUIDE = ["Love is a complex emotion that can sometimes leave us baffled.",
         "One of the most perplexing situations in a relationship is when your partner starts "
         "to withdraw or become distant, even when they claim to love you."]
COMMANDS = ["다음", "멈춰", "계속"]
VOICES = ["ko", "ko+f3", "ko+m3"]
LEAD = 2 * RATE


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rig")


@pytest.fixture(scope="module")
def played(folder: Path) -> np.ndarray:
    return np.concatenate([spoken(text, folder, "en-us") for text in GUIDE])


def stretch(played: np.ndarray, room: echo_rig.Room, command: np.ndarray | None, ser_db: float,
            at: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """The utterance the recogniser would hand over (the command's span, or the same span of
    echo alone) and the played sound the speaker would report around it."""
    echo = echo_rig.echo_of(played, room)
    start = int(at * RATE)
    size = command.size if command is not None else int(0.6 * RATE)
    mic = echo if command is None else echo_rig.mix(echo, command, start, ser_db)
    first, last = start - int(0.1 * RATE), start + size + int(0.1 * RATE)
    return mic[first:last], played[first - LEAD:last + RATE // 2]


def rooms() -> Iterator[echo_rig.Room]:
    for delay in (0.01, 0.08, 0.2):
        yield echo_rig.Room(delay_s=delay, drift_ppm=100.0, seed=int(delay * 1000))


def test_the_echo_alone_is_the_guides_own_voice(played: np.ndarray) -> None:
    for room in rooms():
        mic, reference = stretch(played, room, None, 0.0)
        verdict = echo_cancel.judge(mic, reference)
        assert not verdict.person, (room, verdict)


@pytest.mark.parametrize("ser_db", [10.0, 0.0, -5.0])
def test_a_command_spoken_over_the_echo_is_the_person(played: np.ndarray, folder: Path,
                                                      ser_db: float) -> None:
    for room, word, voice in zip(rooms(), COMMANDS, VOICES, strict=True):
        mic, reference = stretch(played, room, spoken(word, folder, voice), ser_db)
        verdict = echo_cancel.judge(mic, reference)
        assert verdict.person, (room, word, voice, verdict)


def test_a_microphone_that_cannot_hear_the_speaker_hears_only_the_person(
        played: np.ndarray, folder: Path) -> None:
    """The case the old loudness-shape check got wrong: nothing of the guide in the mic, yet
    its best correlation over ~250 alignments often passed 0.75."""
    quiet = echo_rig.Room(gain_db=-120.0, noise_db=-70.0)
    for word in COMMANDS:
        for voice in VOICES:
            mic, reference = stretch(played, quiet, spoken(word, folder, voice), 30.0)
            assert echo_cancel.judge(mic, reference).person, (word, voice)


class PlayedSpeaker:
    """The one SpeakerPort method the check uses, answering from a known played stretch."""

    def __init__(self, samples: np.ndarray, started: float) -> None:
        self.samples = samples
        self.started = started
        self.text = ""

    def recent_text(self, seconds: float) -> str:
        return self.text

    def played_audio(self, start: float, end: float, rate: int = RATE) -> np.ndarray:
        out = np.zeros(int((end - start) * rate), np.int16)
        first = int((start - self.started) * rate)
        lo, hi = max(0, first), min(self.samples.size, first + out.size)
        if hi > lo:
            out[lo - first:hi - first] = self.samples[lo:hi]
        return out


def test_sounds_like_playback_judges_by_what_is_left_after_cancelling(
        played: np.ndarray, folder: Path) -> None:
    room = echo_rig.Room(delay_s=0.08, seed=3)
    speaker = PlayedSpeaker(played, started=100.0)
    echo = echo_rig.echo_of(played, room)
    start, end = int(3.0 * RATE), int(3.7 * RATE)
    alone = echo_rig.to_int16(echo[start:end]).tobytes()
    assert sounds_like_playback(alone, 100.0 + end / RATE, speaker)  # type: ignore[arg-type]
    command = spoken("다음", folder, "ko")
    mixed = echo_rig.mix(echo, command, start, -5.0)[start:start + command.size]
    said = echo_rig.to_int16(mixed).tobytes()
    assert not sounds_like_playback(said, 100.0 + (start + command.size) / RATE,
                                    speaker)  # type: ignore[arg-type]


def test_words_like_the_guides_count_as_its_echo_only_when_the_microphone_hears_it(
        played: np.ndarray, folder: Path) -> None:
    """With headphones (the microphone cannot hear the speaker) a person who says a word the
    guide has just said is obeyed; the guide's echo, which is most of what the microphone
    hears, is still judged by its words too."""
    for room in rooms():
        mic, reference = stretch(played, room, None, 0.0)
        assert hears_the_speaker(echo_cancel.judge(mic, reference)), room
    quiet = echo_rig.Room(gain_db=-120.0, noise_db=-70.0)
    for word, voice in zip(COMMANDS, VOICES, strict=True):
        mic, reference = stretch(played, quiet, spoken(word, folder, voice), 30.0)
        assert not hears_the_speaker(echo_cancel.judge(mic, reference)), (word, voice)
    assert hears_the_speaker(None)  # too short to tell: the word check stays


def test_a_person_repeating_the_guides_words_through_headphones_is_obeyed(
        played: np.ndarray, folder: Path) -> None:
    """The whole verdict the session gets, for the guide's own word said by the person."""
    speaker = PlayedSpeaker(played, started=100.0)
    speaker.text = "다음 단계로 갑니다"
    quiet = echo_rig.Room(gain_db=-120.0, noise_db=-70.0)
    command = spoken("다음", folder, "ko")
    start = int(3.0 * RATE)
    mic = echo_rig.mix(echo_rig.echo_of(played, quiet), command, start, 30.0)
    said = echo_rig.to_int16(mic[start:start + command.size]).tobytes()
    end = 100.0 + (start + command.size) / RATE
    words = (Word("다음", 0.0, 0.4, 1.0),)
    event = VoiceHeard(Final("다음", words, 0.0, 0.4), said, end)
    verdict = with_echo_verdict(event, speaker).echo  # type: ignore[arg-type]
    assert not verdict.same_words and not verdict.same_sound
    echo = echo_rig.to_int16(echo_rig.echo_of(played, rooms().__next__()))
    alone = echo[start:start + command.size].tobytes()
    verdict = with_echo_verdict(VoiceHeard(Final("다음", words, 0.0, 0.4), alone, end),
                                speaker).echo  # type: ignore[arg-type]
    assert verdict.same_words or verdict.same_sound
