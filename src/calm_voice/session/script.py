"""What the companion says that is not in the guide: a step's spoken heading, where-am-I, help,
and the short answers to commands."""

from __future__ import annotations

from calm_voice.guide import Guide
from calm_voice.session.state import Mode, SessionState

HELP_TEXT = (
    "You can say: next, back, repeat, pause, continue, stop, where am I, "
    "go to reason three, louder, softer, faster or slower. "
    "Say reflect to answer a question aloud, then I'm done when you have finished, "
    "or scratch that to take back the last thing you said."
)
LAST_STEP = "That was the last step of the guide."
FIRST_STEP = "This is the first step."
NOTHING_TO_TAKE_BACK = "There is nothing to take back yet."
TAKEN_BACK = "Taken back."
NOT_SURE = "not sure I heard that right"
OWN_VOICE = "that was the guide's own voice"
CANNOT_SAVE = "Your answer is shown here but cannot be saved: the journal is not available."


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


def where_am_i(state: SessionState, guide: Guide) -> str:
    step = guide.steps[state.step]
    part = guide.part_of(step)
    where = f"You are at step {state.step + 1} of {len(guide.steps)}: {step.title}"
    if part.title != step.title:
        where += f", in {part.title}"
    where += "."
    if state.mode is Mode.PAUSED:
        where += " Reading is paused; say continue to go on."
    elif state.mode is Mode.REFLECTING:
        where += f" I asked: {step.prompts[state.prompt % len(step.prompts)].text}"
    return where


def saved(words: int) -> str:
    return (f"Saved, {words} {'word' if words == 1 else 'words'}. "
            "Say next when you are ready to go on.")


def not_understood(text: str, shown_chars: int = 40) -> str:
    said = text if len(text) <= shown_chars else text[:shown_chars - 1] + "…"
    return f"I didn't understand “{said}”; say help to hear what you can say. It was not saved."


def no_step(number: int, total: int) -> str:
    return f"There is no step {number}. The steps go from 1 to {total}."


def no_reason(number: int, reasons: int) -> str:
    if not reasons:
        return "This guide has no reasons to go to."
    return f"There is no reason {number}. The reasons go from 1 to {reasons}."
