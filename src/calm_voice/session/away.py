"""While another screen covers the guide (journal, help, models) nothing goes on behind it:
reading pauses, a question being asked stops, and no answer is taken down. On return, what was
cut short is picked up again."""

from __future__ import annotations

from dataclasses import replace

from calm_voice.guide import Guide
from calm_voice.session import navigation
from calm_voice.session.effects import AskPrompt, PauseSpeech, StopSpeech
from calm_voice.session.navigation import Outcome
from calm_voice.session.script import answer_hint
from calm_voice.session.state import Mode, SessionState


def went_away(state: SessionState) -> Outcome:
    state = replace(state, away=True)
    if state.mode is Mode.PLAYING:
        # An announcement playing over the step may finish; the step itself waits.
        effects = [] if state.step_replaced else [PauseSpeech()]
        return replace(state, mode=Mode.PAUSED, resume_on_return=True), list(effects)
    if state.mode is Mode.REFLECTING and not state.entry_open:
        return replace(state, resume_on_return=True), [StopSpeech()]  # asked again on return
    return state, []


def came_back(state: SessionState, guide: Guide, now: float) -> Outcome:
    state = replace(state, away=False)
    if state.entry_open:  # the silence that ends an answer counts from the return
        state = replace(state, last_voice_activity=now)
    if not state.resume_on_return:
        return state, []
    state = replace(state, resume_on_return=False)
    if state.mode is Mode.PAUSED and state.step_done:  # the step ended as the person left
        if state.reflect_after_step:
            return navigation.ask(state, guide, 0)
        return replace(state, mode=Mode.IDLE, sentence=0), []
    if state.mode is Mode.PAUSED:
        return navigation.resume(state, guide)
    if state.mode is Mode.REFLECTING and not state.entry_open:
        if not state.voice_attached:  # the question is on screen: the typed answer is taken
            return navigation.open_answer(state, guide, now)
        return state, [AskPrompt(state.step, state.prompt, answer_hint(state.voice_attached))]
    return state, []


def step_ended_while_away(state: SessionState, step: int) -> bool:
    """The step's end arrived just after reading was paused for another screen."""
    return (state.away and state.resume_on_return and state.mode is Mode.PAUSED
            and step == state.step)

