"""Every spoken command has a key, in the help and in the palette; the outline goes to a step;
what another screen covers; and layouts from 80x24 to 200x50 (stand-in loop)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calm_voice.config import load_settings
from calm_voice.events import Command, CommandKind
from calm_voice.guide import Guide, load_guide
from calm_voice.paths import default_guide_path
from calm_voice.session.inputs import PersonAway, PersonBack
from calm_voice.session.state import Mode, SessionState
from calm_voice.ui.app import CalmVoiceApp, make_app
from calm_voice.ui.keys import KEYS
from calm_voice.ui.screens.help import HelpScreen
from calm_voice.ui.widgets.outline import GuideOutline
from calm_voice.ui.widgets.step_view import StepView
from tests.ui.helpers import (
    FakeLoop,
    FakeServices,
    screen_text,
    settings_for,
    synchronous,
    wait_until,
)

GUIDE: Guide = load_guide(default_guide_path())
K = CommandKind


def fake_app(tmp_path: Path, state: SessionState | None = None) -> tuple[CalmVoiceApp,
                                                                           FakeServices]:
    services = FakeServices(state)
    return make_app(settings_for(tmp_path), GUIDE, services, voice=False), services


def loop_of(services: FakeServices) -> FakeLoop:
    assert services.loop is not None
    return services.loop


def commands(services: FakeServices) -> list[Command]:
    return [e for e in loop_of(services).submitted if isinstance(e, Command)]


def test_every_spoken_command_has_a_key() -> None:
    keyed = {CommandKind(key.action.split("'")[1]) for key in KEYS if key.action.startswith(
        "command(")}
    keyed |= {K.GOTO_STEP, K.HELP, K.QUIT}  # the outline, ?, q
    keyed |= {K.PAUSE, K.RESUME}  # space toggles
    assert set(CommandKind) - keyed == {K.GOTO_REASON}  # a reason is a step in the outline


@synchronous
async def test_each_key_sends_its_command(tmp_path: Path) -> None:
    app, services = fake_app(tmp_path)
    keyed = [(key.keys.split(",")[0], key.action.split("'")[1]) for key in KEYS
             if key.action.startswith("command(")]
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        for key, _ in keyed:
            await pilot.press(key)
        await pilot.press("equals_sign", "full_stop", "comma")  # the keys without shift
        await pilot.pause()
        sent = [c.kind.value for c in commands(services)]
        assert sent == [kind for _, kind in keyed] + ["louder", "faster", "slower"]


@synchronous
async def test_the_outline_takes_focus_and_goes_to_a_step_by_key_or_click(tmp_path: Path) -> None:
    app, services = fake_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.press("g")
        outline = app.main.query_one(GuideOutline)
        assert outline.has_focus
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert commands(services)[-1] == Command(K.GOTO_STEP, 3, source="key")
        line = next(i for i, (_, step) in enumerate(outline.lines) if step == 6)
        await pilot.click(GuideOutline, offset=(4, line))
        await pilot.pause()
        assert commands(services)[-1] == Command(K.GOTO_STEP, 7, source="key")
        await pilot.press("escape", "tab")  # the keys of the screen work again after it
        app.main.query_one(StepView).focus()
        await pilot.press("n")
        await pilot.pause()
        assert commands(services)[-1].kind is K.NEXT


@synchronous
async def test_the_palette_offers_every_key_and_runs_it(tmp_path: Path) -> None:
    app, services = fake_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        titles = [c.title for c in app.get_system_commands(app.main)]
        for key in KEYS:
            assert f"{key.label} ({key.shown})" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Louder")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(c.kind is K.LOUDER for c in commands(services)))
        submitted = loop_of(services).submitted
        assert PersonAway() not in submitted, "the palette is a way to a key, not elsewhere"


@synchronous
async def test_other_screens_send_away_and_back_and_hide_the_main_keys(tmp_path: Path) -> None:
    app, services = fake_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        for key in ("question_mark", "t", "m"):
            await pilot.press(key)
            await pilot.pause()
            assert loop_of(services).submitted[-1] == PersonAway()
            assert "Play/pause" not in screen_text(app).splitlines()[-1]
            await pilot.press("escape")
            await pilot.pause()
            assert loop_of(services).submitted[-1] == PersonBack()
            assert "Play/pause" in screen_text(app).splitlines()[-1]


@synchronous
async def test_at_80x24_every_key_is_reachable_and_help_shows_its_way_out(tmp_path: Path) -> None:
    app, _ = fake_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        footer = screen_text(app).splitlines()[-1]
        for shown in ("space Play/pause", "n Next", "t Type answer", "? Help", "q Quit",
                      "^p palette"):
            assert shown in footer, footer
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Press Escape to go back." in screen_text(app)
        body = app.screen.query_one("#help-body")
        body.scroll_end(animate=False)
        await pilot.pause()
        shown = screen_text(app)
        assert "q" in shown and "quit (your place is remembered)" in shown
        assert "Press Escape to go back." in shown


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@synchronous
async def test_the_sentence_read_and_the_question_asked_stay_in_view(
        tmp_path: Path, size: tuple[int, int]) -> None:
    step = GUIDE.index_of("reason-3")
    last = len(GUIDE.steps[step].sentences) - 1
    app, _ = fake_app(tmp_path, SessionState(step=step, mode=Mode.PLAYING, sentence=last))
    async with app.run_test(size=size) as pilot:
        ending = GUIDE.steps[step].sentences[last].split()[-1]
        await wait_until(pilot, lambda: app.main.state.mode is Mode.PLAYING
                         and ending in screen_text(app))
        app.bridge.on_state(SessionState(step=step, mode=Mode.REFLECTING, prompt=1))
        question = GUIDE.steps[step].prompts[1].text.split()

        def asked_in_view() -> bool:
            text = " ".join(screen_text(app).split())
            return (" ".join(question[:2]) in text and question[-1] in text
                    and "Questions for you" in text)

        await wait_until(pilot, lambda: app.main.state.mode is Mode.REFLECTING
                         and asked_in_view())


@synchronous
async def test_wide_terminals_keep_a_readable_measure_and_whole_titles(tmp_path: Path) -> None:
    app, _ = fake_app(tmp_path, SessionState(step=6))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.pause()
        view = app.main.query_one(StepView)
        assert 70 <= view.content_size.width <= 80
        text = screen_text(app)
        for step in GUIDE.steps:
            assert step.title in text
    app, _ = fake_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.pause()
        assert "off, keys only" in screen_text(app)  # the status line is not cut


@synchronous
async def test_a_dialog_opened_before_the_engines_are_ready_still_lets_reading_start(
        tmp_path: Path) -> None:
    services = FakeServices(wait=True)
    models = tmp_path / "no-models"
    models.mkdir()
    settings = load_settings(None, models_dir=models)  # reads on start
    app = make_app(settings, GUIDE, services, voice=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        services.release.set()
        await wait_until(pilot, lambda: app.loop is not None)
        assert loop_of(services).submitted == [Command(K.RESUME), PersonAway()]
        await pilot.press("escape")  # reading, paused meanwhile, goes on from here
        await pilot.pause()
        assert loop_of(services).submitted[-1] == PersonBack()
