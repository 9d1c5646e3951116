"""`calm-voice journal list|show|search|export|delete` on a real journal file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from calm_voice.cli import main
from calm_voice.config import load_settings
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore
from tests.conftest import python_cmd


def said(text: str, conf: float = 0.9) -> Final:
    return Final(text, tuple(Word(w, i * 0.5, i * 0.5 + 0.4, conf)
                             for i, w in enumerate(text.split())), 0.0, 1.0)


@pytest.fixture
def journal(calm_home: Path) -> list[int]:
    with JournalStore.from_settings(load_settings()) as store:
        first = store.open_entry("his-distance", "reason-1", "reason-1-pressures", "en", "m")
        store.add_utterance(first, said("work has been heavy"), b"\x00\x01" * 8000)
        low = store.add_utterance(first, Final("he mumbled", (Word("he", 0, 0.2, 0.95),
                                                              Word("mumbled", 0.3, 0.6, 0.31))))
        store.edit_utterance(low, "he mentioned")
        second = store.open_entry("his-distance", "react-2", "react-2-opening", "en", "m")
        store.add_utterance(second, said("I could start gently"))
    return [first, second]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["journal", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_show_search(journal: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert "react-2" in lines[1] and "I could start gently" in lines[1]  # newest first
    assert "reason-1" in lines[2] and "work has been heavy" in lines[2]
    code, out, _ = run(capsys, "list", "--step", "react-2")
    assert code == 0 and "reason-1" not in out
    code, out, _ = run(capsys, "list", "--limit", "1")
    assert "(1 of 2 shown" in out

    code, out, _ = run(capsys, "show", str(journal[0]))
    assert code == 0
    assert "Prompt: What pressures might your partner be carrying right now?" in out
    assert "he mentioned" in out and "first heard as: he mumbled" in out
    assert "not sure about: mumbled (0.31)" in out

    code, out, _ = run(capsys, "search", "gent")
    assert code == 0 and "I could start *gently*" in out
    code, out, _ = run(capsys, "search", 'NEAR("')
    assert code == 0 and "Nothing in the journal matches" in out


def test_export_markdown_and_json(journal: list[int], capsys: pytest.CaptureFixture[str],
                                  tmp_path: Path) -> None:
    code, out, _ = run(capsys, "export")
    assert code == 0
    assert out.index("## Reasons Behind His Distance") < out.index("## Reacting to His Distance")
    assert "### Open and Honest Conversation" in out
    target = tmp_path / "journal.json"
    code, out, _ = run(capsys, "export", "--format", "json", "--out", str(target))
    assert code == 0 and str(target) in out
    document = json.loads(target.read_text(encoding="utf-8"))
    assert [e["id"] for e in document["entries"]] == journal
    assert document["entries"][0]["utterances"][1]["original_text"] == "he mumbled"
    assert target.stat().st_mode & 0o777 == 0o600


def test_delete_asks_first(journal: list[int], capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch, calm_home: Path) -> None:
    [audio] = (calm_home / "data" / "audio").glob(f"entry-{journal[0]}-*.wav")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, out, _ = run(capsys, "delete", str(journal[0]))
    assert code == 1 and "Nothing was deleted" in out and audio.exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    code, out, _ = run(capsys, "delete", str(journal[0]))
    assert code == 0 and f"Deleted entry {journal[0]}" in out and not audio.exists()
    code, out, _ = run(capsys, "delete", "--yes", str(journal[1]))
    assert code == 0
    assert run(capsys, "list")[1].strip() == "The journal has no entries yet."


def test_bad_input_is_a_clear_message_and_exit_2(journal: list[int], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "999")
    assert code == 2 and "There is no journal entry 999" in err
    code, out, err = run(capsys, "delete", "--yes", "999")
    assert code == 2 and "There is no journal entry 999" in err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run(capsys, "export", "--out", str(blocker / "journal.md"))
    assert code == 2 and "could not be written" in err and "--out" in err
    code, out, err = run(capsys, "export", "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err
    code, out, _ = run(capsys, "list")
    assert code == 0 and out.count("\n") == 3  # nothing stored was changed


def test_damaged_journal_from_the_real_command(calm_home: Path) -> None:
    data = calm_home / "data"
    data.mkdir(parents=True)
    (data / "journal.sqlite3").write_bytes(b"\x00garbage" * 1000)
    result = subprocess.run([*python_cmd(), "journal", "list"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "is damaged" in result.stderr and "a copy is at" in result.stderr
    assert "Traceback" not in result.stderr
    assert (data / "journal.sqlite3").read_bytes() == b"\x00garbage" * 1000
