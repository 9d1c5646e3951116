"""Where the words someone searched for are in a text, matched as the journal's search index
matches them (each query word a prefix, case and accents set aside)."""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=8192)
def _folded(word: str) -> str:
    """A word as the index compares it: case and accents set aside (remove_diacritics)."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_spans(text: str, query: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each word of `text` that one of the query's words begins, as the index
    matched it, so the whole utterance can be shown with the matches marked."""
    terms = tuple(_folded(term) for term in _WORD.findall(query))
    return tuple((found.start(), found.end()) for found in _WORD.finditer(text)
                 if _folded(found.group()).startswith(terms))
