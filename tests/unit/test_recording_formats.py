"""Every format the help promises is read through libsndfile; streaming equals reading at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calm_voice.audio.playback import resample
from calm_voice.audio.wavfile import (
    ACCEPTED,
    RECOGNIZER_RATE,
    StreamResampler,
    describe,
    read_for_recognizer,
    read_span,
    recognizer_blocks,
)
from calm_voice.errors import AudioFileError

FORMATS = [  # (file suffix, libsndfile format, subtype, rate, channels)
    ("wav", "WAVEX", "PCM_16", 48000, 2),  # WAVE_FORMAT_EXTENSIBLE
    ("wav", "WAV", "PCM_24", 44100, 1),
    ("wav", "WAV", "PCM_32", 22050, 1),
    ("wav", "WAV", "FLOAT", 16000, 1),
    ("wav", "WAV", "DOUBLE", 16000, 1),
    ("wav", "WAVEX", "PCM_24", 48000, 6),
    ("wav", "WAV", "ALAW", 8000, 1),
    ("flac", "FLAC", "PCM_16", 44100, 2),
    ("ogg", "OGG", "VORBIS", 48000, 2),
    ("ogg", "OGG", "OPUS", 48000, 1),
    ("mp3", "MP3", "MPEG_LAYER_III", 44100, 2),
]


def tone(rate: int, seconds: float = 1.0, freq: float = 500.0, amp: float = 0.4) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return amp * np.sin(2 * np.pi * freq * t)


@pytest.mark.parametrize(("suffix", "fmt", "subtype", "rate", "channels"), FORMATS)
def test_every_promised_format_reads_as_16k_mono(tmp_path: Path, suffix: str, fmt: str,
                                                 subtype: str, rate: int, channels: int) -> None:
    path = tmp_path / f"r.{suffix}"
    sf.write(str(path), np.column_stack([tone(rate)] * channels), rate, format=fmt,
             subtype=subtype)
    pcm = np.frombuffer(read_for_recognizer(path), dtype=np.int16)
    assert abs(pcm.size - RECOGNIZER_RATE) <= 1200  # lossy codecs pad a little
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    assert abs(np.argmax(spectrum) * RECOGNIZER_RATE / pcm.size - 500) < 5
    assert 0.25 * 32767 < np.abs(pcm).max() < 0.6 * 32767


def test_the_help_names_each_family_the_tests_read() -> None:
    for word in ("WAV", "24", "32", "float", "channels", "FLAC", "Ogg", "MP3"):
        assert word in ACCEPTED


def test_blocks_join_to_the_same_audio_as_resampling_everything(tmp_path: Path) -> None:
    rate = 44100
    signal = np.random.default_rng(3).standard_normal(rate * 7) * 0.1
    path = tmp_path / "long.wav"
    sf.write(str(path), signal, rate, subtype="PCM_16")
    blocks = list(recognizer_blocks(path))
    assert len(blocks) > 3 and max(b.size for b in blocks) <= RECOGNIZER_RATE * 2 + 1
    whole = resample(np.round(signal * 32767).astype(np.float32), rate, RECOGNIZER_RATE)
    joined = np.concatenate(blocks)
    assert abs(joined.size - whole.size) <= 1
    size = min(joined.size, whole.size)
    assert np.abs(joined[:size].astype(np.int32) - whole[:size]).max() <= 2


@given(st.lists(st.integers(1, 9000), min_size=1, max_size=30),
       st.sampled_from([8000, 11025, 22050, 44100, 48000]))
@settings(max_examples=60, deadline=None)
def test_any_block_sizes_resample_like_one_call(sizes: list[int], rate: int) -> None:
    signal = np.random.default_rng(sum(sizes)).standard_normal(sum(sizes)) * 3000
    resampler = StreamResampler(rate, RECOGNIZER_RATE)
    parts, at = [], 0
    for size in sizes:
        parts.append(resampler.feed(signal[at:at + size].astype(np.float32)))
        at += size
    parts.append(resampler.feed(np.zeros(0, dtype=np.float32), last=True))
    joined = np.concatenate(parts)
    whole = resample(signal.astype(np.float32), rate, RECOGNIZER_RATE)
    assert abs(joined.size - whole.size) <= 1
    size = min(joined.size, whole.size)
    assert np.abs(joined[:size].astype(np.int32) - whole[:size]).max() <= 1


def test_a_span_is_cut_by_time(tmp_path: Path) -> None:
    rate = 48000
    signal = np.zeros(rate * 4)
    signal[rate * 2:rate * 3] = tone(rate, 1.0)
    path = tmp_path / "span.flac"
    sf.write(str(path), signal, rate, format="FLAC")
    quiet, loud = read_span(path, 0.5, 1.5), read_span(path, 2.2, 2.8)
    assert abs(quiet.size - RECOGNIZER_RATE) <= 2 and np.abs(quiet).max() < 10
    assert abs(loud.size - int(0.6 * RECOGNIZER_RATE)) <= 2 and np.abs(loud).max() > 10000
    assert describe(path).seconds == pytest.approx(4.0)


@given(st.binary(max_size=2000), st.sampled_from(["wav", "flac", "ogg", "mp3", "bin"]))
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_bytes_are_refused_with_a_clear_error(tmp_path: Path, data: bytes,
                                                     suffix: str) -> None:
    path = tmp_path / f"random.{suffix}"
    path.write_bytes(data)
    try:
        pcm = read_for_recognizer(path)
    except AudioFileError as exc:
        assert "recording" in exc.problem or "cannot be read" in exc.problem
        assert "\n" not in str(exc)
    else:  # a few byte strings really are (tiny) raw audio to libsndfile; that is fine
        assert len(pcm) % 2 == 0


def test_riff_header_followed_by_junk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.wav"
    path.write_bytes(b"RIFF\xff\xff\xff\xffWAVEfmt " + bytes(range(256)) * 4)
    with pytest.raises(AudioFileError, match="not a recording calm-voice can read"):
        read_for_recognizer(path)
