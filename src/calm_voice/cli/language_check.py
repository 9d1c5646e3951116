"""`doctor`'s language checks: the guide, the spoken commands, the model and its vocabulary
agree, so that every command can be heard."""

from __future__ import annotations

from dataclasses import dataclass

from calm_voice import paths
from calm_voice.config import Settings
from calm_voice.errors import CalmVoiceError
from calm_voice.safe_yaml import capped

LISTED_WORDS = 10


@dataclass(frozen=True)
class Check:
    status: str
    """"OK", "WARN" (works, with less), "FAIL" (calm-voice cannot run properly) or "TIP"
    (optional, would make it work better)."""
    subject: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.subject}: {self.detail}"


def language_checks(settings: Settings) -> list[Check]:
    """The guide loads, the commands exist in its language, the model is of that language too
    and knows every command word."""
    from calm_voice.commands import load_vocabulary
    from calm_voice.guide import load_guide

    try:
        guide = load_guide(settings.guide_path)
    except CalmVoiceError as exc:
        return [Check("FAIL", "guide", str(exc))]
    checks = [Check("OK", "guide", f"'{guide.language}', {len(guide.steps)} steps, "
                                   f"{settings.guide_path}")]
    language = settings.recognizer.language
    try:
        vocabulary = load_vocabulary(language)
    except CalmVoiceError as exc:
        return [*checks, Check("FAIL", "spoken commands", str(exc))]
    checks.append(Check("OK", "spoken commands", f"'{language}', {len(vocabulary.phrases)} "
                                                 "phrases"))
    if guide.language != language:
        checks.append(_guide_mismatch(guide.language, language))
    return [*checks, *_model_checks(settings, vocabulary.grammar())]


def _guide_mismatch(guide_language: str, language: str) -> Check:
    detail = (f"the guide is in '{guide_language}' but spoken commands are in '{language}'; "
              f"commands are heard in one language while the guide is read in another.")
    if paths.default_guide_path(language).is_file():
        return Check("FAIL", "language", f"{detail} Use --language {guide_language} (or "
                                         f"language: {guide_language} in the settings) so the "
                                         "commands follow the guide, or a guide in "
                                         f"'{language}' with --guide.")
    return Check("WARN", "language", f"{detail} calm-voice has no guide in '{language}' yet; "
                                     "give one with --guide FILE.")


def _model_checks(settings: Settings, grammar: list[str]) -> list[Check]:
    from calm_voice.speech.discovery import find_model, named_language
    from calm_voice.speech.vocabulary import grammar_words, missing_words

    language = settings.recognizer.language
    try:
        found = find_model(settings)
    except CalmVoiceError:
        return []  # the speech model line says what is missing
    spoken = named_language(found.name)
    if spoken and spoken != language:
        return [Check("FAIL", "language", f"the speech model {found.name} is for '{spoken}' "
                                          f"but spoken commands are in '{language}', so no "
                                          f"command would be heard. Use --language {spoken}, "
                                          f"or a model for '{language}' (calm-voice models "
                                          "list).")]
    try:
        missing = missing_words(found.path, grammar_words(grammar))
    except CalmVoiceError as exc:
        return [Check("FAIL", "command words", str(exc))]
    if missing:
        shown = ", ".join(capped(missing, LISTED_WORDS))
        return [Check("FAIL", "command words", f"the speech model {found.name} does not know "
                                               f"{len(missing)} of the '{language}' command "
                                               f"words ({shown}), so they would never be heard. "
                                               f"Use a model for '{language}', or change those "
                                               f"phrases in commands.{language}.yaml.")]
    return [Check("OK", "command words", f"the speech model {found.name} knows every "
                                         f"'{language}' command word")]
