"""A private PulseAudio server with a virtual speaker and a virtual microphone, for tests.

The app's output goes to the `calm_speaker` null sink; tests record its monitor. Tests play WAV
files into the `calm_mic` null sink; the app records its monitor as its microphone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SPEAKER = "calm_speaker"
MIC = "calm_mic"
RATE = 48000


@dataclass
class PulseServer:
    runtime: Path
    env: dict[str, str]

    def pactl(self, *args: str) -> str:
        out = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True,
                             check=True, timeout=20)
        return out.stdout

    def record(self, source: str, out: Path, rate: int = 22050) -> subprocess.Popen[bytes]:
        """Start recording `source` (e.g. calm_speaker.monitor) as mono int16 WAV."""
        return subprocess.Popen(
            ["parec", "-d", source, "--format=s16le", f"--rate={rate}", "--channels=1",
             "--latency-msec=10", "--file-format=wav", str(out)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def play(self, wav: Path, sink: str = MIC) -> subprocess.Popen[bytes]:
        """Play a WAV file into a sink (by default the virtual microphone)."""
        return subprocess.Popen(["paplay", "-d", sink, str(wav)], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def apply_to_environ(self) -> dict[str, str | None]:
        """Point this process (sounddevice via the ALSA pulse plugin) here; returns old values."""
        old = {k: os.environ.get(k) for k in ("PULSE_SERVER", "PULSE_RUNTIME_PATH",
                                             "PULSE_SINK", "PULSE_SOURCE")}
        for key in old:
            os.environ[key] = self.env[key]
        return old

    def stop(self) -> None:
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=20)
        shutil.rmtree(self.runtime, ignore_errors=True)


def start_pulse(runtime: Path) -> PulseServer:
    runtime.mkdir(parents=True, exist_ok=True)
    socket = runtime / "native"
    env = dict(os.environ)
    env.update({
        "PULSE_RUNTIME_PATH": str(runtime),
        "PULSE_STATE_PATH": str(runtime / "state"),
        "PULSE_SERVER": f"unix:{socket}",
        "PULSE_SINK": SPEAKER,
        "PULSE_SOURCE": f"{MIC}.monitor",
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
    })
    config = runtime / "default.pa"
    config.write_text("\n".join([
        f"load-module module-native-protocol-unix socket={socket} auth-anonymous=1",
        f"load-module module-null-sink sink_name={SPEAKER} rate={RATE} channels=1 "
        f"sink_properties=device.description=calm-virtual-speaker",
        f"load-module module-null-sink sink_name={MIC} rate={RATE} channels=1 "
        f"sink_properties=device.description=calm-virtual-microphone",
        "load-module module-always-sink",
        f"set-default-sink {SPEAKER}",
        f"set-default-source {MIC}.monitor",
    ]) + "\n")
    subprocess.run(
        ["pulseaudio", "-n", "--daemonize=yes", "--exit-idle-time=-1", "--disallow-exit",
         "--use-pid-file=yes", "--log-target=file:" + str(runtime / "pulse.log"),
         "-F", str(config)],
        env=env, check=True, timeout=30, capture_output=True)
    server = PulseServer(runtime, env)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("private PulseAudio server did not start: "
                       + (runtime / "pulse.log").read_text(errors="replace")[-2000:])


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono int16 samples and rate of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        data = np.frombuffer(frames, dtype=np.int16)
        if wav.getnchannels() > 1:
            data = data.reshape(-1, wav.getnchannels())[:, 0]
        return data.copy(), wav.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype(np.int16).tobytes())
    return path


def active_span(samples: np.ndarray, rate: int, threshold: int = 300) -> tuple[float, float]:
    """Seconds from the first to the last sample louder than `threshold`."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if loud.size == 0:
        return 0.0, 0.0
    return loud[0] / rate, loud[-1] / rate
