"""Pure parts of synthesis and playback: voice choice, WAV checks, resampling, sentence split."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from calm_voice.audio.playback import resample
from calm_voice.cli.say import split_sentences
from calm_voice.errors import SpeechEngineError
from calm_voice.speech.synth import VoiceInfo, pick_voice, read_verified_wav

VOICES = [
    VoiceInfo("gmw/en", "English (Great Britain)", ("en-gb",)),
    VoiceInfo("gmw/en-us", "English (America)", ("en-us",)),
    VoiceInfo("ko", "Korean", ("ko",)),
]


def test_default_voice_for_english_is_american() -> None:
    assert pick_voice(VOICES, None, "en").id == "gmw/en-us"


def test_default_voice_for_another_language_speaks_it() -> None:
    assert pick_voice(VOICES, None, "ko").id == "ko"


@pytest.mark.parametrize("wanted", ["gmw/en", "English (Great Britain)", "en-gb", "EN-GB"])
def test_voice_by_id_name_or_language(wanted: str) -> None:
    assert pick_voice(VOICES, wanted, "en").id == "gmw/en"


def test_unknown_voice_names_the_problem_and_the_choices() -> None:
    with pytest.raises(SpeechEngineError) as caught:
        pick_voice(VOICES, "klingon", "en")
    assert "klingon" in caught.value.problem
    assert "gmw/en-us" in caught.value.fix


def test_no_voices_at_all() -> None:
    with pytest.raises(SpeechEngineError, match="no voices"):
        pick_voice([], None, "en")


def _wav(path: Path, samples: np.ndarray, rate: int = 22050, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype(np.int16).tobytes())
    return path


def test_verified_wav_returns_its_samples(tmp_path: Path) -> None:
    tone = (np.sin(np.arange(2205) / 5) * 8000).astype(np.int16)
    assert np.array_equal(read_verified_wav(_wav(tmp_path / "a.wav", tone)), tone)


@pytest.mark.parametrize("make, reason", [
    (lambda p: p, "no audio"),
    (lambda p: (p.write_bytes(b""), p)[1], "no audio"),
    (lambda p: _wav(p, np.zeros(22050)), "silent"),
    (lambda p: _wav(p, np.full(100, 5000), rate=16000), "format"),
    (lambda p: _wav(p, np.full(100, 5000), channels=2), "format"),
])
def test_bad_renderings_are_refused(tmp_path: Path, make: Callable[[Path], Path],
                                    reason: str) -> None:
    path = make(tmp_path / "bad.wav")
    with pytest.raises(ValueError, match=reason):
        read_verified_wav(path)


def test_resample_keeps_duration_and_pitch() -> None:
    rate = 22050
    tone = (np.sin(2 * np.pi * 440 * np.arange(rate) / rate) * 10000).astype(np.int16)
    out = resample(tone, rate, 48000)
    assert out.dtype == np.int16
    assert out.size == 48000
    spectrum = np.abs(np.fft.rfft(out.astype(np.float64)))
    assert abs(np.argmax(spectrum) * 48000 / out.size - 440) < 2


def test_resample_same_rate_is_untouched() -> None:
    tone = np.arange(100, dtype=np.int16)
    assert resample(tone, 22050, 22050) is tone


def test_split_sentences() -> None:
    assert split_sentences("Hello there. How are you?  Fine!") == [
        "Hello there.", "How are you?", "Fine!"]
    assert split_sentences("   ") == []
    assert split_sentences("no punctuation") == ["no punctuation"]
