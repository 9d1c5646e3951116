"""The spoken journal: SQLite storage, per-entry audio, search and export."""

from calm_voice.journal.records import (
    LOW_CONFIDENCE,
    Clip,
    EntryDetail,
    EntrySummary,
    SearchHit,
    UtteranceRecord,
    is_low_confidence,
)
from calm_voice.journal.store import JournalStore

__all__ = [
    "LOW_CONFIDENCE",
    "Clip",
    "EntryDetail",
    "EntrySummary",
    "JournalStore",
    "SearchHit",
    "UtteranceRecord",
    "is_low_confidence",
]
