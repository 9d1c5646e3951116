"""Opening calm-voice starts reading the remembered step aloud, hands-free, through the real
speaker on the virtual device; and it can be told to wait instead."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.message import Message

from calm_voice.audio.devices import rescan
from calm_voice.config import load_settings
from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from calm_voice.runtime.position import save_position
from calm_voice.session.state import Mode
from calm_voice.ui import messages as m
from calm_voice.ui.app import make_app
from tests.support.live_record import LiveRecorder
from tests.support.pulse import SPEAKER, PulseServer
from tests.ui.helpers import synchronous, wait_until

pytestmark = pytest.mark.audio


@synchronous
async def test_the_remembered_step_is_read_aloud_on_opening(pulse: PulseServer,
                                                             tmp_path: Path) -> None:
    rescan()
    recorder = LiveRecorder(pulse, f"{SPEAKER}.monitor")
    recorder.wait_ready()
    mark = recorder.mark()
    settings = load_settings(None, models_dir=tmp_path / "no-models")
    guide = load_guide(default_guide_path())
    seen: list[Message] = []
    save_position(settings.state_file, guide, "reason-2")  # where the person left off
    app = make_app(settings, guide, voice=False)
    try:
        async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
            await wait_until(pilot, lambda: any(
                isinstance(s, m.StateChanged) and s.state.mode is Mode.PLAYING
                and s.state.step == guide.index_of("reason-2") for s in seen), timeout=30)
            await pilot.pause(1.5)
            recorded = recorder.samples(mark)
            await pilot.press("q")
    finally:
        recorder.stop()
    assert np.abs(recorded.astype(np.int32)).max() > 3000, "nothing was heard"


@synchronous
async def test_read_on_start_off_waits_for_a_key(pulse: PulseServer, tmp_path: Path) -> None:
    rescan()
    settings = load_settings(None, models_dir=tmp_path / "no-models",
                             speaker__read_on_start=False)
    guide = load_guide(default_guide_path())
    seen: list[Message] = []
    app = make_app(settings, guide, voice=False)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.pause(1.0)
        assert not any(isinstance(s, m.StateChanged) and s.state.mode is Mode.PLAYING
                       for s in seen)
        await pilot.press("space")
        await wait_until(pilot, lambda: any(
            isinstance(s, m.StateChanged) and s.state.mode is Mode.PLAYING for s in seen))
        await pilot.press("q")
