"""The session loop: one thread that feeds events to the pure session and carries out its effects.

The TUI and headless `listen` both drive this same loop; they differ only in their Sink.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import cast

from calm_voice.commands import Vocabulary
from calm_voice.config import Settings
from calm_voice.errors import CalmVoiceError
from calm_voice.events import Command, Final, Partial
from calm_voice.guide import Guide
from calm_voice.runtime.echo import is_own_voice, sounds_like_playback
from calm_voice.runtime.ports import JournalPort, Sink, SpeakerPort
from calm_voice.runtime.position import save_position
from calm_voice.session import machine as s
from calm_voice.session.inputs import (  # re-exported: the loop's public event types
    MicrophoneLost,
    TypedAnswer,
    VoiceControl,
    VoiceHeard,
    _SpeechDone,
    step_script,
)

__all__ = ["MicrophoneLost", "SessionLoop", "TypedAnswer", "VoiceControl", "VoiceHeard",
           "build_services", "step_script"]

log = logging.getLogger(__name__)

ECHO_WINDOW_S = 5.0  # how far back played words count, when the utterance's time is unknown
ECHO_LAG_S = 2.0  # the microphone may hear the speaker this late (see echo.py)
MIN_COMMAND_CONFIDENCE = 0.5


class SessionLoop:
    def __init__(self, guide: Guide, sink: Sink, *, speaker: SpeakerPort | None,
                 vocabulary: Vocabulary, settings: Settings, start_step: int = 0,
                 journal: JournalPort | None = None,
                 journal_factory: Callable[[], JournalPort] | None = None,
                 model_name: str = "") -> None:
        self.guide = guide
        self.sink = sink
        self.speaker = speaker
        self.vocabulary = vocabulary
        self.settings = settings
        self.model_name = model_name
        self._journal = journal
        self._journal_factory = journal_factory
        self._voice: VoiceControl | None = None
        self._events: queue.Queue[object] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = s.SessionState(step=start_step)
        self._entry_id: int | None = None
        self._last_voice_activity = time.monotonic()
        self._recognizer_mode = ""
        self._pending_audio: bytes | None = None
        self._listening = ""
        self._step_replaced = False  # a paused step's audio was replaced by other speech
        self._saved_note = ""

    @property
    def state(self) -> s.SessionState:
        return self._state

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="calm-session", daemon=True)
        self._thread.start()

    def submit(self, event: object) -> None:
        """Thread-safe: a Command, a session event, VoiceHeard or TypedAnswer."""
        self._events.put(event)

    def attach_voice(self, voice: VoiceControl) -> None:
        self.submit(("attach-voice", voice))

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
        self._update_listening()
        try:
            while not self._stop.is_set():
                try:
                    event = self._events.get(timeout=0.25)
                except queue.Empty:
                    self._check_silence()
                    continue
                try:
                    self._handle(event)
                except CalmVoiceError as error:
                    self.sink.on_notice(str(error), "error")
                self._check_silence()
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
        if self._journal is not None and self._entry_id is not None:
            try:
                self._journal.close_entry(self._entry_id)
            except CalmVoiceError as error:  # e.g. deleted meanwhile: still close the rest
                log.warning("could not close the journal entry: %s", error)
            self._entry_id = None
        if self._voice is not None:
            self._voice.stop()
        if self.speaker is not None:
            self.speaker.close()
        close = getattr(self._journal, "close", None)
        if callable(close):
            close()

    def _handle(self, event: object) -> None:
        if isinstance(event, tuple) and event and event[0] == "attach-voice":
            self._voice = event[1]
            self._recognizer_mode = ""
            self._update_listening()
        elif isinstance(event, MicrophoneLost):
            self._voice = None
            self._recognizer_mode = ""
            self._update_listening()
        elif isinstance(event, VoiceHeard):
            self._on_heard(event)
        elif isinstance(event, TypedAnswer):
            self._on_typed(event.text)
        elif isinstance(event, _SpeechDone):
            self._on_speech_done(event)
        else:
            if isinstance(event, Command):
                self.sink.on_command(event)
            self._step(event)

    def _step(self, event: object) -> None:
        before = self._state
        self._state, effects = s.transition(self._state, cast(s.Event, event), self.guide)
        for effect in effects:
            self._apply(effect)
        self._tell_saved(effects)
        if self._state != before:
            self.sink.on_state(self._state)
        self._update_listening()

    def _tell_saved(self, effects: list[s.Effect]) -> None:
        """Say "Saved, N words" unless something else is about to be said."""
        note, self._saved_note = self._saved_note, ""
        if not note:
            return
        if any(isinstance(effect, (s.PlayStep, s.AskPrompt, s.Announce)) for effect in effects):
            self.sink.on_notice(note, "information")  # shown, not spoken over the next thing
        else:
            self._apply(s.Announce(note))

    def _on_heard(self, event: VoiceHeard) -> None:
        heard = event.heard
        self._last_voice_activity = time.monotonic()
        if isinstance(heard, Partial) or not heard.text.strip():
            self.sink.on_heard(heard)
            return
        if (event.mode or self._recognizer_mode) == "dictation":
            if not self._state.entry_open:
                return  # the answer was already closed: nothing to add it to
            if self._is_own_voice(event, by_words=False):
                return  # the tail of the prompt, still arriving: not the person's answer
            command = self.vocabulary.match_dictation_control(heard.text)
            if command is not None:
                self.sink.on_heard(heard)
                self.sink.on_command(command)
                self._step(command)
            else:
                self._pending_audio = event.audio
                self._step(s.Dictated(heard))
                self.sink.on_heard(heard)  # after it is safely stored
            return
        self.sink.on_heard(heard)
        command = self.vocabulary.match(heard.text, strict=True)
        if command is None:
            return
        if heard.words and min(w.conf for w in heard.words) < MIN_COMMAND_CONFIDENCE:
            self.sink.on_command(command, "not sure I heard that right")
            return
        if self._is_own_voice(event):
            self.sink.on_command(command, "that was the guide's own voice")
            return
        self.sink.on_command(command)
        self._step(command)

    def _is_own_voice(self, event: VoiceHeard, by_words: bool = True) -> bool:
        """The guide's words heard back, as the same words or misheard as something else.

        by_words=False judges by sound alone: an answer may well repeat the prompt's words."""
        speaker = self.speaker
        if speaker is None or not self.settings.recognizer.reject_own_voice:
            return False
        played = speaker.recent_text(self._echo_window(event))
        if by_words and is_own_voice(event.heard.text, played):
            return True
        return sounds_like_playback(event.audio, event.audio_end, speaker)

    @staticmethod
    def _echo_window(event: VoiceHeard) -> float:
        """Seconds back to the start of the utterance, plus how late an echo can arrive: speech
        that ended before that cannot be what was heard."""
        if not event.audio or not event.audio_end:
            return ECHO_WINDOW_S
        began = event.audio_end - len(event.audio) / 32000
        return max(0.0, time.monotonic() - began) + ECHO_LAG_S

    def _on_typed(self, text: str) -> None:
        if not text.strip():
            return
        final = Final(text=text.strip())
        self._last_voice_activity = time.monotonic()
        self.sink.on_heard(final)
        if self._state.entry_open:
            self._step(s.Dictated(final))
            return
        step = self.guide.steps[self._state.step]
        prompt = step.prompts[self._state.prompt % len(step.prompts)]
        self._apply(s.OpenEntry(step.id, prompt.id))
        self._apply(s.AddUtterance(final))
        self._apply(s.CloseEntry(1, len(final.text.split())))
        self._tell_saved([])

    def _on_speech_done(self, done: _SpeechDone) -> None:
        if done.kind == "step" and done.completed:
            self._step(s.StepFinished(done.step))
        elif done.kind == "prompt":
            if done.completed:
                self._step(s.PromptAsked(done.step, done.index))
        elif done.kind == "say" and done.completed:
            state = self._state
            if state.mode is s.Mode.PLAYING:
                self._apply(s.PlayStep(state.step, state.sentence))
            elif state.mode is s.Mode.REFLECTING and not state.entry_open:
                # The question was cut short by this announcement: ask it again.
                self._apply(s.AskPrompt(state.step, state.prompt))
        self._update_listening()

    def _check_silence(self) -> None:
        if not self._state.entry_open or self._recognizer_mode != "dictation":
            return
        if time.monotonic() - self._last_voice_activity > self.settings.journal.silence_timeout:
            self._step(s.SilenceTimeout())

    def _update_listening(self) -> None:
        if self._voice is None:
            status, mode = "off", ""
        elif self.speaker is not None and self.speaker.is_playing():
            status, mode = "muted while speaking", "commands"
        elif self._state.entry_open:
            status, mode = "taking notes", "dictation"
        else:
            status, mode = "listening", "commands"
        if mode != self._recognizer_mode:
            if mode == "dictation":
                self._last_voice_activity = time.monotonic()
            self._recognizer_mode = mode
            if self._voice is not None and mode:
                self._voice.set_mode(mode)
        if status != self._listening:
            self._listening = status
            self.sink.on_listening(status)

    # Effects.

    def _speak(self, kind: str, step: int, sentences: list[str], start: int = 0,
               offset: int = 0, index: int = 0) -> None:
        """Play `sentences`; `index` (a prompt number) comes back with the done report."""
        if self.speaker is None:
            if kind != "step":
                self.submit(_SpeechDone(kind, step, index, True))
            return

        def on_sentence(i: int) -> None:
            if kind == "step":
                self.submit(s.SentenceStarted(step, max(0, i - offset)))

        def on_done(completed: bool) -> None:
            self.submit(_SpeechDone(kind, step, index, completed))

        self._step_replaced = kind != "step"
        self.speaker.speak(f"{kind}:{step}", sentences, start, on_sentence=on_sentence,
                           on_done=on_done)
        self._update_listening()

    def _apply(self, effect: s.Effect) -> None:
        speaker = self.speaker
        if isinstance(effect, s.PlayStep):
            script = step_script(self.guide, effect.step)
            # Sentence n of the step is script line n + 1; line 0 is the heading.
            start = 0 if effect.sentence == 0 else effect.sentence + 1
            self._speak("step", effect.step, script, start, offset=1)
            if speaker is not None and self.settings.speaker.lookahead:
                following = effect.step + 1
                if following < len(self.guide.steps):
                    speaker.prefetch(step_script(self.guide, following))
        elif isinstance(effect, s.StopSpeech):
            if speaker is not None:
                speaker.stop()
        elif isinstance(effect, s.PauseSpeech):
            if speaker is not None:
                speaker.pause()
        elif isinstance(effect, s.ResumeSpeech):
            if self._step_replaced:  # something else was said meanwhile: start the step again
                self._apply(s.PlayStep(self._state.step, self._state.sentence))
            elif speaker is not None:
                speaker.resume()
        elif isinstance(effect, s.Announce):
            self.sink.on_say(effect.text)
            self._speak("say", self._state.step, [effect.text])
        elif isinstance(effect, s.AskPrompt):
            prompt = self.guide.steps[effect.step].prompts[effect.prompt]
            self.sink.on_say(prompt.text)
            self._speak("prompt", effect.step, [prompt.text], index=effect.prompt)
        elif isinstance(effect, s.SavePosition):
            try:
                save_position(self.settings.state_file, self.guide, effect.step_id)
            except OSError as error:
                log.warning("could not save position: %s", error)
        elif isinstance(effect, s.AdjustVoice):
            if speaker is not None:
                speaker.adjust(effect.rate_delta, effect.volume_delta)
                if self._state.mode is s.Mode.PLAYING:
                    self._apply(s.PlayStep(self._state.step, self._state.sentence))
        elif isinstance(effect, s.ShowHelp):
            self.sink.on_help()
        elif isinstance(effect, s.Quit):
            self.sink.on_quit()
            self._stop.set()
        else:
            self._apply_journal(effect)

    def _apply_journal(self, effect: s.Effect) -> None:
        journal = self._journal
        if isinstance(effect, s.OpenEntry):
            self._pending_audio = None
            if journal is None:
                self.sink.on_notice("Your answer is shown here but cannot be saved: the journal "
                                    "is not available.", "warning")
                self._entry_id = None
                return
            self._entry_id = journal.open_entry(self.guide.id, effect.step_id, effect.prompt_id,
                                                self.guide.language, self.model_name)
        elif isinstance(effect, s.AddUtterance):
            if journal is not None and self._entry_id is not None:
                journal.add_utterance(self._entry_id, effect.final, audio=self._pending_audio)
            self._pending_audio = None
        elif isinstance(effect, s.RemoveLastUtterance):
            if journal is not None and self._entry_id is not None:
                journal.remove_last_utterance(self._entry_id)
        elif isinstance(effect, s.CloseEntry):
            if journal is None or self._entry_id is None:
                return
            entry_id, self._entry_id = self._entry_id, None
            utterances, words = journal.close_entry(entry_id)
            if utterances:
                self.sink.on_entry_saved(entry_id, utterances, words)
                self._saved_note = (f"Saved, {words} {'word' if words == 1 else 'words'}. "
                                    "Say next when you are ready to go on.")


def build_services(settings: Settings, sink: Sink, guide: Guide, *,
                   voice: bool = True) -> SessionLoop:
    """Build the loop with every engine that is available (slow: call it off the UI thread)."""
    from calm_voice.runtime.assemble import build  # assemble builds on this module

    return build(settings, sink, guide, voice=voice)
