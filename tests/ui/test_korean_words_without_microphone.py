"""In Korean mode with no microphone, help and the palette name the Korean command words from
the first paint on: the real app and the real session loop, no speaker, and voice wanted but
with no model and so no microphone ever attached.

The words are those of the test environment: tests/conftest.py points CALM_VOICE_COMMANDS at
tests/data/commands, whose word for next is 다음 (the shipped content/commands.ko.yaml says
넘어가), and the app loads its commands just as it does for a person."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from calm_voice.config import Settings, load_settings
from calm_voice.guide import load_guide
from calm_voice.session.spoken_words import SpokenWords
from calm_voice.ui.app import CalmVoiceApp, configured_words, make_app
from calm_voice.ui.screens.help import HelpScreen
from tests.ui.helpers import screen_text, synchronous, wait_until
from tests.ui.test_main_screen import HeldServices

KOREAN_NEXT = "“다음”"


def korean_settings(tmp_path: Path) -> Settings:
    models = tmp_path / "no-models"
    models.mkdir()
    return load_settings(None, language="ko", models_dir=models,
                         recognizer__model="no-such-model",
                         audio__output_device="no speaker called this",
                         speaker__read_on_start=False)


def korean_app(tmp_path: Path, services: HeldServices) -> CalmVoiceApp:
    settings = korean_settings(tmp_path)
    return make_app(settings, load_guide(settings.guide_path), services, voice=True)


async def help_shown(app: CalmVoiceApp, pilot: Pilot[Any]) -> str:
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
    shown = screen_text(app)
    await pilot.press("escape")
    await wait_until(pilot, lambda: app.screen is app.main)
    return shown


@synchronous
async def test_help_names_the_korean_word_before_and_after_the_loop_starts(
        tmp_path: Path) -> None:
    held = HeldServices()
    app = korean_app(tmp_path, held)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.loop is None
        before = await help_shown(app, pilot)
        assert KOREAN_NEXT in before and "“next”" not in before
        first_paint = app.main.state
        held.release.set()
        await wait_until(pilot, lambda: app.main.state is not first_paint)  # the loop's own
        assert not app.main.state.voice_attached
        after = await help_shown(app, pilot)
        assert KOREAN_NEXT in after and "“next”" not in after


@synchronous
async def test_the_palette_names_the_korean_word(tmp_path: Path) -> None:
    held = HeldServices()
    app = korean_app(tmp_path, held)
    async with app.run_test(size=(100, 40)) as pilot:
        first_paint = app.main.state
        held.release.set()
        await wait_until(pilot, lambda: app.main.state is not first_paint)  # the loop's own
        offered = [command.help for command in app.get_system_commands(app.main)]
        assert any(f"(say {KOREAN_NEXT})" in text for text in offered)
        assert not any("(say “next”)" in text for text in offered)


def test_with_no_commands_to_read_the_english_words_stay(tmp_path: Path) -> None:
    settings = korean_settings(tmp_path)
    missing = replace(settings, recognizer=replace(settings.recognizer, language="xx"))
    assert configured_words(missing) == SpokenWords()
