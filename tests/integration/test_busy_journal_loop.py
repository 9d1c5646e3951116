"""A typed answer given while another process holds the journal is kept, and the person is told."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from calm_voice.config import Settings, SpeakerSettings
from calm_voice.guide import load_guide
from calm_voice.journal import JournalStore
from calm_voice.runtime.assemble import build
from calm_voice.session.inputs import TypedAnswer
from tests.support.fakes import RecordingSink

REPO = Path(__file__).resolve().parents[2]
ANSWER = "written while the journal was busy in another window"


def test_an_answer_waits_for_a_busy_journal_and_the_person_is_told(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data",
                        speaker=SpeakerSettings(read_on_start=False))
    sink = RecordingSink()
    loop = build(settings, sink, load_guide(REPO / "content" / "guide.en.yaml"), voice=False)
    loop.start()
    holder: subprocess.Popen[str] | None = None
    try:
        assert sink.wait_for(lambda: bool(sink.of("state")), timeout=60)
        assert settings.journal_db.exists()
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import sqlite3, sys\n"
             f"c = sqlite3.connect({str(settings.journal_db)!r}, isolation_level=None)\n"
             "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True)\n"
             "sys.stdin.readline(); c.execute('COMMIT')"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        loop.submit(TypedAnswer(ANSWER))
        assert sink.wait_for(lambda: any("will be saved" in text
                                         for text, _ in sink.of("notice")), timeout=60)
        assert not sink.of("saved")  # still waiting: nothing claimed as saved yet
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert sink.wait_for(lambda: bool(sink.of("saved")), timeout=60)
    finally:
        if holder is not None:
            holder.kill()
            holder.wait(timeout=30)
        loop.stop()
    with JournalStore.from_settings(settings) as store:
        [summary] = store.list_entries()
        assert [u.text for u in store.get_entry(summary.id).utterances] == [ANSWER]
