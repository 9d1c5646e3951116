"""What reaches the session loop besides commands: voice results, typed answers, speech done;
and the script a step is read from."""

from __future__ import annotations

from dataclasses import dataclass

from calm_voice.events import Final, Partial
from calm_voice.guide import Guide


@dataclass(frozen=True)
class VoiceHeard:
    """From the voice thread: something the recogniser produced, with its audio for finals."""

    heard: Partial | Final
    audio: bytes | None = None
    audio_end: float = 0.0
    """time.monotonic() when the last sample of `audio` was recorded."""
    mode: str = ""
    """"commands" or "dictation": how the recogniser was listening when it heard this."""


@dataclass(frozen=True)
class MicrophoneLost:
    """The voice thread ended because the microphone went away."""


@dataclass(frozen=True)
class TypedAnswer:
    """A reflection typed from the keyboard instead of spoken."""

    text: str


@dataclass(frozen=True)
class _SpeechDone:
    kind: str  # "step", "prompt" or "say"
    step: int
    index: int
    completed: bool


class VoiceControl:
    """What the loop needs from the voice input: switching recognition mode."""

    def set_mode(self, mode: str) -> None:  # "commands" or "dictation"
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


def step_script(guide: Guide, index: int) -> list[str]:
    """What is read for a step: a short heading, then its sentences."""
    step = guide.steps[index]
    part = guide.part_of(step)
    if guide.language != "en":  # the numbering words below are English
        heading = f"{step.title}."
    elif part.id == "reasons":
        heading = f"Reason {part.steps.index(step) + 1}: {step.title}."
    elif len(part.steps) > 1:
        heading = f"{part.title}, step {part.steps.index(step) + 1}: {step.title}."
    else:
        heading = f"{step.title}."
    return [heading, *step.sentences]
