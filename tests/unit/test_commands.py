"""Command vocabularies: phrases → commands, numbers, mishearings, the grammar, bad files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from calm_voice import paths
from calm_voice.commands import (
    DICTATION_CONTROLS,
    UNKNOWN_WORD,
    Vocabulary,
    load_vocabulary,
    normalise,
)
from calm_voice.errors import ConfigError, GuideError
from calm_voice.events import Command, CommandKind

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
K = CommandKind


def raw(language: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (CONTENT / f"commands.{language}.yaml").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def en() -> Vocabulary:
    return load_vocabulary("en", CONTENT)


def test_every_phrase_in_the_file_means_its_command(en: Vocabulary) -> None:
    commands = raw("en")["commands"]
    assert set(commands) == {k.value for k in K} - {"toggle", "goto_step", "goto_reason", "quit"}
    for name, phrases in commands.items():
        for phrase in phrases:
            found = en.match(phrase)
            assert found is not None, phrase
            assert (found.kind, found.number) == (K(name), None), phrase
            assert (found.source, found.heard) == ("voice", phrase)


def test_no_phrase_means_two_things() -> None:
    data = raw("en")
    owner: dict[str, str] = {}
    for name, phrases in data["commands"].items():
        for phrase in phrases:
            assert owner.setdefault(normalise(phrase), name) == name, phrase
    for name, heard in data["confusions"].items():
        for phrase in heard:
            assert owner.get(normalise(phrase), name) == name, f"{phrase} is already a phrase"


@pytest.mark.parametrize(
    ("said", "kind", "number"),
    [
        ("go to reason three", K.GOTO_REASON, 3),
        ("reason five", K.GOTO_REASON, 5),
        ("skip to reason one", K.GOTO_REASON, 1),
        ("go to step twelve", K.GOTO_STEP, 12),
        ("step seven", K.GOTO_STEP, 7),
        ("Skip to step two.", K.GOTO_STEP, 2),
    ],
)
def test_go_to_with_a_number(en: Vocabulary, said: str, kind: CommandKind, number: int) -> None:
    assert en.match(said) == Command(kind, number, source="voice", heard=said)


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("Next!", K.NEXT),
        ("  WHERE   am I? ", K.WHERE),
        ("I’m done", K.FINISH_ENTRY),
        ("i'm done", K.FINISH_ENTRY),
        ("Scratch that.", K.SCRATCH_THAT),
        ("What can I say?", K.HELP),
    ],
)
def test_case_punctuation_and_curly_apostrophes_do_not_matter(
    en: Vocabulary, said: str, kind: CommandKind
) -> None:
    found = en.match(said)
    assert found is not None and found.kind is kind
    assert found.heard == said


@pytest.mark.parametrize(
    ("said", "kind", "number"),
    [
        ("necks", K.NEXT, None),
        ("paws", K.PAUSE, None),
        ("we beat", K.REPEAT, None),
        ("where am i now", K.WHERE, None),
        ("go to reason tree", K.GOTO_REASON, 3),
        ("step for", K.GOTO_STEP, 4),
        ("go to reason 3", K.GOTO_REASON, 3),
        ("reason fife", K.GOTO_REASON, 5),
    ],
)
def test_mishearings_count_only_when_not_strict(
    en: Vocabulary, said: str, kind: CommandKind, number: int | None
) -> None:
    assert en.match(said, strict=True) is None
    found = en.match(said, strict=False)
    assert found is not None and (found.kind, found.number) == (kind, number)


@pytest.mark.parametrize(
    "said",
    ["[unk]", "next [unk]", "[unk] go to reason three", "go to [unk] three", "[unk] [unk]"],
)
def test_anything_with_an_unknown_word_is_no_command(en: Vocabulary, said: str) -> None:
    assert en.match(said, strict=True) is None
    assert en.match(said, strict=False) is None
    assert en.match_dictation_control(said) is None


@pytest.mark.parametrize(
    "said",
    ["", "   ", "?!", "next please", "please go back now", "go to reason", "go to reason six six",
     "go to reason thirteen", "I think he needs space"],
)
def test_other_speech_is_no_command(en: Vocabulary, said: str) -> None:
    assert en.match(said, strict=False) is None


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("I'm done", K.FINISH_ENTRY),
        ("that's all", K.FINISH_ENTRY),
        ("scratch that", K.SCRATCH_THAT),
        ("take that back", K.SCRATCH_THAT),
        ("next", K.NEXT),
        ("stop", K.STOP),
    ],
)
def test_dictation_controls_steer_a_reflection(
    en: Vocabulary, said: str, kind: CommandKind
) -> None:
    found = en.match_dictation_control(said)
    assert found is not None and found.kind is kind


@pytest.mark.parametrize(
    "said",
    ["louder", "faster", "go to reason three", "I'm done with him", "he said stop",
     "I think we should go back to how it was",
     # one-word answers, and mishearings of commands, are the person's words
     "wait", "again", "journal", "go back", "necks", "text", "top"],
)
def test_other_speech_during_a_reflection_is_written_down(en: Vocabulary, said: str) -> None:
    assert en.match_dictation_control(said) is None


def test_dictation_controls_are_commands_that_exist() -> None:
    assert {K.FINISH_ENTRY, K.SCRATCH_THAT} <= DICTATION_CONTROLS <= set(K)


def test_grammar_is_every_phrase_and_unk_and_nothing_else(en: Vocabulary) -> None:
    grammar = en.grammar()
    assert grammar[-1] == UNKNOWN_WORD == "[unk]"
    phrases = grammar[:-1]
    assert phrases == sorted(set(phrases))
    assert set(phrases) == set(en.phrases)
    for mishearing in ("necks", "go to reason tree", "paws", "go to reason 3"):
        assert mishearing not in phrases
    assert "go to reason three" in phrases and "next" in phrases
    assert all(phrase == normalise(phrase) for phrase in phrases)


def test_grammar_numbers_cover_every_step_of_the_guide(en: Vocabulary) -> None:
    for number in range(1, 12):
        spoken = [p for p, c in en.phrases.items() if c == Command(K.GOTO_STEP, number)]
        assert len(spoken) == 3, number


def test_shipped_korean_vocabulary_has_every_english_command() -> None:
    """The shipped Korean file (chosen in docs/korean-commands.md) covers what English does,
    but going to a numbered step or reason, which no number words made reliable."""
    ko = load_vocabulary("ko", CONTENT)
    assert ko.language == "ko"
    said = {command.kind for command in ko.phrases.values()}
    english = {command.kind for command in load_vocabulary("en", CONTENT).phrases.values()}
    assert said == english - {K.GOTO_STEP, K.GOTO_REASON}
    assert ko.match("넘어가") == Command(K.NEXT, source="voice", heard="넘어가")
    assert ko.match("이전 페이지") == Command(K.PREVIOUS, source="voice", heard="이전 페이지")
    assert ko.match("넘어가 [unk]") is None
    assert ko.grammar()[-1] == UNKNOWN_WORD and ko.confusions == {}
    assert not any(ko.can_grow(phrase) for phrase in ko.phrases)
    assert {K.FINISH_ENTRY, K.SCRATCH_THAT, K.NEXT, K.STOP} <= said  # steering an answer


def test_tests_speak_their_own_korean_words() -> None:
    """tests/conftest.py points CALM_VOICE_COMMANDS at tests/data/commands: the end-to-end
    tests keep their words whatever the shipped file holds."""
    ko = load_vocabulary("ko")
    assert set(ko.grammar()[:-1]) == {"다음", "이전", "다시", "잠깐", "계속", "멈춰", "도움말",
                                      "기록", "끝"}
    assert load_vocabulary("en") == load_vocabulary("en", CONTENT)


def test_default_content_folder_is_used(en: Vocabulary) -> None:
    assert load_vocabulary("en") == en


def write_vocabulary(tmp_path: Path, text: str) -> Path:
    (tmp_path / "commands.xx.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("commands: {next: [next}\n", "not valid YAML"),
        ("language: xx\n", "has no 'commands' mapping"),
        ("- next\n- back\n", "has no 'commands' mapping"),
        ("", "has no 'commands' mapping"),
        ("commands: [next, back]\n", "has no 'commands' mapping"),
        ("commands: {nxt: [next]}\n", "'nxt' is not a valid CommandKind"),
        ("commands: {next: next}\n", "'next' should be a list of phrases"),
        ("commands: {next: 5}\n", "'next' should be a list of phrases"),
        ("commands: {next: [3]}\n", "'next' should be a list of phrases"),
        ("commands: {}\ngoto: {goto_step: ['step {n}']}\nnumbers: {one: uno}\n", "uno"),
        ("commands: {}\ngoto: {goto_step: ['go to step']}\nnumbers: {one: 1}\n", "no {n}"),
        ("commands: {}\ngoto: {goto_somewhere: ['x {n}']}\n", "goto_somewhere"),
        ("commands: {}\nconfusions: {next: necks}\n", "should be a list of phrases"),
    ],
)
def test_a_broken_vocabulary_is_a_guide_error(tmp_path: Path, text: str, says: str) -> None:
    folder = write_vocabulary(tmp_path, text)
    with pytest.raises(GuideError) as raised:
        load_vocabulary("xx", folder)
    assert str(folder / "commands.xx.yaml") in raised.value.problem
    assert says in raised.value.problem
    assert raised.value.fix


def test_a_missing_vocabulary_is_a_guide_error(tmp_path: Path) -> None:
    with pytest.raises(GuideError) as raised:
        load_vocabulary("zz", tmp_path)
    assert "commands.zz.yaml does not exist" in raised.value.problem
    assert "language" in raised.value.fix


def test_unknown_command_error_lists_the_known_commands(tmp_path: Path) -> None:
    folder = write_vocabulary(tmp_path, "commands: {nxt: [next]}\n")
    with pytest.raises(GuideError) as raised:
        load_vocabulary("xx", folder)
    assert "next" in raised.value.fix and "scratch_that" in raised.value.fix


def test_normalise() -> None:
    assert normalise("  I’M   Done!! ") == "i'm done"
    assert normalise("go-to, reason: three.") == "go to reason three"
    assert normalise("") == ""


def test_own_commands_are_used_for_their_language_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_vocabulary(tmp_path, "language: xx\ncommands: {next: [nyx]}\n")
    monkeypatch.setenv("CALM_VOICE_COMMANDS", str(tmp_path))
    assert paths.commands_path("xx") == tmp_path / "commands.xx.yaml"
    assert load_vocabulary("xx").match("nyx") == Command(K.NEXT, source="voice", heard="nyx")
    assert paths.commands_path("en") == paths.content_dir() / "commands.en.yaml"
    assert load_vocabulary("en") == load_vocabulary("en", CONTENT)
    assert paths.command_languages() == ["en", "ko", "xx"]


@pytest.mark.parametrize("make", ["missing", "file"])
def test_an_own_commands_folder_that_is_not_one_is_explained(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: str) -> None:
    target = tmp_path / "mine"
    if make == "file":
        target.write_text("commands: {}\n", encoding="utf-8")
    monkeypatch.setenv("CALM_VOICE_COMMANDS", str(target))
    with pytest.raises(ConfigError) as raised:
        load_vocabulary("ko")
    assert str(target) in raised.value.problem and "CALM_VOICE_COMMANDS" in raised.value.problem
    assert ("does not exist" if make == "missing" else "is not a folder") in raised.value.problem
    assert "unset it" in raised.value.fix
