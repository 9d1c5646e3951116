"""The main screen: outline, current step, what was heard, and the status line."""

from __future__ import annotations

from typing import Protocol

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from calm_voice.events import Command, CommandKind
from calm_voice.guide import Guide
from calm_voice.safe_text import for_markup
from calm_voice.session.state import Listening, SessionState
from calm_voice.ui import messages as m
from calm_voice.ui.widgets.level_meter import LevelMeter
from calm_voice.ui.widgets.listening import ListeningIndicator
from calm_voice.ui.widgets.notice_bar import NoticeBar
from calm_voice.ui.widgets.outline import GuideOutline
from calm_voice.ui.widgets.status_line import StatusLine
from calm_voice.ui.widgets.step_view import StepView
from calm_voice.ui.widgets.transcript import Line, TranscriptPane

HEARING = (Listening.LISTENING, Listening.COMMANDS_WHILE_SPEAKING, Listening.TAKING_NOTES)
NARROW = 100  # columns below which the side panes shrink


class Controller(Protocol):
    """What the screen asks of the app: hand a command on, or open another screen."""

    def send(self, event: Command) -> None: ...
    def set_model_state(self, state: str) -> None: ...
    def voice_trouble(self) -> None: ...


def command_words(command: Command) -> str:
    words = command.kind.value.replace("goto_", "go to ").replace("_", " ")
    return f"{words} {command.number}" if command.number is not None else words


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "command('toggle')", "Play/pause"),
        Binding("n", "command('next')", "Next"),
        Binding("p", "command('previous')", "Previous"),
        Binding("r", "command('repeat')", "Repeat"),
        Binding("s", "command('stop')", "Stop"),
        Binding("t", "app.type_answer", "Type answer"),
        Binding("j", "app.journal", "Journal"),
        Binding("m", "app.models", "Models"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, guide: Guide, state: SessionState, controller: Controller) -> None:
        super().__init__()
        self.guide = guide
        self.state = state
        self.controller = controller

    def compose(self) -> ComposeResult:
        yield Static(for_markup(self.guide.title), id="title-bar")
        yield NoticeBar(id="notices")
        with Horizontal(id="body"):
            with VerticalScroll(id="outline-pane"):
                yield GuideOutline(self.guide, id="outline")
            with VerticalScroll(id="step-pane"):
                yield StepView(self.guide, self.state, id="step")
            with Vertical(id="voice-pane"):
                with Horizontal(id="voice-top"):
                    yield ListeningIndicator(id="listening")
                    yield LevelMeter(id="level")
                with VerticalScroll(id="transcript-pane"):
                    yield TranscriptPane(id="transcript")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(GuideOutline).current = self.state.step
        self.query_one(NoticeBar).display = False

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def action_command(self, kind: str) -> None:
        self.controller.send(Command(CommandKind(kind), source="key"))

    # Reports from the session loop, posted by the bridge.

    @on(m.StateChanged)
    def show_state(self, message: m.StateChanged) -> None:
        self.state = message.state
        self.query_one(GuideOutline).current = message.state.step
        self.query_one(StepView).state = message.state
        self.query_one(StatusLine).mode = message.state.mode

    @on(m.PartialHeard)
    def show_partial(self, message: m.PartialHeard) -> None:
        self.query_one(TranscriptPane).show_partial(message.at, message.heard.text)
        self._scroll_transcript()

    @on(m.FinalHeard)
    def show_final(self, message: m.FinalHeard) -> None:
        pane = self.query_one(TranscriptPane)
        if message.heard.text.strip():
            pane.add(Line(message.at, message.heard.text, "final"))
        else:
            pane.show_partial(message.at, "")
        self._scroll_transcript()

    @on(m.CommandSeen)
    def show_command(self, message: m.CommandSeen) -> None:
        if message.command.source != "voice":
            return
        words = command_words(message.command)
        if message.ignored_reason:
            line = Line(message.at, f"not done: {words} ({message.ignored_reason})", "ignored")
        else:
            line = Line(message.at, f"→ {words}", "command")
        self.query_one(TranscriptPane).add(line)
        self._scroll_transcript()

    @on(m.Said)
    def show_said(self, message: m.Said) -> None:
        self.query_one(TranscriptPane).add(Line(message.at, f"guide: {message.text}", "said"))
        self._scroll_transcript()

    @on(m.LevelChanged)
    def show_level(self, message: m.LevelChanged) -> None:
        self.query_one(LevelMeter).dbfs = message.dbfs

    @on(m.ListeningChanged)
    def show_listening(self, message: m.ListeningChanged) -> None:
        self.query_one(ListeningIndicator).status = message.status
        if message.status in HEARING:
            self.controller.set_model_state("ready")
        else:
            self.query_one(LevelMeter).dbfs = None

    @on(m.NoticePosted)
    def show_notice(self, message: m.NoticePosted) -> None:
        if message.severity in ("warning", "error"):
            self.query_one(NoticeBar).add(message.text)
            self.controller.voice_trouble()
        else:
            self.app.notify(for_markup(message.text), timeout=6)

    @on(m.EntrySaved)
    def show_saved(self, message: m.EntrySaved) -> None:
        words = "word" if message.words == 1 else "words"
        self.app.notify(f"Saved to your journal ({message.words} {words}).", timeout=6)

    @on(m.HelpWanted)
    async def help_wanted(self) -> None:
        await self.app.run_action("help")

    @on(m.QuitWanted)
    def quit_wanted(self) -> None:
        self.app.exit()

    def _scroll_transcript(self) -> None:
        self.query_one("#transcript-pane", VerticalScroll).scroll_end(animate=False)

    def show_notice_text(self, text: str) -> None:
        self.query_one(NoticeBar).add(text)

    def set_listening(self, status: Listening) -> None:
        self.query_one(ListeningIndicator).status = status

    def set_speaker(self, device: str, voice: str) -> None:
        status = self.query_one(StatusLine)
        status.device, status.voice = device, voice

    def set_model(self, name: str, state: str) -> None:
        status = self.query_one(StatusLine)
        status.model, status.model_state = name, state
