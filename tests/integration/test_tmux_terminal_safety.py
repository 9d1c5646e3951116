"""Escape sequences in a journal entry, shown in the real terminal: visible, never executed."""

from __future__ import annotations

from pathlib import Path

import pytest

from calm_voice.config import load_settings
from calm_voice.events import Final, Word
from calm_voice.journal import JournalStore
from tests.integration.test_tmux_app import GUIDE, Terminal, app_command
from tests.integration.test_tmux_app import terminal as terminal  # noqa: F401 (fixture)

pytestmark = pytest.mark.tmux

HOSTILE = ["before", "\x1b]0;HACKED-TITLE\x07", "\x1b[2J\x1b[H", "[bold]kept[/bold]", "after"]


def add_hostile_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALM_VOICE_HOME", str(tmp_path / "home"))
    step = GUIDE.steps[1]
    words = tuple(Word(word, n * 0.5, n * 0.5 + 0.4, 0.9) for n, word in enumerate(HOSTILE))
    with JournalStore.from_settings(load_settings()) as store:
        entry = store.open_entry(GUIDE.id, step.id, step.prompts[0].id, "en", "test")
        store.add_utterance(entry, Final(" ".join(HOSTILE), words, 0.0, 2.5))
        store.close_entry(entry)


def test_an_entry_with_escape_sequences_neither_clears_the_screen_nor_sets_the_title(
        terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_hostile_entry(tmp_path, monkeypatch)
    terminal.start(app_command(tmp_path, "--keyboard"))
    terminal.wait_for(lambda s: GUIDE.steps[0].sentences[0][:30] in s)
    title_before = terminal.tmux("display-message", "-p", "-t", "calm", "#{pane_title}")
    terminal.keys("j")
    # The list row shows the start of the text first; the transcript beside it fills in after.
    shown = ("␛]0;HACKED-TITLE␇", "␛[2J␛[H", "before", "after", "[bold]kept[/bold]")
    terminal.wait_for(lambda s: all(part in s for part in shown))
    title_after = terminal.tmux("display-message", "-p", "-t", "calm", "#{pane_title}")
    assert "HACKED" not in title_after and title_after == title_before
    terminal.keys("Escape")
    terminal.wait_for(lambda s: GUIDE.steps[0].sentences[0][:30] in s)
    assert "HACKED" not in terminal.tmux("display-message", "-p", "-t", "calm", "#{pane_title}")
