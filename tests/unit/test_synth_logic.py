"""Pure parts of synthesis and playback: voice choice, WAV checks, resampling, sentence split."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import sounddevice as sd

from calm_voice.audio.devices import DeviceInfo
from calm_voice.audio.playback import Playback, resample
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


# The playback callback, driven block by block without a device.

class _Time:
    outputBufferDacTime = 10.0
    currentTime = 9.96


def _playback() -> Playback:
    device = DeviceInfo(0, "test", "none", 0, 2, 22050.0, is_default_output=True)
    playback = Playback(device, 22050, 20)
    playback.device_rate = 22050  # no PortAudio device here; keep the source rate
    return playback


def _block(playback: Playback, frames: int = 441) -> np.ndarray:
    out = np.full((frames, 1), 7, dtype=np.int16)
    playback._callback(out, frames, _Time(), sd.CallbackFlags())
    return out[:, 0].copy()


def _events(playback: Playback) -> list[tuple[str, int, int]]:
    found = []
    while (event := playback.next_event(0.0)) is not None:
        found.append((event.kind, event.generation, event.index))
    return found


def test_callback_copies_segments_in_order_and_marks_their_starts() -> None:
    playback = _playback()
    run = playback.new_run()
    playback.enqueue(run, 0, np.full(300, 1, dtype=np.int16))
    playback.enqueue(run, 1, np.full(300, 2, dtype=np.int16))
    playback.finish(run, 2)
    first, second = _block(playback), _block(playback)
    assert list(first[:300]) == [1] * 300 and list(first[300:]) == [2] * 141
    assert list(second[:159]) == [2] * 159 and not second[159:].any()
    assert _events(playback) == [("start", run, 0), ("start", run, 1), ("end", run, 2)]


def test_a_new_run_plays_at_the_next_block_and_a_stop_silences_the_next_one() -> None:
    playback = _playback()
    old = playback.new_run()
    playback.enqueue(old, 0, np.full(2000, 3, dtype=np.int16))
    assert (_block(playback) == 3).all()
    run = playback.new_run()  # replaces the old run mid-segment
    playback.enqueue(run, 0, np.full(2000, 5, dtype=np.int16))
    assert (_block(playback) == 5).all()
    playback.stop()
    assert not _block(playback).any()  # the very next block
    assert _events(playback) == [("start", old, 0), ("start", run, 0)]


def test_pause_holds_the_position() -> None:
    playback = _playback()
    run = playback.new_run()
    playback.enqueue(run, 0, np.arange(1, 883, dtype=np.int16))
    assert _block(playback)[0] == 1
    playback.pause()
    assert not _block(playback).any()
    playback.resume()
    assert _block(playback)[0] == 442
