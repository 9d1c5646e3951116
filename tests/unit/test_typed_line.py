"""A line typed in `listen` that is not a command: the answer inside an open question, otherwise
"I didn't understand" and nothing saved; the line that confirms a change of voice; and which
notices are also said aloud."""

from __future__ import annotations

from pathlib import Path

from calm_voice.events import Final
from calm_voice.guide import load_guide
from calm_voice.runtime.reports import SpokenNotices
from calm_voice.runtime.speech_out import SpeechOut
from calm_voice.session.context import Context
from calm_voice.session.effects import (
    AddUtterance,
    AdjustVoice,
    Announce,
    SaveTypedAnswer,
    ShowHeard,
    ShowNotice,
)
from calm_voice.session.inputs import NoticeToSay, TypedLine
from calm_voice.session.machine import transition
from calm_voice.session.navigation import RATE_STEP, VOLUME_STEP
from calm_voice.session.script import not_understood
from calm_voice.session.state import Mode, SessionState
from tests.support.fakes import FakeSpeaker, RecordingSink

GUIDE = load_guide(Path(__file__).resolve().parents[2] / "content" / "guide.en.yaml")
CTX = Context(GUIDE)


def test_outside_a_question_a_mistyped_command_is_not_understood_and_not_saved() -> None:
    for mode in (Mode.IDLE, Mode.PLAYING, Mode.PAUSED):
        state = SessionState(step=2, mode=mode)
        after, effects = transition(state, TypedLine("nxt"), CTX)
        notices = [e for e in effects if isinstance(e, ShowNotice)]
        assert notices == [ShowNotice(not_understood("nxt"), "warning")]
        assert not any(isinstance(e, (SaveTypedAnswer, AddUtterance)) for e in effects)
        assert (after.step, after.mode, after.entry_open) == (2, mode, False)
    assert "say help" in not_understood("go to step 20")
    assert not_understood("x" * 500).count("x") < 50  # a pasted page is not echoed whole


def test_inside_an_open_question_the_line_is_the_answer() -> None:
    taking_notes = SessionState(step=1, mode=Mode.REFLECTING, entry_open=True, entry_id=7)
    after, effects = transition(taking_notes, TypedLine("nxt is how I feel"), CTX)
    assert AddUtterance(Final("nxt is how I feel"), None, 7) in effects
    assert after.entry_words == 5
    being_asked = SessionState(step=1, mode=Mode.REFLECTING, prompt=1)
    _, effects = transition(being_asked, TypedLine("a quiet answer"), CTX)
    step = GUIDE.steps[1]
    assert SaveTypedAnswer(step.id, step.prompts[1].id, Final("a quiet answer"), "") in effects
    assert ShowHeard(Final("a quiet answer")) in effects


def test_every_change_of_voice_is_confirmed_with_the_new_value() -> None:
    sink, speaker = RecordingSink(), FakeSpeaker()
    out = SpeechOut(speaker, GUIDE, sink, lambda _: None, lookahead=False)
    out.apply(AdjustVoice(volume_delta=-VOLUME_STEP), 0)
    out.apply(AdjustVoice(rate_delta=-RATE_STEP), 0)
    out.apply(AdjustVoice(rate_delta=RATE_STEP), 0)
    out.apply(AdjustVoice(volume_delta=VOLUME_STEP), 0)
    assert [text for text, _ in sink.of("notice")] == [
        f"softer: volume {round((1 - VOLUME_STEP) * 100)}%",
        f"slower: rate {165 - RATE_STEP} words a minute",
        "faster: rate 165 words a minute",
        "louder: volume 100%",
    ]
    quiet = RecordingSink()
    SpeechOut(None, GUIDE, quiet, lambda _: None, lookahead=False).apply(
        AdjustVoice(volume_delta=VOLUME_STEP), 0)
    assert quiet.of("notice")[0][0].startswith("louder: nothing is read aloud")


def test_warnings_and_errors_are_said_aloud_and_information_is_only_shown() -> None:
    idle = SessionState(step=0)
    for severity in ("warning", "error"):
        _, effects = transition(idle, NoticeToSay("No microphone was found.", severity), CTX)
        assert Announce("No microphone was found.") in effects
    _, effects = transition(idle, NoticeToSay("Loading the speech model…"), CTX)
    assert not any(isinstance(e, Announce) for e in effects)


def test_the_spoken_notices_sink_shows_everything_and_asks_for_notices_to_be_said() -> None:
    shown, asked = RecordingSink(), []
    sink = SpokenNotices(shown, asked.append)
    sink.on_notice("The journal is busy.", "warning")
    sink.on_say("Next step.")
    assert shown.of("notice") == [("The journal is busy.", "warning")]
    assert shown.of("say") == ["Next step."]
    assert asked == [NoticeToSay("The journal is busy.", "warning")]
