"""Untrusted text (what people said or typed, file contents, names) made safe to show.

Text is stored as it was said; it is cleaned only on its way to a terminal, a Textual widget
or an exported document, so that escape sequences are shown, never executed.
"""

from __future__ import annotations

import unicodedata

_VISIBLE = {
    "\x1b": "␛",
    "\x07": "␇",
    "\x08": "␈",
    "\x7f": "␡",
    "\r": "␍",
    "\x00": "␀",
}


def _visible(char: str) -> str:
    if char in _VISIBLE:
        return _VISIBLE[char]
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures" block
    return f"\\u{code:04x}"


def for_terminal(text: str, *, keep_newlines: bool = False) -> str:
    """Every control or format character (C0, C1, bidi overrides) shown as a visible sign."""
    out: list[str] = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf") and char not in ("\u200d", "\u200c"):
            out.append(_visible(char))
        else:
            out.append(char)
    return "".join(out)


def for_markup(text: str, *, keep_newlines: bool = False) -> str:
    """Like for_terminal, and Textual markup in the text is shown, not interpreted.

    Textual reads "\\[" as a literal bracket and every other backslash as itself, so escaping
    each "[" is enough (textual.markup.escape doubles backslashes, which then show twice)."""
    return for_terminal(text, keep_newlines=keep_newlines).replace("[", "\\[")
