"""The session loop names the configured language's command words from the start, before any
microphone attaches: with keys alone, help and hints in Korean mode name the Korean words; and
the notice that the microphone is open names the help word of that language too."""

from __future__ import annotations

from pathlib import Path

from calm_voice.commands import load_vocabulary
from calm_voice.config import Settings, load_settings
from calm_voice.events import CommandKind
from calm_voice.guide import load_guide
from calm_voice.runtime.loop import SessionLoop
from calm_voice.session.inputs import VoiceAttached
from calm_voice.session.script import listening_on
from calm_voice.session.spoken_words import SpokenWords, spoken_words
from calm_voice.session.state import SessionState
from tests.support.fakes import RecordingSink


def keys_only_loop(settings: Settings, sink: RecordingSink) -> SessionLoop:
    """The loop as start-up builds it with no speaker and no microphone."""
    return SessionLoop(load_guide(settings.guide_path), sink, speaker=None,
                       vocabulary=load_vocabulary(settings.recognizer.language),
                       settings=settings)


def korean_settings(tmp_path: Path) -> Settings:
    return load_settings(None, language="ko", data_dir=tmp_path / "data")


def test_the_first_state_names_the_korean_words(tmp_path: Path) -> None:
    settings = korean_settings(tmp_path)
    korean = load_vocabulary("ko")
    loop = keys_only_loop(settings, RecordingSink())
    spoken = loop.state.spoken
    assert spoken.language == "ko"
    said = spoken.of(CommandKind.NEXT)
    assert said is not None and korean.phrases[said].kind is CommandKind.NEXT
    assert "next" not in dict(spoken.words).values()


def test_the_first_state_shown_has_them_with_no_device(tmp_path: Path) -> None:
    sink = RecordingSink()
    loop = keys_only_loop(korean_settings(tmp_path), sink)
    loop.start()
    try:
        assert sink.wait_for(lambda: bool(sink.of("state")))
        first: SessionState = sink.of("state")[0]
        assert first.spoken.language == "ko" and not first.voice_attached
    finally:
        loop.stop()


def test_attaching_the_voice_keeps_the_korean_words(tmp_path: Path) -> None:
    sink = RecordingSink()
    loop = keys_only_loop(korean_settings(tmp_path), sink)
    before = loop.state.spoken
    loop.start()
    try:
        loop.submit(VoiceAttached("test model"))
        assert sink.wait_for(lambda: any(state.voice_attached for state in sink.of("state")))
        attached = next(state for state in sink.of("state") if state.voice_attached)
        assert attached.spoken == before
    finally:
        loop.stop()


def test_english_keeps_the_written_words(tmp_path: Path) -> None:
    settings = load_settings(None, language="en", data_dir=tmp_path / "data")
    assert keys_only_loop(settings, RecordingSink()).state.spoken == SpokenWords()


def test_the_microphone_notice_names_the_help_word_of_the_language() -> None:
    korean = spoken_words(load_vocabulary("ko"))
    help_word = korean.of(CommandKind.HELP)
    assert help_word is not None
    assert listening_on("Mic", korean) == (
        f"Listening on Mic. Say “{help_word}” to hear what you can say.")
    assert listening_on("Mic") == "Listening on Mic. Say “help” to hear what you can say."
    keys_only = SpokenWords("xx", ((CommandKind.NEXT, "nxt"),))
    assert listening_on("Mic", keys_only) == "Listening on Mic. Press ? to see what you can say."
