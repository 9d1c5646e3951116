"""The session: a mode enum and a pure transition(state, event) -> (state, effects). No I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from calm_voice.events import Command, CommandKind, Final
from calm_voice.guide import Guide


class Mode(Enum):
    IDLE = "idle"  # nothing playing; voice commands are heard
    PLAYING = "playing"  # a step is being read aloud
    PAUSED = "paused"  # a step is paused mid-way
    REFLECTING = "reflecting"  # a prompt is asked and the answer is being taken down


@dataclass(frozen=True)
class SessionState:
    step: int = 0
    mode: Mode = Mode.IDLE
    sentence: int = 0
    prompt: int = 0
    entry_open: bool = False
    entry_utterances: int = 0
    entry_words: int = 0
    utterance_words: tuple[int, ...] = ()
    step_done: bool = False  # the step was read to its end, so "continue" moves on
    """Words in each utterance of the open entry, so taking one back corrects entry_words."""
    reflect_after_step: bool = True


# Events from the engines (commands come from keys and voice as `Command`).
@dataclass(frozen=True)
class SentenceStarted:
    step: int
    sentence: int


@dataclass(frozen=True)
class StepFinished:
    step: int


@dataclass(frozen=True)
class PromptAsked:
    """The prompt has been spoken; the answer can be taken down now."""

    step: int
    prompt: int


@dataclass(frozen=True)
class Dictated:
    """A finished utterance while reflecting."""

    final: Final


@dataclass(frozen=True)
class SilenceTimeout:
    """Nothing was said for the configured time while reflecting."""


Event = Command | SentenceStarted | StepFinished | PromptAsked | Dictated | SilenceTimeout


# Effects the session loop carries out.
@dataclass(frozen=True)
class PlayStep:
    step: int
    sentence: int = 0


@dataclass(frozen=True)
class StopSpeech:
    pass


@dataclass(frozen=True)
class PauseSpeech:
    pass


@dataclass(frozen=True)
class ResumeSpeech:
    pass


@dataclass(frozen=True)
class Announce:
    text: str


@dataclass(frozen=True)
class AskPrompt:
    step: int
    prompt: int


@dataclass(frozen=True)
class OpenEntry:
    step_id: str
    prompt_id: str


@dataclass(frozen=True)
class AddUtterance:
    final: Final


@dataclass(frozen=True)
class RemoveLastUtterance:
    pass


@dataclass(frozen=True)
class CloseEntry:
    """Close the open entry; an entry with no utterances is discarded."""

    utterances: int
    words: int


@dataclass(frozen=True)
class SavePosition:
    step_id: str


@dataclass(frozen=True)
class AdjustVoice:
    rate_delta: int = 0
    volume_delta: float = 0.0


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class Quit:
    pass


Effect = (
    PlayStep
    | StopSpeech
    | PauseSpeech
    | ResumeSpeech
    | Announce
    | AskPrompt
    | OpenEntry
    | AddUtterance
    | RemoveLastUtterance
    | CloseEntry
    | SavePosition
    | AdjustVoice
    | ShowHelp
    | Quit
)

RATE_STEP = 20
VOLUME_STEP = 0.15
HELP_TEXT = (
    "You can say: next, back, repeat, pause, continue, stop, where am I, "
    "go to reason three, louder, softer, faster or slower. "
    "Say reflect to answer a question aloud, then I'm done when you have finished, "
    "or scratch that to take back the last thing you said."
)


def _close_entry(state: SessionState) -> tuple[SessionState, list[Effect]]:
    if not state.entry_open:
        return state, []
    effects: list[Effect] = [CloseEntry(state.entry_utterances, state.entry_words)]
    closed = replace(state, entry_open=False, entry_utterances=0, entry_words=0,
                     utterance_words=())
    return closed, effects


def _go_to(state: SessionState, guide: Guide, index: int) -> tuple[SessionState, list[Effect]]:
    state, effects = _close_entry(state)
    effects.append(StopSpeech())
    state = replace(state, step=index, sentence=0, prompt=0, mode=Mode.PLAYING, step_done=False)
    effects += [SavePosition(guide.steps[index].id), PlayStep(index, 0)]
    return state, effects


def where_am_i(state: SessionState, guide: Guide) -> str:
    step = guide.steps[state.step]
    part = guide.part_of(step)
    where = f"You are at step {state.step + 1} of {len(guide.steps)}: {step.title}"
    if part.title != step.title:
        where += f", in {part.title}"
    where += "."
    if state.mode is Mode.PAUSED:
        where += " Reading is paused; say continue to go on."
    elif state.mode is Mode.REFLECTING:
        where += f" I asked: {step.prompts[state.prompt % len(step.prompts)].text}"
    return where


def transition(
    state: SessionState, event: Event, guide: Guide
) -> tuple[SessionState, list[Effect]]:
    """Decide what happens next. Pure: same inputs, same outputs."""
    if isinstance(event, Command):
        return _on_command(state, event, guide)
    if isinstance(event, SentenceStarted):
        if event.step == state.step and state.mode in (Mode.PLAYING, Mode.PAUSED):
            return replace(state, sentence=event.sentence), []
        return state, []
    if isinstance(event, StepFinished):
        if event.step != state.step or state.mode is not Mode.PLAYING:
            return state, []
        state = replace(state, step_done=True)
        if state.reflect_after_step:
            return _ask(state, guide, 0)
        return replace(state, mode=Mode.IDLE, sentence=0), []
    if isinstance(event, PromptAsked):
        # A prompt that finished just as another was asked must not file the answer under it.
        stale = event.step != state.step or event.prompt != state.prompt
        if state.mode is not Mode.REFLECTING or state.entry_open or stale:
            return state, []
        step = guide.steps[state.step]
        prompt = step.prompts[event.prompt]
        opened = replace(state, entry_open=True, entry_utterances=0, entry_words=0,
                         utterance_words=())
        return opened, [OpenEntry(step.id, prompt.id)]
    if isinstance(event, Dictated):
        if not state.entry_open or not event.final.text.strip():
            return state, []
        words = len(event.final.text.split())
        return (
            replace(
                state,
                entry_utterances=state.entry_utterances + 1,
                entry_words=state.entry_words + words,
                utterance_words=(*state.utterance_words, words),
            ),
            [AddUtterance(event.final)],
        )
    if isinstance(event, SilenceTimeout):
        if state.mode is not Mode.REFLECTING:
            return state, []
        closed, effects = _close_entry(state)
        return replace(closed, mode=Mode.IDLE), effects
    return state, []


def _ask(state: SessionState, guide: Guide, prompt: int) -> tuple[SessionState, list[Effect]]:
    state, effects = _close_entry(state)
    prompts = guide.steps[state.step].prompts
    prompt = prompt % len(prompts)
    effects += [StopSpeech(), AskPrompt(state.step, prompt)]
    return replace(state, mode=Mode.REFLECTING, prompt=prompt, sentence=0), effects


def _on_command(
    state: SessionState, cmd: Command, guide: Guide
) -> tuple[SessionState, list[Effect]]:
    kind = cmd.kind
    last = len(guide.steps) - 1
    if kind is CommandKind.NEXT:
        if state.step >= last:
            closed, effects = _close_entry(state)
            return (
                replace(closed, mode=Mode.IDLE),
                [*effects, StopSpeech(), Announce("That was the last step of the guide.")],
            )
        return _go_to(state, guide, state.step + 1)
    if kind is CommandKind.PREVIOUS:
        if state.step == 0:
            state, effects = _go_to(state, guide, 0)
            # The step starts once this is said (the loop plays on after an announcement).
            effects = [e for e in effects if not isinstance(e, PlayStep)]
            return state, [*effects, Announce("This is the first step.")]
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
        return _resume(state, guide)
    if kind is CommandKind.TOGGLE:
        if state.mode is Mode.PLAYING:
            return replace(state, mode=Mode.PAUSED), [PauseSpeech()]
        return _resume(state, guide)
    if kind is CommandKind.STOP:
        closed, effects = _close_entry(state)
        return replace(closed, mode=Mode.IDLE), [*effects, StopSpeech()]
    if kind is CommandKind.WHERE:
        return state, [Announce(where_am_i(state, guide))]
    if kind is CommandKind.HELP:
        return state, [ShowHelp(), Announce(HELP_TEXT)]
    if kind is CommandKind.REFLECT:
        next_prompt = state.prompt + 1 if state.mode is Mode.REFLECTING else 0
        return _ask(state, guide, next_prompt)
    if kind is CommandKind.FINISH_ENTRY:
        if not state.entry_open:
            return state, []
        closed, effects = _close_entry(state)
        return replace(closed, mode=Mode.IDLE), effects
    if kind is CommandKind.SCRATCH_THAT:
        if not state.entry_open or state.entry_utterances == 0:
            return state, [Announce("There is nothing to take back yet.")]
        taken = state.utterance_words[-1] if state.utterance_words else 0
        fewer = replace(state, entry_utterances=state.entry_utterances - 1,
                        entry_words=state.entry_words - taken,
                        utterance_words=state.utterance_words[:-1])
        return fewer, [RemoveLastUtterance(), Announce("Taken back.")]
    if kind is CommandKind.LOUDER:
        return state, [AdjustVoice(volume_delta=VOLUME_STEP)]
    if kind is CommandKind.SOFTER:
        return state, [AdjustVoice(volume_delta=-VOLUME_STEP)]
    if kind is CommandKind.FASTER:
        return state, [AdjustVoice(rate_delta=RATE_STEP)]
    if kind is CommandKind.SLOWER:
        return state, [AdjustVoice(rate_delta=-RATE_STEP)]
    if kind is CommandKind.QUIT:
        closed, effects = _close_entry(state)
        return replace(closed, mode=Mode.IDLE), [*effects, StopSpeech(), Quit()]
    return state, []


def _resume(state: SessionState, guide: Guide) -> tuple[SessionState, list[Effect]]:
    if state.mode is Mode.PAUSED:
        return replace(state, mode=Mode.PLAYING), [ResumeSpeech()]
    if state.mode is Mode.PLAYING:
        return state, []
    if state.step_done and state.step < len(guide.steps) - 1:
        return _go_to(state, guide, state.step + 1)
    closed, effects = _close_entry(state)
    playing = replace(closed, mode=Mode.PLAYING, step_done=False)
    return playing, [*effects, StopSpeech(), PlayStep(state.step, state.sentence)]


def _goto_number(
    state: SessionState, cmd: Command, guide: Guide
) -> tuple[SessionState, list[Effect]]:
    total = len(guide.steps)
    number = cmd.number or 0
    if cmd.kind is CommandKind.GOTO_REASON:
        index = guide.reason_index(number)
        if index is None:
            reasons = next((len(p.steps) for p in guide.parts if p.id == "reasons"), 0)
            if not reasons:
                return state, [Announce("This guide has no reasons to go to.")]
            return state, [Announce(f"There is no reason {number}. "
                                    f"The reasons go from 1 to {reasons}.")]
        return _go_to(state, guide, index)
    if not 1 <= number <= total:
        return state, [Announce(f"There is no step {number}. The steps go from 1 to {total}.")]
    return _go_to(state, guide, number - 1)
