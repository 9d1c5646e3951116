"""What the session decides with but never changes: the guide, the command words, the limits."""

from __future__ import annotations

from dataclasses import dataclass

from calm_voice.commands import Vocabulary
from calm_voice.guide import Guide

MIN_COMMAND_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Context:
    guide: Guide
    vocabulary: Vocabulary | None = None
    """The spoken command words; None hears no commands by voice (keys still work)."""
    min_command_confidence: float = MIN_COMMAND_CONFIDENCE
    """A spoken command with any word below this is shown, not obeyed."""
    silence_timeout: float = 45.0
    """Seconds of nothing heard that close an answer being taken down."""
