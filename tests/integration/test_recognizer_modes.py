"""More of the real recogniser: a damaged graph, words said across a mode switch, and the same
words whatever the block size."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calm_voice.commands import load_vocabulary
from calm_voice.errors import ModelError
from calm_voice.events import Final, Partial
from calm_voice.speech.recognizer import (
    COMMANDS,
    DICTATION,
    Recognizer,
    load_model,
    transcribe_pcm,
)
from tests.support.speech import RATE, sequence, silence, spoken

pytestmark = pytest.mark.vosk

GRAMMAR = load_vocabulary("ko").grammar()
WORDS = ["다시", "멈춰", "계속"]


@pytest.fixture(scope="module")
def model(korean_model_path: Path) -> Any:
    return load_model(korean_model_path)


def finals(events: list[Partial | Final]) -> list[Final]:
    return [e for e in events if isinstance(e, Final)]


def test_a_damaged_graph_is_reported_at_load(tmp_path: Path, korean_model_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(korean_model_path, copy)
    (copy / "graph" / "HCLr.fst").write_bytes(np.random.default_rng(3).bytes(5000))
    with pytest.raises(ModelError, match="could not be loaded; it may be damaged"):
        load_model(copy)


def test_words_said_across_a_switch_are_kept_in_order(model: Any, tmp_path: Path) -> None:
    samples, spans = sequence(WORDS, tmp_path, gap=1.5)
    pcm = samples.tobytes()
    recognizer = Recognizer(model, GRAMMAR)
    # to dictation while the second word is still being said, back to commands in the pause
    middle = int((spans[1][0] + spans[1][1]) / 2 * RATE) * 2
    pause = int((spans[1][1] + spans[2][0]) / 2 * RATE) * 2
    events = recognizer.accept(pcm[:middle])
    recognizer.set_mode(DICTATION)
    events += recognizer.accept(pcm[middle:pause])
    recognizer.set_mode(COMMANDS)
    events += recognizer.accept(pcm[pause:])
    last = recognizer.flush()
    heard = finals(events + ([last] if last else []))
    assert heard[0].text == "다시"
    words = [w for f in heard for w in f.words]
    assert any(spans[1][0] - 0.2 <= w.start <= spans[1][1] for w in words), heard
    assert heard[-1].text == "계속"
    assert abs(heard[-1].start - spans[2][0]) < 0.3  # the stream's clock, across switches
    starts = [w.start for w in words]
    assert starts == sorted(starts)


@pytest.fixture(scope="module")
def words_pcm(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    samples, _ = sequence(WORDS, tmp_path_factory.mktemp("words"), gap=1.0)
    return samples.tobytes()


# Only command mode: Vosk's free-vocabulary decoding with this Korean model gives different
# text for the same espeak audio from one recogniser to the next, whatever the block size.
@pytest.mark.parametrize("block", [320, 882, 8000])
def test_the_same_words_are_heard_at_any_block_size(model: Any, words_pcm: bytes,
                                                    block: int) -> None:
    reference = finals(list(transcribe_pcm(words_pcm, model, GRAMMAR, len(words_pcm))))
    assert [f.text for f in reference] == WORDS
    fed = finals(list(transcribe_pcm(words_pcm, model, GRAMMAR, block)))
    assert [f.text for f in fed] == [f.text for f in reference]
    for got, want in zip(fed, reference, strict=True):
        assert abs(got.start - want.start) < 0.05 and abs(got.end - want.end) < 0.05


def test_both_modes_hear_the_same_command_word(model: Any, tmp_path: Path) -> None:
    pcm = np.concatenate([silence(0.5), spoken("멈춰", tmp_path), silence(1.0)]).tobytes()
    commands = finals(list(transcribe_pcm(pcm, model, GRAMMAR)))
    assert [f.text for f in commands] == ["멈춰"]
    recognizer = Recognizer(model, GRAMMAR, DICTATION)
    recognizer.set_mode(COMMANDS)
    events = recognizer.accept(pcm)
    last = recognizer.flush()
    assert [f.text for f in finals(events + ([last] if last else []))] == ["멈춰"]
