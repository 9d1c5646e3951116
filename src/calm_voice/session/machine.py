"""transition(state, input, context, now) -> (state, effects): every decision, in one place.

Pure: no threads, no I/O, no clock of its own (`now` is given). Commands are decided in
navigation.py, what was heard or typed in hearing.py; this module routes each input and keeps
the bookkeeping that follows every input: how the microphone listens, the silence that ends an
answer, whether "Saved" may be spoken, and whether a paused step's sound was replaced.
"""

from __future__ import annotations

from dataclasses import replace

from calm_voice.events import Command
from calm_voice.session import away, hearing, navigation
from calm_voice.session.context import Context
from calm_voice.session.effects import (
    SPEECH,
    Announce,
    AskPrompt,
    CloseEntry,
    Effect,
    PlayStep,
    SavePosition,
    SetRecognizerMode,
    ShowListening,
)
from calm_voice.session.inputs import (
    Dictated,
    EntryOpened,
    EntrySaved,
    Input,
    MicrophoneLost,
    NoticeToSay,
    PersonAway,
    PersonBack,
    PromptAsked,
    SentenceStarted,
    SilenceTimeout,
    SpeakerPlaying,
    SpeechDone,
    StepFinished,
    TypedAnswer,
    TypedLine,
    VoiceAttached,
    VoiceHeard,
)
from calm_voice.session.navigation import Outcome
from calm_voice.session.spoken_words import spoken_words
from calm_voice.session.state import (
    Listening,
    ListeningMode,
    Mode,
    SavedNote,
    SessionState,
    SpeechKind,
)


def transition(state: SessionState, event: Input, ctx: Context, now: float = 0.0) -> Outcome:
    """Decide what happens next. Pure: same inputs, same outputs."""
    state, effects = _decide(state, event, ctx, now)
    if _silent_too_long(state, ctx, now):
        state, more = _decide(state, SilenceTimeout(), ctx, now)
        effects += more
    effects = _saved_note_quietly(effects)
    state = _track_step_sound(state, effects)
    return _listen(state, effects, now)


def _decide(state: SessionState, event: Input, ctx: Context, now: float) -> Outcome:
    guide = ctx.guide
    if isinstance(event, Command):
        return navigation.on_command(state, event, guide)
    if isinstance(event, VoiceHeard):
        return hearing.on_heard(state, event, ctx, now)
    if isinstance(event, TypedAnswer):
        return hearing.typed(state, event, ctx, now)
    if isinstance(event, TypedLine):
        return hearing.typed_line(state, event, ctx, now)
    if isinstance(event, NoticeToSay):
        return state, say_notice(event)
    if isinstance(event, Dictated):
        return hearing.dictated(state, event)
    if isinstance(event, SpeechDone):
        return _speech_done(state, event, ctx, now)
    if isinstance(event, SentenceStarted):
        return _sentence_started(state, event, ctx)
    if isinstance(event, StepFinished):
        return _step_finished(state, event, ctx)
    if isinstance(event, PromptAsked):
        return _prompt_asked(state, event, ctx, now)
    if isinstance(event, SilenceTimeout):
        if state.mode is not Mode.REFLECTING:
            return state, []
        return navigation.leave_question(state, guide)
    if isinstance(event, PersonAway):
        return away.went_away(state)
    if isinstance(event, PersonBack):
        return away.came_back(state, guide, now)
    if isinstance(event, SpeakerPlaying):
        return replace(state, speaking=event.playing), []
    if isinstance(event, VoiceAttached):
        # recognizer_mode None: the new voice input is told how to listen.
        return replace(state, voice_attached=True, model_name=event.model_name,
                       spoken=spoken_words(ctx.vocabulary), recognizer_mode=None), []
    if isinstance(event, MicrophoneLost):
        return replace(state, voice_attached=False, recognizer_mode=None), []
    if isinstance(event, EntryOpened):
        return hearing.entry_opened(state, event)
    if isinstance(event, EntrySaved):
        return hearing.entry_saved(state, event)
    return state, []  # Tick: only the bookkeeping after every input


def say_notice(notice: NoticeToSay) -> list[Effect]:
    """Warnings and errors are said aloud. Other notices are only shown: what they tell is heard
    anyway (the changed voice, the step read, "Saved" said by the session itself), and saying
    them would cut into the guide or into an answer being taken down."""
    if notice.severity == "information":
        return []
    return [Announce(notice.text)]


def _speech_done(state: SessionState, done: SpeechDone, ctx: Context,
                 now: float) -> Outcome:
    if not done.completed:
        return state, []
    if done.kind is SpeechKind.STEP:
        return _step_finished(state, StepFinished(done.step), ctx)
    if done.kind is SpeechKind.PROMPT:
        return _prompt_asked(state, PromptAsked(done.step, done.index), ctx, now)
    if state.mode is Mode.PLAYING:  # an announcement cut into the step: read on
        return state, [PlayStep(state.step, state.sentence)]
    if state.mode is Mode.REFLECTING and not state.entry_open and not state.away:
        # The question was cut short by this announcement: ask it again (after a return from
        # another screen, where a notice can be said too, coming back asks it).
        return state, [AskPrompt(state.step, state.prompt)]
    return state, []


def _sentence_started(state: SessionState, event: SentenceStarted, ctx: Context) -> Outcome:
    """The place is remembered by the sentence, so a new run reads on from there."""
    if event.step != state.step or state.mode not in (Mode.PLAYING, Mode.PAUSED):
        return state, []
    if event.sentence == state.sentence:
        return state, []
    step_id = ctx.guide.steps[state.step].id
    return replace(state, sentence=event.sentence), [SavePosition(step_id, event.sentence)]


def _step_finished(state: SessionState, event: StepFinished, ctx: Context) -> Outcome:
    if away.step_ended_while_away(state, event.step):
        return replace(state, step_done=True), []  # the questions wait for the return
    if event.step != state.step or state.mode is not Mode.PLAYING:
        return state, []
    state = replace(state, step_done=True)
    if state.reflect_after_step:
        return navigation.ask(state, ctx.guide, 0)
    return replace(state, mode=Mode.IDLE, sentence=0), []


def _prompt_asked(state: SessionState, event: PromptAsked, ctx: Context,
                  now: float) -> Outcome:
    # A prompt that finished just as another was asked must not file the answer under it.
    stale = event.step != state.step or event.prompt != state.prompt
    if state.mode is not Mode.REFLECTING or state.entry_open or stale:
        return state, []
    if state.away:  # no entry while the person is elsewhere: taken up on return
        return replace(state, resume_on_return=True), []
    return navigation.open_answer(state, ctx.guide, now)


def _silent_too_long(state: SessionState, ctx: Context, now: float) -> bool:
    """Nothing said or typed for a while closes the answer, with or without a microphone;
    not while the person is elsewhere, nor while the guide speaks over it."""
    waiting = state.recognizer_mode is ListeningMode.DICTATION or not state.voice_attached
    return (state.entry_open and waiting and not state.away and not state.speaking
            and now - state.last_voice_activity > ctx.silence_timeout)


def _saved_note_quietly(effects: list[Effect]) -> list[Effect]:
    """"Saved, N words" is said, unless something else is about to be said: then only shown."""
    if not any(isinstance(effect, SPEECH) for effect in effects):
        return effects
    return [replace(effect, note=SavedNote.SHOWN)
            if isinstance(effect, CloseEntry) and effect.entry_id is not None else effect
            for effect in effects]


def _track_step_sound(state: SessionState, effects: list[Effect]) -> SessionState:
    for effect in effects:
        if isinstance(effect, SPEECH):
            state = replace(state, step_replaced=not isinstance(effect, PlayStep))
    return state


def hearing_for(state: SessionState) -> tuple[Listening, ListeningMode | None]:
    """What the microphone label says and how the recogniser listens. While the guide speaks,
    commands are still listened for (so "stop" works); an open answer is taken down."""
    if not state.voice_attached:
        return Listening.OFF, None
    if state.speaking:
        return Listening.COMMANDS_WHILE_SPEAKING, ListeningMode.COMMANDS
    if state.entry_open and not state.away:
        return Listening.TAKING_NOTES, ListeningMode.DICTATION
    return Listening.LISTENING, ListeningMode.COMMANDS


def _listen(state: SessionState, effects: list[Effect], now: float) -> Outcome:
    status, mode = hearing_for(state)
    if mode != state.recognizer_mode:
        if mode is ListeningMode.DICTATION:  # the silence that ends an answer counts from now
            state = replace(state, last_voice_activity=now)
        state = replace(state, recognizer_mode=mode)
        if mode is not None:
            effects.append(SetRecognizerMode(mode))
    if status != state.listening:
        state = replace(state, listening=status)
        effects.append(ShowListening(status))
    return state, effects
