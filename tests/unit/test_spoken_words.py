"""Lines that tell a person what to say use the words of the language being listened for: with
Korean commands, help, hints and notes name the Korean words, never English ones nobody hears."""

from __future__ import annotations

from pathlib import Path

from calm_voice.commands import load_vocabulary, load_vocabulary_file
from calm_voice.events import Command, CommandKind
from calm_voice.guide import load_guide
from calm_voice.session import script
from calm_voice.session.context import Context
from calm_voice.session.effects import Announce, AskPrompt
from calm_voice.session.inputs import VoiceAttached
from calm_voice.session.machine import transition
from calm_voice.session.spoken_words import SpokenWords, spoken_words
from calm_voice.session.state import Mode, SessionState

REPO = Path(__file__).resolve().parents[2]
GUIDE = load_guide(REPO / "content" / "guide.en.yaml")
KOREAN = load_vocabulary_file(REPO / "content" / "commands.ko.yaml", "ko")  # the shipped words
K = CommandKind


def attached(ctx: Context) -> SessionState:
    state, _ = transition(SessionState(), VoiceAttached("model"), ctx)
    return state


def test_english_keeps_the_written_words() -> None:
    spoken = spoken_words(load_vocabulary("en"))
    assert spoken == SpokenWords()
    assert script.help_text(spoken) == script.HELP_TEXT
    assert script.answer_hint(True, spoken).endswith("Say I'm done when you have finished.")


def test_every_korean_word_named_is_one_the_recogniser_obeys() -> None:
    spoken = spoken_words(KOREAN)
    assert spoken.language == "ko"
    for kind, said in spoken.words:
        assert KOREAN.phrases[said].kind is kind
    assert spoken.of(K.NEXT) == "넘어가"
    assert spoken.of(K.GOTO_REASON) is None  # go-to is keys-only in Korean


def test_korean_help_lists_the_korean_words_and_no_english_command_to_say() -> None:
    state = attached(Context(GUIDE, KOREAN))
    _, effects = transition(state, Command(K.HELP), Context(GUIDE, KOREAN))
    told = [effect.text for effect in effects if isinstance(effect, Announce)]
    assert len(told) == 1
    assert "넘어가 (next)" in told[0] and "마침 (I'm done)" in told[0]
    assert "go to reason three" not in told[0]


def test_korean_hints_name_the_korean_words() -> None:
    ctx = Context(GUIDE, KOREAN)
    state = attached(ctx)
    _, effects = transition(state, Command(K.REFLECT), ctx)
    hint = next(effect.hint for effect in effects if isinstance(effect, AskPrompt))
    assert hint == "Take your time and answer aloud. Say 마침 when you have finished."
    playing = SessionState(mode=Mode.PLAYING, voice_attached=True, spoken=state.spoken)
    assert "Say “일시정지” or “넘어가”." in script.next_move(playing, GUIDE)
    assert script.saved(3, spoken=state.spoken).startswith("Saved, 3 words. Say 넘어가 when")
    assert "say 도움말 to hear" in script.not_understood("뭐", spoken=state.spoken)


def test_a_command_with_no_word_points_to_its_key() -> None:
    spoken = SpokenWords("xx", ((K.NEXT, "nxt"),))
    assert script.answer_hint(True, spoken).endswith("Press d when you have finished.")
    assert "press ? to see" in script.not_understood("hm", spoken=spoken)
    paused = SessionState(mode=Mode.PAUSED, voice_attached=True, spoken=spoken)
    assert script.next_move(paused, GUIDE) == "Paused. Press space to go on."
