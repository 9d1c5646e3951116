"""The Textual app: first paint at once, engines loaded in a worker, keys turned into Commands."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol

from textual import on, work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from calm_voice.commands import load_vocabulary
from calm_voice.config import Settings
from calm_voice.errors import CalmVoiceError
from calm_voice.events import Command
from calm_voice.guide import Guide
from calm_voice.journal import JournalStore
from calm_voice.runtime.ports import Sink, SpeakerPort
from calm_voice.runtime.position import load_place
from calm_voice.session.inputs import Input, NoticeToSay, TypedAnswer
from calm_voice.session.spoken_words import SpokenWords, spoken_words
from calm_voice.session.state import Listening, SessionState
from calm_voice.ui.bridge import UiBridge
from calm_voice.ui.keys import KEYS, voice_for
from calm_voice.ui.model_catalog import SpeechModelCatalog
from calm_voice.ui.screens.help import HelpScreen
from calm_voice.ui.screens.main import MainScreen
from calm_voice.ui.screens.models import ModelCatalog, ModelsScreen
from calm_voice.ui.screens.notice import NoticeScreen
from calm_voice.ui.screens.typed_entry import TypedEntryScreen


class LoopPort(Protocol):
    """The part of calm_voice.runtime.loop.SessionLoop the TUI uses."""

    speaker: SpeakerPort | None

    def start(self) -> None: ...
    def submit(self, event: Input) -> None: ...
    def stop(self) -> None: ...


ServicesFactory = Callable[[Settings, Sink, Guide, bool], LoopPort]


def real_services(settings: Settings, sink: Sink, guide: Guide, voice: bool) -> LoopPort:
    from calm_voice.runtime.assemble import build

    return build(settings, sink, guide, voice=voice)


def model_status(settings: Settings) -> tuple[str, str]:
    """Which speech model would be used and whether it is there; reads folders, loads nothing."""
    from calm_voice.speech.discovery import find_model, wanted_model_name

    try:
        return find_model(settings).name, "loading…"
    except CalmVoiceError:
        return wanted_model_name(settings), "not installed"


def configured_words(settings: Settings) -> SpokenWords:
    """The command words of the configured language, so help and the palette name them before
    the session loop is ready; English when the commands cannot be read (starting says why)."""
    try:
        return spoken_words(load_vocabulary(settings.recognizer.language))
    except CalmVoiceError:
        return SpokenWords()


class ModelStatus(Message):
    def __init__(self, name: str, state: str) -> None:
        super().__init__()
        self.name, self.state = name, state


class ServicesReady(Message):
    def __init__(self, loop: LoopPort) -> None:
        super().__init__()
        self.loop = loop


class CalmVoiceApp(App[None]):
    CSS_PATH = "calm_voice.tcss"
    TITLE = "calm-voice"

    def __init__(self, settings: Settings, guide: Guide, services: ServicesFactory, *,
                 start_step: int, voice: bool, start_sentence: int = 0,
                 journal_factory: Callable[[], JournalStore] | None = None,
                 catalog: ModelCatalog | None = None,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__()
        self.settings = settings
        self.guide = guide
        self.services = services
        self.voice = voice
        self.journal_factory = journal_factory or (lambda: JournalStore.from_settings(settings))
        self.catalog = catalog if catalog is not None else SpeechModelCatalog(settings)
        self.loop: LoopPort | None = None
        self.pending: list[Input] = []
        self.closing = threading.Event()
        self.model = ""
        self.model_state = ""
        self.main = MainScreen(guide, SessionState(step=start_step, sentence=start_sentence,
                                                   spoken=configured_words(settings)), self)
        self.bridge = UiBridge(self.main.post_message, clock)

    async def on_mount(self) -> None:
        await self.push_screen(self.main)
        self.main.set_speaker("starting…", "starting…")
        if self.voice:
            self.set_model_state("looking…")
        else:
            self.set_model_state("off, keys only")
            self.main.set_listening(Listening.OFF)
        self.start_services()

    @work(thread=True, exclusive=True, group="services", exit_on_error=False)
    def start_services(self) -> None:
        if self.voice:
            self.post_message(ModelStatus(*model_status(self.settings)))
        loop = self.services(self.settings, self.bridge, self.guide, self.voice)
        if self.closing.is_set():
            loop.start()  # so that stop() runs its shutdown and closes what was opened
            loop.stop()
            return
        self.post_message(ServicesReady(loop))

    @on(ServicesReady)
    def services_ready(self, message: ServicesReady) -> None:
        self.loop = message.loop
        speaker = message.loop.speaker
        if speaker is None:
            self.main.set_no_speaker()
        else:
            self.main.set_speaker(speaker.device_name, speaker.voice_name)
        self.loop.start()
        pending, self.pending = self.pending, []
        # A key pressed meanwhile goes first; otherwise start as `listen` does (and a dialog
        # opened meanwhile, which comes after, pauses it until it closes).
        if not any(isinstance(event, (Command, TypedAnswer)) for event in pending):
            from calm_voice.runtime.assemble import opening_commands

            pending = [*opening_commands(self.settings, speaker), *pending]
        for event in pending:
            self.loop.submit(event)

    @on(ModelStatus)
    def show_model(self, message: ModelStatus) -> None:
        self.model = message.name
        self.set_model_state(message.state)
        if message.state == "not installed":
            self.main.set_listening(Listening.OFF)

    @on(Worker.StateChanged)
    def worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "services" and event.state is WorkerState.ERROR:
            error = event.worker.error
            self.main.set_no_speaker()
            self.set_model_state("off")
            self.push_screen(NoticeScreen(
                "Reading and listening could not start",
                f"{error}\n\nYou can still read the guide here and move with the keys."))

    def send(self, event: Input) -> None:
        """Hand a command to the loop, or keep it until the loop is ready."""
        if self.loop is None:
            self.pending.append(event)
        else:
            self.loop.submit(event)

    def say_notice(self, text: str, severity: str) -> None:
        """A notice shown on another screen is said as the loop's own are (when speak_notices
        is on and there is a speaker); the session decides whether and when. Only enqueues."""
        loop = self.loop
        if loop is not None and loop.speaker is not None and self.settings.speaker.speak_notices:
            loop.submit(NoticeToSay(text, severity))

    def set_model_state(self, state: str) -> None:
        self.model_state = state
        self.main.set_model(self.model, state)

    def voice_trouble(self) -> None:
        """A warning after the engines were built comes from starting the voice: it is off."""
        if self.loop is not None and self.model_state == "loading…":
            self.set_model_state("not in use")
            self.main.set_listening(Listening.OFF)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette (ctrl+p) offers every key of the main screen by name."""
        if screen is self.main:
            for key in KEYS:
                said = voice_for(key, self.main.state.spoken)
                words = f" (say “{said}”)" if said else ""
                yield SystemCommand(f"{key.label} ({key.shown})", f"{key.meaning}{words}",
                                    self._palette_action(key.action))
        yield from super().get_system_commands(screen)

    def _palette_action(self, action: str) -> Callable[[], object]:
        return lambda: self.main.run_action(action)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.main.state.spoken))

    def action_notices(self) -> None:
        notices = self.main.notices()
        if not isinstance(self.screen, NoticeScreen):
            self.push_screen(NoticeScreen("Notices", "\n\n".join(notices) if notices
                                          else "Nothing needs your attention now."))

    def action_type_answer(self) -> None:
        step = self.guide.steps[self.main.state.step]
        prompt = step.prompts[self.main.state.prompt % len(step.prompts)]

        def answered(text: str | None) -> None:
            if text:
                self.send(TypedAnswer(text))

        self.push_screen(TypedEntryScreen(prompt.text), answered)

    def action_journal(self) -> None:
        from calm_voice.ui.screens.journal import JournalScreen

        self.push_screen(JournalScreen(self.journal_factory, self.guide,
                                       output_device=self.settings.audio.output_device,
                                       say=self.say_notice))

    def action_models(self) -> None:
        self.push_screen(ModelsScreen(self.catalog))

    async def action_quit(self) -> None:
        self.exit()

    def on_unmount(self) -> None:
        self.closing.set()
        if self.loop is not None:
            self.loop.stop()


def make_app(settings: Settings, guide: Guide, services: ServicesFactory = real_services, *,
             start_step: int | None = None, voice: bool = True,
             journal_factory: Callable[[], JournalStore] | None = None,
             catalog: ModelCatalog | None = None,
             clock: Callable[[], datetime] = datetime.now) -> CalmVoiceApp:
    """Build the app the same way for the command line and for tests."""
    remembered, sentence = load_place(settings.state_file, guide)
    step = remembered if start_step is None else start_step
    return CalmVoiceApp(settings, guide, services, start_step=step, voice=voice,
                        start_sentence=sentence if step == remembered else 0,
                        journal_factory=journal_factory, catalog=catalog, clock=clock)
