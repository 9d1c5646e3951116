"""Vosk, wrapped: one shared Model, one KaldiRecognizer per stream, results as Partial/Final."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from calm_voice.errors import ModelError
from calm_voice.events import Final, Partial, Word

RATE = 16000
COMMANDS = "commands"
DICTATION = "dictation"
_REQUIRED = ("am/final.mdl", "conf/model.conf")
_GRAPHS = (("graph/HCLG.fst",), ("graph/HCLr.fst", "graph/Gr.fst"))


def _vosk() -> Any:
    import vosk

    vosk.SetLogLevel(-2)  # Kaldi chatter on stderr would break the TUI
    return vosk


def check_model_dir(path: Path) -> None:
    """Raise ModelError naming what is wrong with a model folder, before Vosk sees it."""
    fix = ("Download it again with: calm-voice models download NAME "
           "(calm-voice models list shows the names).")
    if not path.is_dir():
        raise ModelError(f"The speech model folder {path} does not exist.", fix)
    missing = [name for name in _REQUIRED if not (path / name).is_file()]
    if not any(all((path / g).is_file() for g in graph) for graph in _GRAPHS):
        missing.append("graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst)")
    if missing:
        raise ModelError(f"The speech model in {path} is incomplete (missing "
                         f"{', '.join(missing)}).", fix)


def load_model(path: Path) -> Any:
    """A vosk.Model that any number of recognisers can share; slow (seconds)."""
    check_model_dir(path)
    try:
        return _vosk().Model(str(path))
    except Exception as exc:  # Vosk raises a bare Exception for every load failure
        raise ModelError(f"The speech model in {path} could not be loaded; it may be damaged.",
                         "Check it with: calm-voice models verify, or download it again.") from exc


def parse_words(result: dict[str, Any]) -> tuple[Word, ...]:
    return tuple(Word(str(w["word"]), float(w["start"]), float(w["end"]), float(w["conf"]))
                 for w in result.get("result", []))


def to_final(result: dict[str, Any]) -> Final | None:
    text = str(result.get("text", "")).strip()
    if not text:
        return None
    words = parse_words(result)
    start = words[0].start if words else 0.0
    end = words[-1].end if words else 0.0
    return Final(text=text, words=words, start=start, end=end)


class Recognizer:
    """Streams 16 kHz mono int16 audio into Vosk. Owned by one thread.

    Times in results count from this recogniser's creation or last mode switch.
    """

    def __init__(self, model: Any, grammar: Sequence[str] | None = None,
                 mode: str = COMMANDS) -> None:
        self._model = model
        self._grammar = list(grammar) if grammar else None
        self._last_partial = ""
        self._kaldi: Any = None
        self.mode = ""
        self.set_mode(mode if self._grammar else DICTATION)

    def set_mode(self, mode: str) -> None:
        """COMMANDS restricts recognition to the grammar; DICTATION hears any words."""
        if mode == self.mode:
            return
        vosk = _vosk()
        if mode == COMMANDS and self._grammar:
            kaldi = vosk.KaldiRecognizer(self._model, RATE,
                                         json.dumps(self._grammar, ensure_ascii=False))
        else:
            kaldi = vosk.KaldiRecognizer(self._model, RATE)
        kaldi.SetWords(True)
        self._kaldi, self.mode, self._last_partial = kaldi, mode, ""

    def accept(self, pcm: bytes) -> list[Partial | Final]:
        """Feed audio; returns a Partial when the text so far changed, a Final at an endpoint."""
        if self._kaldi.AcceptWaveform(pcm):
            self._last_partial = ""
            final = to_final(json.loads(self._kaldi.Result()))
            return [final] if final else []
        partial = str(json.loads(self._kaldi.PartialResult()).get("partial", "")).strip()
        if partial and partial != self._last_partial:
            self._last_partial = partial
            return [Partial(partial)]
        return []

    def flush(self) -> Final | None:
        """The last utterance, at the end of a stream."""
        self._last_partial = ""
        return to_final(json.loads(self._kaldi.FinalResult()))


def transcribe_pcm(pcm: bytes, model: Any, grammar: Sequence[str] | None = None,
                   block_bytes: int = 8000) -> Iterator[Partial | Final]:
    recognizer = Recognizer(model, grammar)
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
