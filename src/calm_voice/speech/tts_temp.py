"""The synthesiser's temporary folder: named after its process, and swept when that process died.

A folder is removed by its owner on every ordinary exit path; one left by a killed process is
removed by the next calm-voice to start, which knows the owner is gone from the pid in the name.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "calm-voice-tts-"
_OWNED = re.compile(re.escape(PREFIX) + r"(\d+)-")


def make_folder() -> tempfile.TemporaryDirectory[str]:
    """A new folder for this process, after sweeping the ones dead processes left."""
    sweep_stale()
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, and not ours to judge
        return True
    return True


def sweep_stale(parent: Path | None = None) -> list[Path]:
    """Remove this program's folders whose owning process is gone; returns what was removed."""
    removed = []
    for folder in (parent or Path(tempfile.gettempdir())).glob(f"{PREFIX}*"):
        owner = _OWNED.match(folder.name)
        if owner is None or not folder.is_dir() or folder.is_symlink():
            continue  # not named by this program's rule: leave it alone
        pid = int(owner.group(1))
        if pid == os.getpid() or _alive(pid):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
