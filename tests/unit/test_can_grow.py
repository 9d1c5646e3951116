"""Which heard commands are certain: no longer grammar phrase starts with them."""

from __future__ import annotations

from calm_voice.commands import can_grow, load_vocabulary


def test_english_commands_that_can_and_cannot_grow() -> None:
    vocabulary = load_vocabulary("en")
    assert not vocabulary.can_grow("stop")
    assert vocabulary.can_grow("go to reason")
    assert vocabulary.can_grow("go to")
    assert not vocabulary.can_grow("go to reason three")


def test_korean_single_words_never_grow() -> None:
    vocabulary = load_vocabulary("ko")
    assert not any(vocabulary.can_grow(phrase) for phrase in vocabulary.phrases)


def test_words_are_compared_whole_and_normalised() -> None:
    phrases = ["next", "next step", "nextly"]
    assert can_grow(phrases, "Next")
    assert not can_grow(phrases, "next step")
    assert not can_grow(["nextly"], "next")
    assert can_grow(phrases, "")  # nothing heard yet: anything may follow
