"""Text → verified PCM with pyttsx3 (espeak-ng), on one engine thread, with a cache and look-ahead.

pyttsx3's own say() plays through `aplay` and cannot be stopped, so each sentence is rendered to a
WAV file with save_to_file, read back, checked, and handed over as samples we can play ourselves.
"""

from __future__ import annotations

import itertools
import queue
import sys
import threading
import time
import wave
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from calm_voice.errors import SpeechEngineError
from calm_voice.speech import tts_temp
from calm_voice.speech.chunks import split_for_speech

RATE = 22050
"""espeak-ng's output rate through pyttsx3."""
SILENCE_LEVEL = 200
"""Peak below which a rendering counts as silence (int16 full scale is 32767)."""
ESPEAK_FIX = "espeak-ng is not installed or cannot start; run: sudo apt-get install espeak-ng"
URGENT, AHEAD = 0, 1
RENDER_TIMEOUT_S = 30.0

_engine: Any = None
_engine_lock = threading.Lock()
_render_lock = threading.RLock()
"""One call into espeak at a time in the process: every Synthesizer shares the one espeak, and
espeak-ng is not thread-safe (a voice listing during another thread's synthesis crashed it)."""
_applied: list[Any] = [None]
"""The voice/rate/volume espeak was last given, whichever Synthesizer gave them."""


@dataclass(frozen=True)
class Pcm:
    samples: np.ndarray
    """Mono int16."""
    rate: int = RATE

    @property
    def duration(self) -> float:
        return self.samples.size / self.rate


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...]


def _quiet_print(*_args: Any, **_kwargs: Any) -> None:
    """pyttsx3's espeak driver prints "Audio saved to …" for every file; a TUI cannot have that."""


def engine() -> Any:
    """The process's one pyttsx3 engine (espeak can be initialised only once per process)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                import pyttsx3

                tts = pyttsx3.init()
                # The engine starts "busy", which defers the first commands into a run loop
                # that can cancel them; one empty run clears that.
                tts.runAndWait()
                _engine = tts
            except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError/ImportError
                raise SpeechEngineError(f"Speech synthesis could not start ({exc}).",
                                        ESPEAK_FIX) from exc
            driver = sys.modules.get("pyttsx3.drivers.espeak")
            if driver is not None:
                driver.print = _quiet_print  # type: ignore[attr-defined]
        return _engine


def wait_idle(timeout: float = RENDER_TIMEOUT_S) -> None:
    """Wait until espeak's command queue is empty.

    With pyttsx3's retrieval mode espeak-ng runs commands on its own thread, and pyttsx3 cancels
    that queue when a run loop ends while it is busy: a rate change still queued is then lost.
    """
    espeak = sys.modules.get("pyttsx3.drivers._espeak")
    if espeak is None:
        return
    deadline = time.monotonic() + timeout
    while espeak.IsPlaying() and time.monotonic() < deadline:
        time.sleep(0.001)


def list_voices() -> list[VoiceInfo]:
    tts = engine()
    with _render_lock:
        wait_idle()
        voices = tts.getProperty("voices")
    return [VoiceInfo(str(v.id), str(v.name), tuple(str(lang) for lang in (v.languages or ())))
            for v in voices]


def pick_voice(voices: Sequence[VoiceInfo], wanted: str | None, language: str) -> VoiceInfo:
    """The voice named by `wanted` (id, name or language), else one for `language`."""
    if not voices:
        raise SpeechEngineError("espeak-ng has no voices installed.",
                                "Reinstall it: sudo apt-get install --reinstall espeak-ng-data")
    if wanted:
        key = wanted.strip().lower()
        for match in (
            lambda v: v.id.lower() == key or v.name.lower() == key,
            lambda v: any(lang.lower() == key for lang in v.languages),
            lambda v: v.id.lower().endswith("/" + key),
        ):
            found = [v for v in voices if match(v)]
            if found:
                return found[0]
        examples = ", ".join(v.id for v in voices if _speaks(v, language))[:200]
        raise SpeechEngineError(f"There is no espeak-ng voice called '{wanted}'.",
                                f"Set speaker.voice to one of: {examples or voices[0].id}.")
    preferred = {"en": ("gmw/en-us", "gmw/en")}.get(language, ())
    for voice_id in preferred:
        for voice in voices:
            if voice.id == voice_id:
                return voice
    speaking = [v for v in voices if _speaks(v, language)]
    return speaking[0] if speaking else voices[0]


def voice_speaks(voice: VoiceInfo, language: str) -> bool:
    """Whether the voice is one of `language` ("ko", or "en" for en-US, en-GB…)."""
    return _speaks(voice, language)


def _speaks(voice: VoiceInfo, language: str) -> bool:
    lang = language.lower()
    return any(code.lower() == lang or code.lower().startswith(lang + "-")
               for code in voice.languages)


def read_verified_wav(path: Path) -> np.ndarray:
    """The samples of a finished espeak rendering, or ValueError saying what is wrong with it."""
    if not path.exists() or path.stat().st_size <= 44:
        raise ValueError("no audio was written")
    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, RATE):
            raise ValueError(f"unexpected format {wav.getparams()}")
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).copy()
    if samples.size == 0:
        raise ValueError("the audio is empty")
    if int(np.abs(samples.astype(np.int32)).max()) < SILENCE_LEVEL:
        raise ValueError("the audio is silent")
    return samples


def _wav_complete(path: Path) -> bool:
    try:
        with wave.open(str(path), "rb") as wav:
            expected = wav.getnframes() * wav.getsampwidth() * wav.getnchannels()
        return path.stat().st_size >= 44 + expected
    except (OSError, EOFError, wave.Error):
        return False


@dataclass(frozen=True)
class _Params:
    voice_id: str
    rate: int
    volume: float


class Synthesizer:
    """Renders sentences on its own thread; synthesize() waits, prefetch() does not."""

    def __init__(self, voice: str | None = None, rate: int = 165, volume: float = 1.0,
                 language: str = "en", cache_size: int = 96) -> None:
        self._wanted_voice = voice
        self._language = language
        self._params = _Params("", int(rate), float(volume))
        self.voice = VoiceInfo("", "", ())
        self._cache: OrderedDict[tuple[str, _Params], Pcm] = OrderedDict()
        self._inflight: dict[tuple[str, _Params], Future[Pcm]] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._requests: queue.PriorityQueue[tuple[int, int, str, _Params]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._stop = threading.Event()
        self._ready: Future[None] = Future()
        self._tmp = tts_temp.make_folder()
        self._files = itertools.count()
        self._thread = threading.Thread(target=self._run, name="calm-voice-synth", daemon=True)
        self._thread.start()
        try:
            self._ready.result()
        except SpeechEngineError:
            self.close()
            raise

    @property
    def rate(self) -> int:
        return self._params.rate

    @property
    def volume(self) -> float:
        return self._params.volume

    def configure(self, rate: int | None = None, volume: float | None = None) -> None:
        """Change rate/volume for later sentences (renderings with the old ones are dropped)."""
        with self._lock:
            self._params = _Params(self._params.voice_id,
                                   int(rate) if rate is not None else self._params.rate,
                                   float(volume) if volume is not None else self._params.volume)
            self._cache.clear()

    def request(self, text: str, urgent: bool = True) -> Future[Pcm]:
        """A future for the rendering of `text` with the current settings (cached)."""
        with self._lock:
            key = (text, self._params)
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                done: Future[Pcm] = Future()
                done.set_result(cached)
                return done
            future = self._inflight.get(key)
            if future is None:
                future = Future()
                self._inflight[key] = future
            elif not urgent:
                return future
        self._requests.put((URGENT if urgent else AHEAD, next(self._order), text, key[1]))
        return future

    def synthesize(self, text: str) -> Pcm:
        """Blocking: never call this on a thread that must stay responsive (the UI)."""
        return self.request(text, urgent=True).result()

    def prefetch(self, texts: Iterable[str]) -> None:
        for text in texts:
            if text.strip():
                self.request(text, urgent=False)

    def is_cached(self, text: str) -> bool:
        with self._lock:
            return (text, self._params) in self._cache

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=RENDER_TIMEOUT_S)
        with self._lock:
            pending = list(self._inflight.values())
            self._inflight.clear()
        for future in pending:
            if not future.done():
                future.set_exception(SpeechEngineError("Speech synthesis was closed.", ""))
        self._tmp.cleanup()

    # The engine thread.

    def _run(self) -> None:
        try:
            tts = engine()
            voice = pick_voice(list_voices(), self._wanted_voice, self._language)
        except SpeechEngineError as exc:
            self._ready.set_exception(exc)
            return
        self.voice = voice
        with self._lock:
            self._params = _Params(voice.id, self._params.rate, self._params.volume)
        finished = threading.Event()
        errors: list[BaseException] = []
        tokens = [tts.connect("finished-utterance", lambda **_: finished.set()),
                  tts.connect("error", lambda exception=None, **_: errors.append(exception))]
        self._ready.set_result(None)
        try:
            self._serve(tts, finished, errors)
        finally:
            for token in tokens:
                tts.disconnect(token)

    def _serve(self, tts: Any, finished: threading.Event, errors: list[BaseException]) -> None:
        while not self._stop.is_set():
            try:
                _priority, _order, text, params = self._requests.get(timeout=0.1)
            except queue.Empty:
                continue
            key = (text, params)
            with self._lock:
                future = self._inflight.get(key)
            if future is None or future.done():
                continue  # already rendered for an earlier request of the same text
            try:
                pcm = Pcm(self._render(tts, text, params, finished, errors))
            except SpeechEngineError as exc:
                with self._lock:
                    self._inflight.pop(key, None)
                future.set_exception(exc)
                continue
            with self._lock:
                self._inflight.pop(key, None)
                if params == self._params:
                    self._cache[key] = pcm
                    while len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
            future.set_result(pcm)

    def _render(self, tts: Any, text: str, params: _Params, finished: threading.Event,
                errors: list[BaseException]) -> np.ndarray:
        with _render_lock:
            wait_idle()
            if params != _applied[0]:
                tts.setProperty("voice", params.voice_id)
                tts.setProperty("rate", params.rate)
                tts.setProperty("volume", max(0.0, min(1.0, params.volume)))
                wait_idle()
                _applied[0] = params
            # espeak takes one bounded piece at a time; the caller still sees one sentence.
            pieces = [piece.strip() for piece in split_for_speech(text)]
            spoken = [piece for piece in pieces if any(char.isalnum() for char in piece)]
            parts = [self._render_file(tts, piece, finished, errors)
                     for piece in (spoken or [text])]
            return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _render_file(self, tts: Any, text: str, finished: threading.Event,
                     errors: list[BaseException]) -> np.ndarray:
        problem = ""
        # espeak has been seen to write nothing for a process's first utterance: try twice.
        for _attempt in range(2):
            path = Path(self._tmp.name) / f"utterance-{next(self._files)}.wav"
            finished.clear()
            errors.clear()
            tts.save_to_file(text, str(path))
            tts.runAndWait()
            deadline = time.monotonic() + RENDER_TIMEOUT_S
            # The file is written on espeak's end-of-message event, which may come after
            # runAndWait() returns.
            while not (finished.is_set() and _wav_complete(path)) and not errors:
                if time.monotonic() > deadline or self._stop.is_set():
                    break
                time.sleep(0.005)
            try:
                return read_verified_wav(path)
            except ValueError as exc:
                problem = str(errors[0]) if errors else str(exc)
            finally:
                path.unlink(missing_ok=True)
        raise SpeechEngineError(
            f"espeak-ng could not speak the text \"{text[:60]}\" ({problem}).", ESPEAK_FIX)
