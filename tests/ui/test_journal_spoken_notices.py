"""A warning on the journal screen is said aloud, as the main screen's are: the real app, the
real session loop and the real speaker on the private PulseAudio virtual device, recorded back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.message import Message

from calm_voice.config import Settings, load_settings
from calm_voice.guide import load_guide
from calm_voice.journal import JournalStore
from calm_voice.paths import default_guide_path
from calm_voice.ui import messages as m
from calm_voice.ui.app import make_app
from calm_voice.ui.screens.journal import JournalScreen
from tests.support.live_record import LiveRecorder
from tests.support.pulse import PulseServer
from tests.ui.helpers import recording_the_speaker, settle, synchronous, wait_until
from tests.ui.test_journal_screen import said

pytestmark = pytest.mark.audio
GUIDE = load_guide(default_guide_path())
NO_RECORDING = "No recording was kept for this."


def settings_with(tmp_path: Path, speak_notices: bool) -> Settings:
    settings = load_settings(None, models_dir=tmp_path / "no-models",
                             speaker__read_on_start=False,
                             speaker__speak_notices=speak_notices)
    with JournalStore.from_settings(settings) as store:  # an entry whose audio was not kept
        entry = store.open_entry(GUIDE.id, "intro", GUIDE.steps[0].prompts[0].id, "en", "m")
        store.add_utterance(entry, said("I typed this one"), None)
        store.close_entry(entry)
    return settings


async def press_play_on_the_journal(tmp_path: Path, speak_notices: bool,
                                    recorder: LiveRecorder) -> tuple[list[Message], np.ndarray]:
    seen: list[Message] = []
    app = make_app(settings_with(tmp_path, speak_notices), GUIDE, voice=False)
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        await wait_until(pilot, lambda: app.loop is not None and app.loop.speaker is not None)
        await pilot.press("j")
        await wait_until(pilot, lambda: isinstance(app.screen, JournalScreen))
        await settle(pilot)
        mark = recorder.mark()
        await pilot.press("p")
        await wait_until(pilot, lambda: any(NO_RECORDING in str(n.message)
                                            for n in app._notifications))
        if speak_notices:
            await wait_until(pilot, lambda: any(isinstance(s, m.Said) and s.text == NO_RECORDING
                                                for s in seen), timeout=30)
            await wait_until(pilot, lambda: loud(recorder.samples(mark)), timeout=30)
        else:
            await pilot.pause(2.0)  # long enough for speech to have started, were it said
        heard = recorder.samples(mark)
        await pilot.press("escape", "q")
    return seen, heard


def loud(samples: np.ndarray) -> bool:
    return samples.size > 0 and int(np.abs(samples.astype(np.int32)).max()) > 3000


@synchronous
async def test_a_journal_warning_is_said_aloud(pulse: PulseServer, tmp_path: Path) -> None:
    _, heard = await recording_the_speaker(
        pulse, lambda recorder: press_play_on_the_journal(tmp_path, True, recorder))
    assert loud(heard), "the warning was not heard from the speaker"


@synchronous
async def test_speak_notices_off_keeps_it_on_screen_only(pulse: PulseServer,
                                                         tmp_path: Path) -> None:
    seen, heard = await recording_the_speaker(
        pulse, lambda recorder: press_play_on_the_journal(tmp_path, False, recorder))
    assert not any(isinstance(s, m.Said) for s in seen)
    assert not loud(heard)
