"""Echo rejection: a heard command that matches words the guide is playing is its own voice."""

from __future__ import annotations

from calm_voice.commands import normalise


def is_own_voice(heard: str, recently_played: str) -> bool:
    """True when the heard phrase appears, word for word, in what the speaker just played."""
    phrase = normalise(heard).split()
    played = normalise(recently_played).split()
    if not phrase or len(phrase) > len(played):
        return False
    width = len(phrase)
    return any(played[i:i + width] == phrase for i in range(len(played) - width + 1))
