"""The state table the pure-session tests share: step reason-3 of the English guide in every mode,
and what a reflection on it looks like once ended."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from calm_voice.guide import load_guide
from calm_voice.session.context import Context
from calm_voice.session.state import Mode, SessionState

REPO = Path(__file__).resolve().parents[2]
GUIDE = load_guide(REPO / "content" / "guide.en.yaml")
CTX = Context(GUIDE)
REASON_3 = GUIDE.index_of("reason-3")
HINT = "Press t to type your answer, or n when you are done."
"""How a question asked with no microphone says to answer."""

# Step reason-3, two sentences in; while reflecting, an entry holds two utterances of 3 + 4 words.
STATES = {
    Mode.IDLE: SessionState(step=REASON_3, mode=Mode.IDLE, sentence=2),
    Mode.PLAYING: SessionState(step=REASON_3, mode=Mode.PLAYING, sentence=2),
    Mode.PAUSED: SessionState(step=REASON_3, mode=Mode.PAUSED, sentence=2),
    Mode.REFLECTING: SessionState(
        step=REASON_3, mode=Mode.REFLECTING, sentence=0, prompt=0, entry_open=True,
        entry_utterances=2, entry_words=7, utterance_words=(3, 4),
    ),
}


def idle(mode: Mode, *, sentence: int | None = None) -> SessionState:
    """STATES[mode] once it went idle: any answer closed, the place kept unless given."""
    before = STATES[mode]
    return replace(before, mode=Mode.IDLE, entry_open=False, entry_utterances=0, entry_words=0,
                   utterance_words=(), sentence=before.sentence if sentence is None else sentence)
