"""The sound system's own echo canceller (PulseAudio's or PipeWire's module-echo-cancel):
whether one is running, and how to turn one on. Its source is a microphone with the speaker
taken out; recording from it makes commands spoken over the guide far easier to hear."""

from __future__ import annotations

import shutil
import subprocess

TURN_ON = ("pactl load-module module-echo-cancel aec_method=webrtc "
           "source_name=calm_echo_cancel sink_name=calm_echo_cancel_sink, then "
           "pactl set-default-source calm_echo_cancel and set-default-sink "
           "calm_echo_cancel_sink (PipeWire: the same commands through pipewire-pulse)")
MARKERS = ("module-echo-cancel", "echo-cancel", "echo_cancel")


def _pactl(*args: str, env: dict[str, str] | None = None) -> str | None:
    if shutil.which("pactl") is None:
        return None
    try:
        done = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=5,
                              env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def echo_cancel_sources(env: dict[str, str] | None = None) -> list[str] | None:
    """Names of the sound server's echo-cancelled sources ([] when there are none), or None
    when no PulseAudio-compatible server answers."""
    modules = _pactl("list", "short", "modules", env=env)
    sources = _pactl("list", "short", "sources", env=env)
    if modules is None or sources is None:
        return None
    names = [line.split("\t")[1] for line in sources.splitlines() if "\t" in line]
    cancelled = [name for name in names if any(m in name for m in MARKERS)
                 and not name.endswith(".monitor")]
    if not cancelled and "module-echo-cancel" in modules:
        loaded = [line for line in modules.splitlines() if "module-echo-cancel" in line]
        cancelled = [part.split("=", 1)[1] for line in loaded for part in line.split()
                     if part.startswith("source_name=")]
    return cancelled


def default_source(env: dict[str, str] | None = None) -> str | None:
    out = _pactl("get-default-source", env=env)
    return out.strip() if out else None
