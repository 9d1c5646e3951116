"""A reflection spoken into the virtual microphone becomes a journal entry, through the real
recogniser, and survives the process being killed mid-dictation."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_voice_loop import KO_CONFIG, KO_GUIDE, espeak_ko
from tests.support.listen_run import REPO, ListenRun
from tests.support.pulse import PulseServer

pytestmark = [pytest.mark.audio, pytest.mark.vosk]

ANSWERS = ["오늘은 조금 슬퍼요", "그래도 이야기하고 싶어요"]


def journal(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"CALM_VOICE_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "calm_voice", "--guide", str(KO_GUIDE),
                           "journal", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=60)


def _reflect(pulse: PulseServer, home: Path, model: Path, tmp: Path) -> tuple[ListenRun,
                                                                              list[str]]:
    """Start listening, ask for a reflection, and say each answer into the microphone."""
    run = ListenRun(pulse, home, ["--guide", str(KO_GUIDE), "--model", str(model), "listen",
                                  "--quiet-start"], KO_CONFIG)
    run.wait_for("microphone: listening")
    run.type("reflect")
    after = run.wait_for("microphone: taking notes")
    heard: list[str] = []
    for number, answer in enumerate(ANSWERS):
        pulse.play(espeak_ko(answer, tmp / f"answer{number}.wav")).wait(timeout=30)
        after = run.wait_for("heard:", after=after + 1)
        heard.append(run.lines[after].split("heard: ", 1)[1])
    return run, heard


def test_a_spoken_reflection_becomes_an_entry(pulse: PulseServer, tmp_path: Path,
                                              korean_model_path: Path) -> None:
    home = tmp_path / "home"
    run, heard = _reflect(pulse, home, korean_model_path, tmp_path)
    try:
        run.type("i'm done")
        run.wait_for("saved journal entry 1")
    finally:
        assert run.quit() == 0
    shown = journal(home, "show", "1")
    assert shown.returncode == 0, shown.stderr
    for text in heard:
        assert text in shown.stdout
    exported = json.loads(journal(home, "export", "--format", "json").stdout)
    entry = exported["entries"][0] if isinstance(exported, dict) else exported[0]
    assert entry["step"] == "first" and entry["prompt"] == "first-prompt"
    audio = list((home / "data" / "audio").rglob("*.wav"))
    assert audio and all(path.stat().st_size > 1000 for path in audio)
    assert_in_review_screen(home / "data", heard)


def assert_in_review_screen(data: Path, heard: list[str]) -> None:
    """The entry shows in the TUI's journal screen, transcript and all."""
    from calm_voice.guide import load_guide
    from calm_voice.journal import JournalStore
    from calm_voice.ui.widgets.journal_transcript import LOW_MARK, JournalTranscript
    from tests.ui.test_journal_screen import JournalApp, settle

    async def review() -> None:
        app = JournalApp(lambda: JournalStore(data / "journal.sqlite3", data / "audio"),
                         load_guide(KO_GUIDE))
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            shown = app.screen.query_one(JournalTranscript).render_entry().plain
            assert "어떻게 느끼세요?" in shown  # the prompt it answered
            shown = shown.replace(f"{LOW_MARK} ", " ")  # unsure words carry a visible mark
            for text in heard:
                assert text in shown

    asyncio.run(review())


def test_every_recognised_utterance_survives_a_kill(pulse: PulseServer, tmp_path: Path,
                                                    korean_model_path: Path) -> None:
    home = tmp_path / "home"
    run, heard = _reflect(pulse, home, korean_model_path, tmp_path)
    run.process.send_signal(signal.SIGKILL)  # at once: "heard" is printed after the commit
    run.process.wait(timeout=10)
    shown = journal(home, "show", "1")
    assert shown.returncode == 0, shown.stderr
    for text in heard:
        assert text in shown.stdout
