"""A microphone that disappears mid-stream: Capture notices and nothing crashes.

The sound server is killed under a running Capture. That is done to a separate PulseAudio server
started here (never the shared session one), in a child process so this process's PortAudio
keeps pointing at the shared server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pulse import start_pulse

pytestmark = pytest.mark.audio

REPO = Path(__file__).resolve().parents[2]
RUNTIME = Path("/tmp/calm-pulse-lost")

CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from calm_voice.audio.capture import Capture

capture = Capture(None, 20)
capture.start()
got = 0
deadline = time.monotonic() + 20
while got < 25 and time.monotonic() < deadline:  # half a second of audio, once it flows
    got += capture.next_block(timeout=0.5) is not None
print(json.dumps({"ready": got, "alive": capture.is_alive()}), flush=True)
sys.stdin.readline()  # the server is gone now
deadline = time.monotonic() + 10
while capture.is_alive() and time.monotonic() < deadline:
    capture.next_block(timeout=0.1)
alive = capture.is_alive()
capture.stop()
capture.stop()  # twice: stopping a dead stream is harmless
left = 0
while capture.next_block(timeout=0.1) is not None:  # what was queued is still handed out
    left += 1
print(json.dumps({"alive": alive, "after_stop": capture.is_alive(), "left": left}), flush=True)
"""


def test_capture_notices_a_microphone_that_goes_away() -> None:
    server = start_pulse(RUNTIME)
    try:
        env = {**os.environ, **{k: server.env[k] for k in (
            "PULSE_SERVER", "PULSE_RUNTIME_PATH", "PULSE_SINK", "PULSE_SOURCE")}}
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(REPO / "src")], env=env,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdin is not None
        started = json.loads(child.stdout.readline() or "{}")
        assert started == {"ready": 25, "alive": True}
    finally:
        server.stop()
    child.stdin.write("go\n")
    child.stdin.flush()
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert "Traceback" not in err
    result = json.loads(out)
    assert result["alive"] is False and result["after_stop"] is False
