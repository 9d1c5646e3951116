"""The Speaker: reads sentences aloud (pyttsx3 → PCM → PortAudio), stoppable, never blocking.

Three threads cooperate: the synthesiser's engine thread renders text, a feeder thread hands the
rendered sentences of the current run to playback a little ahead of time, and a dispatcher thread
turns playback events into the caller's on_sentence / on_done callbacks at the moment the sound
reaches the device.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from calm_voice.audio.devices import resolve_output
from calm_voice.audio.playback import Playback, PlaybackEvent, resample
from calm_voice.config import AudioSettings, Settings, SpeakerSettings
from calm_voice.errors import CalmVoiceError
from calm_voice.speech.synth import RATE, Pcm, Synthesizer

log = logging.getLogger(__name__)

MIN_RATE, MAX_RATE = 80, 400
MIN_VOLUME, MAX_VOLUME = 0.1, 1.0
POLL_S = 0.05


def _report(callback: Callable[[Any], None], value: Any) -> None:
    """Call back the caller; its mistake must not end the thread that reports to it."""
    try:
        callback(value)
    except Exception:
        log.exception("a speaker callback failed")


@dataclass
class _Run:
    generation: int
    key: str
    sentences: tuple[str, ...]
    start: int
    on_sentence: Callable[[int], None] | None
    on_done: Callable[[bool], None] | None
    playing: int = -1
    """Index of the sentence whose first frame reached the device last."""
    durations: dict[int, float] = field(default_factory=dict)
    samples: dict[int, np.ndarray] = field(default_factory=dict)
    """What was queued for each sentence, kept so echoes of it can be recognised."""
    done: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def finish(self) -> bool:
        """True exactly once: whoever gets it reports on_done."""
        with self.lock:
            if self.done:
                return False
            self.done = True
            return True


@dataclass
class _Heard:
    text: str
    start: float
    end: float
    samples: np.ndarray | None = None
    _resampled: tuple[int, np.ndarray] | None = None

    def at_rate(self, rate: int) -> np.ndarray:
        """The samples at `rate`, resampled once: the echo canceller asks every 20 ms."""
        if self.samples is None:
            return np.zeros(0, dtype=np.int16)
        if self._resampled is None or self._resampled[0] != rate:
            self._resampled = (rate, resample(self.samples, RATE, rate))
        return self._resampled[1]


class Speaker:
    """Implements calm_voice.ports.SpeakerPort."""

    def __init__(self, speaker: SpeakerSettings | None = None,
                 audio: AudioSettings | None = None, language: str = "en",
                 latency: float | str = "low") -> None:
        speaker = speaker or SpeakerSettings()
        audio = audio or AudioSettings()
        device = resolve_output(audio.output_device)
        self._synth = Synthesizer(speaker.voice, speaker.rate, speaker.volume, language)
        self._playback = Playback(device, RATE, audio.block_ms, latency)
        try:
            self._playback.start()
        except CalmVoiceError:
            self._synth.close()
            raise
        self.lookahead = speaker.lookahead
        self._pause_frames = int(max(0.0, speaker.sentence_pause) * RATE)
        self.voice_name = self._synth.voice.name
        self.device_name = device.name
        self._lock = threading.Lock()
        self._run: _Run | None = None
        self._runs: dict[int, _Run] = {}
        self._runs_to_feed: queue.Queue[_Run] = queue.Queue()
        self._heard: deque[_Heard] = deque(maxlen=32)
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._feed, name="calm-voice-feed", daemon=True),
            threading.Thread(target=self._dispatch, name="calm-voice-dispatch", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @classmethod
    def create(cls, settings: Settings, language: str = "en") -> Speaker:
        """The speaker for these settings; raises AudioDeviceError or SpeechEngineError."""
        return cls(settings.speaker, settings.audio, language)

    @property
    def rate(self) -> int:
        return self._synth.rate

    @property
    def volume(self) -> float:
        return self._synth.volume

    @property
    def device_rate(self) -> int:
        return self._playback.device_rate

    def synthesize(self, text: str) -> Pcm:
        """Blocking rendering with this speaker's voice, rate and volume (for files and tests)."""
        return self._synth.synthesize(text)

    # SpeakerPort.

    def speak(self, key: str, sentences: Sequence[str], start: int = 0, *,
              on_sentence: Callable[[int], None] | None = None,
              on_done: Callable[[bool], None] | None = None) -> None:
        with self._lock:
            self._end_current()
            generation = self._playback.new_run()
            run = _Run(generation, key, tuple(sentences), max(0, start), on_sentence, on_done)
            run.playing = run.start - 1
            self._run = run
            self._runs[generation] = run
        if self.lookahead:
            self._synth.prefetch(run.sentences[run.start:run.start + 2])
        self._runs_to_feed.put(run)

    def prefetch(self, sentences: Sequence[str]) -> None:
        if self.lookahead:
            self._synth.prefetch(sentences)

    def stop(self) -> None:
        with self._lock:
            self._end_current()
            self._playback.stop()

    def pause(self) -> None:
        self._playback.pause()
        with self._lock:  # what was played stops here; the rest plays on resume()
            now = time.monotonic()
            for heard in self._heard:
                heard.end = min(heard.end, now)

    def resume(self) -> None:
        with self._lock:
            now = time.monotonic()
            # The paused sentence's rest, at the time it will now be heard.
            last = self._heard[-1] if self._heard else None
            if last is not None and last.samples is not None and self._playback.paused:
                done = int((last.end - last.start) * RATE)
                if done < last.samples.size:
                    rest = last.samples[done:]
                    self._heard.append(_Heard(last.text, now, now + rest.size / RATE, rest))
        self._playback.resume()

    def is_playing(self) -> bool:
        run = self._run
        return run is not None and not run.done and not self._playback.paused

    def recent_text(self, seconds: float) -> str:
        now = time.monotonic()
        with self._lock:
            heard = list(self._heard)
        return " ".join(h.text for h in heard if h.end >= now - seconds and h.start <= now)

    def played_audio(self, start: float, end: float, rate: int = 16000) -> np.ndarray:
        """What reached the speaker between two time.monotonic() instants, at `rate`."""
        out = np.zeros(max(0, int((end - start) * rate)), dtype=np.int16)
        with self._lock:
            heard = [h for h in self._heard
                     if h.samples is not None and h.end > start and h.start < end]
        for h in heard:
            samples = h.at_rate(rate)[: int((h.end - h.start) * rate)]
            offset = int((h.start - start) * rate)
            first = max(0, -offset)
            place = max(0, offset)
            count = min(samples.size - first, out.size - place)
            if count > 0:
                out[place:place + count] = samples[first:first + count]
        return out

    def take_played(self) -> tuple[int, list[tuple[float, np.ndarray]]]:
        """The device rate, and the blocks played since the last call, each with the
        time.monotonic() its first frame reached the device: every sample, silence included,
        for the echo canceller."""
        offset = time.monotonic() - self._playback.now()
        played = self._playback.played
        blocks = []
        while played:
            at, samples = played.popleft()
            blocks.append((at + offset, samples))
        return self._playback.device_rate, blocks

    def adjust(self, rate_delta: int = 0, volume_delta: float = 0.0) -> tuple[int, float]:
        rate = min(MAX_RATE, max(MIN_RATE, self._synth.rate + rate_delta))
        volume = min(MAX_VOLUME, max(MIN_VOLUME, round(self._synth.volume + volume_delta, 2)))
        self._synth.configure(rate=rate, volume=volume)
        return rate, volume

    def close(self) -> None:
        self.stop()
        self._stop.set()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
        with self._lock:
            left, self._runs = list(self._runs.values()), {}
        for run in left:  # stopped by close(): the dispatcher is gone, so report here
            if run.finish() and run.on_done is not None:
                _report(run.on_done, False)
        self._playback.close()
        self._synth.close()

    # Internals.

    def _end_current(self) -> None:
        """With self._lock held: the current run ends as stopped, reported by the dispatcher."""
        run, self._run = self._run, None
        if run is not None and not run.done:
            now = time.monotonic()
            for heard in self._heard:
                heard.end = min(heard.end, now)
            self._playback.post(PlaybackEvent("stopped", run.generation, -1, 0.0))

    def _feed(self) -> None:
        while not self._stop.is_set():
            try:
                run = self._runs_to_feed.get(timeout=POLL_S)
            except queue.Empty:
                continue
            self._feed_run(run)

    def _feed_run(self, run: _Run) -> None:
        ahead = 2 if self.lookahead else 1
        for index in range(run.start, len(run.sentences)):
            # Stay only a little ahead, so that adjust() is heard from the next sentence or so.
            while run.playing < index - ahead and self._current(run):
                self._stop.wait(0.01)
            if not self._current(run):
                return
            if self.lookahead:
                self._synth.prefetch(run.sentences[index + 1:index + 1 + ahead])
            text = run.sentences[index]
            pcm = self._wait_for(run, self._synth.request(text)) if text.strip() else None
            if pcm is None:
                if not self._current(run):
                    return
                continue
            samples = pcm.samples
            if index < len(run.sentences) - 1 and self._pause_frames:
                samples = np.concatenate([samples, np.zeros(self._pause_frames, np.int16)])
            run.durations[index] = samples.size / RATE
            run.samples[index] = samples
            self._playback.enqueue(run.generation, index, samples)
        self._playback.finish(run.generation, len(run.sentences))

    def _wait_for(self, run: _Run, future: Future[Pcm]) -> Pcm | None:
        while self._current(run):
            try:
                return future.result(timeout=POLL_S)
            except FutureTimeout:
                continue
            except CalmVoiceError as exc:
                log.warning("skipping a sentence that could not be spoken: %s", exc)
                return None
        return None

    def _current(self, run: _Run) -> bool:
        return not self._stop.is_set() and self._run is run and not run.done

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            event = self._playback.next_event(timeout=POLL_S)
            if event is None:
                continue
            with self._lock:
                run = self._runs.get(event.generation)
            if run is None:
                continue
            if event.kind != "stopped":
                self._stop.wait(max(0.0, event.at - self._playback.now()))
            if event.kind == "start" and not run.done:
                # When the first frame reached the device, not when this thread woke up: the
                # echo canceller lines the played samples up with the microphone by it.
                late = max(0.0, self._playback.now() - event.at)
                self._sentence_started(run, event.index, time.monotonic() - late)
            elif event.kind in ("end", "stopped"):
                with self._lock:
                    self._runs.pop(run.generation, None)
                    if self._run is run:
                        self._run = None
                if run.finish() and run.on_done is not None:
                    _report(run.on_done, event.kind == "end")

    def _sentence_started(self, run: _Run, index: int, now: float) -> None:
        run.playing = index
        text = run.sentences[index]
        duration = run.durations.get(index, 0.0)
        with self._lock:
            self._heard.append(_Heard(text, now, now + duration, run.samples.pop(index, None)))
        if run.on_sentence is not None:
            _report(run.on_sentence, index)
