"""Microphone capture: a PortAudio input stream whose callback only enqueues raw bytes.

Blocks come out of next_block() as 16 kHz mono int16, resampled off the audio thread when the
device cannot record at that rate.
"""

from __future__ import annotations

import queue
from typing import Any

import numpy as np
import sounddevice as sd

from calm_voice.audio.devices import DeviceInfo, resolve_input
from calm_voice.audio.playback import resample
from calm_voice.errors import AudioDeviceError

RATE = 16000
MAX_QUEUED_BLOCKS = 500  # ~10 s at 20 ms; beyond that the oldest audio is dropped and counted


def pick_input_rate(device: DeviceInfo, wanted: int = RATE) -> int:
    try:
        sd.check_input_settings(device=device.index, samplerate=wanted, channels=1, dtype="int16")
        return wanted
    except (sd.PortAudioError, ValueError):
        return int(device.default_samplerate)


class Capture:
    def __init__(self, device: str | int | None = None, block_ms: int = 20) -> None:
        self.device = resolve_input(device)
        self.device_rate = pick_input_rate(self.device)
        self.block_ms = block_ms
        self.overflows = 0
        self.dropped = 0
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=MAX_QUEUED_BLOCKS)
        self._stream: Any = None

    @property
    def device_name(self) -> str:
        return self.device.name

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        if status.input_overflow:
            self.overflows += 1
        try:
            self._queue.put_nowait(bytes(indata))
        except queue.Full:
            self.dropped += 1

    def start(self) -> None:
        try:
            self._stream = sd.RawInputStream(
                device=self.device.index, samplerate=self.device_rate, channels=1,
                dtype="int16", blocksize=int(self.device_rate * self.block_ms / 1000),
                callback=self._callback)
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioDeviceError(
                f"The microphone '{self.device.name}' could not be opened ({exc}).",
                "Check that it is plugged in and not used by another program, "
                "or choose another with --input-device (see calm-voice devices).") from exc

    def is_alive(self) -> bool:
        """False once the stream has stopped on its own, e.g. the device went away."""
        return self._stream is not None and bool(self._stream.active)

    def next_block(self, timeout: float) -> bytes | None:
        """The next block as 16 kHz mono int16 bytes, or None if none came in time."""
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if self.device_rate == RATE:
            return block
        samples = np.frombuffer(block, dtype=np.int16)
        return resample(samples, self.device_rate, RATE).tobytes()

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except sd.PortAudioError:
                pass  # the device is already gone; nothing left to release
