"""Snapshots of the main screen and its dialogs at a fixed size, with a frozen clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from calm_voice.events import Command, CommandKind, Final, Partial
from calm_voice.guide import Guide, load_guide
from calm_voice.paths import default_guide_path
from calm_voice.session.state import Listening, Mode, SessionState
from calm_voice.ui.app import CalmVoiceApp, make_app
from tests.ui.helpers import FakeServices, settings_for, wait_until

GUIDE: Guide = load_guide(default_guide_path())
SIZE = (120, 40)
FROZEN = datetime(2026, 3, 14, 9, 30, 5)


def snapshot_app(tmp_path: Path, state: SessionState | None = None) -> CalmVoiceApp:
    return make_app(settings_for(tmp_path), GUIDE, FakeServices(state), voice=False,
                    clock=lambda: FROZEN)


async def ready(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, CalmVoiceApp)
    await wait_until(pilot, lambda: app.loop is not None)
    await pilot.pause()


def test_first_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=SIZE, run_before=ready)


def test_reading_with_transcript(snap_compare: Any, tmp_path: Path) -> None:
    async def talk(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        app = pilot.app
        assert isinstance(app, CalmVoiceApp)
        sink = app.bridge
        sink.on_state(SessionState(step=2, mode=Mode.PLAYING, sentence=1))
        sink.on_listening(Listening.COMMANDS_WHILE_SPEAKING)
        sink.on_level(-24.0)
        sink.on_heard(Final("next"))
        sink.on_command(Command(CommandKind.NEXT, source="voice", heard="next"))
        sink.on_say("Reason 2: Fear of Vulnerability.")
        sink.on_heard(Partial("could you"))
        sink.on_notice("No microphone was found. Keys work as usual.", "warning")
        await wait_until(pilot, lambda: app.main.state.step == 2)
        await pilot.pause()

    assert snap_compare(snapshot_app(tmp_path), terminal_size=SIZE, run_before=talk)


def test_help(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), press=["question_mark"], terminal_size=SIZE,
                        run_before=ready)


def test_typed_answer_dialog(snap_compare: Any, tmp_path: Path) -> None:
    state = SessionState(step=1, mode=Mode.REFLECTING, prompt=1)
    assert snap_compare(snapshot_app(tmp_path, state), press=["t", *"I am not sure yet"],
                        terminal_size=SIZE, run_before=ready)


SIZES = [(80, 24), (120, 36), (200, 50)]


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_main_screen_reading_at_size(snap_compare: Any, tmp_path: Path,
                                     size: tuple[int, int]) -> None:
    state = SessionState(step=GUIDE.index_of("reason-3"), mode=Mode.PLAYING, sentence=3)
    assert snap_compare(snapshot_app(tmp_path, state), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_main_screen_reflecting_at_size(snap_compare: Any, tmp_path: Path,
                                        size: tuple[int, int]) -> None:
    state = SessionState(step=GUIDE.index_of("reason-3"), mode=Mode.REFLECTING, prompt=1,
                         entry_open=True)
    assert snap_compare(snapshot_app(tmp_path, state), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_help_at_size(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(snapshot_app(tmp_path), press=["question_mark"], terminal_size=size,
                        run_before=ready)


NO_SPEAKER_NOTICE = (
    "No speaker (output device) was found. Plug in or switch on a speaker or headset (or start "
    "PulseAudio/PipeWire), then run `calm-voice devices` to check. calm-voice will not read "
    "aloud for now; you can still read and use the keys.")
NO_MODEL_NOTICE = (
    "No speech model was found for language 'en', so calm-voice listens to the keyboard only. "
    "Get one with: calm-voice models download vosk-model-small-en-us-0.15 (needs the internet), "
    "or install one brought on a USB stick: calm-voice models install FILE.zip")


async def start_up_notices(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    app = pilot.app
    assert isinstance(app, CalmVoiceApp)
    app.main.set_no_speaker()
    app.bridge.on_notice(NO_SPEAKER_NOTICE, "warning")
    app.bridge.on_notice(NO_MODEL_NOTICE, "warning")
    await wait_until(pilot, lambda: len(app.main.notices()) == 2)
    await pilot.pause()


def test_start_up_notices_take_one_line_each_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), terminal_size=(80, 24),
                        run_before=start_up_notices)


def test_start_up_notices_in_full_behind_i_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(tmp_path), press=["i"], terminal_size=(80, 24),
                        run_before=start_up_notices)
