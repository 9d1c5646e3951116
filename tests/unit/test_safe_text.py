"""Untrusted text never reaches a terminal as a control sequence or as markup."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual.content import Content

from calm_voice.safe_text import for_markup, for_terminal


def test_escape_sequences_are_shown_not_run() -> None:
    shown = for_terminal("\x1b]0;TITLE\x07 and \x1b[2J done")
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown == "␛]0;TITLE␇ and ␛[2J done"


def test_c1_and_bidi_controls_are_visible() -> None:
    shown = for_terminal("a\x9bb\u202ec")
    assert shown == "a\\u009bb\\u202ec"


def test_newlines_kept_only_when_asked() -> None:
    assert for_terminal("a\nb") == "a␊b"
    assert for_terminal("a\nb", keep_newlines=True) == "a\nb"


def test_markup_is_shown_literally() -> None:
    text = "[bold red]not bold[/] [link=file:///etc]x[/link]"
    assert Content.from_markup(for_markup(text)).plain == text


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    shown = for_terminal(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)


@given(st.text())
def test_markup_round_trips_to_the_visible_text(text: str) -> None:
    assert Content.from_markup(for_markup(text)).plain == for_terminal(text)
    assert Content.from_markup(for_markup(text) + " end").plain == for_terminal(text) + " end"


def test_backslashes_before_brackets_and_at_the_end_stay_as_typed() -> None:
    for text in ("\\", "a\\\\", "\\[x]", "\\\\[b]x", "[\\]"):
        assert Content.from_markup(for_markup(text)).plain == text
