"""Real espeak-ng synthesis through pyttsx3: verified PCM, cache, look-ahead, settings, failures."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from calm_voice.errors import SpeechEngineError
from calm_voice.speech.synth import RATE, SILENCE_LEVEL, Synthesizer
from tests.conftest import python_cmd

NO_ESPEAK = '''
import ctypes
_load = ctypes.cdll.LoadLibrary
def _no_espeak(name, *args, **kwargs):
    if "espeak" in str(name):
        raise OSError(f"{name}: cannot open shared object file: No such file or directory")
    return _load(name, *args, **kwargs)
ctypes.cdll.LoadLibrary = _no_espeak
'''


@pytest.fixture(scope="module")
def synth() -> Iterator[Synthesizer]:
    engine = Synthesizer(rate=200)
    yield engine
    engine.close()


@pytest.fixture
def without_espeak(tmp_path: Path) -> dict[str, str]:
    """An environment in which loading the espeak-ng library fails, as if it were not installed."""
    import os

    site = tmp_path / "no-espeak"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_ESPEAK)
    return {**os.environ, "PYTHONPATH": str(site)}


def test_a_sentence_becomes_speech_pcm(synth: Synthesizer) -> None:
    pcm = synth.synthesize("Take a slow breath in, and let it out gently.")
    assert pcm.rate == RATE
    assert pcm.samples.dtype == np.int16
    assert 1.0 < pcm.duration < 6.0
    assert np.abs(pcm.samples.astype(np.int32)).max() > 10 * SILENCE_LEVEL
    assert synth.voice.id == "gmw/en-us"


def test_the_same_sentence_comes_from_the_cache(synth: Synthesizer) -> None:
    first = synth.synthesize("Cached sentence number one.")
    assert synth.is_cached("Cached sentence number one.")
    assert synth.synthesize("Cached sentence number one.") is first


def test_prefetch_renders_in_the_background(synth: Synthesizer) -> None:
    texts = ["Look ahead one.", "Look ahead two."]
    synth.prefetch(texts)
    futures = [synth.request(text, urgent=False) for text in texts]
    for future in futures:
        assert future.result(timeout=30).duration > 0.3
    assert all(synth.is_cached(text) for text in texts)


def test_faster_rate_gives_shorter_speech_and_clears_the_cache() -> None:
    engine = Synthesizer(rate=150)
    try:
        text = "Speaking slowly, then speaking quickly, the words stay the same."
        slow = engine.synthesize(text).duration
        engine.configure(rate=300)
        assert not engine.is_cached(text)
        fast = engine.synthesize(text).duration
        assert fast < 0.75 * slow
        engine.configure(rate=150)
        assert abs(engine.synthesize(text).duration - slow) < 0.02 * slow
        engine.configure(volume=0.3)
        quiet = engine.synthesize(text).samples
        assert np.abs(quiet.astype(np.int32)).max() > SILENCE_LEVEL
    finally:
        engine.close()


def test_text_without_sound_is_refused_clearly(synth: Synthesizer) -> None:
    with pytest.raises(SpeechEngineError) as caught:
        synth.synthesize("   ")
    assert "could not speak" in caught.value.problem


def test_unknown_voice_setting() -> None:
    with pytest.raises(SpeechEngineError) as caught:
        Synthesizer(voice="no-such-voice")
    assert "no-such-voice" in caught.value.problem


def test_missing_espeak_is_a_short_message(tmp_path: Path,
                                           without_espeak: dict[str, str]) -> None:
    out = tmp_path / "x.wav"
    result = subprocess.run([*python_cmd(), "say", "--out", str(out), "Hello."],
                            env=without_espeak, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "espeak-ng is not installed" in result.stderr
    assert "sudo apt-get install espeak-ng" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
