"""`journal add`: transcribe a recording into a new journal entry, keeping its audio.

Vosk will happily "hear" words in steady noise, so each recognised utterance must also span
audio that rises and falls the way speech does; a file with none is refused, storing nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def frame_levels(blocks: Iterable[np.ndarray], rate: int = RATE) -> np.ndarray:
    """Level (dB) of each 20 ms frame, computed block by block so long files stay small."""
    size = max(1, int(rate * FRAME_SECONDS))
    levels: list[np.ndarray] = []
    carry = np.zeros(0, dtype=np.float64)
    for block in blocks:
        samples = np.concatenate([carry, np.asarray(block, dtype=np.float64)])
        count = len(samples) // size
        frames = samples[: count * size].reshape(count, size)
        levels.append(10 * np.log10(np.mean(frames**2, axis=1) + 1.0))
        carry = samples[count * size:]
    return np.concatenate(levels) if levels else np.zeros(0)


def lively_frames(pcm: np.ndarray, rate: int = RATE) -> np.ndarray:
    """One flag per 20 ms frame: does it rise well above the recording's quiet level?"""
    return lively_levels(frame_levels([pcm], rate))


def lively_levels(level: np.ndarray) -> np.ndarray:
    if level.size == 0:
        return np.zeros(0, dtype=bool)
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


def cut(path: Path, final: Final) -> tuple[bytes, float]:
    """The utterance's audio with a margin either side, and where it starts in the file."""
    from calm_voice.audio.wavfile import read_span

    start = max(0.0, final.start - MARGIN)
    return read_span(path, start, final.end + MARGIN).tobytes(), start


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
    from calm_voice.audio.wavfile import recognizer_blocks

    lively = lively_levels(frame_levels(recognizer_blocks(wav_path)))  # streamed: flat memory
    finals: list[Final] = []
    model_name = ""
    if int(lively.sum()) >= MIN_LIVELY_FRAMES:  # no need to load a model to hear silence
        found, heard = recognise(settings, wav_path)
        model_name, finals = found, spoken_finals(heard, lively)
    if not finals:
        raise AudioFileError(
            f"No speech was recognised in {wav_path}; nothing was added to the journal.",
            "Check that it is a recording of someone speaking (not silence, music or noise), "
            "in the language of the speech model.",
        )
    with JournalStore.from_settings(settings) as store:
        asked = guide.prompt(prompt)
        entry = store.open_entry(guide.id, step.id, prompt, settings.recognizer.language,
                                 model_name, step_title=step.title,
                                 prompt_text=asked.text if asked else None)
        try:
            for final in finals:
                audio, start = cut(wav_path, final)
                store.add_utterance(entry, final, audio, RATE, audio_start=start)
        except BaseException:
            with suppress(CalmVoiceError):  # keep what was saved; the first error is the one
                store.close_entry(entry)
            raise
        utterances, words = store.close_entry(entry)
    return entry, utterances, words


def recognise(settings: Settings, wav_path: Path) -> tuple[str, list[Final]]:
    """The model's name and every utterance it heard in the recording, read block by block."""
    from calm_voice.audio.wavfile import recognizer_blocks
    from calm_voice.speech.discovery import find_model
    from calm_voice.speech.recognizer import load_model
    from calm_voice.speech.transcribe_stream import transcribe_blocks

    found = find_model(settings, cannot="the recording cannot be written into the journal")
    model = load_model(found.path)
    heard = [event for event in transcribe_blocks(recognizer_blocks(wav_path), model)
             if isinstance(event, Final)]
    return found.name, heard
