"""The TUI on the virtual devices: real espeak-ng reading into the virtual speaker, real Vosk
(the Korean model) listening to the virtual microphone, shown by the real widgets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.message import Message

from calm_voice.audio.devices import rescan
from calm_voice.config import load_settings
from calm_voice.guide import load_guide
from calm_voice.session.state import Mode
from calm_voice.speech.discovery import find_model
from calm_voice.ui import messages as m
from calm_voice.ui.app import make_app
from calm_voice.ui.screens.help import HelpScreen
from calm_voice.ui.widgets.level_meter import LevelMeter
from calm_voice.ui.widgets.listening import ListeningIndicator
from calm_voice.ui.widgets.outline import GuideOutline
from calm_voice.ui.widgets.status_line import StatusLine
from calm_voice.ui.widgets.transcript import TranscriptPane
from tests.conftest import REPO
from tests.support.pulse import PulseServer
from tests.ui.helpers import screen_text, synchronous, wait_until

pytestmark = [pytest.mark.audio, pytest.mark.vosk]

KO_GUIDE = REPO / "tests" / "data" / "guide.ko.yaml"


def espeak_ko(text: str, out: Path) -> Path:
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(out), text], check=True)
    return out


@synchronous
async def test_reading_highlight_and_a_spoken_command_on_screen(
        pulse: PulseServer, tmp_path: Path, korean_model_path: Path) -> None:
    rescan()
    settings = load_settings(None, guide_path=KO_GUIDE, models_dir=tmp_path / "models",
                             recognizer__language="ko", recognizer__model=str(korean_model_path),
                             speaker__rate=150, speaker__read_on_start=False)
    guide = load_guide(KO_GUIDE)
    seen: list[Message] = []
    app = make_app(settings, guide, voice=True)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        indicator = app.main.query_one(ListeningIndicator)
        await wait_until(pilot, lambda: indicator.status == "listening", timeout=120)
        status = str(app.main.query_one(StatusLine).render())
        assert f"model: {find_model(settings).name}, ready" in status, status
        assert "speaker: none" not in status  # the virtual speaker was found

        # Say "다음" (next) into the virtual microphone.
        pulse.play(espeak_ko("다음", tmp_path / "next.wav")).wait(timeout=20)
        outline = app.main.query_one(GuideOutline)
        await wait_until(pilot, lambda: outline.current == 1, timeout=60)
        lines = app.main.query_one(TranscriptPane).lines
        assert any(line.kind == "final" and "다음" in line.text for line in lines), lines
        assert any(line.kind == "command" and "next" in line.text for line in lines), lines
        # The meter follows the microphone (older levels give way to newer ones).
        assert any(isinstance(s, m.LevelChanged) for s in seen)
        assert app.main.query_one(LevelMeter).dbfs is not None

        # Back to step 1 with a key; each sentence is marked as it reaches the speaker.
        await wait_until(pilot, lambda: indicator.status == "taking notes", timeout=90)
        mark = len(seen)
        await pilot.press("p")
        await wait_until(pilot, lambda: outline.current == 0)
        await wait_until(pilot, lambda: indicator.status == "taking notes", timeout=90)
        states = [(s.state.step, s.state.mode, s.state.sentence) for s in seen[mark:]
                  if isinstance(s, m.StateChanged)]
        reading = [sentence for step, mode, sentence in states
                   if step == 0 and mode is Mode.PLAYING]
        assert reading == sorted(reading) and {0, 1, 2} <= set(reading), states
        statuses = [s.status for s in seen if isinstance(s, m.ListeningChanged)]
        assert "listening for commands" in statuses and "taking notes" in statuses, statuses

        # Stop taking notes, then ask for help aloud.
        await pilot.press("s")
        await wait_until(pilot, lambda: indicator.status == "listening", timeout=30)
        pulse.play(espeak_ko("도움말", tmp_path / "help.wav")).wait(timeout=20)
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=60)
        # It names the Korean words the recogniser listens for, not English ones.
        await wait_until(pilot, lambda: "Press Escape" in screen_text(app), timeout=30)
        shown = screen_text(app)
        assert "“다음”" in shown and "“next”" not in shown, shown
        app.screen.query_one("#help-body").scroll_end(animate=False)
        await pilot.pause()
        shown = screen_text(app)
        assert "다음 (next)" in shown and "go to reason three" not in shown, shown
        await pilot.press("escape", "q")
