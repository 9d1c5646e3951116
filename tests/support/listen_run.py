"""Runs `calm-voice listen` as a user would, on the private PulseAudio server."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.pulse import PulseServer

REPO = Path(__file__).resolve().parents[2]


class ListenRun:
    def __init__(self, pulse: PulseServer, home: Path, args: list[str],
                 config: str = "", mic_source: str | None = None,
                 shipped_commands: bool = False) -> None:
        env = dict(pulse.env)
        env["CALM_VOICE_HOME"] = str(home)
        if shipped_commands:  # the words a person gets, not the tests' own (tests/data/commands)
            env.pop("CALM_VOICE_COMMANDS", None)
        if mic_source:
            env["PULSE_SOURCE"] = mic_source
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "config" / "config.yaml").write_text(config, encoding="utf-8")
        self.lines: list[str] = []
        self.times: list[float] = []
        """time.monotonic() when each line was read."""
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "calm_voice", *args], env=env, cwd=REPO, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self.times.append(time.monotonic())
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 60.0, after: int = 0) -> int:
        """Index of the first line (from `after`) containing `text`; fails after `timeout`."""
        return self.wait_for_any([text], timeout, after)

    def wait_for_any(self, texts: list[str], timeout: float = 60.0, after: int = 0) -> int:
        """Index of the first line (from `after`) containing any of `texts`."""
        text = " or ".join(texts)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for index in range(after, len(self.lines)):
                    if any(t in self.lines[index] for t in texts):
                        return index
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"never saw {text!r}; output was:\n" +
                                         "\n".join(self.lines))
                self._changed.wait(min(left, 0.5))

    def has(self, text: str) -> bool:
        with self._changed:
            return any(text in line for line in self.lines)

    def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def quit(self) -> int:
        if self.process.poll() is None:
            try:
                self.type("quit")
                return self.process.wait(timeout=15)
            except (subprocess.TimeoutExpired, BrokenPipeError):
                self.process.kill()
        return self.process.wait(timeout=15)
