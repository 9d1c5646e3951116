"""The journal's tables, its FTS5 index, and the migrations that bring any older file up to date."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from calm_voice.errors import JournalError

SCHEMA_VERSION = 3
"""Stored in PRAGMA user_version; bump it and append a migration to change the schema."""

_V1 = """
CREATE TABLE entries (
    id          INTEGER PRIMARY KEY,
    created     TEXT NOT NULL,
    closed      TEXT,
    guide       TEXT NOT NULL,
    step        TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    language    TEXT NOT NULL,
    model       TEXT NOT NULL,
    audio_file  TEXT,
    audio_rate  INTEGER
);
CREATE INDEX entries_step ON entries(step, id);

CREATE TABLE utterances (
    id             INTEGER PRIMARY KEY,
    entry_id       INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    created        TEXT NOT NULL,
    text           TEXT NOT NULL,
    original_text  TEXT,
    edited         TEXT,
    words          TEXT NOT NULL,
    word_count     INTEGER NOT NULL,
    confidence     REAL NOT NULL,
    start          REAL NOT NULL,
    "end"          REAL NOT NULL,
    audio_start    REAL,
    audio_offset   INTEGER,
    audio_samples  INTEGER
);
CREATE INDEX utterances_entry ON utterances(entry_id, id);

CREATE VIRTUAL TABLE utterance_fts USING fts5(
    text, content='utterances', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
    prefix='2 3'
);
CREATE TRIGGER utterances_ai AFTER INSERT ON utterances BEGIN
    INSERT INTO utterance_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER utterances_ad AFTER DELETE ON utterances BEGIN
    INSERT INTO utterance_fts(utterance_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER utterances_au AFTER UPDATE OF text ON utterances BEGIN
    INSERT INTO utterance_fts(utterance_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO utterance_fts(rowid, text) VALUES (new.id, new.text);
END;
"""


_V2 = """
CREATE TABLE entries_v2 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created     TEXT NOT NULL,
    closed      TEXT,
    guide       TEXT NOT NULL,
    step        TEXT NOT NULL,
    prompt      TEXT NOT NULL,
    language    TEXT NOT NULL,
    model       TEXT NOT NULL,
    audio_file  TEXT,
    audio_rate  INTEGER,
    owner       TEXT
);
INSERT INTO entries_v2 (id, created, closed, guide, step, prompt, language, model, audio_file,
                        audio_rate)
    SELECT id, created, closed, guide, step, prompt, language, model, audio_file, audio_rate
    FROM entries;
DROP TABLE entries;
ALTER TABLE entries_v2 RENAME TO entries;
CREATE INDEX entries_step ON entries(step, id);
CREATE INDEX entries_open ON entries(id) WHERE closed IS NULL;
"""
"""Entry numbers are never reused (AUTOINCREMENT), and each entry records which process has it
open (`owner`), so entries left open by a crash can be closed at the next start. Runs with
foreign keys off, as SQLite's table-rebuild procedure requires, so utterances are kept."""


def _run(script: str) -> Callable[[sqlite3.Connection], None]:
    def step(conn: sqlite3.Connection) -> None:
        for statement in _split(script):
            conn.execute(statement)
    return step


_V3 = """
ALTER TABLE entries ADD COLUMN step_title TEXT;
ALTER TABLE entries ADD COLUMN prompt_text TEXT;
"""
"""Each entry keeps the step title and question it answered, so the journal reads the same
whichever guide is loaded. Rows from before are kept as they are (NULL): they fall back to the
loaded guide's text."""


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _run(_V1), _run(_V2), _run(_V3))
"""MIGRATIONS[n] takes a file at version n to version n + 1."""


def version_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def too_new(version: int) -> JournalError:
    return JournalError(
        f"The journal was written by a newer calm-voice (format {version}, this one reads "
        f"up to {SCHEMA_VERSION}).",
        "Update calm-voice to read it; the file was left untouched.",
    )


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file to SCHEMA_VERSION in one transaction; returns the version it started at."""
    start = version_of(conn)
    if start > SCHEMA_VERSION:
        raise too_new(start)
    if start == SCHEMA_VERSION:
        return start
    conn.execute("BEGIN IMMEDIATE")
    try:
        if version_of(conn) == start:  # another process may have migrated while we waited
            for step in MIGRATIONS[start:]:
                step(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return start


def _split(script: str) -> list[str]:
    """Statements of a DDL script, keeping trigger bodies whole."""
    statements: list[str] = []
    current: list[str] = []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if sqlite3.complete_statement(text):
            statements.append(text)
            current = []
    return statements
