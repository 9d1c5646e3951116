"""The pure session: every command in every mode, bounds, the place kept, and purity.

What was heard, typed and saved, and how the microphone listens: test_session_hearing.py; the
reflection flow and stale engine events: test_session_reflection.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from calm_voice.events import Command, CommandKind
from calm_voice.guide import load_guide
from calm_voice.session.context import Context
from calm_voice.session.effects import (
    AdjustVoice,
    Announce,
    AskPrompt,
    CloseEntry,
    Effect,
    PauseSpeech,
    PlayStep,
    Quit,
    RemoveLastUtterance,
    ResumeSpeech,
    SavePosition,
    ShowHelp,
    StopSpeech,
)
from calm_voice.session.inputs import PromptAsked, SentenceStarted, StepFinished
from calm_voice.session.machine import transition
from calm_voice.session.navigation import RATE_STEP, VOLUME_STEP
from calm_voice.session.script import HELP_TEXT, where_am_i
from calm_voice.session.state import Mode, SessionState
from tests.support.session_states import CTX, GUIDE, HINT, REASON_3, REPO, STATES, idle

K = CommandKind
LAST = len(GUIDE.steps) - 1
CLOSE = [CloseEntry(2, 7)]


def closes(mode: Mode) -> list[Effect]:
    """The entry a command closes first: only a reflection has one open."""
    return list(CLOSE) if mode is Mode.REFLECTING else []


def go_to(mode: Mode, index: int) -> tuple[SessionState, list[Effect]]:
    state = SessionState(step=index, mode=Mode.PLAYING, sentence=0, prompt=0)
    return state, [*closes(mode), StopSpeech(), SavePosition(GUIDE.steps[index].id),
                   PlayStep(index, 0)]


def unchanged(mode: Mode, *effects: Effect) -> tuple[SessionState, list[Effect]]:
    return STATES[mode], list(effects)


def voice_adjusted(mode: Mode, change: AdjustVoice) -> tuple[SessionState, list[Effect]]:
    """While reading, the sentence starts again so the change is heard at once."""
    if mode is Mode.PLAYING:
        return unchanged(mode, change, PlayStep(REASON_3, STATES[mode].sentence))
    return unchanged(mode, change)


def step_sound_tracked(outcome: tuple[SessionState, list[Effect]]
                       ) -> tuple[SessionState, list[Effect]]:
    """The last thing started playing says whether the step's own sound was replaced."""
    state, effects = outcome
    for effect in effects:
        if isinstance(effect, (PlayStep, Announce, AskPrompt)):
            state = replace(state, step_replaced=not isinstance(effect, PlayStep))
    return state, effects


def next_question(mode: Mode) -> tuple[SessionState, list[Effect]]:
    """Moving on from the first of reason-3's two questions asks the second: none is skipped."""
    asked = replace(idle(mode, sentence=0), mode=Mode.REFLECTING, prompt=1)
    return asked, [*closes(mode), StopSpeech(), AskPrompt(REASON_3, 1, HINT)]


def resumed(mode: Mode) -> tuple[SessionState, list[Effect]]:
    before = STATES[mode]
    if mode is Mode.REFLECTING:
        return next_question(mode)
    if mode is Mode.PAUSED:
        return replace(before, mode=Mode.PLAYING), [ResumeSpeech()]
    if mode is Mode.PLAYING:
        return before, []
    playing = replace(before, mode=Mode.PLAYING, entry_open=False, entry_utterances=0,
                      entry_words=0, utterance_words=())
    return playing, [*closes(mode), StopSpeech(), PlayStep(REASON_3, before.sentence)]


def expected(mode: Mode, command: Command) -> tuple[SessionState, list[Effect]]:
    """What the session should do: written out per command, independently of session.py."""
    before = STATES[mode]
    kind = command.kind
    if kind is K.NEXT:
        if mode is Mode.REFLECTING:
            return next_question(mode)
        return go_to(mode, REASON_3 + 1)
    if kind is K.PREVIOUS:
        return go_to(mode, REASON_3 - 1)
    if kind is K.REPEAT:
        return go_to(mode, REASON_3)
    if kind is K.GOTO_STEP:
        return go_to(mode, 9)  # "step ten" is react-4, the tenth step
    if kind is K.GOTO_REASON:
        return go_to(mode, GUIDE.index_of("reason-5"))
    if kind is K.PAUSE:
        if mode is Mode.PLAYING:
            return replace(before, mode=Mode.PAUSED), [PauseSpeech()]
        return unchanged(mode)
    if kind is K.RESUME:
        return resumed(mode)
    if kind is K.TOGGLE:
        if mode is Mode.PLAYING:
            return replace(before, mode=Mode.PAUSED), [PauseSpeech()]
        return resumed(mode)
    if kind is K.STOP:  # "continue" goes on from there: the next question, if one is left
        if mode is Mode.REFLECTING:
            return replace(idle(mode), next_prompt=1), [*closes(mode), StopSpeech()]
        return idle(mode), [StopSpeech()]
    if kind is K.WHERE:
        where = "You are at step 4 of 11: Need for Personal Space, in Reasons Behind His Distance."
        if mode is Mode.PAUSED:
            where += " Reading is paused; say continue to go on."
        if mode is Mode.REFLECTING:
            where += " I asked: How does your partner like to recharge, and how do you?"
        return unchanged(mode, Announce(where))
    if kind is K.HELP:
        return unchanged(mode, ShowHelp(), Announce(HELP_TEXT))
    if kind is K.REFLECT:
        prompt = 1 if mode is Mode.REFLECTING else 0
        asked = replace(idle(mode, sentence=0), mode=Mode.REFLECTING, prompt=prompt)
        return asked, [*closes(mode), StopSpeech(), AskPrompt(REASON_3, prompt, HINT)]
    if kind is K.FINISH_ENTRY:
        if mode is Mode.REFLECTING:
            return replace(idle(mode), next_prompt=1), list(CLOSE)
        return unchanged(mode)
    if kind is K.SCRATCH_THAT:
        if mode is Mode.REFLECTING:
            fewer = replace(before, entry_utterances=1, entry_words=3, utterance_words=(3,))
            return fewer, [RemoveLastUtterance(), Announce("Taken back.")]
        return unchanged(mode, Announce("There is nothing to take back yet."))
    if kind is K.LOUDER:
        return voice_adjusted(mode, AdjustVoice(volume_delta=VOLUME_STEP))
    if kind is K.SOFTER:
        return voice_adjusted(mode, AdjustVoice(volume_delta=-VOLUME_STEP))
    if kind is K.FASTER:
        return voice_adjusted(mode, AdjustVoice(rate_delta=RATE_STEP))
    if kind is K.SLOWER:
        return voice_adjusted(mode, AdjustVoice(rate_delta=-RATE_STEP))
    if kind is K.QUIT:
        return idle(mode), [*closes(mode), StopSpeech(), Quit()]
    raise AssertionError(f"no expectation written for {kind}")


NUMBERS = {K.GOTO_STEP: 10, K.GOTO_REASON: 5}
COMMANDS = [Command(kind, NUMBERS.get(kind), source="voice", heard=kind.value) for kind in K]


def test_every_command_kind_is_in_the_table() -> None:
    assert {c.kind for c in COMMANDS} == set(CommandKind)


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.kind.value)
def test_every_command_in_every_mode(mode: Mode, command: Command) -> None:
    assert transition(STATES[mode], command, CTX) == step_sound_tracked(expected(mode, command))


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.kind.value)
def test_pure_same_input_same_output_and_input_untouched(mode: Mode, command: Command) -> None:
    before = STATES[mode]
    copy = replace(before)
    first = transition(before, command, CTX)
    second = transition(before, command, CTX)
    assert first == second
    assert before == copy
    assert first[1] is not second[1]  # a fresh list each time: callers may extend it


def test_a_key_and_a_voice_command_do_the_same() -> None:
    state = STATES[Mode.PLAYING]
    assert transition(state, Command(K.NEXT), CTX) == transition(
        state, Command(K.NEXT, source="voice", heard="next"), CTX)


# Bounds.

def test_next_on_the_last_step_says_so_and_stays() -> None:
    state = SessionState(step=LAST, mode=Mode.PLAYING, sentence=1)
    after, effects = transition(state, Command(K.NEXT), CTX)
    assert after == replace(state, mode=Mode.IDLE, step_replaced=True)
    assert effects == [StopSpeech(), Announce("That was the last step of the guide.")]


def test_next_on_the_last_step_while_reflecting_keeps_the_answer() -> None:
    state = replace(STATES[Mode.REFLECTING], step=LAST)
    after, effects = transition(state, Command(K.NEXT), CTX)
    assert effects[0] == CloseEntry(2, 7)
    assert not after.entry_open and after.step == LAST


def test_back_on_the_first_step_says_so_and_replays_it() -> None:
    state = SessionState(step=0, mode=Mode.PLAYING, sentence=2)
    assert transition(state, Command(K.PREVIOUS), CTX) == (
        SessionState(step=0, mode=Mode.PLAYING, step_replaced=True),
        [StopSpeech(), SavePosition("intro"), Announce("This is the first step.")],
    )


def test_continue_after_a_finished_step_and_its_reflection_moves_on() -> None:
    state = SessionState(step=2, mode=Mode.PLAYING, sentence=3)
    state, _ = transition(state, StepFinished(2), CTX)
    assert state.mode is Mode.REFLECTING and state.step_done
    state, _ = transition(state, Command(K.STOP), CTX)  # stopped before the question was heard
    state, effects = transition(state, Command(K.RESUME), CTX)
    assert effects[-1] == AskPrompt(2, 0, HINT), "a question cut short is asked again"
    state, _ = transition(state, PromptAsked(2, 0), CTX)
    state, effects = transition(state, Command(K.RESUME), CTX)
    assert effects[-1] == AskPrompt(2, 1, HINT), "then the step's second question"
    state, _ = transition(state, PromptAsked(2, 1), CTX)
    after, effects = transition(state, Command(K.RESUME), CTX)
    assert after.step == 3 and after.mode is Mode.PLAYING and not after.step_done
    assert effects[-1] == PlayStep(3, 0)


@pytest.mark.parametrize(("number", "step_id"), [(1, "intro"), (11, "conclusion"), (7, "react-1")])
def test_go_to_step_within_bounds(number: int, step_id: str) -> None:
    after, effects = transition(SessionState(), Command(K.GOTO_STEP, number), CTX)
    assert GUIDE.steps[after.step].id == step_id
    assert effects[-2:] == [SavePosition(step_id), PlayStep(after.step, 0)]


@pytest.mark.parametrize("number", [0, 12, 99, None])
def test_go_to_step_out_of_bounds_explains_and_stays(number: int | None) -> None:
    state = STATES[Mode.PLAYING]
    after, effects = transition(state, Command(K.GOTO_STEP, number), CTX)
    assert after == replace(state, step_replaced=True)
    assert effects == [Announce(f"There is no step {number or 0}. The steps go from 1 to 11.")]


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_go_to_reason_within_bounds(number: int) -> None:
    after, effects = transition(SessionState(), Command(K.GOTO_REASON, number), CTX)
    assert GUIDE.steps[after.step].id == f"reason-{number}"
    assert after.mode is Mode.PLAYING
    assert effects[-1] == PlayStep(after.step, 0)


@pytest.mark.parametrize("number", [0, 6, 12])
def test_go_to_reason_out_of_bounds_explains_and_stays(number: int) -> None:
    state = STATES[Mode.REFLECTING]
    after, effects = transition(state, Command(K.GOTO_REASON, number), CTX)
    assert after == replace(state, step_replaced=True), "a mistaken number keeps the answer open"
    assert effects == [Announce(f"There is no reason {number}. The reasons go from 1 to 5.")]


def test_go_to_reason_counts_the_reasons_of_this_guide(tmp_path: Path) -> None:
    text = (REPO / "content" / "guide.en.yaml").read_text(encoding="utf-8")
    cut = text.index("      - id: reason-4")
    shorter = text[:cut] + text[text.index("  - id: reacting"):]
    path = tmp_path / "guide.yaml"
    path.write_text(shorter, encoding="utf-8")
    small = load_guide(path)
    _, effects = transition(SessionState(), Command(K.GOTO_REASON, 4), Context(small))
    assert effects == [Announce("There is no reason 4. The reasons go from 1 to 3.")]


def test_go_to_reason_in_a_guide_without_reasons() -> None:
    korean = load_guide(REPO / "tests" / "data" / "guide.ko.yaml")
    state = SessionState()
    assert transition(state, Command(K.GOTO_REASON, 1), Context(korean)) == (
        replace(state, step_replaced=True), [Announce("This guide has no reasons to go to.")])


# Pause and resume keep the place.

def test_pause_then_resume_keeps_the_sentence() -> None:
    state = SessionState(step=2, mode=Mode.PLAYING)
    state, _ = transition(state, SentenceStarted(2, 2), CTX)
    paused, effects = transition(state, Command(K.PAUSE), CTX)
    assert (paused.mode, paused.sentence, effects) == (Mode.PAUSED, 2, [PauseSpeech()])
    playing, effects = transition(paused, Command(K.RESUME), CTX)
    assert (playing.mode, playing.sentence, effects) == (Mode.PLAYING, 2, [ResumeSpeech()])


def test_toggle_twice_is_back_where_it_was() -> None:
    state = SessionState(step=5, mode=Mode.PLAYING, sentence=1)
    paused, _ = transition(state, Command(K.TOGGLE), CTX)
    again, effects = transition(paused, Command(K.TOGGLE), CTX)
    assert again == state and effects == [ResumeSpeech()]


def test_resume_after_idle_starts_from_the_remembered_sentence() -> None:
    state = SessionState(step=5, mode=Mode.IDLE, sentence=3)
    after, effects = transition(state, Command(K.RESUME), CTX)
    assert after.mode is Mode.PLAYING
    assert effects == [StopSpeech(), PlayStep(5, 3)]


def test_sentence_started_tracks_the_place_only_for_this_step() -> None:
    state = SessionState(step=4, mode=Mode.PLAYING)
    assert transition(state, SentenceStarted(4, 3), CTX) == (
        replace(state, sentence=3), [SavePosition("reason-4", 3)])  # remembered by sentence
    assert transition(state, SentenceStarted(5, 3), CTX) == (state, [])
    idle_state = replace(state, mode=Mode.IDLE)
    assert transition(idle_state, SentenceStarted(4, 3), CTX) == (idle_state, [])


def test_where_am_i_names_step_and_part() -> None:
    assert where_am_i(SessionState(step=0), GUIDE) == "You are at step 1 of 11: Introduction."
    assert where_am_i(SessionState(step=LAST), GUIDE) == "You are at step 11 of 11: Conclusion."
    assert where_am_i(SessionState(step=7), GUIDE) == (
        "You are at step 8 of 11: Open and Honest Conversation, in Reacting to His Distance.")


def test_help_mentions_every_spoken_command_it_names() -> None:
    from calm_voice.commands import load_vocabulary

    vocabulary = load_vocabulary("en")
    first = HELP_TEXT.split(":", 1)[1].split(".")[0]
    said = first.replace(" or ", ", ").split(", ") + ["reflect", "i'm done", "scratch that"]
    for phrase in said:
        assert phrase.lower() in HELP_TEXT.lower()
        assert vocabulary.match(phrase) is not None, phrase

