"""The real JournalStore on real SQLite files and real WAV files."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
import threading
from pathlib import Path

import numpy as np
import pytest

from calm_voice.errors import JournalError, UnknownEntryError
from calm_voice.events import Final, Word
from calm_voice.guide import load_guide
from calm_voice.journal import JournalStore
from calm_voice.journal.schema import SCHEMA_VERSION
from calm_voice.paths import default_guide_path

RATE = 16000


def make_store(root: Path, keep_audio: bool = True) -> JournalStore:
    return JournalStore(root / "data" / "journal.sqlite3", root / "data" / "audio", keep_audio)


def spoken(text: str, start: float = 1.0, confs: tuple[float, ...] = ()) -> tuple[Final, bytes]:
    """A Final whose words are 0.4 s apart, and PCM in which word i is a constant level 1000*(i+1)
    (audio starts at `start`), so a cut can be checked against the word it should hold."""
    words = []
    for i, word in enumerate(text.split()):
        conf = confs[i] if i < len(confs) else 0.95
        words.append(Word(word, round(start + 0.1 + 0.4 * i, 3), round(start + 0.4 + 0.4 * i, 3),
                          conf))
    end = words[-1].end + 0.2
    pcm = np.zeros(int((end - start) * RATE), dtype=np.int16)
    for i, word in enumerate(words):
        pcm[int((word.start - start) * RATE): int((word.end - start) * RATE)] = 1000 * (i + 1)
    return Final(text, tuple(words), words[0].start, words[-1].end), pcm.tobytes()


def test_round_trip_keeps_words_times_and_confidences(tmp_path: Path) -> None:
    with make_store(tmp_path) as store:
        entry = store.open_entry("his-distance", "reason-1", "reason-1-pressures", "en", "small")
        final, pcm = spoken("he works late", confs=(0.9, 0.4, 0.8))
        utterance = store.add_utterance(entry, final, pcm, RATE, audio_start=1.0)
        assert store.close_entry(entry) == (1, 3)
    with make_store(tmp_path) as store:  # a fresh connection sees exactly what was committed
        detail = store.get_entry(entry)
    assert (detail.guide, detail.step, detail.prompt, detail.language, detail.model) == (
        "his-distance", "reason-1", "reason-1-pressures", "en", "small")
    assert detail.closed is not None
    [stored] = detail.utterances
    assert stored.id == utterance and stored.text == "he works late"
    assert stored.words == final.words
    assert (stored.start, stored.end) == (final.start, final.end)
    assert stored.confidence == pytest.approx(0.7)


def test_word_and_utterance_audio_are_cut_from_the_entry_file(tmp_path: Path) -> None:
    with make_store(tmp_path) as store:
        entry = store.open_entry("g", "reason-1", "p", "en", "m")
        first, pcm1 = spoken("one two three", start=1.0)
        second, pcm2 = spoken("four five", start=5.0)
        u1 = store.add_utterance(entry, first, pcm1, RATE, audio_start=1.0)
        u2 = store.add_utterance(entry, second, pcm2, RATE, audio_start=5.0)
        whole = store.entry_audio(entry)
        assert whole is not None and whole.pcm == pcm1 + pcm2 and whole.rate == RATE
        clip1, clip2 = store.utterance_audio(u1), store.utterance_audio(u2)
        assert clip1 is not None and clip1.pcm == pcm1
        assert clip2 is not None and clip2.pcm == pcm2
        for utterance, index, level in ((u1, 2, 3000), (u2, 0, 1000), (u2, 1, 2000)):
            word = store.word_audio(utterance, index)
            assert word is not None
            samples = np.frombuffer(word.pcm, dtype=np.int16)
            assert np.count_nonzero(samples == level) > 0.7 * len(samples)
            assert 0.3 < word.seconds < 0.5
        assert store.word_audio(u1, 7) is None
        # The session loop cuts audio with equal margins around the words and does not say
        # where it starts; near the start of the stream the first margin is cut short.
        for start, margin in ((9.0, 0.15), (0.05, 0.15)):
            final, _ = spoken("six seven", start=start)
            lead = min(margin, final.start)
            pcm = np.zeros(int((lead + final.end - final.start + margin) * RATE), np.int16)
            for i, word in enumerate(final.words):
                first = int((word.start - final.start + lead) * RATE)
                pcm[first: first + int((word.end - word.start) * RATE)] = 1000 * (i + 6)
            u3 = store.add_utterance(entry, final, pcm.tobytes(), RATE)
            clip = store.word_audio(u3, 1)
            assert clip is not None
            samples = np.frombuffer(clip.pcm, dtype=np.int16)
            assert np.count_nonzero(samples == 7000) > 0.7 * len(samples)
        everything = store.entry_audio(entry)
        assert everything is not None and everything.pcm.startswith(pcm1 + pcm2)
    [path] = (tmp_path / "data" / "audio").glob(f"entry-{entry}-*.wav")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    import wave

    with wave.open(str(path)) as wav:  # a standard WAV the person can open elsewhere
        assert (wav.getframerate(), wav.getnchannels(), wav.getnframes()) == (
            RATE, 1, len(everything.pcm) // 2)


def test_files_are_private_and_the_journal_is_wal_with_full_sync(tmp_path: Path) -> None:
    with make_store(tmp_path) as store:
        entry = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(entry, *spoken("hello"))
        data = tmp_path / "data"
        for folder in (data, data / "audio"):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for name in ("journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm"):
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_search_is_prefix_full_text_and_safe_with_fts_syntax(tmp_path: Path) -> None:
    with make_store(tmp_path) as store:
        entry = store.open_entry("g", "reason-2", "p", "en", "m")
        store.add_utterance(entry, spoken("he seems distant lately")[0])
        store.add_utterance(entry, spoken("work has been stressful")[0])
        other = store.open_entry("g", "reason-3", "p", "ko", "m")
        store.add_utterance(other, spoken("그는 요즘 바빠요")[0])
        assert [h.text for h in store.search("dist")] == ["he seems distant lately"]
        [hit] = store.search("stress WORK")
        assert [hit.text[a:b] for a, b in hit.matches] == ["work", "stressful"]
        [korean] = store.search("요즘")
        assert korean.entry_id == other
        assert [korean.text[a:b] for a, b in korean.matches] == ["요즘"]
        for nasty in ('"', "dist*", "NEAR(he seems)", "he OR", "-work", "text:work", "^he",
                      "(", "' ; DROP TABLE entries; --", ""):
            store.search(nasty)  # none of these may raise
        assert store.count_entries() == 2


def test_edit_keeps_the_original_and_updates_search(tmp_path: Path) -> None:
    with make_store(tmp_path) as store:
        entry = store.open_entry("g", "s", "p", "en", "m")
        utterance = store.add_utterance(entry, spoken("he is a pressing me")[0])
        store.edit_utterance(utterance, "  he is not  pressuring me ")
        [edited] = store.get_entry(entry).utterances
        assert edited.text == "he is not pressuring me"
        assert edited.original_text == "he is a pressing me" and edited.edited
        assert edited.words[3].word == "pressing"  # timings stay with what was heard
        assert store.search("pressuring") and not store.search("pressing")
        store.edit_utterance(utterance, "he is a better word")
        assert store.get_entry(entry).utterances[0].original_text == "he is a pressing me"
        store.edit_utterance(utterance, "he is a pressing me")  # back to what was heard
        restored = store.get_entry(entry).utterances[0]
        assert restored.original_text is None and restored.edited is None
        with pytest.raises(JournalError, match="cannot be made empty"):
            store.edit_utterance(utterance, "   ")
        with pytest.raises(JournalError, match="no utterance 999"):
            store.edit_utterance(999, "x")


def test_scratch_close_and_delete_also_remove_audio(tmp_path: Path) -> None:
    audio_dir = tmp_path / "data" / "audio"
    with make_store(tmp_path) as store:
        entry = store.open_entry("g", "s", "p", "en", "m")
        first, pcm1 = spoken("keep this")
        store.add_utterance(entry, first, pcm1)
        store.add_utterance(entry, *spoken("scratch that part"))
        store.remove_last_utterance(entry)
        detail = store.get_entry(entry)
        assert [u.text for u in detail.utterances] == ["keep this"]
        whole = store.entry_audio(entry)
        assert whole is not None and whole.pcm == pcm1
        [own] = audio_dir.glob(f"entry-{entry}-*.wav")
        assert own.stat().st_size == 44 + len(pcm1)

        empty = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(empty, *spoken("gone"))
        store.remove_last_utterance(empty)
        store.remove_last_utterance(empty)  # nothing left: a no-op
        assert store.close_entry(empty) == (0, 0)
        with pytest.raises(UnknownEntryError):
            store.get_entry(empty)
        assert not list(audio_dir.glob(f"entry-{empty}-*.wav"))

        store.delete_entry(entry)
        assert not own.exists()
        assert store.count_entries() == 0 and store.search("keep") == []


def test_keep_audio_off_stores_no_audio(tmp_path: Path) -> None:
    with make_store(tmp_path, keep_audio=False) as store:
        entry = store.open_entry("g", "s", "p", "en", "m")
        utterance = store.add_utterance(entry, *spoken("private words"))
        assert store.utterance_audio(utterance) is None and store.entry_audio(entry) is None
        assert not store.get_entry(entry).utterances[0].has_audio
    assert not (tmp_path / "data" / "audio").exists()


def test_unknown_entry_ids_are_clear_errors(tmp_path: Path) -> None:
    with make_store(tmp_path) as store:
        for call in (lambda: store.get_entry(42), lambda: store.delete_entry(42),
                     lambda: store.close_entry(42), lambda: store.remove_last_utterance(42),
                     lambda: store.add_utterance(42, spoken("x")[0]),
                     lambda: store.entry_audio(42)):
            with pytest.raises(UnknownEntryError, match="no journal entry 42.*journal list"):
                call()


def test_list_is_paged_newest_first_filterable_and_orderable_by_step(tmp_path: Path) -> None:
    with make_store(tmp_path) as store, store.batch():
        for i in range(30):
            step = ("reason-1", "intro", "react-2")[i % 3]
            entry = store.open_entry("g", step, "p", "en", "m")
            store.add_utterance(entry, spoken(f"number {i} words here")[0])
    with make_store(tmp_path) as store:
        page1, page2 = store.list_entries(0, 10), store.list_entries(10, 10)
        assert [e.id for e in page1 + page2] == list(range(30, 10, -1))
        assert page1[0].preview == "number 29 words here" and page1[0].words == 4
        assert {e.step for e in store.list_entries(0, 100, step="intro")} == {"intro"}
        assert store.count_entries("intro") == 10
        guide = load_guide(default_guide_path())
        ordered = store.list_entries(0, 30, step_order=[s.id for s in guide.steps])
        assert [e.step for e in ordered] == ["intro"] * 10 + ["reason-1"] * 10 + ["react-2"] * 10
        assert [e.id for e in ordered[:3]] == [29, 26, 23]


def test_json_export_has_everything(tmp_path: Path) -> None:
    with make_store(tmp_path) as store:
        entry = store.open_entry("his-distance", "reason-1", "reason-1-support", "en", "m")
        utterance = store.add_utterance(entry, *spoken("just be there", confs=(0.3,)))
        store.edit_utterance(utterance, "just be near")
        document = json.loads(store.export("json", load_guide(default_guide_path())))
        with pytest.raises(JournalError, match="not an export format"):
            store.export("pdf", None)
    [item] = document["entries"]
    assert document["schema_version"] == SCHEMA_VERSION
    assert item["step_title"] == "Personal Struggles and Stress"
    assert item["prompt_text"].startswith("What kind of support")
    assert re.fullmatch(r".*/entry-1-[0-9a-f]{12}\.wav", item["audio_file"])
    [said] = item["utterances"]
    assert said["text"] == "just be near" and said["original_text"] == "just be there"
    assert said["words"][0] == {"word": "just", "start": 1.1, "end": 1.4, "conf": 0.3}


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "data" / "journal.sqlite3"
    make_store(tmp_path).close()
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = db.read_bytes()
    with pytest.raises(JournalError, match="newer calm-voice"):
        make_store(tmp_path)
    assert db.read_bytes() == before


def test_the_connection_belongs_to_the_thread_that_opened_it(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    failures: list[BaseException] = []

    def use() -> None:
        try:
            store.count_entries()
        except BaseException as exc:  # noqa: BLE001 - the assertion is on what was raised
            failures.append(exc)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    assert failures and isinstance(failures[0], sqlite3.ProgrammingError)
    store.close()


def test_an_older_file_is_migrated_in_place_keeping_its_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from calm_voice.journal import schema

    with make_store(tmp_path) as store:
        entry = store.open_entry("g", "s", "p", "en", "m")
        store.add_utterance(entry, spoken("written by version one")[0])

    def to_v2(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE entries ADD COLUMN mood TEXT DEFAULT 'calm'")

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, to_v2))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with make_store(tmp_path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert store._conn.execute("SELECT mood FROM entries").fetchone()[0] == "calm"
        assert [u.text for u in store.get_entry(entry).utterances] == ["written by version one"]

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE entries ADD COLUMN later TEXT")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 2)
    with pytest.raises(JournalError):
        make_store(tmp_path)
    with sqlite3.connect(tmp_path / "data" / "journal.sqlite3") as conn:  # rolled back whole
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        columns = [row[1] for row in conn.execute("PRAGMA table_info(entries)")]
        assert "later" not in columns
