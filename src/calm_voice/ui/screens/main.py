"""The main screen: outline, current step, what was heard, and the status line."""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Footer, Static

from calm_voice.events import Command, CommandKind
from calm_voice.guide import Guide
from calm_voice.safe_text import for_markup
from calm_voice.session.inputs import Input, PersonAway, PersonBack
from calm_voice.session.script import next_move
from calm_voice.session.state import Listening, Mode, SessionState
from calm_voice.ui import messages as m
from calm_voice.ui.keys import bindings
from calm_voice.ui.widgets.level_meter import LevelMeter
from calm_voice.ui.widgets.listening import ListeningIndicator
from calm_voice.ui.widgets.notice_bar import NoticeBar
from calm_voice.ui.widgets.outline import GuideOutline
from calm_voice.ui.widgets.status_line import StatusLine
from calm_voice.ui.widgets.step_view import StepView
from calm_voice.ui.widgets.transcript import Line, TranscriptPane

HEARING = (Listening.LISTENING, Listening.COMMANDS_WHILE_SPEAKING, Listening.TAKING_NOTES)
NARROW = 100  # columns below which the side panes shrink
WIDE = 160  # columns from which the step text keeps its measure and the outline widens
NO_SPEAKER_HINT = "No speaker: read it here. Press a for its questions, n for the next step."


class Controller(Protocol):
    """What the screen asks of the app: hand a command on, or open another screen."""

    def send(self, event: Input) -> None: ...
    def set_model_state(self, state: str) -> None: ...
    def voice_trouble(self) -> None: ...


def hint(state: SessionState, guide: Guide, reads_aloud: bool) -> str:
    """What to do next; without a speaker, never an offer to hear or pause the step."""
    waiting = state.next_prompt is not None or state.step_done
    if not reads_aloud and (state.mode in (Mode.PLAYING, Mode.PAUSED)
                            or (state.mode is Mode.IDLE and not waiting)):
        return NO_SPEAKER_HINT
    return next_move(state, guide)


def command_words(command: Command) -> str:
    words = command.kind.value.replace("goto_", "go to ").replace("_", " ")
    return f"{words} {command.number}" if command.number is not None else words


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = bindings()  # type: ignore[assignment]

    def __init__(self, guide: Guide, state: SessionState, controller: Controller) -> None:
        super().__init__()
        self.guide = guide
        self.state = state
        self.controller = controller
        self.away = False
        self.reads_aloud = True

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
        yield Static(hint(self.state, self.guide, self.reads_aloud), id="hint")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(GuideOutline).current = self.state.step
        self.query_one(NoticeBar).display = False

    # Another screen on top: the guide waits (the command palette is only a way to a key).

    def on_screen_suspend(self) -> None:
        if isinstance(self.app.screen, CommandPalette) or self.away:
            return
        self.away = True
        self.query_one(Footer).display = False  # a dialog's keys are its own
        self.controller.send(PersonAway())

    def on_screen_resume(self) -> None:
        self.query_one(Footer).display = True
        if self.away:
            self.away = False
            self.controller.send(PersonBack())

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")
        self.set_class(event.size.width >= WIDE, "-wide")
        self.call_after_refresh(self._keep_in_view)  # the text wraps anew at the new width

    def action_command(self, kind: str) -> None:
        self.controller.send(Command(CommandKind(kind), source="key"))

    def action_go_to_step(self) -> None:
        self.query_one(GuideOutline).focus()

    @on(GuideOutline.StepChosen)
    def go_to_chosen(self, message: GuideOutline.StepChosen) -> None:
        self.controller.send(Command(CommandKind.GOTO_STEP, message.index + 1, source="key"))

    # Reports from the session loop, posted by the bridge.

    @on(m.StateChanged)
    def show_state(self, message: m.StateChanged) -> None:
        self.state = message.state
        self.query_one(GuideOutline).current = message.state.step
        self.query_one(StepView).state = message.state
        self.query_one(StatusLine).mode = message.state.mode
        self._show_hint()
        self.call_after_refresh(self._keep_in_view)

    def _show_hint(self) -> None:
        self.query_one("#hint", Static).update(
            for_markup(hint(self.state, self.guide, self.reads_aloud)))

    def _keep_in_view(self) -> None:
        """The sentence being read, or the question asked, stays on screen."""
        view = self.query_one(StepView)
        lines = view.marked_lines()
        if lines is not None:
            top, bottom = lines
            region = Region(0, view.virtual_region.y + top, 1, bottom - top + 1)
            self.query_one("#step-pane", VerticalScroll).scroll_to_region(
                region, animate=False, immediate=True)

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

    def notices(self) -> tuple[str, ...]:
        return self.query_one(NoticeBar).notices

    def set_listening(self, status: Listening) -> None:
        self.query_one(ListeningIndicator).status = status

    def set_speaker(self, device: str, voice: str) -> None:
        status = self.query_one(StatusLine)
        status.device, status.voice = device, voice

    def set_no_speaker(self) -> None:
        """Nothing can be read aloud: the status and the hint say so instead of "Reading"."""
        self.set_speaker("none", "not reading aloud")
        self.reads_aloud = self.query_one(StatusLine).reads_aloud = False
        self._show_hint()

    def set_model(self, name: str, state: str) -> None:
        status = self.query_one(StatusLine)
        status.model, status.model_state = name, state
