"""Native libraries (PortAudio, ALSA, Kaldi) write straight to file descriptor 2, which is also
where Textual draws. Give Textual its own copy of the terminal and send fd 2 to a log file."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def keep_native_noise_off_screen(log_path: Path) -> None:
    if not sys.__stderr__ or not sys.__stderr__.isatty():
        return
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return  # no log file: the messages stay on the terminal, which still works
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.__stderr__.encoding,
                         errors="replace")
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.stderr = terminal
    setattr(sys, "__stderr__", terminal)  # noqa: B010  (Textual draws on sys.__stderr__)
