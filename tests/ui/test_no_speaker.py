"""With no speaker the screen never claims to read aloud: the real app, the real session loop and
the real speaker start-up, which finds no output device."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from calm_voice.config import load_settings
from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from calm_voice.session.state import Mode
from calm_voice.ui.app import CalmVoiceApp, make_app
from calm_voice.ui.screens.main import NO_SPEAKER_HINT
from calm_voice.ui.widgets.status_line import NO_SPEAKER, StatusLine
from tests.ui.helpers import synchronous, wait_until

GUIDE = load_guide(default_guide_path())


def status(app: CalmVoiceApp) -> str:
    return str(app.main.query_one(StatusLine).render())


def hint(app: CalmVoiceApp) -> str:
    return str(app.main.query_one("#hint", Static).render())


@synchronous
async def test_space_without_a_speaker_says_the_text_is_only_shown(tmp_path: Path) -> None:
    models = tmp_path / "no-models"
    models.mkdir()
    settings = load_settings(None, models_dir=models,
                             audio__output_device="no speaker called this")
    app = make_app(settings, GUIDE, voice=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        assert app.loop.speaker is None
        await wait_until(pilot, lambda: status(app).startswith("Ready  ·  speaker: none"))
        assert hint(app) == NO_SPEAKER_HINT  # not "Press space to hear this step"
        await pilot.press("space")
        await wait_until(pilot, lambda: app.main.state.mode is Mode.PLAYING)
        await wait_until(pilot, lambda: status(app).startswith(NO_SPEAKER))
        assert "Reading aloud" not in status(app) + hint(app)
        await pilot.press("space")
        await wait_until(pilot, lambda: app.main.state.mode is Mode.PAUSED)
        await wait_until(pilot, lambda: status(app).startswith(NO_SPEAKER))
        assert "Paused" not in status(app) + hint(app)
        await pilot.press("a")  # what the hint offers works: the step's first question
        await wait_until(pilot, lambda: app.main.state.mode is Mode.REFLECTING)
        assert hint(app).startswith("Question 1 of 2.")
        assert status(app).startswith("Your turn to reflect  ·  speaker: none")
