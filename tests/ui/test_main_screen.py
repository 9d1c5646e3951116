"""The main screen through Textual's Pilot, driving the real session loop (keys only)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from calm_voice.config import Settings, load_settings
from calm_voice.guide import Guide, load_guide
from calm_voice.journal import JournalStore
from calm_voice.paths import default_guide_path
from calm_voice.runtime.ports import Sink
from calm_voice.session.state import Mode
from calm_voice.speech.discovery import find_model
from calm_voice.ui.app import CalmVoiceApp, LoopPort, make_app, real_services
from calm_voice.ui.screens.help import HelpScreen
from calm_voice.ui.screens.journal import JournalScreen
from calm_voice.ui.screens.typed_entry import TypedEntryScreen
from calm_voice.ui.widgets.listening import ListeningIndicator
from calm_voice.ui.widgets.notice_bar import NoticeBar
from calm_voice.ui.widgets.outline import GuideOutline
from calm_voice.ui.widgets.status_line import NO_SPEAKER, StatusLine
from calm_voice.ui.widgets.step_view import StepView
from tests.ui.helpers import screen_text, settings_for, synchronous, wait_until

GUIDE: Guide = load_guide(default_guide_path())


def shown_step(app: CalmVoiceApp) -> int:
    return app.main.query_one(GuideOutline).current


def step_text(app: CalmVoiceApp) -> str:
    return app.main.query_one(StepView).render().plain


def real_app(tmp_path: Path) -> CalmVoiceApp:
    return make_app(settings_for(tmp_path), GUIDE, voice=False)


class HeldServices:
    """The real services, built only once the test lets them: the screen must not wait."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, settings: Settings, sink: Sink, guide: Guide, voice: bool) -> LoopPort:
        self.release.wait(30)
        return real_services(settings, sink, guide, voice)


@synchronous
async def test_first_paint_shows_the_first_step_before_anything_loads(tmp_path: Path) -> None:
    held = HeldServices()
    app = make_app(settings_for(tmp_path), GUIDE, held, voice=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.loop is None  # the engines are not even being built yet
        assert shown_step(app) == 0
        assert GUIDE.steps[0].title in step_text(app)
        assert GUIDE.steps[0].prompts[0].text in step_text(app)
        assert "Questions for you" in step_text(app)
        await pilot.press("n")  # kept until the loop exists
        held.release.set()
        await wait_until(pilot, lambda: shown_step(app) == 1)


@synchronous
async def test_keys_move_through_the_guide(tmp_path: Path) -> None:
    app = real_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.press("n")
        await wait_until(pilot, lambda: shown_step(app) == 1)
        await pilot.press("n", "n")
        await wait_until(pilot, lambda: shown_step(app) == 3)
        assert GUIDE.steps[3].title in step_text(app)
        await pilot.press("p")
        await wait_until(pilot, lambda: shown_step(app) == 2)
        await pilot.press("s")
        await wait_until(pilot, lambda: app.main.state.mode is Mode.IDLE)
        assert "Ready" in str(app.main.query_one(StatusLine).render())
        await pilot.press("space")
        await wait_until(pilot, lambda: app.main.state.mode is Mode.PLAYING)
        await pilot.press("space")
        await wait_until(pilot, lambda: app.main.state.mode is Mode.PAUSED)
        # Without a speaker (no sound server in this process) nothing was read, so nothing paused.
        paused = "Paused" if app.loop is not None and app.loop.speaker is not None else NO_SPEAKER
        assert str(app.main.query_one(StatusLine).render()).startswith(paused)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.main.state.mode is Mode.PLAYING)
        assert shown_step(app) == 2


@synchronous
async def test_the_place_is_remembered_between_runs(tmp_path: Path) -> None:
    app = real_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.press("n", "n")
        await wait_until(pilot, lambda: shown_step(app) == 2)
        await pilot.press("q")
    again = real_app(tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        assert shown_step(again) == 2  # at first paint, before the loop exists
        assert GUIDE.steps[2].title in step_text(again)
        await wait_until(pilot, lambda: again.loop is not None)


@synchronous
async def test_help_opens_and_closes(tmp_path: Path) -> None:
    app = real_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        assert "next question, then next step" in shown and "You can say" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
        await wait_until(pilot, lambda: app.loop is not None)


@synchronous
async def test_a_typed_answer_is_saved_in_the_journal(tmp_path: Path) -> None:
    app = real_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TypedEntryScreen)
        assert app.screen.prompt == GUIDE.steps[0].prompts[0].text
        await pilot.press(*"I came here tired", "enter")
        await pilot.pause()
        assert app.screen is app.main
        await wait_until(pilot, lambda: "Saved to your journal" in
                         " ".join(n.message for n in app._notifications))
    with JournalStore.from_settings(app.settings) as store:
        entries = store.all_entries()
    assert [(e.step, e.prompt) for e in entries] == [("intro", GUIDE.steps[0].prompts[0].id)]
    assert [u.text for u in entries[0].utterances] == ["I came here tired"]


@synchronous
async def test_escape_keeps_a_typed_answer_until_pressed_twice(tmp_path: Path) -> None:
    app = real_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"half a thought", "escape")
        await pilot.pause()
        assert isinstance(app.screen, TypedEntryScreen)  # not thrown away by one key
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
        await wait_until(pilot, lambda: app.loop is not None)


@synchronous
async def test_j_opens_the_journal_screen(tmp_path: Path) -> None:
    app = real_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


@synchronous
async def test_missing_speaker_and_model_become_notices_not_a_crash(tmp_path: Path,
                                                                     monkeypatch: object) -> None:
    app = make_app(settings_for(tmp_path), GUIDE, voice=True)
    async with app.run_test(size=(120, 40)) as pilot:
        bar = app.main.query_one(NoticeBar)
        await wait_until(pilot, lambda: any("models download vosk-model-small-en-us-0.15" in n
                                            for n in bar.notices))
        assert bar.display
        status = str(app.main.query_one(StatusLine).render())
        assert "not installed" in status
        await pilot.press("n")
        await wait_until(pilot, lambda: shown_step(app) == 1)


@pytest.mark.vosk
@synchronous
async def test_a_missing_microphone_leaves_keyboard_mode_with_a_notice(
        tmp_path: Path, korean_model_path: Path) -> None:
    settings = load_settings(None, models_dir=tmp_path / "models",
                             recognizer__model=str(korean_model_path),
                             audio__input_device="no such microphone")
    app = make_app(settings, GUIDE, voice=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        bar = app.main.query_one(NoticeBar)
        await wait_until(pilot, lambda: any("microphone" in n.lower() for n in bar.notices),
                         timeout=120)
        status = str(app.main.query_one(StatusLine).render())
        assert f"model: {find_model(settings).name}, not in use" in status, status
        assert app.main.query_one(ListeningIndicator).status == "off"
        await pilot.press("n")
        await wait_until(pilot, lambda: shown_step(app) == 1)
