"""PCM → speaker through one long-running PortAudio stream that can stop within one block.

The stream runs from start() to close(), playing silence when there is nothing to say, so that a
new sentence starts at the next block instead of waiting for a device to open. The callback only
copies prepared int16 frames and notes (in a queue) when a segment's first frame was handed over.

A stop or a new run takes effect at the next block the callback fills; what the device already
holds (its reported latency, tens of milliseconds) still plays. The stream is never aborted and
restarted between runs: under load a restart could lose or misdate the new run's first frames,
and the step was then reported finished without being heard.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import sounddevice as sd

from calm_voice.audio.devices import NO_DEVICE_FIX, DeviceInfo
from calm_voice.audio.retry import open_with_retry, started
from calm_voice.errors import AudioDeviceError

log = logging.getLogger(__name__)

EventKind = Literal["start", "end", "stopped"]
PLAYED_BLOCKS = 500  # 10 s of played blocks at 20 ms, if nobody takes them


@dataclass(frozen=True)
class Segment:
    generation: int
    index: int
    samples: np.ndarray | None
    """Mono int16 at the device rate; None marks the end of a run."""


@dataclass(frozen=True)
class PlaybackEvent:
    kind: EventKind
    generation: int
    index: int
    at: float
    """Stream clock time (Playback.now()) when the frame reaches the device."""


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Linear resampling: speech at 22050 Hz loses nothing audible on the way to 44.1/48 kHz."""
    if source_rate == target_rate or samples.size == 0:
        return samples
    count = int(round(samples.size * target_rate / source_rate))
    positions = np.arange(count) * (source_rate / target_rate)
    out = np.interp(positions, np.arange(samples.size), samples.astype(np.float32))
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def pick_rate(device: DeviceInfo, wanted: int) -> int:
    """`wanted` if the device takes it, else the device's own default rate."""
    try:
        sd.check_output_settings(device=device.index, samplerate=wanted, channels=1,
                                 dtype="int16")
        return wanted
    except (sd.PortAudioError, ValueError):
        return int(device.default_samplerate)


class Playback:
    """Plays runs of segments; stop() and pause() take effect at the next audio block at worst."""

    def __init__(self, device: DeviceInfo, source_rate: int = 22050, block_ms: int = 20,
                 latency: float | str = "low") -> None:
        self.device = device
        self.source_rate = source_rate
        self.device_rate = pick_rate(device, source_rate)
        self.block_frames = max(32, self.device_rate * block_ms // 1000)
        self._latency = latency
        self._pending: queue.SimpleQueue[Segment] = queue.SimpleQueue()
        self._events: queue.SimpleQueue[PlaybackEvent] = queue.SimpleQueue()
        self._generation = 0
        self._current: Segment | None = None
        self._position = 0
        self._paused = False
        self._lock = threading.Lock()
        self._stream: sd.OutputStream | None = None
        self.played: deque[tuple[float, np.ndarray]] = deque(maxlen=PLAYED_BLOCKS)
        """Every block handed to the device, silence included, with its Playback.now() time
        at the device: the echo canceller's reference. The callback appends, one reader
        pops (deque ends are thread-safe)."""

    def start(self) -> None:
        """Open and start the output stream, or say plainly why the speaker cannot be used."""
        def open_stream() -> sd.OutputStream:
            return started(sd.OutputStream(device=self.device.index, samplerate=self.device_rate,
                                           channels=1, dtype="int16",
                                           blocksize=self.block_frames, latency=self._latency,
                                           callback=self._callback))

        try:
            stream = open_with_retry(open_stream)
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioDeviceError(
                f"The speaker '{self.device.name}' could not be opened ({exc}).",
                NO_DEVICE_FIX) from exc
        self._stream = stream

    @property
    def latency(self) -> float:
        """Seconds from handing a frame to PortAudio to it reaching the device (as reported)."""
        return float(self._stream.latency) if self._stream is not None else 0.0

    def now(self) -> float:
        """The stream clock that PlaybackEvent.at is measured on."""
        return float(self._stream.time) if self._stream is not None else 0.0

    def new_run(self) -> int:
        """Drop whatever plays or waits, and return the id for the next run of segments."""
        with self._lock:
            self._generation += 1
            self._paused = False
            return self._generation

    def stop(self) -> None:
        self.new_run()

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    def is_current(self, generation: int) -> bool:
        return generation == self._generation

    def enqueue(self, generation: int, index: int, samples: np.ndarray) -> None:
        """Queue one segment (mono int16 at source_rate) for the run `generation`."""
        prepared = resample(np.ascontiguousarray(samples, dtype=np.int16),
                            self.source_rate, self.device_rate)
        self._put(Segment(generation, index, prepared))

    def finish(self, generation: int, index: int) -> None:
        """Mark the end of the run: an "end" event follows once its last frame has played."""
        self._put(Segment(generation, index, None))

    def _put(self, segment: Segment) -> None:
        self._pending.put(segment)

    def post(self, event: PlaybackEvent) -> None:
        """Put an event of the caller's own (e.g. "stopped") in line with the stream's events."""
        self._events.put(event)

    def next_event(self, timeout: float) -> PlaybackEvent | None:
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.stop()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
            finally:
                stream.close()

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any,
                  status: sd.CallbackFlags) -> None:
        out = outdata[:, 0]
        generation = self._generation
        dac_time = float(time_info.outputBufferDacTime) or float(time_info.currentTime)
        if self._paused:
            out.fill(0)
            self.played.append((dac_time, out.copy()))
            return
        filled = 0
        while filled < frames:
            segment = self._current
            if segment is None or segment.generation != generation:
                try:
                    segment = self._pending.get_nowait()
                except queue.Empty:
                    self._current = None
                    break
                if segment.generation != generation:
                    continue
                self._current, self._position = segment, 0
                at = dac_time + filled / self.device_rate
                if segment.samples is None:
                    self._events.put(PlaybackEvent("end", generation, segment.index, at))
                    self._current = None
                    continue
                self._events.put(PlaybackEvent("start", generation, segment.index, at))
            samples = segment.samples
            assert samples is not None
            count = min(frames - filled, samples.size - self._position)
            out[filled:filled + count] = samples[self._position:self._position + count]
            filled += count
            self._position += count
            if self._position >= samples.size:
                self._current = None
        out[filled:] = 0
        self.played.append((dac_time, out.copy()))
