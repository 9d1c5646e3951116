"""Commands: moving through the guide, pausing, asking and closing answers, the voice's pace."""

from __future__ import annotations

from dataclasses import replace

from calm_voice.events import Command, CommandKind
from calm_voice.guide import Guide
from calm_voice.session import script
from calm_voice.session.effects import (
    AdjustVoice,
    Announce,
    AskPrompt,
    CloseEntry,
    Effect,
    OpenEntry,
    PauseSpeech,
    PlayStep,
    Quit,
    RemoveLastUtterance,
    ResumeSpeech,
    SavePosition,
    ShowHelp,
    StopSpeech,
)
from calm_voice.session.state import Mode, SessionState

RATE_STEP = 20
VOLUME_STEP = 0.15
Outcome = tuple[SessionState, list[Effect]]


def close_entry(state: SessionState) -> Outcome:
    if not state.entry_open:
        return state, []
    effects: list[Effect] = [CloseEntry(state.entry_utterances, state.entry_words,
                                        state.entry_id)]
    closed = replace(state, entry_open=False, entry_id=None, entry_utterances=0, entry_words=0,
                     utterance_words=())
    return closed, effects


def ask(state: SessionState, guide: Guide, prompt: int) -> Outcome:
    state, effects = close_entry(state)
    prompts = guide.steps[state.step].prompts
    prompt = prompt % len(prompts)
    effects += [StopSpeech(),
                AskPrompt(state.step, prompt, script.answer_hint(state.voice_attached))]
    return replace(state, mode=Mode.REFLECTING, prompt=prompt, sentence=0,
                   next_prompt=None), effects


def open_answer(state: SessionState, guide: Guide, now: float) -> Outcome:
    """The question has been asked: open the entry its answer goes into."""
    step = guide.steps[state.step]
    prompt = step.prompts[state.prompt]
    opened = replace(state, entry_open=True, entry_id=None, entry_utterances=0, entry_words=0,
                     utterance_words=(), last_voice_activity=now)
    return opened, [OpenEntry(step.id, prompt.id, state.model_name)]


def _following_prompt(state: SessionState, guide: Guide) -> int | None:
    """The step's question after the one being answered; the same one if it was never open."""
    following = state.prompt + 1 if state.entry_open else state.prompt
    return following if following < len(guide.steps[state.step].prompts) else None


def leave_question(state: SessionState, guide: Guide) -> Outcome:
    """Close the answer and rest; moving on then asks the step's next question."""
    following = _following_prompt(state, guide)
    closed, effects = close_entry(state)
    return replace(closed, mode=Mode.IDLE, next_prompt=following), effects


def move_on(state: SessionState, guide: Guide) -> Outcome:
    """From a question to the step's next question, or to the next step after the last one."""
    following = state.prompt + 1
    if following < len(guide.steps[state.step].prompts):
        return ask(state, guide, following)
    return _next_step(state, guide)


def _next_step(state: SessionState, guide: Guide) -> Outcome:
    if state.step >= len(guide.steps) - 1:
        return _to_idle(state, StopSpeech(), Announce(script.LAST_STEP))
    return _go_to(state, guide, state.step + 1)


def _go_to(state: SessionState, guide: Guide, index: int) -> Outcome:
    state, effects = close_entry(state)
    effects.append(StopSpeech())
    state = replace(state, step=index, sentence=0, prompt=0, mode=Mode.PLAYING, step_done=False,
                    next_prompt=None)
    effects += [SavePosition(guide.steps[index].id), PlayStep(index, 0)]
    return state, effects


def _to_idle(state: SessionState, *effects: Effect) -> Outcome:
    closed, closing = close_entry(state)
    return replace(closed, mode=Mode.IDLE), [*closing, *effects]


def on_command(state: SessionState, cmd: Command, guide: Guide) -> Outcome:
    kind = cmd.kind
    if kind is CommandKind.NEXT:
        if state.mode is Mode.REFLECTING:
            return move_on(state, guide)
        if state.mode is Mode.IDLE and state.next_prompt is not None:
            return ask(state, guide, state.next_prompt)
        return _next_step(state, guide)
    if kind is CommandKind.PREVIOUS:
        if state.step == 0:
            state, effects = _go_to(state, guide, 0)
            # The step starts once this is said (the loop plays on after an announcement).
            effects = [e for e in effects if not isinstance(e, PlayStep)]
            return state, [*effects, Announce(script.FIRST_STEP)]
        return _go_to(state, guide, state.step - 1)
    if kind is CommandKind.REPEAT:
        return _go_to(state, guide, state.step)
    if kind in (CommandKind.GOTO_STEP, CommandKind.GOTO_REASON):
        return _goto_number(state, cmd, guide)
    if kind is CommandKind.PAUSE:
        if state.mode is Mode.PLAYING:
            return replace(state, mode=Mode.PAUSED), [PauseSpeech()]
        return state, []
    if kind is CommandKind.RESUME:
        return resume(state, guide)
    if kind is CommandKind.TOGGLE:
        if state.mode is Mode.PLAYING:
            return replace(state, mode=Mode.PAUSED), [PauseSpeech()]
        return resume(state, guide)
    if kind is CommandKind.STOP:
        if state.mode is Mode.REFLECTING:
            left, effects = leave_question(state, guide)
            return left, [*effects, StopSpeech()]
        return _to_idle(state, StopSpeech())
    if kind is CommandKind.WHERE:
        return state, [Announce(script.where_am_i(state, guide))]
    if kind is CommandKind.HELP:
        return state, [ShowHelp(), Announce(script.HELP_TEXT)]
    if kind is CommandKind.REFLECT:
        if state.mode is Mode.REFLECTING:
            return ask(state, guide, state.prompt + 1)
        return ask(state, guide, state.next_prompt or 0)
    if kind is CommandKind.FINISH_ENTRY:
        if not state.entry_open:
            return state, []
        return leave_question(state, guide)
    if kind is CommandKind.SCRATCH_THAT:
        return _scratch_that(state)
    if kind is CommandKind.QUIT:
        return _to_idle(state, StopSpeech(), Quit())
    return _adjust_voice(state, kind)


def _scratch_that(state: SessionState) -> Outcome:
    if not state.entry_open or state.entry_utterances == 0:
        return state, [Announce(script.NOTHING_TO_TAKE_BACK)]
    taken = state.utterance_words[-1] if state.utterance_words else 0
    fewer = replace(state, entry_utterances=state.entry_utterances - 1,
                    entry_words=state.entry_words - taken,
                    utterance_words=state.utterance_words[:-1])
    return fewer, [RemoveLastUtterance(state.entry_id), Announce(script.TAKEN_BACK)]


def _adjust_voice(state: SessionState, kind: CommandKind) -> Outcome:
    changes = {
        CommandKind.LOUDER: AdjustVoice(volume_delta=VOLUME_STEP),
        CommandKind.SOFTER: AdjustVoice(volume_delta=-VOLUME_STEP),
        CommandKind.FASTER: AdjustVoice(rate_delta=RATE_STEP),
        CommandKind.SLOWER: AdjustVoice(rate_delta=-RATE_STEP),
    }
    change = changes.get(kind)
    if change is None:
        return state, []
    if state.mode is Mode.PLAYING:  # heard at once: the sentence starts again in the new voice
        return state, [change, PlayStep(state.step, state.sentence)]
    return state, [change]


def resume(state: SessionState, guide: Guide) -> Outcome:
    if state.mode is Mode.PAUSED:
        if state.step_replaced:  # something else was said meanwhile: start the step again
            return replace(state, mode=Mode.PLAYING), [PlayStep(state.step, state.sentence)]
        return replace(state, mode=Mode.PLAYING), [ResumeSpeech()]
    if state.mode is Mode.PLAYING:
        return state, []
    if state.mode is Mode.REFLECTING:
        return move_on(state, guide)
    if state.next_prompt is not None:
        return ask(state, guide, state.next_prompt)
    if state.step_done and state.step < len(guide.steps) - 1:
        return _go_to(state, guide, state.step + 1)
    closed, effects = close_entry(state)
    playing = replace(closed, mode=Mode.PLAYING, step_done=False)
    return playing, [*effects, StopSpeech(), PlayStep(state.step, state.sentence)]


def _goto_number(state: SessionState, cmd: Command, guide: Guide) -> Outcome:
    total = len(guide.steps)
    number = cmd.number or 0
    if cmd.kind is CommandKind.GOTO_REASON:
        index = guide.reason_index(number)
        if index is None:
            reasons = next((len(p.steps) for p in guide.parts if p.id == "reasons"), 0)
            return state, [Announce(script.no_reason(number, reasons))]
        return _go_to(state, guide, index)
    if not 1 <= number <= total:
        return state, [Announce(script.no_step(number, total))]
    return _go_to(state, guide, number - 1)
