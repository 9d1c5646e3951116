"""Carry out the session's journal effects; what the journal answers goes back as an input."""

from __future__ import annotations

from calm_voice.guide import Guide
from calm_voice.runtime.ports import JournalPort
from calm_voice.session import effects as e
from calm_voice.session.inputs import EntryOpened, EntrySaved, Input
from calm_voice.session.state import SavedNote


def apply_journal(effect: e.Effect, journal: JournalPort | None, guide: Guide) -> Input | None:
    if isinstance(effect, (e.OpenEntry, e.SaveTypedAnswer)):
        if journal is None:
            return EntryOpened(None)
        step = next((s for s in guide.steps if s.id == effect.step_id), None)
        prompt = guide.prompt(effect.prompt_id)
        entry_id = journal.open_entry(guide.id, effect.step_id, effect.prompt_id,
                                      guide.language, effect.model,
                                      step_title=step.title if step else None,
                                      prompt_text=prompt.text if prompt else None)
        if isinstance(effect, e.OpenEntry):
            return EntryOpened(entry_id)
        journal.add_utterance(entry_id, effect.final)
        return _closed(journal, entry_id, SavedNote.SPOKEN)
    if journal is None:
        return None
    if isinstance(effect, e.AddUtterance) and effect.entry_id is not None:
        journal.add_utterance(effect.entry_id, effect.final, audio=effect.audio)
    elif isinstance(effect, e.RemoveLastUtterance) and effect.entry_id is not None:
        journal.remove_last_utterance(effect.entry_id)
    elif isinstance(effect, e.CloseEntry) and effect.entry_id is not None:
        return _closed(journal, effect.entry_id, effect.note)
    return None


def _closed(journal: JournalPort, entry_id: int, note: SavedNote) -> EntrySaved | None:
    utterances, words = journal.close_entry(entry_id)
    return EntrySaved(entry_id, utterances, words, note) if utterances else None
