"""The session loop: one thread that feeds every input to transition() and carries out the
effects it returns. It decides nothing; whatever must be remembered is in SessionState.

The TUI and headless `listen` both drive this same loop (built by assemble.py); they differ
only in their Sink.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from calm_voice.commands import Vocabulary
from calm_voice.config import Settings
from calm_voice.errors import CalmVoiceError
from calm_voice.events import Command
from calm_voice.guide import Guide
from calm_voice.runtime.echo_verdict import with_echo_verdict
from calm_voice.runtime.journal_effects import apply_journal
from calm_voice.runtime.ports import JournalPort, Sink, SpeakerPort, VoiceControl
from calm_voice.runtime.position import save_position
from calm_voice.runtime.reports import SpokenNotices, report
from calm_voice.runtime.speech_out import SpeechOut
from calm_voice.session import effects as e
from calm_voice.session.context import MIN_COMMAND_CONFIDENCE, Context
from calm_voice.session.inputs import (
    Input,
    MicrophoneLost,
    SpeakerPlaying,
    Tick,
    VoiceAttached,
    VoiceHeard,
)
from calm_voice.session.machine import transition
from calm_voice.session.spoken_words import spoken_words
from calm_voice.session.state import SessionState

log = logging.getLogger(__name__)
TICK_S = 0.25


@dataclass(frozen=True)
class _AttachVoice:
    """Hands the voice input to the loop's own thread, which alone keeps it."""

    voice: VoiceControl
    model_name: str


class SessionLoop:
    def __init__(self, guide: Guide, sink: Sink, *, speaker: SpeakerPort | None,
                 vocabulary: Vocabulary, settings: Settings, start_step: int = 0,
                 start_sentence: int = 0,
                 journal: JournalPort | None = None,
                 journal_factory: Callable[[], JournalPort] | None = None) -> None:
        self.guide = guide
        self.sink: Sink = (SpokenNotices(sink, self.submit)
                           if speaker is not None and settings.speaker.speak_notices else sink)
        self.speaker = speaker
        self.vocabulary = vocabulary
        self.settings = settings
        self._context = Context(guide, vocabulary, MIN_COMMAND_CONFIDENCE,
                                settings.journal.silence_timeout)
        self._journal = journal
        self._journal_factory = journal_factory
        self._voice: VoiceControl | None = None
        self._inputs: queue.Queue[Input | _AttachVoice] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # The words to say are the configured language's from the start, not only once a
        # microphone attaches: help and hints name them with keys alone too.
        self._state = SessionState(step=start_step, sentence=start_sentence,
                                   spoken=spoken_words(vocabulary))
        self._speech = SpeechOut(speaker, guide, self.sink, self.submit,
                                 settings.speaker.lookahead)

    @property
    def state(self) -> SessionState:
        return self._state

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="calm-session", daemon=True)
        self._thread.start()

    def submit(self, event: Input) -> None:
        """Thread-safe: anything in calm_voice.session.inputs (a Command, VoiceHeard, …)."""
        self._inputs.put(event)

    def attach_voice(self, voice: VoiceControl, model_name: str = "") -> None:
        self._inputs.put(_AttachVoice(voice, model_name))

    def stop(self) -> None:
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the loop ends (after Quit or stop); True if it did."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # The loop thread from here on.

    def _run(self) -> None:
        self._open_journal()
        self.sink.on_state(self._state)
        self.sink.on_listening(self._state.listening)
        try:
            while not self._stop.is_set():
                try:
                    event: Input | _AttachVoice = self._inputs.get(timeout=TICK_S)
                except queue.Empty:
                    event = Tick()
                try:
                    self._feed(self._received(event))
                except CalmVoiceError as error:
                    self.sink.on_notice(str(error), "error")
        finally:
            self._shutdown()

    def _open_journal(self) -> None:
        if self._journal is None and self._journal_factory is not None:
            try:
                self._journal = self._journal_factory()
            except CalmVoiceError as error:
                self.sink.on_notice(f"{error} Your answers cannot be saved until this is fixed.",
                                    "error")

    def _shutdown(self) -> None:
        entry_id = self._state.entry_id
        if self._journal is not None and entry_id is not None:
            try:
                self._journal.close_entry(entry_id)
            except CalmVoiceError as error:  # e.g. deleted meanwhile: still close the rest
                log.warning("could not close the journal entry: %s", error)
        if self._voice is not None:
            self._voice.stop()
        if self.speaker is not None:
            self.speaker.close()
        if self._journal is not None:
            self._journal.close()

    def _received(self, event: Input | _AttachVoice) -> Input:
        """Take what only this thread may hold, report what arrived, add the echo verdict."""
        if isinstance(event, _AttachVoice):
            self._voice = event.voice
            return VoiceAttached(event.model_name)
        if isinstance(event, MicrophoneLost):
            self._voice = None
        elif isinstance(event, Command):
            self.sink.on_command(event)
        elif isinstance(event, VoiceHeard) and self.settings.recognizer.reject_own_voice:
            return with_echo_verdict(event, self.speaker)
        return event

    def _feed(self, first: Input) -> None:
        """transition() the input, then whatever carrying out its effects reported back."""
        pending: deque[Input] = deque([first])
        while pending:
            before = self._state
            self._state, effects = transition(before, pending.popleft(), self._context,
                                              time.monotonic())
            for effect in effects:
                answer = self._apply(effect)
                if answer is not None:
                    pending.append(answer)
            if self._state != before:
                self.sink.on_state(self._state)
            playing = self.speaker is not None and self.speaker.is_playing()
            if playing != self._state.speaking:
                pending.append(SpeakerPlaying(playing))

    # Effects.

    def _apply(self, effect: e.Effect) -> Input | None:
        if self._speech.apply(effect, self._state.step) or report(effect, self.sink):
            return None
        if isinstance(effect, e.SavePosition):
            try:
                save_position(self.settings.state_file, self.guide, effect.step_id,
                              effect.sentence)
            except OSError as error:
                log.warning("could not save position: %s", error)
        elif isinstance(effect, e.SetRecognizerMode):
            if self._voice is not None:
                self._voice.set_mode(effect.mode)
        elif isinstance(effect, e.Quit):
            self.sink.on_quit()
            self._stop.set()
        else:
            return apply_journal(effect, self._journal, self.guide)
        return None
