"""Capture's edges with real PortAudio on the private PulseAudio server: a device that records at
another rate (resampled to 16 kHz), a reader that falls behind, unknown devices, and no sound
server at all. Plus the block-by-block resampler against resampling the whole recording."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import sounddevice as sd

from calm_voice.audio.capture import RATE, Capture, StreamResampler
from calm_voice.audio.devices import rescan
from calm_voice.audio.playback import resample
from calm_voice.commands import load_vocabulary
from calm_voice.errors import AudioDeviceError
from calm_voice.events import Final
from calm_voice.speech.recognizer import Recognizer, load_model
from tests.support.pulse import PulseServer
from tests.support.speech import save, sequence, with_noise_floor

REPO = Path(__file__).resolve().parents[2]


def test_block_by_block_resampling_matches_the_whole_recording() -> None:
    rng = np.random.default_rng(5)
    samples = (rng.normal(0, 3000, 48000 * 3)).astype(np.int16)
    for source in (48000, 44100, 22050, 8000):
        whole = resample(samples, source, RATE)
        resampler = StreamResampler(source)
        parts, at = [], 0
        while at < samples.size:
            size = int(rng.integers(1, 3000))
            parts.append(resampler(samples[at:at + size]))
            at += size
        streamed = np.concatenate(parts)
        assert abs(streamed.size - whole.size) <= 1
        n = min(streamed.size, whole.size)
        assert np.abs(streamed[:n].astype(np.int32) - whole[:n].astype(np.int32)).max() <= 1


@pytest.fixture
def mic(pulse: PulseServer) -> Iterator[PulseServer]:
    rescan()  # PortAudio lists devices once; make it see the private server
    yield pulse


def wait_for_audio(capture: Capture) -> None:
    deadline = time.monotonic() + 20
    while capture.next_block(timeout=0.5) is None:  # the pulse plugin can take ~2 s to start
        assert time.monotonic() < deadline, "no audio came from the virtual microphone"


@pytest.mark.audio
@pytest.mark.vosk
def test_a_48k_device_is_resampled_and_heard(mic: PulseServer, tmp_path: Path,
                                             korean_model_path: Path) -> None:
    # A long lead: a new 48 kHz stream on the null sink's monitor can drop its first second.
    samples, _ = sequence(["다시", "멈춰"], tmp_path, gap=1.5, lead=1.5)
    wav = save(with_noise_floor(samples), tmp_path / "words.wav")
    recognizer = Recognizer(load_model(korean_model_path), load_vocabulary("ko").grammar())
    capture = Capture(None, 20, device_rate=48000)
    assert capture.device_rate == 48000
    capture.start()
    heard: list[str] = []
    try:
        wait_for_audio(capture)
        player = mic.play(wav)
        while player.poll() is None or len(heard) < 2:
            block = capture.next_block(timeout=1.0)
            assert block is not None, "the microphone stopped delivering audio"
            assert len(block) % 2 == 0
            heard += [e.text for e in recognizer.accept(block) if isinstance(e, Final)]
            if player.poll() is not None and recognizer.seconds > 60:
                break
    finally:
        capture.stop()
    assert heard == ["다시", "멈춰"]


@pytest.mark.audio
def test_a_reader_that_falls_behind_loses_blocks_but_not_the_stream(mic: PulseServer) -> None:
    capture = Capture(None, 20, max_queued_blocks=3)
    capture.start()
    try:
        wait_for_audio(capture)
        deadline = time.monotonic() + 20
        while capture.dropped == 0:
            assert time.monotonic() < deadline, "the queue never filled"
            time.sleep(0.05)
        note = capture.lost_audio_note()
        assert note is not None and "microphone sound was lost" in note
        assert capture.lost_audio_note() is None  # said once, until more is lost
        assert capture.is_alive()
        assert capture.next_block(timeout=2.0) is not None
    finally:
        capture.stop()


@pytest.mark.audio
def test_portaudio_overflows_are_counted_not_fatal(mic: PulseServer) -> None:
    capture = Capture(None, 20)
    flags = sd.CallbackFlags()
    flags.input_overflow = True
    capture._callback(b"\0\0" * 320, 320, None, flags)
    capture._callback(b"\0\0" * 320, 320, None, sd.CallbackFlags())
    assert capture.overflows == 1
    assert capture.next_block(0.1) == b"\0\0" * 320  # the audio itself is still handed on
    note = capture.lost_audio_note()
    assert note == ("About 20 ms of microphone sound was lost because the computer was busy; "
                    "listening goes on.")


@pytest.mark.audio
@pytest.mark.parametrize("device, message", [
    ("no-such-microphone", "No microphone (input device) has 'no-such-microphone' in its name."),
    (99, "There is no microphone (input device) number 99."),
])
def test_an_unknown_input_device_is_named(mic: PulseServer, device: str | int,
                                          message: str) -> None:
    with pytest.raises(AudioDeviceError) as caught:
        Capture(device)
    assert str(caught.value).startswith(message)
    assert "--input-device" in caught.value.fix


@pytest.mark.audio
def test_no_sound_server_gives_a_clear_error() -> None:
    child = ("from calm_voice.audio.capture import Capture\n"
             "from calm_voice.errors import AudioDeviceError\n"
             "try:\n"
             "    Capture(None).start()\n"
             "    print('OPENED')\n"
             "except AudioDeviceError as error:\n"
             "    print('ERROR', error)\n")
    env = {**os.environ, "PULSE_SERVER": "unix:/nonexistent/calm-voice-test"}
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            timeout=60, env=env, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ERROR "), result.stdout
    assert "microphone" in result.stdout
    assert "Traceback" not in result.stderr
