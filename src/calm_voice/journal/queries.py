"""Read-only queries on a journal connection: the list, one entry, search, and bulk reads."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence

from calm_voice.errors import UnknownEntryError
from calm_voice.events import Word
from calm_voice.journal.records import EntryDetail, EntrySummary, SearchHit, UtteranceRecord

PREVIEW_CHARS = 80

_ENTRY_COLUMNS = ("id, created, closed, guide, step, prompt, language, model, audio_file, "
                  "step_title, prompt_text")
_UTTERANCE_COLUMNS = ('id, entry_id, created, text, original_text, edited, words, start, "end", '
                      "confidence, audio_samples")


def words_to_json(words: Sequence[Word]) -> str:
    return json.dumps([[w.word, w.start, w.end, w.conf] for w in words], ensure_ascii=False)


def words_from_json(text: str) -> tuple[Word, ...]:
    return tuple(Word(str(w), float(s), float(e), float(c)) for w, s, e, c in json.loads(text))


def fts_query(text: str) -> str:
    """Each word of the user's text as a quoted prefix term, so FTS syntax in it is inert."""
    return " ".join(f'"{token}"*' for token in re.findall(r"\w+", text))


HAS_WORDS = ("(e.closed IS NOT NULL OR "
             "EXISTS (SELECT 1 FROM utterances u WHERE u.entry_id = e.id))")
"""The one empty-entry rule, used by every read: an entry in which nothing was said (yet) does
not exist for the person. It is removed when it is closed (or, after a crash, at the next
start), and its number is never given to another entry. So a closed entry always has words,
and only the few open entries need looking into."""


def count_entries(conn: sqlite3.Connection, step: str | None = None) -> int:
    """All entries less the open ones without words (found through the small open index).
    Two statements: a bare count(*) is one SQLite answers without reading every row."""
    where = "WHERE e.step = :step" if step is not None else ""
    empty_open = ("e.closed IS NULL AND NOT EXISTS (SELECT 1 FROM utterances u "
                  "WHERE u.entry_id = e.id)" + (" AND e.step = :step" if step is not None else ""))
    every = conn.execute(f"SELECT count(*) FROM entries e {where}", {"step": step}).fetchone()
    empty = conn.execute(f"SELECT count(*) FROM entries e WHERE {empty_open}",
                         {"step": step}).fetchone()
    return int(every[0]) - int(empty[0])


def list_entries(conn: sqlite3.Connection, offset: int = 0, limit: int = 100,
                 step: str | None = None, step_order: Sequence[str] | None = None
                 ) -> list[EntrySummary]:
    """Newest first; with `step_order`, grouped by step in that order, then newest first."""
    where = f"WHERE {HAS_WORDS}" + (" AND e.step = :step" if step is not None else "")
    order = "e.id DESC"
    if step_order is not None:
        order = ("coalesce((SELECT CAST(key AS INTEGER) FROM json_each(:order) "
                 "WHERE value = e.step), 1000000), e.id DESC")
    sql = f"""
        SELECT e.id, e.created, e.guide, e.step, e.prompt, e.step_title,
               (SELECT count(*) FROM utterances u WHERE u.entry_id = e.id),
               (SELECT coalesce(sum(word_count), 0) FROM utterances u WHERE u.entry_id = e.id),
               (SELECT substr(text, 1, {PREVIEW_CHARS}) FROM utterances u
                 WHERE u.entry_id = e.id ORDER BY u.id LIMIT 1)
        FROM entries e {where} ORDER BY {order} LIMIT :limit OFFSET :offset"""
    params = {"step": step, "order": json.dumps(list(step_order or [])), "limit": limit,
              "offset": offset}
    return [EntrySummary(row[0], row[1], row[2], row[3], row[4], row[6], row[7], row[8] or "",
                         step_title=row[5]) for row in conn.execute(sql, params)]


def _utterance(row: sqlite3.Row | tuple[object, ...]) -> UtteranceRecord:
    (uid, entry_id, created, text, original, edited, words, start, end, conf, samples) = row
    return UtteranceRecord(
        id=int(str(uid)), entry_id=int(str(entry_id)), created=str(created), text=str(text),
        original_text=None if original is None else str(original),
        edited=None if edited is None else str(edited), words=words_from_json(str(words)),
        start=float(str(start)), end=float(str(end)), confidence=float(str(conf)),
        has_audio=bool(samples),
    )


def _detail(row: tuple[object, ...], utterances: tuple[UtteranceRecord, ...]) -> EntryDetail:
    eid, created, closed, guide, step, prompt, language, model, audio_file, title, asked = row
    return EntryDetail(
        id=int(str(eid)), created=str(created), closed=None if closed is None else str(closed),
        guide=str(guide), step=str(step), prompt=str(prompt), language=str(language),
        model=str(model), utterances=utterances,
        audio_file=None if audio_file is None else str(audio_file),
        step_title=None if title is None else str(title),
        prompt_text=None if asked is None else str(asked),
    )


def get_entry(conn: sqlite3.Connection, entry_id: int) -> EntryDetail:
    row = conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE id = ?",
                       (entry_id,)).fetchone()
    if row is None:
        raise unknown_entry(entry_id)
    utterances = tuple(_utterance(u) for u in conn.execute(
        f"SELECT {_UTTERANCE_COLUMNS} FROM utterances WHERE entry_id = ? ORDER BY id",
        (entry_id,)))
    if not utterances:
        raise unknown_entry(entry_id)
    return _detail(row, utterances)


def all_entries(conn: sqlite3.Connection) -> list[EntryDetail]:
    """Every entry, oldest first, in two queries (for export)."""
    by_entry: dict[int, list[UtteranceRecord]] = {}
    for row in conn.execute(f"SELECT {_UTTERANCE_COLUMNS} FROM utterances ORDER BY id"):
        record = _utterance(row)
        by_entry.setdefault(record.entry_id, []).append(record)
    return [_detail(row, tuple(by_entry[int(row[0])]))
            for row in conn.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries ORDER BY id")
            if int(row[0]) in by_entry]


def search(conn: sqlite3.Connection, text: str, limit: int = 100) -> list[SearchHit]:
    """Utterances holding every word of `text` (as prefixes), newest first, each whole with
    where the words matched."""
    query = fts_query(text)
    if not query:
        return []
    sql = """
        SELECT u.entry_id, u.id, e.created, e.step, u.text, e.step_title
        FROM (SELECT rowid FROM utterance_fts
              WHERE utterance_fts MATCH ? ORDER BY rowid DESC LIMIT ?) AS m
        JOIN utterances u ON u.id = m.rowid
        JOIN entries e ON e.id = u.entry_id
        ORDER BY u.id DESC"""
    return [SearchHit(entry_id, utterance_id, created, step, said, text, step_title=title)
            for entry_id, utterance_id, created, step, said, title
            in conn.execute(sql, (query, limit))]


def unknown_entry(entry_id: int) -> UnknownEntryError:
    return UnknownEntryError(f"There is no journal entry {entry_id}.",
                             "See the entries with: calm-voice journal list")


def entry_exists(conn: sqlite3.Connection, entry_id: int) -> bool:
    return conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone() is not None
