"""The streaming echo canceller in front of the recogniser, on the echo rig: real espeak-ng
voices (the guide in English, the person's Korean command words) through a simulated room
with a drifting delay, reverberation, colour, distortion and noise, streamed in 20 ms blocks as
capture delivers them, into the real Vosk Korean model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calm_voice.audio.stream_echo_cancel import StreamingEchoCanceller, find_lag
from calm_voice.commands import load_vocabulary
from calm_voice.events import Final
from calm_voice.speech.recognizer import Recognizer, load_model
from tests.support import echo_rig
from tests.support.speech import RATE, spoken

GUIDE = ["Love is a complex emotion that can sometimes leave us baffled.",
         "One of the most perplexing situations in a relationship is when your partner starts "
         "to withdraw or become distant, even when they claim to love you.",
         "This can be confusing and hurtful, leaving you wondering what went wrong."]
BLOCK = RATE // 50
pytestmark = pytest.mark.vosk


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stream-aec")


@pytest.fixture(scope="module")
def korean_model(korean_model_path: Path) -> Any:
    return load_model(korean_model_path)


@pytest.fixture(scope="module")
def played(folder: Path) -> np.ndarray:
    return np.concatenate([spoken(text, folder, "en-us") for text in GUIDE])


def streamed(mic: np.ndarray, played: np.ndarray) -> np.ndarray:
    canceller = StreamingEchoCanceller()
    mic16 = echo_rig.to_int16(mic)
    return np.concatenate([canceller.process(mic16[at:at + BLOCK], played[at:at + BLOCK])
                           for at in range(0, mic16.size, BLOCK)])


def level_db(samples: np.ndarray) -> float:
    return 10 * float(np.log10(np.mean(samples.astype(np.float64) ** 2) + 1.0))


def test_with_nothing_played_the_microphone_passes_unchanged(folder: Path) -> None:
    voice = spoken("오늘은 날씨가 좋아요", folder, "ko")
    out = streamed(voice.astype(np.float64), np.zeros(voice.size, np.int16))
    assert out.size > voice.size - 2 * 256
    assert np.array_equal(out, voice[:out.size])  # sample for sample: dictation is untouched


@pytest.mark.parametrize(("room", "at_least_db"), [
    (echo_rig.REALISTIC, 20.0), (echo_rig.Room(delay_s=0.18, seed=3), 20.0),
    # Distortion and a reverberant tail longer than the filter leave more behind.
    (echo_rig.HARSH, 7.0)], ids=["realistic", "late", "harsh"])
def test_the_echo_alone_is_taken_out(played: np.ndarray, room: echo_rig.Room,
                                     at_least_db: float) -> None:
    echo = echo_rig.echo_of(played, room)
    out = streamed(echo, played)
    settled = slice(4 * RATE, out.size)  # after the first few seconds of the guide
    reduction = level_db(echo[settled]) - level_db(out[settled])
    assert reduction > at_least_db, reduction


@pytest.mark.parametrize("ser_db", [10.0, 0.0, -5.0])
def test_a_person_talking_over_the_guide_is_kept(played: np.ndarray, folder: Path,
                                                  ser_db: float) -> None:
    echo = echo_rig.echo_of(played, echo_rig.REALISTIC)
    command = spoken("멈춰", folder, "ko")
    at = 5 * RATE
    mic = echo_rig.mix(echo, command, at, ser_db)
    voice = mic[at:at + command.size] - echo[at:at + command.size]
    out = streamed(mic, played)
    kept = level_db(out[at:at + command.size]) - level_db(voice)
    assert kept > -6.0, kept  # the person's voice, not turned down with the echo


def test_the_delay_is_found_and_followed_as_the_clocks_drift(played: np.ndarray) -> None:
    room = echo_rig.Room(delay_s=0.12, drift_ppm=300.0, seed=5)
    echo = echo_rig.echo_of(played, room)
    at = 8 * RATE
    lag = find_lag(echo[at - RATE:at], played[at - 2 * RATE:at].astype(np.float64))
    expected = (room.delay_s + room.drift_ppm * 1e-6 * (at / RATE - 0.5)) * RATE
    assert lag is not None and abs(lag - expected) < 3.0, (lag, expected)


def test_a_command_over_the_guide_is_heard_once_its_sound_is_taken_out(
        played: np.ndarray, folder: Path, korean_model: Any) -> None:
    vocabulary = load_vocabulary("ko")
    echo = echo_rig.echo_of(played, echo_rig.REALISTIC)
    command = spoken("멈춰", folder, "ko")
    at = 6 * RATE
    mic = echo_rig.mix(echo, command, at, 0.0)

    def finals(audio: np.ndarray) -> list[str]:
        recognizer = Recognizer(korean_model, vocabulary.grammar(), command_hold=0.0,
                                command_endpoint=0.0)
        pcm = echo_rig.to_int16(audio).tobytes()
        heard = [e for at in range(0, len(pcm), 2 * BLOCK)
                 for e in recognizer.accept(pcm[at:at + 2 * BLOCK]) if isinstance(e, Final)]
        last = recognizer.flush()
        return [f.text for f in [*heard, *([last] if last else [])]]

    assert "멈춰" not in finals(mic)  # without the canceller the echo drowns it
    assert "멈춰" in finals(streamed(mic, played).astype(np.float64))
