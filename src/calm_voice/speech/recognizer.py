"""Vosk, wrapped: one shared Model, one KaldiRecognizer per stream, results as Partial/Final."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from calm_voice.commands import UNKNOWN_WORD, can_grow
from calm_voice.errors import ModelError
from calm_voice.events import Final, Partial, Word

RATE = 16000
BYTES_PER_SECOND = RATE * 2
COMMANDS = "commands"
DICTATION = "dictation"
MODES = (COMMANDS, DICTATION)
_REQUIRED = ("am/final.mdl", "conf/model.conf")
_GRAPHS = (("graph/HCLG.fst",), ("graph/HCLr.fst", "graph/Gr.fst"))
DEFAULT_HOLD = 0.2  # seconds; see RecognizerSettings.command_hold and bench/command_hold.py
DEFAULT_COMMAND_ENDPOINT = 0.35
_FIX = ("Download it again with: calm-voice models download NAME "
        "(calm-voice models list shows the names).")


def _vosk() -> Any:
    import vosk

    vosk.SetLogLevel(-2)  # Kaldi chatter on stderr would break the TUI
    return vosk


def check_model_dir(path: Path) -> None:
    """Raise ModelError naming what is wrong with a model folder, before Vosk sees it."""
    if not path.is_dir():
        raise ModelError(f"The speech model folder {path} does not exist.", _FIX)
    missing = [name for name in _REQUIRED if not (path / name).is_file()]
    if not any(all((path / g).is_file() for g in graph) for graph in _GRAPHS):
        missing.append("graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst)")
    if missing:
        raise ModelError(f"The speech model in {path} is incomplete (missing "
                         f"{', '.join(missing)}).", _FIX)


_STDERR_LOCK = threading.Lock()


@contextlib.contextmanager
def _kaldi_messages() -> Iterator[list[str]]:
    """Keep Kaldi's C++ error lines off the terminal (they would garble the TUI); collect them."""
    lines: list[str] = []
    with _STDERR_LOCK, tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read(20_000).decode("utf-8", "replace")
            lines.extend(line for line in text.splitlines() if "ERROR" in line)


def _why(lines: list[str]) -> str:
    """The first Kaldi error, printable and short, to say in the message."""
    if not lines:
        return ""
    line = re.sub(r"^.*?ERROR:?\s*(\(\S*\))?:?\s*", "", lines[0])
    line = re.sub(r"[^\x20-\x7e]+", "?", line).strip()
    return f" (Vosk said: {line[:120]})" if line else ""


def load_model(path: Path) -> Any:
    """A vosk.Model that any number of recognisers can share; slow (seconds).

    A trial recogniser is made too, since Vosk only reads some graph files at that point.
    """
    check_model_dir(path)
    vosk = _vosk()
    with _kaldi_messages() as messages:
        try:
            model = vosk.Model(str(path))
            vosk.KaldiRecognizer(model, RATE)
        except Exception:  # Vosk raises a bare Exception for every load failure
            model = None
    if model is None:
        raise ModelError(f"The speech model in {path} could not be loaded; it may be "
                         f"damaged{_why(messages)}.",
                         "Check it with: calm-voice models verify, or download it again.")
    return model


def parse_words(result: dict[str, Any], shift: float = 0.0) -> tuple[Word, ...]:
    return tuple(Word(str(w["word"]), float(w["start"]) + shift, float(w["end"]) + shift,
                      float(w["conf"]))
                 for w in result.get("result", []))


def to_final(result: dict[str, Any], shift: float = 0.0) -> Final | None:
    text = str(result.get("text", "")).strip()
    if not text:
        return None
    words = parse_words(result, shift)
    start = words[0].start if words else 0.0
    end = words[-1].end if words else 0.0
    return Final(text=text, words=words, start=start, end=end)


class _Stream:
    """One KaldiRecognizer and how much audio it has been fed (its own clock)."""

    def __init__(self, kaldi: Any) -> None:
        kaldi.SetWords(True)
        self.kaldi = kaldi
        self.fed = 0
        self.started = False
        self.partial_since = 0
        """`fed` when the current partial text first appeared."""


def _grammar_can_grow(grammar: Sequence[str]) -> Callable[[str], bool]:
    phrases = [p for p in grammar if p != UNKNOWN_WORD]
    return lambda text: can_grow(phrases, text)


class Recognizer:
    """Streams 16 kHz mono int16 audio into Vosk. Owned by one thread.

    Times in results are seconds from the first audio this recogniser accepted, in every mode.
    Audio reaches Vosk in fixed CHUNK_BYTES pieces whatever the caller's block size, because
    Vosk's results depend on how its input is cut (its i-vector adaptation runs per call).
    Both modes keep their own KaldiRecognizer, made once, so a switch costs microseconds
    (a new free-vocabulary recogniser takes ~0.1 s on a lookahead model).
    """

    CHUNK_BYTES = 1600  # 50 ms: partials 20 times a second, at most 50 ms added latency

    def __init__(self, model: Any, grammar: Sequence[str] | None = None,
                 mode: str = COMMANDS, *, can_grow: Callable[[str], bool] | None = None,
                 command_hold: float = DEFAULT_HOLD,
                 command_endpoint: float = DEFAULT_COMMAND_ENDPOINT) -> None:
        """In command mode a partial that is a whole grammar phrase ends the utterance early:
        after `command_hold` seconds unchanged when `can_grow(text)` is False (no longer phrase
        starts with it), after `command_endpoint` seconds when it is True; 0 waits for Vosk's
        own endpoint. `can_grow` defaults to a check against the grammar itself (pass
        Vocabulary.can_grow to share the vocabulary's)."""
        if mode not in MODES:
            raise ValueError(f"unknown recogniser mode {mode!r}")
        self._model = model
        self._grammar = json.dumps(list(grammar), ensure_ascii=False) if grammar else None
        self._phrases = frozenset(p for p in grammar or () if p != UNKNOWN_WORD)
        self.can_grow = can_grow or _grammar_can_grow(list(grammar or ()))
        self.command_hold = command_hold
        self.command_endpoint = command_endpoint
        self._streams: dict[str, _Stream] = {}
        self._buffer = bytearray()
        self._total = 0  # bytes given to Vosk, in every mode
        self._shift = 0.0  # seconds to add to the current stream's times
        self._pending: list[Partial | Final] = []
        self._last_partial = ""
        self.mode = mode if self._grammar else DICTATION
        self._current = self._stream(self.mode)

    def _stream(self, mode: str) -> _Stream:
        stream = self._streams.get(mode)
        if stream is None:
            vosk = _vosk()
            try:
                if mode == COMMANDS and self._grammar:
                    kaldi = vosk.KaldiRecognizer(self._model, RATE, self._grammar)
                else:
                    kaldi = vosk.KaldiRecognizer(self._model, RATE)
            except Exception as exc:  # Vosk's only signal that the graph cannot be used
                raise ModelError("The speech model could not start listening; it may be "
                                 "damaged or not support this mode.",
                                 "Check it with: calm-voice models verify.") from exc
            stream = self._streams[mode] = _Stream(kaldi)
        return stream

    def prepare(self) -> None:
        """Make both modes' recognisers now, so the first switch is as cheap as the rest."""
        for mode in MODES:
            if mode == DICTATION or self._grammar:
                self._stream(mode)

    def set_mode(self, mode: str) -> None:
        """COMMANDS restricts recognition to the grammar; DICTATION hears any words.

        An utterance in progress is finished in the old mode and returned by the next accept(),
        so nothing said across a switch is lost.
        """
        if mode not in MODES:
            raise ValueError(f"unknown recogniser mode {mode!r}")
        if mode == COMMANDS and not self._grammar:
            mode = DICTATION
        if mode == self.mode:
            return
        self._pending += self._finish_current()
        self.mode = mode
        self._current = self._stream(mode)
        self._current.kaldi.Reset()
        self._shift = (self._total - self._current.fed) / BYTES_PER_SECOND

    def _finish_current(self) -> list[Partial | Final]:
        """Give Vosk the buffered tail, then end the current utterance."""
        events = self._feed(bytes(self._buffer)) if self._buffer else []
        self._buffer.clear()
        self._last_partial = ""
        if self._current.started:
            self._current.started = False
            last = to_final(json.loads(self._current.kaldi.FinalResult()), self._shift)
            if last is not None:
                events.append(last)
        return [e for e in events if isinstance(e, Final)]

    def accept(self, pcm: bytes) -> list[Partial | Final]:
        """Feed audio; returns a Partial when the text so far changed, a Final at an endpoint."""
        out, self._pending = self._pending, []
        self._buffer += pcm
        size = self.CHUNK_BYTES
        while len(self._buffer) >= size:
            out += self._feed(bytes(self._buffer[:size]))
            del self._buffer[:size]
        return out

    def _feed(self, chunk: bytes) -> list[Partial | Final]:
        stream = self._current
        stream.fed += len(chunk)
        self._total += len(chunk)
        stream.started = True
        if stream.kaldi.AcceptWaveform(chunk):
            self._last_partial = ""
            stream.started = False
            final = to_final(json.loads(stream.kaldi.Result()), self._shift)
            return [final] if final is not None else []
        partial = str(json.loads(stream.kaldi.PartialResult()).get("partial", "")).strip()
        if partial != self._last_partial:
            stream.partial_since = stream.fed
            self._last_partial = partial
            return [Partial(partial)] if partial else []
        if self._certain(stream, partial):
            self._last_partial = ""
            stream.started = False
            final = to_final(json.loads(stream.kaldi.FinalResult()), self._shift)
            return [final] if final is not None else []
        return []

    def _certain(self, stream: _Stream, partial: str) -> bool:
        """Whether an unchanged command-mode partial has been a whole command for long enough
        to act on without waiting for the endpoint."""
        if self.mode != COMMANDS or partial not in self._phrases:
            return False
        wait = self.command_endpoint if self.can_grow(partial) else self.command_hold
        held = (stream.fed - stream.partial_since) / BYTES_PER_SECOND
        return wait > 0 and held >= wait

    def flush(self) -> Final | None:
        """The last utterance, at the end of a stream (or one finished by a mode switch)."""
        finals = [e for e in self._pending if isinstance(e, Final)]
        self._pending = []
        finals += [e for e in self._finish_current() if isinstance(e, Final)]
        if not finals:
            return None
        if len(finals) == 1:
            return finals[0]
        words = tuple(w for f in finals for w in f.words)
        return Final(" ".join(f.text for f in finals), words, finals[0].start, finals[-1].end)

    @property
    def seconds(self) -> float:
        """Audio accepted so far, in seconds."""
        return (self._total + len(self._buffer)) / BYTES_PER_SECOND


def transcribe_pcm(pcm: bytes, model: Any, grammar: Sequence[str] | None = None,
                   block_bytes: int = 8000) -> Iterator[Partial | Final]:
    """Events for 16 kHz mono int16 audio, fed in blocks as a live stream would be. Nothing
    waits on a file, so commands end at Vosk's own endpoint, not early."""
    recognizer = Recognizer(model, grammar, command_hold=0.0, command_endpoint=0.0)
    for offset in range(0, len(pcm), block_bytes):
        yield from recognizer.accept(pcm[offset:offset + block_bytes])
    last = recognizer.flush()
    if last is not None:
        yield last


def transcribe_file(path: Path, model: Any,
                    grammar: Sequence[str] | None = None) -> Iterator[Partial | Final]:
    """Events for a WAV file of any rate and channel count."""
    from calm_voice.audio.wavfile import read_for_recognizer

    yield from transcribe_pcm(read_for_recognizer(path), model, grammar)
