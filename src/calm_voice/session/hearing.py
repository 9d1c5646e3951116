"""What was heard or typed: a command, an answer being taken down, or the guide's own voice;
and what the journal answered when it was asked to keep something."""

from __future__ import annotations

from dataclasses import replace

from calm_voice.events import Final, Partial
from calm_voice.session import script
from calm_voice.session.context import Context
from calm_voice.session.effects import (
    AddUtterance,
    Announce,
    Effect,
    SaveTypedAnswer,
    ShowCommand,
    ShowEntrySaved,
    ShowHeard,
    ShowNotice,
)
from calm_voice.session.inputs import (
    Dictated,
    EntryOpened,
    EntrySaved,
    TypedAnswer,
    TypedLine,
    VoiceHeard,
)
from calm_voice.session.navigation import Outcome, on_command
from calm_voice.session.state import ListeningMode, Mode, SavedNote, SessionState


def on_heard(state: SessionState, event: VoiceHeard, ctx: Context, now: float) -> Outcome:
    heard = event.heard
    state = replace(state, last_voice_activity=now)
    if isinstance(heard, Partial) or not heard.text.strip():
        return state, [ShowHeard(heard)]
    if (event.mode or state.recognizer_mode) is ListeningMode.DICTATION:
        return _answer_heard(state, event, heard, ctx)
    return _command_heard(state, event, heard, ctx)


def _answer_heard(state: SessionState, event: VoiceHeard, heard: Final, ctx: Context) -> Outcome:
    if not state.entry_open:
        return state, []  # the answer was already closed: nothing to add it to
    if event.echo.same_sound:
        return state, []  # the tail of the prompt, still arriving: not the person's answer
    # Only the sound counts here: an answer may well repeat the prompt's words.
    command = ctx.vocabulary.match_dictation_control(heard.text) if ctx.vocabulary else None
    if command is not None:
        state, effects = on_command(state, command, ctx.guide)
        return state, [ShowHeard(heard), ShowCommand(command), *effects]
    state, effects = dictated(state, Dictated(heard, event.audio))
    return state, [*effects, ShowHeard(heard)]  # shown once it is safely stored


def _command_heard(state: SessionState, event: VoiceHeard, heard: Final,
                   ctx: Context) -> Outcome:
    shown: list[Effect] = [ShowHeard(heard)]
    command = ctx.vocabulary.match(heard.text, strict=True) if ctx.vocabulary else None
    if command is None:
        return state, shown
    if heard.words and min(w.conf for w in heard.words) < ctx.min_command_confidence:
        return state, [*shown, ShowCommand(command, script.NOT_SURE)]
    if event.echo.same_words or event.echo.same_sound:
        return state, [*shown, ShowCommand(command, script.OWN_VOICE)]
    state, effects = on_command(state, command, ctx.guide)
    return state, [*shown, ShowCommand(command), *effects]


def dictated(state: SessionState, event: Dictated) -> Outcome:
    if not state.entry_open or not event.final.text.strip():
        return state, []
    words = len(event.final.text.split())
    more = replace(state, entry_utterances=state.entry_utterances + 1,
                   entry_words=state.entry_words + words,
                   utterance_words=(*state.utterance_words, words))
    return more, [AddUtterance(event.final, event.audio, state.entry_id)]


def typed(state: SessionState, event: TypedAnswer, ctx: Context, now: float) -> Outcome:
    """A typed answer joins the one being taken down, or is kept on its own under the current
    question."""
    text = event.text.strip()
    if not text:
        return state, []
    final = Final(text=text)
    state = replace(state, last_voice_activity=now)
    if state.entry_open:
        state, effects = dictated(state, Dictated(final))
        return state, [ShowHeard(final), *effects]
    step = ctx.guide.steps[state.step]
    prompt = step.prompts[state.prompt % len(step.prompts)]
    return state, [ShowHeard(final), SaveTypedAnswer(step.id, prompt.id, final, state.model_name)]


def typed_line(state: SessionState, event: TypedLine, ctx: Context, now: float) -> Outcome:
    """Typed words that are not a command are only kept as the answer to an open question;
    otherwise they are most likely a mistyped command, so they are neither saved nor acted on."""
    if state.mode is Mode.REFLECTING or state.entry_open:
        return typed(state, TypedAnswer(event.text), ctx, now)
    if not event.text.strip():
        return state, []
    return state, [ShowNotice(script.not_understood(event.text.strip()), "warning")]


def entry_opened(state: SessionState, event: EntryOpened) -> Outcome:
    if event.entry_id is None:
        return state, [ShowNotice(script.CANNOT_SAVE, "warning")]
    if not state.entry_open:
        return state, []
    return replace(state, entry_id=event.entry_id), []


def entry_saved(state: SessionState, event: EntrySaved) -> Outcome:
    note = script.saved(event.words, by_voice=state.voice_attached)
    told: Effect = (Announce(note) if event.note is SavedNote.SPOKEN
                    else ShowNotice(note, "information"))  # not spoken over the next thing
    return state, [ShowEntrySaved(event.entry_id, event.utterances, event.words), told]
