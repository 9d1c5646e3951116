"""WAV files in any PCM width, rate and channel count become 16 kHz mono int16 for Vosk."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from calm_voice.audio.wavfile import read_for_recognizer, read_wav, write_wav
from calm_voice.errors import AudioFileError


def tone(rate: int, seconds: float = 0.5, freq: float = 440.0, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amp * np.sin(2 * np.pi * freq * t)


def write_raw(path: Path, frames: bytes, width: int, channels: int, rate: int) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return path


def encode(signal: np.ndarray, width: int) -> bytes:
    """Full-scale float samples (-1..1, any channels interleaved) as PCM of `width` bytes."""
    if width == 1:
        return np.round(signal * 127 + 128).astype(np.uint8).tobytes()
    if width == 2:
        return np.round(signal * 32767).astype("<i2").tobytes()
    if width == 3:
        ints = np.round(signal * 8388607).astype("<i4")
        return ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    return np.round(signal * 2147483647).astype("<i4").tobytes()


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_every_pcm_width_reads_as_int16(tmp_path: Path, width: int) -> None:
    signal = tone(16000)
    path = write_raw(tmp_path / "t.wav", encode(signal, width), width, 1, 16000)
    samples, rate = read_wav(path)
    assert rate == 16000 and samples.dtype == np.int16 and samples.size == signal.size
    tolerance = 300 if width == 1 else 3
    assert np.max(np.abs(samples.astype(np.int32) - np.round(signal * 32767))) <= tolerance


def test_channels_are_mixed_down(tmp_path: Path) -> None:
    left, right = tone(8000, freq=300, amp=0.4), np.zeros(4000)
    interleaved = np.column_stack([left, right]).ravel()
    path = write_raw(tmp_path / "st.wav", encode(interleaved, 2), 2, 2, 8000)
    samples, _ = read_wav(path)
    assert samples.size == left.size
    assert np.max(np.abs(samples - np.round(left * 32767) / 2)) <= 1


@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (22050, 1), (44100, 2), (48000, 6)])
def test_any_rate_becomes_16k(tmp_path: Path, rate: int, channels: int) -> None:
    signal = np.repeat(tone(rate, seconds=1.0, freq=500), channels)
    path = write_raw(tmp_path / "r.wav", encode(signal, 2), 2, channels, rate)
    pcm = np.frombuffer(read_for_recognizer(path), dtype=np.int16)
    assert abs(pcm.size - 16000) <= 2
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    peak_hz = np.argmax(spectrum) * 16000 / pcm.size
    assert abs(peak_hz - 500) < 5  # the tone survives at its pitch
    assert 0.3 * 32767 < np.abs(pcm).max() < 0.6 * 32767


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    samples = np.round(tone(22050) * 20000).astype(np.int16)
    write_wav(tmp_path / "w.wav", samples, 22050)
    back, rate = read_wav(tmp_path / "w.wav")
    assert rate == 22050 and np.array_equal(back, samples)
    write_wav(tmp_path / "b.wav", samples.tobytes(), 22050)
    assert np.array_equal(read_wav(tmp_path / "b.wav")[0], samples)


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: p.write_text("hello, I am a text file\n" * 10), "calm-voice can read"),
    (lambda p: p.write_bytes(b""), "calm-voice can read"),
    (lambda p: p.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt "), "calm-voice can read"),
    (lambda p: p.mkdir(), "it is a folder"),
])
def test_a_file_that_is_not_audio_is_explained(tmp_path: Path, make: object, says: str) -> None:
    path = tmp_path / "input.wav"
    make(path)  # type: ignore[operator]
    with pytest.raises(AudioFileError, match=says) as info:
        read_for_recognizer(path)
    assert "sox" in info.value.fix or "Check" in info.value.fix


def test_a_missing_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match="There is no file"):
        read_wav(tmp_path / "nope.wav")


def test_a_wav_with_an_unknown_codec_is_explained(tmp_path: Path) -> None:
    header = bytearray(open_template(tmp_path))
    header[20:22] = (0x7777).to_bytes(2, "little")  # a codec id no library knows
    path = tmp_path / "odd.wav"
    path.write_bytes(bytes(header))
    with pytest.raises(AudioFileError, match="not a recording calm-voice can read"):
        read_wav(path)


def open_template(tmp_path: Path) -> bytes:
    write_wav(tmp_path / "tpl.wav", np.zeros(100, dtype=np.int16), 8000)
    return (tmp_path / "tpl.wav").read_bytes()
