"""`calm-voice journal add`: a real recording through the real Vosk recogniser into the journal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from calm_voice.config import load_settings
from calm_voice.journal import JournalStore
from calm_voice.speech.discovery import find_model
from tests.conftest import python_cmd
from tests.support.pulse import read_wav, write_wav


def journal_add(model: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python_cmd(), "--model", str(model), "journal", "add", *args],
                          capture_output=True, text=True, timeout=180)


def entry_count() -> int:
    with JournalStore.from_settings(load_settings()) as store:
        return store.count_entries()


@pytest.mark.vosk
def test_a_spoken_recording_becomes_an_entry_with_words_and_audio(
        tmp_path: Path, korean_model_path: Path) -> None:
    wav = tmp_path / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav),
                    "저는 요즘 남자친구가 멀게 느껴져요. 일이 너무 바쁜 것 같아요."], check=True)
    samples, rate = read_wav(wav)
    duration = len(samples) / rate
    result = journal_add(korean_model_path, "--step", "reason-1", str(wav))
    assert result.returncode == 0, result.stderr
    assert "Saved entry 1" in result.stdout and "Traceback" not in result.stderr
    with JournalStore.from_settings(load_settings()) as store:
        entry = store.get_entry(1)
        model = find_model(load_settings(recognizer__model=str(korean_model_path)))
        assert (entry.step, entry.prompt, entry.model) == (
            "reason-1", "reason-1-pressures", model.name)
        assert entry.utterances and entry.word_count >= 3
        for utterance in entry.utterances:
            assert all(0.0 <= w.start < w.end <= duration + 0.05 for w in utterance.words)
            clip = store.utterance_audio(utterance.id)
            assert clip is not None and clip.rate == 16000
            span = utterance.end - utterance.start
            assert span < clip.seconds <= span + 0.31  # the words plus a margin each side
        word = store.word_audio(entry.utterances[0].id, 1)
        assert word is not None and np.abs(np.frombuffer(word.pcm, np.int16)).max() > 1000


@pytest.mark.vosk
def test_silence_noise_and_non_wav_files_add_nothing(tmp_path: Path,
                                                     korean_model_path: Path) -> None:
    rng = np.random.default_rng(3)
    silence = write_wav(tmp_path / "silence.wav", np.zeros(3 * 16000), 16000)
    noise = write_wav(tmp_path / "noise.wav", rng.normal(0, 9000, 4 * 22050).clip(-32768, 32767),
                      22050)
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio")
    for path in (silence, noise):
        result = journal_add(korean_model_path, "--step", "reason-1", str(path))
        assert result.returncode == 2
        assert f"No speech was recognised in {path}" in result.stderr
    result = journal_add(korean_model_path, "--step", "reason-1", str(text))
    assert result.returncode == 2 and "is not a recording calm-voice can read" in result.stderr
    result = journal_add(korean_model_path, "--step", "reason-99", str(silence))
    assert result.returncode == 2 and "no step called 'reason-99'" in result.stderr
    result = journal_add(korean_model_path, "--step", "reason-1", "--prompt", "nope", str(silence))
    assert result.returncode == 2 and "has no prompt called 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
    assert entry_count() == 0
