"""The reflection flow: the step ends, the question is asked, the answer is taken down and
saved; stale engine events; with no microphone, and nothing going on while the person is
elsewhere. Pure transitions, no threads."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from calm_voice.events import Command, CommandKind, Final
from calm_voice.runtime.position import load_place, save_position
from calm_voice.session import script
from calm_voice.session.context import Context
from calm_voice.session.effects import (
    AddUtterance,
    Announce,
    AskPrompt,
    CloseEntry,
    OpenEntry,
    PauseSpeech,
    PlayStep,
    Quit,
    RemoveLastUtterance,
    ResumeSpeech,
    SavePosition,
    StopSpeech,
)
from calm_voice.session.inputs import (
    Dictated,
    EntrySaved,
    Input,
    PersonAway,
    PersonBack,
    PromptAsked,
    SilenceTimeout,
    SpeechDone,
    StepFinished,
    Tick,
    TypedAnswer,
    VoiceAttached,
)
from calm_voice.session.machine import transition
from calm_voice.session.state import Listening, ListeningMode, Mode, SessionState, SpeechKind
from tests.support.session_states import GUIDE, HINT, REASON_3, STATES, idle

CTX = Context(GUIDE, silence_timeout=45.0)
K = CommandKind
STEP = GUIDE.index_of("reason-2")


def asked_by_keys(now: float = 100.0) -> SessionState:
    """Keyboard mode: the step was read, its first question asked; the answer is open."""
    state = SessionState(step=STEP, mode=Mode.PLAYING, sentence=2)
    state, _ = transition(state, StepFinished(STEP), CTX, now)
    state, _ = transition(state, PromptAsked(STEP, 0), CTX, now)
    return state


# The step ends, the question is asked, the answer is taken down.

def test_step_finished_asks_the_first_prompt() -> None:
    state = SessionState(step=REASON_3, mode=Mode.PLAYING, sentence=3)
    after, effects = transition(state, StepFinished(REASON_3), CTX)
    assert after == SessionState(step=REASON_3, mode=Mode.REFLECTING, sentence=0, prompt=0,
                                 step_done=True, step_replaced=True)
    assert effects == [StopSpeech(), AskPrompt(REASON_3, 0, HINT)]


def test_step_finished_without_reflecting_goes_idle() -> None:
    state = SessionState(step=REASON_3, mode=Mode.PLAYING, sentence=3, reflect_after_step=False)
    after, effects = transition(state, StepFinished(REASON_3), CTX)
    assert after == replace(state, mode=Mode.IDLE, sentence=0, step_done=True)
    assert effects == []


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (SessionState(step=3, mode=Mode.PLAYING), StepFinished(2)),  # the step before, late
        (SessionState(step=3, mode=Mode.PLAYING), StepFinished(4)),
        (SessionState(step=3, mode=Mode.PAUSED), StepFinished(3)),
        (SessionState(step=3, mode=Mode.IDLE), StepFinished(3)),
        (STATES[Mode.REFLECTING], StepFinished(REASON_3)),
        (SessionState(step=3, mode=Mode.REFLECTING), PromptAsked(2, 0)),
        (SessionState(step=3, mode=Mode.REFLECTING, prompt=1), PromptAsked(3, 0)),
        (SessionState(step=3, mode=Mode.PLAYING), PromptAsked(3, 0)),
        (STATES[Mode.REFLECTING], PromptAsked(REASON_3, 0)),  # already open
        (SessionState(step=3, mode=Mode.PLAYING), Dictated(Final("hello there"))),
        (STATES[Mode.REFLECTING], Dictated(Final("   "))),
        (SessionState(step=3, mode=Mode.PLAYING), SilenceTimeout()),
        (SessionState(step=3, mode=Mode.IDLE), SilenceTimeout()),
    ],
)
def test_stale_or_out_of_place_events_are_ignored(state: SessionState, event: Input) -> None:
    assert transition(state, event, CTX) == (state, [])


def test_prompt_asked_opens_an_entry_for_that_prompt() -> None:
    state = SessionState(step=REASON_3, mode=Mode.REFLECTING, prompt=1)
    after, effects = transition(state, PromptAsked(REASON_3, 1), CTX)
    assert after == replace(state, entry_open=True)
    assert effects == [OpenEntry("reason-3", "reason-3-balance")]


def test_dictated_adds_utterances_and_counts_words() -> None:
    state = SessionState(step=REASON_3, mode=Mode.REFLECTING, entry_open=True)
    first = Final("he has been so quiet")
    second = Final("  I miss him  ")
    state, effects = transition(state, Dictated(first), CTX)
    assert effects == [AddUtterance(first)]
    state, effects = transition(state, Dictated(second), CTX)
    assert effects == [AddUtterance(second)]
    assert (state.entry_utterances, state.entry_words, state.utterance_words) == (2, 8, (5, 3))
    assert state.mode is Mode.REFLECTING


def test_scratch_that_takes_back_the_last_utterance_and_its_words() -> None:
    state = SessionState(step=REASON_3, mode=Mode.REFLECTING, entry_open=True)
    for text in ("one two three", "four five"):
        state, _ = transition(state, Dictated(Final(text)), CTX)
    state, effects = transition(state, Command(K.SCRATCH_THAT), CTX)
    assert effects == [RemoveLastUtterance(), Announce("Taken back.")]
    assert (state.entry_utterances, state.entry_words) == (1, 3)
    state, _ = transition(state, Command(K.SCRATCH_THAT), CTX)
    assert (state.entry_utterances, state.entry_words) == (0, 0)
    state, effects = transition(state, Command(K.SCRATCH_THAT), CTX)
    assert effects == [Announce("There is nothing to take back yet.")]
    assert state.entry_open, "taking everything back leaves the entry open for a new answer"


def test_finish_entry_closes_with_the_counts() -> None:
    state = SessionState(step=REASON_3, mode=Mode.REFLECTING, entry_open=True)
    state, _ = transition(state, Dictated(Final("I will ask him gently")), CTX)
    after, effects = transition(state, Command(K.FINISH_ENTRY), CTX)
    assert effects == [CloseEntry(1, 5)]
    assert after == SessionState(step=REASON_3, mode=Mode.IDLE, next_prompt=1)


def test_silence_timeout_closes_the_entry_and_goes_idle() -> None:
    after, effects = transition(STATES[Mode.REFLECTING], SilenceTimeout(), CTX)
    assert effects == [CloseEntry(2, 7)]
    assert after == replace(idle(Mode.REFLECTING), next_prompt=1)


def test_silence_timeout_before_the_entry_opened_just_goes_idle() -> None:
    state = SessionState(step=REASON_3, mode=Mode.REFLECTING)
    assert transition(state, SilenceTimeout(), CTX) == (
        replace(state, mode=Mode.IDLE, next_prompt=0), [])  # the unheard question comes next


def test_quit_while_reflecting_closes_the_entry_first() -> None:
    after, effects = transition(STATES[Mode.REFLECTING], Command(K.QUIT), CTX)
    assert effects == [CloseEntry(2, 7), StopSpeech(), Quit()]
    assert not after.entry_open


def test_reflect_cycles_through_the_prompts_of_the_step() -> None:
    state = SessionState(step=REASON_3, mode=Mode.PLAYING)
    asked = []
    for _ in range(3):
        state, effects = transition(state, Command(K.REFLECT), CTX)
        asked.append(effects[-1])
    assert asked == [AskPrompt(REASON_3, 0, HINT), AskPrompt(REASON_3, 1, HINT),
                     AskPrompt(REASON_3, 0, HINT)]


def test_a_whole_reflection_from_step_end_to_saved_entry() -> None:
    state = SessionState(step=1, mode=Mode.PLAYING)
    state, _ = transition(state, StepFinished(1), CTX)
    state, effects = transition(state, PromptAsked(1, 0), CTX)
    assert effects == [OpenEntry("reason-1", "reason-1-pressures")]
    state, _ = transition(state, Dictated(Final("work has been hard on him")), CTX)
    state, effects = transition(state, Command(K.NEXT), CTX)
    assert effects == [CloseEntry(1, 6), StopSpeech(), AskPrompt(1, 1, HINT)]
    state, effects = transition(state, PromptAsked(1, 1), CTX)
    assert effects == [OpenEntry("reason-1", GUIDE.steps[1].prompts[1].id)]
    state, effects = transition(state, Command(K.NEXT), CTX)
    assert effects == [CloseEntry(0, 0), StopSpeech(), SavePosition("reason-2"), PlayStep(2, 0)]
    assert state == SessionState(step=2, mode=Mode.PLAYING)


# With no microphone, and while the person is elsewhere.

def test_a_question_says_how_to_answer_by_key_or_by_voice() -> None:
    state = SessionState(step=STEP, mode=Mode.PLAYING)
    _, effects = transition(state, StepFinished(STEP), CTX)
    assert effects[-1] == AskPrompt(STEP, 0, HINT)
    _, effects = transition(replace(state, voice_attached=True), StepFinished(STEP), CTX)
    assert AskPrompt(STEP, 0, script.answer_hint(True)) in effects
    assert "I'm done" in script.answer_hint(True)


def test_the_silence_timeout_closes_an_answer_without_a_microphone_too() -> None:
    state = asked_by_keys(now=100.0)
    assert state.entry_open and not state.voice_attached
    waiting, effects = transition(state, Tick(), CTX, now=140.0)
    assert waiting.entry_open and effects == []
    after, effects = transition(state, Tick(), CTX, now=146.0)
    assert not after.entry_open and after.mode is Mode.IDLE
    assert effects == [CloseEntry(0, 0)]
    assert after.next_prompt == 1, "the step's second question is what comes next"


def test_typing_keeps_the_answer_open_and_restarts_the_silence() -> None:
    state = asked_by_keys(now=100.0)
    state, _ = transition(state, TypedAnswer("I feel far from him"), CTX, now=140.0)
    still, _ = transition(state, Tick(), CTX, now=170.0)
    assert still.entry_open and still.entry_words == 5


def test_moving_on_asks_every_question_before_the_next_step() -> None:
    for key in (K.NEXT, K.TOGGLE, K.RESUME):
        state = asked_by_keys()
        state, effects = transition(state, Command(key), CTX)
        assert (state.mode, state.prompt) == (Mode.REFLECTING, 1), key
        assert effects[-1] == AskPrompt(STEP, 1, HINT)
        state, _ = transition(state, PromptAsked(STEP, 1), CTX)
        state, effects = transition(state, Command(key), CTX)
        assert (state.step, state.mode) == (STEP + 1, Mode.PLAYING), key
        assert effects[-1] == PlayStep(STEP + 1, 0)


def test_done_then_next_asks_the_next_question_and_the_saved_note_says_which_key() -> None:
    state = asked_by_keys()
    state, _ = transition(state, TypedAnswer("far"), CTX)
    state, effects = transition(state, Command(K.FINISH_ENTRY), CTX)
    assert (state.mode, state.next_prompt) == (Mode.IDLE, 1)
    _, effects = transition(state, EntrySaved(1, 1, 1), CTX)
    assert "Press n when you are ready" in str(effects[-1])
    state, effects = transition(state, Command(K.NEXT), CTX)
    assert effects[-1] == AskPrompt(STEP, 1, HINT)
    voiced = replace(asked_by_keys(), voice_attached=True)
    _, effects = transition(voiced, EntrySaved(1, 1, 1), CTX)
    assert "Say next when you are ready" in str(effects)


def test_going_away_pauses_reading_and_coming_back_resumes_it() -> None:
    state = SessionState(step=STEP, mode=Mode.PLAYING, sentence=1)
    away, effects = transition(state, PersonAway(), CTX)
    assert (away.mode, away.away, effects) == (Mode.PAUSED, True, [PauseSpeech()])
    back, effects = transition(away, PersonBack(), CTX)
    assert (back.mode, back.away, back.sentence, effects) == (Mode.PLAYING, False, 1,
                                                               [ResumeSpeech()])


def test_reading_paused_by_the_person_stays_paused_after_coming_back() -> None:
    state = SessionState(step=STEP, mode=Mode.PAUSED, sentence=1)
    away, effects = transition(state, PersonAway(), CTX)
    assert effects == []
    back, effects = transition(away, PersonBack(), CTX)
    assert back.mode is Mode.PAUSED and effects == []


def test_no_entry_is_opened_while_away_and_the_question_is_asked_again_on_return() -> None:
    state = SessionState(step=STEP, mode=Mode.PLAYING, sentence=2)
    state, _ = transition(state, StepFinished(STEP), CTX)  # the question is being asked
    away, effects = transition(state, PersonAway(), CTX)
    assert effects == [StopSpeech()]
    for late in (PromptAsked(STEP, 0), SpeechDone(SpeechKind.PROMPT, STEP, 0, True)):
        after, effects = transition(away, late, CTX)
        assert not after.entry_open and not any(isinstance(e, OpenEntry) for e in effects)
    voiced = replace(after, voice_attached=True)
    back, effects = transition(voiced, PersonBack(), CTX)
    assert AskPrompt(STEP, 0, script.answer_hint(True)) in effects
    opened, effects = transition(back, PromptAsked(STEP, 0), CTX)
    assert opened.entry_open and isinstance(effects[0], OpenEntry)
    # Without a microphone the question is on screen: the answer is taken at once.
    back, effects = transition(after, PersonBack(), CTX)
    assert back.entry_open and effects == [OpenEntry("reason-2", GUIDE.steps[STEP].prompts[0].id)]


def test_a_notice_said_on_another_screen_does_not_ask_the_question_there() -> None:
    state = SessionState(step=STEP, mode=Mode.PLAYING, sentence=2)
    state, _ = transition(state, StepFinished(STEP), CTX)  # the question is being asked
    away, _ = transition(state, PersonAway(), CTX)
    said, effects = transition(away, SpeechDone(SpeechKind.SAY, STEP, 0, True), CTX)
    assert effects == [] and said.resume_on_return
    back, effects = transition(said, PersonBack(), CTX)
    assert back.entry_open and isinstance(effects[0], OpenEntry)  # asked on return, on screen

def test_a_step_that_ends_as_the_person_leaves_asks_its_question_on_return() -> None:
    state = SessionState(step=STEP, mode=Mode.PLAYING, sentence=2)
    away, _ = transition(state, PersonAway(), CTX)
    ended, effects = transition(away, StepFinished(STEP), CTX)
    assert ended.mode is Mode.PAUSED and effects == []
    back, effects = transition(ended, PersonBack(), CTX)
    assert back.mode is Mode.REFLECTING and effects[-1] == AskPrompt(STEP, 0, HINT)


def test_an_open_answer_is_not_taken_down_nor_timed_out_while_away() -> None:
    state = replace(asked_by_keys(now=100.0), voice_attached=True)
    state, _ = transition(state, Tick(), CTX, now=101.0)
    assert state.recognizer_mode is ListeningMode.DICTATION
    away, _ = transition(state, PersonAway(), CTX, now=102.0)
    assert away.recognizer_mode is ListeningMode.COMMANDS
    assert away.listening is Listening.LISTENING
    later, effects = transition(away, Tick(), CTX, now=500.0)
    assert later.entry_open and effects == []
    back, _ = transition(later, PersonBack(), CTX, now=501.0)
    assert back.recognizer_mode is ListeningMode.DICTATION and back.entry_open
    still, _ = transition(back, Tick(), CTX, now=540.0)
    assert still.entry_open, "the silence counts from the return"


def test_a_voice_that_arrives_during_a_question_takes_the_answer_down() -> None:
    state = asked_by_keys()
    state, _ = transition(state, VoiceAttached("model"), CTX, now=200.0)
    assert state.listening is Listening.TAKING_NOTES


def test_the_hint_names_what_to_do_in_every_state() -> None:
    def hint(**changes: object) -> str:
        return script.next_move(replace(SessionState(step=STEP), **changes), GUIDE)

    assert "space" in hint() and "n for the next one" in hint()
    assert "Press space to pause" in hint(mode=Mode.PLAYING)
    assert "Press space to go on" in hint(mode=Mode.PAUSED)
    asked = hint(mode=Mode.REFLECTING, entry_open=True)
    assert asked.startswith("Question 1 of 2.") and "t to type" in asked and "n when" in asked
    voiced = hint(mode=Mode.REFLECTING, entry_open=True, voice_attached=True)
    assert "I'm done" in voiced and "Say next" not in hint(mode=Mode.REFLECTING)
    assert "question 2 of 2" in hint(next_prompt=1)
    assert "next step" in hint(step_done=True)
    assert "last step" in hint(step=len(GUIDE.steps) - 1, step_done=True)


def test_the_place_is_remembered_by_sentence(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    save_position(state_file, GUIDE, "reason-2", 2)
    assert load_place(state_file, GUIDE) == (STEP, 2)
    state_file.write_text(json.dumps({"guide": GUIDE.id, "step": "reason-2", "sentence": 99}))
    assert load_place(state_file, GUIDE) == (STEP, 0), "a sentence the step no longer has"
    state_file.write_text(json.dumps({"guide": GUIDE.id, "step": "reason-2"}))
    assert load_place(state_file, GUIDE) == (STEP, 0)
    after, effects = transition(SessionState(step=STEP, sentence=2), Command(K.RESUME), CTX)
    assert effects[-1] == PlayStep(STEP, 2) and after.mode is Mode.PLAYING
