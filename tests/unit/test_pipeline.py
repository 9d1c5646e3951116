"""The session loop's wiring, with fake engines (the real engines are tested in integration/).

The decisions themselves are unit-tested without threads in test_session*.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from calm_voice.commands import load_vocabulary
from calm_voice.config import JournalSettings, Settings
from calm_voice.events import Command, CommandKind, Final, Word
from calm_voice.guide import Guide, load_guide
from calm_voice.runtime.loop import SessionLoop
from calm_voice.runtime.position import load_position
from calm_voice.session.inputs import TypedAnswer, VoiceHeard
from calm_voice.session.script import step_script
from calm_voice.session.state import ListeningMode, Mode
from tests.support.fakes import FakeJournal, FakeSpeaker, RecordingSink

REPO = Path(__file__).resolve().parents[2]


class FakeVoice:
    def __init__(self) -> None:
        self.modes: list[str] = []

    def set_mode(self, mode: ListeningMode) -> None:
        self.modes.append(mode)

    def stop(self) -> None:
        self.modes.append("stopped")


@pytest.fixture
def guide() -> Guide:
    return load_guide(REPO / "content" / "guide.en.yaml")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def rig(guide: Guide, settings: Settings) -> Iterator[tuple[SessionLoop, FakeSpeaker,
                                                           FakeJournal, RecordingSink]]:
    speaker, journal, sink = FakeSpeaker(finish_at_once=False), FakeJournal(), RecordingSink()
    loop = SessionLoop(guide, sink, speaker=speaker, vocabulary=load_vocabulary("en"),
                       settings=settings, journal=journal)
    loop.start()
    yield loop, speaker, journal, sink
    loop.stop()


def _heard(text: str, conf: float = 1.0) -> VoiceHeard:
    words = tuple(Word(w, i * 0.3, i * 0.3 + 0.25, conf) for i, w in enumerate(text.split()))
    return VoiceHeard(Final(text, words, 0.0, 1.0), audio=b"\x01\x00" * 160)


def test_step_script_starts_with_a_spoken_heading(guide: Guide) -> None:
    script = step_script(guide, guide.index_of("reason-3"))
    assert script[0] == "Reason 3: Need for Personal Space."
    assert script[1:] == list(guide.step("reason-3").sentences)


def test_next_plays_the_next_step_and_remembers_it(rig, guide, settings) -> None:
    loop, speaker, _, sink = rig
    loop.submit(Command(CommandKind.NEXT))
    assert sink.wait_for(lambda: len(speaker.spoken) == 1)
    key, sentences, start = speaker.spoken[0]
    assert sentences == step_script(guide, 1) and start == 0
    assert "prefetch" in speaker.calls  # the step after is synthesised ahead
    assert sink.wait_for(lambda: any(s.step == 1 and s.mode is Mode.PLAYING
                                     for s in sink.of("state")))
    assert load_position(settings.state_file, guide) == 1


def test_voice_command_is_obeyed_unless_it_is_the_guides_own_voice(rig) -> None:
    loop, speaker, _, sink = rig
    loop.attach_voice(FakeVoice())
    loop.submit(Command(CommandKind.RESUME))
    assert sink.wait_for(lambda: speaker.playing)
    speaker.played_text = "you can always say next when you are ready"
    loop.submit(_heard("next"))
    assert sink.wait_for(lambda: any(reason for _, reason in sink.of("command")))
    assert sink.of("command")[-1][1] == "that was the guide's own voice"
    speaker.played_text = "something else entirely"
    loop.submit(_heard("next"))
    assert sink.wait_for(lambda: sink.of("command")[-1] ==
                         (Command(CommandKind.NEXT, source="voice", heard="next"), ""))


def test_low_confidence_command_is_not_obeyed(rig) -> None:
    loop, speaker, _, sink = rig
    loop.attach_voice(FakeVoice())
    loop.submit(_heard("next", conf=0.2))
    assert sink.wait_for(lambda: bool(sink.of("command")))
    assert sink.of("command")[0][1] == "not sure I heard that right"
    assert speaker.spoken == []


def test_reflection_is_asked_taken_down_and_saved(rig, guide) -> None:
    loop, speaker, journal, sink = rig
    voice = FakeVoice()
    loop.attach_voice(voice)
    loop.submit(Command(CommandKind.REFLECT))
    assert sink.wait_for(lambda: bool(speaker.spoken))
    assert speaker.spoken[-1][1] == [guide.steps[0].prompts[0].text,  # then how to answer
                                     "Take your time and answer aloud. Say I'm done when you "
                                     "have finished."]
    speaker.finish(True)  # the prompt has been spoken
    assert sink.wait_for(lambda: voice.modes and voice.modes[-1] == "dictation")
    loop.submit(_heard("i came because i feel lost"))
    loop.submit(_heard("and tired"))
    loop.submit(_heard("scratch that"))
    loop.submit(_heard("i'm done"))
    assert sink.wait_for(lambda: bool(sink.of("saved")))
    (entry,) = journal.entries.values()
    assert [text for text, _ in entry["utterances"]] == ["i came because i feel lost"]
    assert entry["utterances"][0][1]  # its audio was kept
    assert entry["step"] == "intro" and entry["prompt"] == guide.steps[0].prompts[0].id
    assert sink.wait_for(lambda: any(t.startswith("Saved, 6 words.") for t in sink.of("say")))
    assert sink.wait_for(lambda: voice.modes[-1] == "commands")


def test_silence_closes_an_open_reflection(guide, tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, journal=JournalSettings(silence_timeout=0.3))
    speaker, journal, sink = FakeSpeaker(), FakeJournal(), RecordingSink()
    loop = SessionLoop(guide, sink, speaker=speaker, vocabulary=load_vocabulary("en"),
                       settings=settings, journal=journal)
    loop.start()
    voice = FakeVoice()
    loop.attach_voice(voice)
    loop.submit(Command(CommandKind.REFLECT))
    assert sink.wait_for(lambda: "dictation" in voice.modes)
    loop.submit(_heard("a short thought"))
    assert sink.wait_for(lambda: bool(sink.of("saved")))
    assert sink.wait_for(lambda: sink.of("state")[-1].mode is Mode.IDLE)
    loop.stop()


def test_typed_answer_is_saved_without_a_microphone(guide, settings) -> None:
    journal, sink = FakeJournal(), RecordingSink()
    loop = SessionLoop(guide, sink, speaker=None, vocabulary=load_vocabulary("en"),
                       settings=settings, journal=journal)
    loop.start()
    loop.submit(TypedAnswer("I want us to talk more"))
    assert sink.wait_for(lambda: bool(sink.of("saved")))
    assert sink.of("saved")[0][1:] == (1, 6)
    loop.stop()


def test_quit_closes_an_open_entry_and_ends_the_loop(rig, guide) -> None:
    loop, speaker, journal, sink = rig
    loop.attach_voice(FakeVoice())
    loop.submit(Command(CommandKind.REFLECT))
    assert sink.wait_for(lambda: bool(speaker.spoken))
    speaker.finish(True)
    loop.submit(_heard("one thing"))
    loop.submit(Command(CommandKind.QUIT))
    assert loop.wait(5)
    assert sink.of("quit") and [e["closed"] for e in journal.entries.values()] == [True]
    assert "close" in speaker.calls


def test_journal_failure_is_reported_not_fatal(guide, settings) -> None:
    from calm_voice.errors import JournalError

    def broken() -> FakeJournal:
        raise JournalError("The journal file is damaged.", "A copy was kept.")

    sink = RecordingSink()
    loop = SessionLoop(guide, sink, speaker=None, vocabulary=load_vocabulary("en"),
                       settings=replace(settings), journal_factory=broken)
    loop.start()
    assert sink.wait_for(lambda: bool(sink.of("notice")))
    loop.submit(Command(CommandKind.NEXT))
    assert sink.wait_for(lambda: sink.of("state")[-1].step == 1)
    loop.stop()


def test_pause_where_am_i_resume_starts_the_step_again(rig) -> None:
    loop, speaker, _, sink = rig
    loop.submit(Command(CommandKind.RESUME))
    assert sink.wait_for(lambda: speaker.playing)
    loop.submit(Command(CommandKind.PAUSE))
    loop.submit(Command(CommandKind.WHERE))
    assert sink.wait_for(lambda: any("Reading is paused" in t for t in sink.of("say")))
    assert sink.wait_for(lambda: speaker.spoken[-1][0] == "say:0")
    speaker.finish(True)  # the answer was heard to its end; reading stays paused
    loop.submit(Command(CommandKind.RESUME))
    assert sink.wait_for(lambda: len(speaker.spoken) == 3)
    assert speaker.spoken[2][0] == "step:0", "the step's paused sound was replaced: start it again"
    assert "resume" not in speaker.calls


def test_the_label_says_commands_are_listened_for_while_the_guide_speaks(rig) -> None:
    loop, speaker, journal, sink = rig
    loop.attach_voice(FakeVoice(), "test-model")
    assert sink.wait_for(lambda: sink.of("listening")[-1:] == ["listening"])
    loop.submit(Command(CommandKind.RESUME))
    assert sink.wait_for(lambda: sink.of("listening")[-1:] == ["listening for commands"])
    speaker.finish(False)
    assert sink.wait_for(lambda: sink.of("listening")[-1:] == ["listening"])
    loop.stop()
    assert journal.closed, "the journal is let go of when the session ends"
