"""Replaying an entry and one word from the journal screen, through real PortAudio streams into
the private PulseAudio virtual speaker, recorded back from its monitor."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from calm_voice.audio.devices import rescan
from calm_voice.events import Final, Word
from calm_voice.guide import load_guide
from calm_voice.journal import JournalStore
from calm_voice.paths import default_guide_path
from tests.support.pulse import SPEAKER, PulseServer, read_wav
from tests.ui.test_journal_screen import JournalApp, settle, synchronous

RATE = 16000
TONES = (440.0, 1250.0)


def tone(freq: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (np.sin(2 * np.pi * freq * t) * 12000).astype(np.int16)


def dominant(samples: np.ndarray, rate: int) -> float:
    loud = samples[np.abs(samples.astype(np.int32)) > 800]
    assert loud.size > rate // 20, "nothing audible was recorded from the virtual speaker"
    start = int(np.flatnonzero(np.abs(samples.astype(np.int32)) > 800)[0])
    window = samples[start: start + rate // 5].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(window * np.hanning(window.size)))
    return float(np.fft.rfftfreq(window.size, 1 / rate)[int(np.argmax(spectrum))])


@pytest.mark.audio
@synchronous
async def test_play_word_and_entry_reach_the_speaker(pulse: PulseServer, tmp_path: Path) -> None:
    rescan()
    data = tmp_path / "data"
    pcm = np.concatenate([np.zeros(RATE // 10, np.int16), tone(TONES[0], 0.4),
                          np.zeros(RATE // 5, np.int16), tone(TONES[1], 0.4),
                          np.zeros(RATE // 10, np.int16)])
    words = (Word("first", 0.1, 0.5, 0.9), Word("second", 0.7, 1.1, 0.4))
    with JournalStore(data / "journal.sqlite3", data / "audio") as store:
        entry = store.open_entry("his-distance", "reason-1", "reason-1-pressures", "en", "m")
        store.add_utterance(entry, Final("first second", words, 0.1, 1.1), pcm.tobytes(), RATE,
                            audio_start=0.0)

    def factory() -> JournalStore:
        return JournalStore(data / "journal.sqlite3", data / "audio")

    app = JournalApp(factory, load_guide(default_guide_path()))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        recordings = []
        for keys in (("right_square_bracket", "w"), ("p",)):
            out = tmp_path / f"{keys[-1]}.wav"
            recorder = pulse.record(f"{SPEAKER}.monitor", out, rate=22050)
            time.sleep(0.3)  # parec connects before the sound starts
            await pilot.press(*keys)
            await settle(pilot)
            time.sleep(0.3)
            recorder.terminate()
            recorder.wait(timeout=10)
            recordings.append(read_wav(out))
    word, rate = recordings[0]
    assert abs(dominant(word, rate) - TONES[1]) < 40  # only the second word was played
    heard = np.abs(word.astype(np.int32)) > 800
    assert 0.3 < np.count_nonzero(heard) / rate < 0.6
    whole, rate = recordings[1]
    assert abs(dominant(whole, rate) - TONES[0]) < 40  # the entry starts with the first word
    assert np.count_nonzero(np.abs(whole.astype(np.int32)) > 800) / rate > 0.7
