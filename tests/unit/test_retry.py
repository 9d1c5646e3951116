"""A refused stream start is tried again; bad settings and a lasting refusal are not hidden."""

from __future__ import annotations

import pytest
import sounddevice as sd

from calm_voice.audio.retry import open_with_retry


class Opener:
    def __init__(self, refusals: int, error: Exception | None = None) -> None:
        self.refusals = refusals
        self.calls = 0
        self.error = error or sd.PortAudioError("Device unavailable")

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.refusals:
            raise self.error
        return "stream"


def test_a_brief_refusal_is_retried() -> None:
    opener = Opener(refusals=2)
    assert open_with_retry(opener, attempts=3, pause=0.0) == "stream"
    assert opener.calls == 3


def test_a_lasting_refusal_is_raised_after_the_last_attempt() -> None:
    opener = Opener(refusals=5)
    with pytest.raises(sd.PortAudioError):
        open_with_retry(opener, attempts=3, pause=0.0)
    assert opener.calls == 3


def test_bad_settings_are_not_retried() -> None:
    opener = Opener(refusals=5, error=ValueError("no such sample rate"))
    with pytest.raises(ValueError):
        open_with_retry(opener, attempts=3, pause=0.0)
    assert opener.calls == 1
