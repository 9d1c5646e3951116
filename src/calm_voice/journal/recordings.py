"""Reading an entry's recording back: the whole entry, one utterance, or one word."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from calm_voice.journal import audio as audio_files
from calm_voice.journal import failures, queries
from calm_voice.journal.records import Clip

P = ParamSpec("P")
T = TypeVar("T")

WORD_PADDING = 0.06
"""Seconds of audio kept either side of a word, so its first and last sounds are not clipped."""


class RecordingReads:
    """The replay half of JournalStore (which provides the connection through _query)."""

    audio_dir: Path

    def _query(self, doing: str, function: Callable[Concatenate[sqlite3.Connection, P], T],
               *args: P.args, **kwargs: P.kwargs) -> T:
        raise NotImplementedError

    def _audio_row(self, sql: str, key: int) -> tuple[Path, int, int, int, float] | None:
        row = self._query("read the recording", lambda c: c.execute(sql, (key,)).fetchone())
        if row is None or row[0] is None or row[2] is None or not row[3]:
            return None
        return self.audio_dir / str(row[0]), int(row[1]), int(row[2]), int(row[3]), float(row[4])

    def _clip(self, path: Path, rate: int, offset: int, count: int) -> Clip | None:
        try:
            pcm = audio_files.read_span(path, offset, count)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise failures.from_os(exc, path, "play the recording") from exc
        return Clip(pcm, rate) if pcm else None

    def entry_audio(self, entry_id: int) -> Clip | None:
        """The whole entry's recording, or None if none was kept."""
        row = self._query("read the recording", lambda c: c.execute(
            "SELECT e.audio_file, e.audio_rate, coalesce(max(u.audio_offset + u.audio_samples), 0) "
            "FROM entries e LEFT JOIN utterances u ON u.entry_id = e.id WHERE e.id = ? "
            "GROUP BY e.id", (entry_id,)).fetchone())
        if row is None:
            raise queries.unknown_entry(entry_id)
        if row[0] is None or not row[2]:
            return None
        return self._clip(self.audio_dir / str(row[0]), int(row[1]), 0, int(row[2]))

    _UTTERANCE_AUDIO = ("SELECT e.audio_file, e.audio_rate, u.audio_offset, u.audio_samples, "
                        "u.audio_start FROM utterances u JOIN entries e ON e.id = u.entry_id "
                        "WHERE u.id = ?")

    def utterance_audio(self, utterance_id: int) -> Clip | None:
        found = self._audio_row(self._UTTERANCE_AUDIO, utterance_id)
        if found is None:
            return None
        path, rate, offset, count, _ = found
        return self._clip(path, rate, offset, count)

    def word_audio(self, utterance_id: int, word_index: int) -> Clip | None:
        """One recognised word's sound, cut from its utterance by the word's times."""
        found = self._audio_row(self._UTTERANCE_AUDIO, utterance_id)
        words = self._query("read the recording", lambda c: c.execute(
            "SELECT words FROM utterances WHERE id = ?", (utterance_id,)).fetchone())
        if found is None or words is None:
            return None
        word_list = queries.words_from_json(str(words[0]))
        if not 0 <= word_index < len(word_list):
            return None
        path, rate, offset, count, audio_start = found
        word = word_list[word_index]
        to_samples = audio_files.seconds_to_samples
        first = to_samples(word.start - WORD_PADDING - audio_start, rate)
        last = min(count, to_samples(word.end + WORD_PADDING - audio_start, rate))
        if last <= first:
            return None
        return self._clip(path, rate, offset + first, last - first)
