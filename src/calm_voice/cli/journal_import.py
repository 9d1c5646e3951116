"""`journal add`: transcribe a recording into a new journal entry, keeping its audio.

Vosk will happily "hear" words in steady noise, so each recognised utterance must also span
audio that rises and falls the way speech does; a file with none is refused, storing nothing.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import numpy as np

from calm_voice.config import Settings
from calm_voice.errors import AudioFileError, CalmVoiceError, JournalError
from calm_voice.events import Final
from calm_voice.guide import load_guide
from calm_voice.journal.store import JournalStore

RATE = 16000
FRAME_SECONDS = 0.02
LIVELY_DB = 12.0
"""A frame this far above the recording's own quiet level counts as sound that could be speech."""
MIN_LEVEL_DB = 35.0
"""…and it must be louder than about -55 dBFS, so near-silence never counts."""
MIN_LIVELY_FRAMES = 5
MARGIN = 0.15
"""Seconds of audio kept either side of an utterance's words."""


def lively_frames(pcm: np.ndarray, rate: int = RATE) -> np.ndarray:
    """One flag per 20 ms frame: does it rise well above the recording's quiet level?"""
    size = max(1, int(rate * FRAME_SECONDS))
    count = len(pcm) // size
    if count == 0:
        return np.zeros(0, dtype=bool)
    frames = pcm[: count * size].astype(np.float64).reshape(count, size)
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1.0)
    floor = float(np.percentile(level, 10))
    return np.asarray((level > floor + LIVELY_DB) & (level > MIN_LEVEL_DB), dtype=bool)


def spoken_finals(finals: list[Final], lively: np.ndarray) -> list[Final]:
    """The utterances whose time span holds enough speech-like sound."""
    kept = []
    for final in finals:
        first = int(final.start / FRAME_SECONDS)
        last = int(np.ceil(final.end / FRAME_SECONDS)) + 1
        if final.text.strip() and int(lively[first:last].sum()) >= MIN_LIVELY_FRAMES:
            kept.append(final)
    return kept


def cut(pcm: np.ndarray, final: Final) -> tuple[bytes, float]:
    """The utterance's audio with a margin either side, and where it starts in the file."""
    start = max(0.0, final.start - MARGIN)
    first, last = int(start * RATE), int((final.end + MARGIN) * RATE)
    return pcm[first:last].astype(np.int16).tobytes(), start


def add_recording(settings: Settings, wav_path: Path, step_id: str,
                  prompt_id: str | None = None) -> tuple[int, int, int]:
    """Transcribe `wav_path` into a new entry for the step; returns (entry, utterances, words)."""
    guide = load_guide(settings.guide_path)
    step = guide.step(step_id)
    known = [prompt.id for prompt in step.prompts]
    if prompt_id is not None and prompt_id not in known:
        raise JournalError(f"Step {step.id} has no prompt called '{prompt_id}'.",
                           f"Its prompts are: {', '.join(known) or '(none)'}.")
    prompt = prompt_id or (known[0] if known else "")
    from calm_voice.audio.wavfile import read_for_recognizer

    pcm = np.frombuffer(read_for_recognizer(wav_path), dtype=np.int16)
    lively = lively_frames(pcm)
    finals: list[Final] = []
    model_name = ""
    if int(lively.sum()) >= MIN_LIVELY_FRAMES:  # no need to load a model to hear silence
        found, heard = recognise(settings, pcm)
        model_name, finals = found, spoken_finals(heard, lively)
    if not finals:
        raise AudioFileError(
            f"No speech was recognised in {wav_path}; nothing was added to the journal.",
            "Check that it is a recording of someone speaking (not silence, music or noise), "
            "in the language of the speech model.",
        )
    with JournalStore.from_settings(settings) as store:
        entry = store.open_entry(guide.id, step.id, prompt, settings.recognizer.language,
                                 model_name)
        try:
            for final in finals:
                audio, start = cut(pcm, final)
                store.add_utterance(entry, final, audio, RATE, audio_start=start)
        except BaseException:
            with suppress(CalmVoiceError):  # keep what was saved; the first error is the one
                store.close_entry(entry)
            raise
        utterances, words = store.close_entry(entry)
    return entry, utterances, words


def recognise(settings: Settings, pcm: np.ndarray) -> tuple[str, list[Final]]:
    """The model's name and every utterance it heard in 16 kHz mono samples."""
    from calm_voice.speech.discovery import find_model
    from calm_voice.speech.recognizer import load_model, transcribe_pcm

    found = find_model(settings)
    model = load_model(found.path)
    heard = [event for event in transcribe_pcm(pcm.tobytes(), model) if isinstance(event, Final)]
    return found.name, heard
