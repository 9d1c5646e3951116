"""A command acted on as soon as it is certain, with the real Vosk Korean model: a whole
command that nothing longer starts with ends the utterance after a short hold, before Vosk's
own endpoint (0.5 s of trailing silence here); one that could grow waits longer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calm_voice.commands import load_vocabulary
from calm_voice.events import Final
from calm_voice.speech.recognizer import DICTATION, Recognizer, load_model
from tests.support.speech import RATE, silence, spoken

pytestmark = pytest.mark.vosk

GRAMMAR = load_vocabulary("ko").grammar()
BLOCK = RATE * 2 // 50  # 20 ms, as capture delivers


@pytest.fixture(scope="module")
def model(korean_model_path: Path) -> Any:
    return load_model(korean_model_path)


def fed(recognizer: Recognizer, samples: np.ndarray) -> list[tuple[str, float]]:
    """Finals from accept() only (never flush), each with the audio time it came out at."""
    pcm = samples.tobytes()
    out = []
    for offset in range(0, len(pcm), BLOCK):
        for event in recognizer.accept(pcm[offset:offset + BLOCK]):
            if isinstance(event, Final):
                out.append((event.text, (offset + BLOCK) / (2 * RATE)))
    return out


def said(word: str, folder: Path, trailing: float = 1.5) -> np.ndarray:
    return np.concatenate([silence(1.0), spoken(word, folder, "ko"), silence(trailing)])


@pytest.mark.parametrize("word", ["멈춰", "다시", "계속"])
def test_a_command_that_cannot_grow_comes_out_before_the_endpoint(
        model: Any, tmp_path: Path, word: str) -> None:
    """Audio time, not wall time: the early Final comes out of fewer seconds of audio."""
    early = fed(Recognizer(model, GRAMMAR, command_hold=0.2), said(word, tmp_path))
    endpoint = fed(Recognizer(model, GRAMMAR, command_hold=0.0), said(word, tmp_path))
    assert [text for text, _at in early] == [text for text, _at in endpoint] == [word]
    assert early[0][1] < endpoint[0][1]


def test_the_rest_of_the_stream_is_heard_after_an_early_final(model: Any,
                                                             tmp_path: Path) -> None:
    audio = np.concatenate([said("멈춰", tmp_path, 0.5), said("계속", tmp_path)])
    heard = fed(Recognizer(model, GRAMMAR, command_hold=0.2), audio)
    assert [text for text, _at in heard] == ["멈춰", "계속"]


def test_a_command_that_could_grow_waits_for_the_longer_hold(model: Any,
                                                           tmp_path: Path) -> None:
    # "멈춰" may still become "멈춰 다시". Its partial settles as its sound ends, so each way of
    # ending it is well apart ("다음" settles so late that every way ends within 50 ms).
    grammar = ["멈춰", "멈춰 다시", "[unk]"]
    audio = said("멈춰", tmp_path)

    def came_out(**settings: Any) -> float:
        heard = fed(Recognizer(model, grammar, command_hold=0.2, **settings), audio)
        assert [text for text, _at in heard] == ["멈춰"]
        return heard[0][1]

    at_endpoint = came_out(command_endpoint=0.0)  # not certain: only the endpoint ends it
    could_grow = came_out(command_endpoint=0.35)
    certain = came_out(command_endpoint=0.35, can_grow=lambda _text: False)
    assert certain < could_grow < at_endpoint


def test_dictation_waits_for_the_endpoint(model: Any, tmp_path: Path) -> None:
    def came_out(mode_switch: bool) -> list[tuple[str, float]]:
        recognizer = Recognizer(model, GRAMMAR, command_hold=0.2)
        if mode_switch:
            recognizer.set_mode(DICTATION)
        # Dictation's own endpoint needs about 1.5 s of trailing silence here: give it ample.
        return fed(recognizer, said("멈춰", tmp_path, trailing=3.0))

    dictated, commanded = came_out(True), came_out(False)
    assert dictated and commanded and dictated[0][1] > commanded[0][1]
