"""What the companion says that is not in the guide: a step's spoken heading, where-am-I, help,
and the short answers to commands."""

from __future__ import annotations

from calm_voice.events import CommandKind as K
from calm_voice.guide import Guide
from calm_voice.session.spoken_words import SpokenWords
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
ENGLISH = SpokenWords()


def help_text(spoken: SpokenWords = ENGLISH) -> str:
    """What can be said, in the words of the language being listened for."""
    if spoken.language == "en":
        return HELP_TEXT
    english = dict(ENGLISH.words)
    said = ", ".join(f"{word} ({english[kind]})" for kind, word in spoken.words)
    return f"You can say: {said}. Everything else is on a key: press ? to see them."


def _quoted(spoken: SpokenWords, *kinds: K) -> str:
    """The words for these commands, quoted and joined with "or"; empty if none can be said."""
    return " or ".join(f"“{word}”" for kind in kinds if (word := spoken.of(kind)))


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
        go_on = state.spoken.of(K.RESUME)
        where += f" Reading is paused; {f'say {go_on}' if go_on else 'press space'} to go on."
    elif state.mode is Mode.REFLECTING:
        where += f" I asked: {step.prompts[state.prompt % len(step.prompts)].text}"
    return where


def saved(words: int, by_voice: bool = True, spoken: SpokenWords = ENGLISH) -> str:
    next_word = spoken.of(K.NEXT)
    go_on = f"Say {next_word}" if by_voice and next_word else "Press n"
    return (f"Saved, {words} {'word' if words == 1 else 'words'}. "
            f"{go_on} when you are ready to go on.")


def answer_hint(by_voice: bool, spoken: SpokenWords = ENGLISH) -> str:
    """Said after a question: how to answer it, and how to move on."""
    if by_voice:
        done = spoken.of(K.FINISH_ENTRY)
        finish = f"Say {done}" if done else "Press d"
        return f"Take your time and answer aloud. {finish} when you have finished."
    return "Press t to type your answer, or n when you are done."


def next_move(state: SessionState, guide: Guide) -> str:
    """One line for the screen: what the person can do now, by key (and by voice when on)."""
    voice = state.voice_attached
    spoken = state.spoken
    prompts = guide.steps[state.step].prompts
    last_step = state.step >= len(guide.steps) - 1
    if state.mode is Mode.REFLECTING:
        which = f"Question {state.prompt % len(prompts) + 1} of {len(prompts)}. "
        if voice and state.entry_open:
            done = _quoted(spoken, K.FINISH_ENTRY)
            then = f"say {done} (or press d)" if done else "press d"
            return which + f"Answer aloud, then {then}. t types instead; n moves on."
        return which + "Press t to type your answer, n when you are done."
    if state.mode is Mode.PLAYING:
        said = _quoted(spoken, K.PAUSE, K.NEXT)
        words = f" Say {said}." if voice and said else ""
        return f"Reading aloud. Press space to pause, n for the next step.{words}"
    if state.mode is Mode.PAUSED:
        said = _quoted(spoken, K.RESUME)
        words = f" Say {said}." if voice and said else ""
        return f"Paused. Press space to go on.{words}"
    next_word = _quoted(spoken, K.NEXT)
    if state.next_prompt is not None:
        words = f" or say {next_word}" if voice and next_word else ""
        return (f"Press n{words} for question {state.next_prompt + 1} of {len(prompts)}, "
                "t to type an answer.")
    if state.step_done and last_step:
        return "That was the last step. Press j to read your journal, q to quit."
    if state.step_done:
        words = f" or say {next_word}" if voice and next_word else ""
        return f"Press n{words} for the next step, r to hear this one again."
    go_on = _quoted(spoken, K.RESUME)
    words = f" or say {go_on}" if voice and go_on else ""
    return f"Press space{words} to hear this step, n for the next one."


def not_understood(text: str, shown_chars: int = 40, spoken: SpokenWords = ENGLISH) -> str:
    said = text if len(text) <= shown_chars else text[:shown_chars - 1] + "…"
    help_word = spoken.of(K.HELP)
    ask = f"say {help_word} to hear" if help_word else "press ? to see"
    return f"I didn't understand “{said}”; {ask} what you can say. It was not saved."


def listening_on(device: str, spoken: SpokenWords = ENGLISH) -> str:
    """Told once the microphone is open: where it listens, and how to hear what can be said."""
    help_word = spoken.of(K.HELP)
    ask = f"Say “{help_word}” to hear" if help_word else "Press ? to see"
    return f"Listening on {device}. {ask} what you can say."


def no_step(number: int, total: int) -> str:
    return f"There is no step {number}. The steps go from 1 to {total}."


def no_reason(number: int, reasons: int) -> str:
    if not reasons:
        return "This guide has no reasons to go to."
    return f"There is no reason {number}. The reasons go from 1 to {reasons}."
