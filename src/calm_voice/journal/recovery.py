"""Entries left open by a process that died: found by their owner tag and closed at next start.

Each entry records the process that opened it (host, pid and the pid's start time, so a reused
pid is not mistaken for the owner). An entry whose owner is gone is closed if something was said
and removed if nothing was (the one empty-entry rule: an entry without words does not exist).
"""

from __future__ import annotations

import os
import sqlite3
from functools import cache
from pathlib import Path

from calm_voice.journal import audio as audio_files


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # Field 22 (starttime), counted after the ")" that ends the command name.
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


@cache
def _host() -> str:
    return os.uname().nodename


def owner_tag() -> str:
    return _tag_of(os.getpid())  # a forked child has its own pid, so its own tag


@cache
def _tag_of(pid: int) -> str:
    return f"{_host()}/{pid}/{_start_time(pid) or ''}"


def owner_alive(tag: str | None) -> bool:
    if not tag:
        return False  # written before owners were recorded: its process is long gone
    host, _, rest = tag.partition("/")
    pid_text, _, started = rest.partition("/")
    if host != _host() or not pid_text.isdigit():
        return True  # another machine's process (a shared folder): never guess it is dead
    pid = int(pid_text)
    if started:
        return _start_time(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned(conn: sqlite3.Connection) -> list[int]:
    """Open entries whose process has died (a read: most starts find none and write nothing).
    Each owner is looked at once, however many entries it has open."""
    dead = [owner for (owner,) in conn.execute(
        "SELECT DISTINCT owner FROM entries WHERE closed IS NULL").fetchall()
        if not owner_alive(owner)]
    found: list[int] = []
    for owner in dead:
        found += [int(entry_id) for (entry_id,) in conn.execute(
            "SELECT id FROM entries WHERE closed IS NULL AND owner IS ?", (owner,))]
    return found


def close_abandoned(conn: sqlite3.Connection, audio_dir: Path, entry_ids: list[int]) -> int:
    """Close (or remove, if empty) these abandoned entries; returns how many. The caller holds
    a write transaction."""
    done = 0
    for entry_id in entry_ids:
        row = conn.execute("SELECT audio_file FROM entries WHERE id = ? AND closed IS NULL",
                           (entry_id,)).fetchone()
        if row is None:
            continue  # another process finished it meanwhile
        last = conn.execute("SELECT max(created) FROM utterances WHERE entry_id = ?",
                            (entry_id,)).fetchone()[0]
        if last is None:
            conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
            if row[0]:  # holds no committed utterance's samples
                audio_files.remove(audio_dir / str(row[0]))
        else:
            conn.execute("UPDATE entries SET closed = ? WHERE id = ?", (last, entry_id))
        done += 1
    return done
