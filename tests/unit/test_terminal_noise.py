"""Native libraries' writes to fd 2 go to the log, while the TUI keeps drawing on the terminal."""

from __future__ import annotations

import os
import pty
import sys
from pathlib import Path

CHILD = """
import os, sys
from pathlib import Path
from calm_voice.ui.terminal import keep_native_noise_off_screen
keep_native_noise_off_screen(Path(sys.argv[1]))
os.write(2, b"ALSA lib pcm.c: underrun occurred\\n")
sys.__stderr__.write("drawn on the screen\\n")
sys.__stderr__.flush()
"""


def test_native_noise_goes_to_the_log_and_drawing_to_the_terminal(tmp_path: Path) -> None:
    log = tmp_path / "calm-voice.log"
    pid, fd = pty.fork()
    if pid == 0:  # the child runs with the pseudo-terminal as stdin/stdout/stderr
        os.execv(sys.executable, [sys.executable, "-c", CHILD, str(log)])
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.waitpid(pid, 0)
    assert b"drawn on the screen" in seen
    assert b"underrun" not in seen
    assert "underrun occurred" in log.read_text()
    assert oct(log.stat().st_mode & 0o777) == oct(0o600)
