"""Long text is cut for espeak at the strongest boundary that fits, and nothing is lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from calm_voice.speech.chunks import MAX_CHUNK_CHARS, split_for_speech


@given(st.text(alphabet=st.sampled_from(list("ab c,.;!?—\n\t\x1bé")), max_size=3000),
       st.integers(10, 500))
@settings(max_examples=300, deadline=None)
def test_pieces_join_back_and_fit(text: str, limit: int) -> None:
    pieces = split_for_speech(text, limit)
    assert "".join(pieces) == text
    assert all(len(piece) <= limit for piece in pieces)
    assert len(pieces) <= max(1, 4 * len(text) // limit + 1)  # no runaway tiny pieces


def test_short_text_is_one_piece() -> None:
    assert split_for_speech("Breathe in. Breathe out.") == ["Breathe in. Breathe out."]
    assert split_for_speech("") == [""]


def test_sentence_ends_win_over_commas_and_spaces() -> None:
    text = "One, two, three. " * 40
    pieces = split_for_speech(text)
    assert all(piece.endswith("three. ") for piece in pieces[:-1])


def test_a_long_sentence_is_cut_at_clauses_then_words() -> None:
    clauses = "and then we waited, " * 60
    assert all(p.endswith(", ") for p in split_for_speech(clauses)[:-1])
    words = "word " * 300
    assert all(p.endswith(" ") and len(p) <= MAX_CHUNK_CHARS for p in split_for_speech(words))
