"""Microphone capture: a PortAudio input stream whose callback only enqueues raw bytes.

Blocks come out of next_block() as 16 kHz mono int16, resampled off the audio thread when the
device cannot record at that rate.
"""

from __future__ import annotations

import queue
import time
from typing import Any

import numpy as np
import sounddevice as sd

from calm_voice.audio.devices import DeviceInfo, resolve_input
from calm_voice.audio.retry import open_with_retry, started
from calm_voice.errors import AudioDeviceError

RATE = 16000
MAX_QUEUED_BLOCKS = 500  # ~10 s at 20 ms; beyond that the oldest audio is dropped and counted


def pick_input_rate(device: DeviceInfo, wanted: int = RATE) -> int:
    try:
        sd.check_input_settings(device=device.index, samplerate=wanted, channels=1, dtype="int16")
        return wanted
    except (sd.PortAudioError, ValueError):
        return int(device.default_samplerate)


class StreamResampler:
    """Linear resampling of a stream block by block, continuous across block edges."""

    def __init__(self, source_rate: int, target_rate: int = RATE) -> None:
        self.step = source_rate / target_rate
        self._carry = np.empty(0, dtype=np.float64)
        self._t = 0.0  # next output position, in samples from the start of carry + block

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        buf = np.concatenate([self._carry, samples.astype(np.float64)])
        if buf.size < 2:
            self._carry = buf
            return np.empty(0, dtype=np.int16)
        last = buf.size - 1
        count = int((last - self._t) // self.step) + 1 if self._t <= last else 0
        positions = self._t + np.arange(count) * self.step
        out = np.interp(positions, np.arange(buf.size), buf)
        self._t += count * self.step - last
        self._carry = buf[-1:]
        return np.clip(np.round(out), -32768, 32767).astype(np.int16)


class Capture:
    """The microphone as a queue of 16 kHz mono int16 blocks.

    overflows counts blocks PortAudio reported as overrun (audio lost before we got it);
    dropped counts blocks thrown away because nobody read the queue in time. Neither is fatal.
    """

    def __init__(self, device: str | int | None = None, block_ms: int = 20,
                 device_rate: int | None = None,
                 max_queued_blocks: int = MAX_QUEUED_BLOCKS) -> None:
        """device_rate: record at this rate instead of 16 kHz when the device allows it."""
        self.device = resolve_input(device)
        self.device_rate = device_rate or pick_input_rate(self.device)
        self.block_ms = block_ms
        self.overflows = 0
        self.dropped = 0
        self._noted = 0  # overflows + dropped when lost_audio_note() last spoke
        self._queue: queue.Queue[tuple[bytes, float]] = queue.Queue(maxsize=max_queued_blocks)
        self.last_block_time = 0.0
        """time.monotonic() when the last block returned by next_block() was recorded."""
        self._stream: Any = None
        self._resample = StreamResampler(self.device_rate) if self.device_rate != RATE else None

    @property
    def device_name(self) -> str:
        return self.device.name

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        if status.input_overflow:
            self.overflows += 1
        try:
            self._queue.put_nowait((bytes(indata), time.monotonic()))
        except queue.Full:
            self.dropped += 1

    def lost_audio_note(self) -> str | None:
        """A sentence to show when audio was lost since the last call, else None."""
        lost = self.overflows + self.dropped
        if lost == self._noted:
            return None
        new, self._noted = lost - self._noted, lost
        ms = new * self.block_ms
        amount = f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
        return (f"About {amount} of microphone sound was lost because the computer was busy; "
                "listening goes on.")

    def start(self) -> None:
        def open_stream() -> Any:
            return started(sd.RawInputStream(
                device=self.device.index, samplerate=self.device_rate, channels=1,
                dtype="int16", blocksize=int(self.device_rate * self.block_ms / 1000),
                callback=self._callback))

        try:
            self._stream = open_with_retry(open_stream)
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
            block, self.last_block_time = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if self._resample is None:
            return block
        return self._resample(np.frombuffer(block, dtype=np.int16)).tobytes()

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except sd.PortAudioError:
                pass  # the device is already gone; nothing left to release
