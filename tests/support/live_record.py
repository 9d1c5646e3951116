"""Record a PulseAudio monitor live, remembering when each chunk arrived.

Arrival times put the recorded samples on the test's own clock (time.monotonic), so a test can
say when sound started or stopped coming out of the virtual speaker relative to a call it made.
"""

from __future__ import annotations

import bisect
import subprocess
import threading
import time
from collections.abc import Callable

import numpy as np

from tests.support.pulse import PulseServer


class LiveRecorder:
    def __init__(self, server: PulseServer, source: str, rate: int = 22050) -> None:
        self.rate = rate
        self._proc = subprocess.Popen(
            ["parec", "-d", source, "--format=s16le", f"--rate={rate}", "--channels=1",
             "--latency-msec=10", "--raw"],
            env=server.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._chunks: list[tuple[float, np.ndarray]] = []
        self._starts: list[int] = []
        """Sample position of each chunk's first sample."""
        self._total = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        stream = self._proc.stdout
        assert stream is not None
        leftover = b""
        while True:
            data = stream.read1(4096)
            if not data:
                return
            arrived = time.monotonic()
            data, leftover = leftover + data, b""
            if len(data) % 2:
                data, leftover = data[:-1], data[-1:]
            samples = np.frombuffer(data, dtype=np.int16)
            with self._lock:
                self._chunks.append((arrived, samples))
                self._starts.append(self._total)
                self._total += samples.size

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait for the first audio: a fresh null sink wakes up only after its idle period."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._chunks:
                    return
            time.sleep(0.02)
        raise RuntimeError("parec delivered no audio")

    def mark(self) -> int:
        """A position to look from: chunks that arrive later."""
        with self._lock:
            return len(self._chunks)

    def position(self) -> int:
        """How many samples have arrived so far: "now" on the recording's own timeline."""
        with self._lock:
            return self._total

    def loud_positions(self, since: int = 0, threshold: int = 300) -> tuple[int, int] | None:
        """Sample positions (see position()) of the first and last loud sample after `since`."""
        with self._lock:
            first_chunk = max(0, bisect.bisect_right(self._starts, since) - 1)
            chunks = [s for _a, s in self._chunks[first_chunk:]]
            base = self._starts[first_chunk] if self._starts else 0
        if not chunks:
            return None
        recorded = np.concatenate(chunks)[since - base:]
        loud = np.flatnonzero(np.abs(recorded.astype(np.int32)) > threshold)
        return (since + int(loud[0]), since + int(loud[-1])) if loud.size else None

    def loud_times(self, since: int = 0, threshold: int = 300) -> tuple[float, float] | None:
        """Monotonic times of the first and last loud sample in chunks after `since`."""
        with self._lock:
            chunks = self._chunks[since:]
        first: float | None = None
        last: float | None = None
        for arrived, samples in chunks:
            loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
            if loud.size == 0:
                continue
            # A chunk's last sample arrived at `arrived`; earlier ones came out earlier.
            if first is None:
                first = arrived - (samples.size - loud[0]) / self.rate
            last = arrived - (samples.size - 1 - loud[-1]) / self.rate
        return (first, last) if first is not None and last is not None else None

    def loud_seconds(self, since: int = 0, threshold: int = 300) -> float:
        """Seconds of 10 ms windows louder than `threshold` (RMS) in chunks after `since`."""
        samples = self.samples(since)
        window = self.rate // 100
        count = samples.size // window
        frames = samples[:count * window].astype(np.float64).reshape(count, window)
        rms = np.sqrt((frames ** 2).mean(axis=1)) if count else np.zeros(0)
        return float((rms > threshold).sum() / 100)

    def wait_loud(self, since: int, seconds: float, timeout: float = 30.0) -> None:
        """Wait until `seconds` of loud sound have come out after the mark `since`."""
        wait_until(lambda: self.loud_seconds(since) >= seconds, timeout,
                   f"the speaker played less than {seconds} s of sound")

    def wait_quiet(self, since: int, seconds: float, timeout: float = 30.0) -> None:
        """Wait until the last `seconds` recorded after the mark `since` were all quiet."""
        def quiet() -> bool:
            end = self.position() / self.rate
            loud = self.loud_positions(self._starts_at(since))
            last = -1.0 if loud is None else loud[1] / self.rate
            return end - last >= seconds and end - self._starts_at(since) / self.rate >= seconds
        wait_until(quiet, timeout, f"the speaker was never quiet for {seconds} s")

    def _starts_at(self, mark: int) -> int:
        with self._lock:
            return self._starts[mark] if mark < len(self._starts) else self._total

    def samples(self, since: int = 0) -> np.ndarray:
        with self._lock:
            chunks = [samples for _arrived, samples in self._chunks[since:]]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=5)
        self._thread.join(timeout=5)


def wait_until(condition: Callable[[], bool], timeout: float, failure: str) -> None:
    """Poll `condition` every 20 ms until true; fail with `failure` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(failure)
        time.sleep(0.02)


def loud_run_starts(samples: np.ndarray, rate: int, seconds: float, threshold: int = 300,
                    window_s: float = 0.01) -> list[int]:
    """Sample positions from which every `window_s` window stays loud for `seconds`."""
    window = max(1, int(rate * window_s))
    count = samples.size // window
    if count == 0:
        return []
    peaks = np.abs(samples[:count * window].astype(np.int32)).reshape(count, window).max(axis=1)
    loud = peaks > threshold
    need = max(1, int(round(seconds / window_s)))
    starts = []
    run = 0
    for index, is_loud in enumerate(loud):
        run = run + 1 if is_loud else 0
        if run >= need:
            starts.append((index - need + 1) * window)
    return starts
