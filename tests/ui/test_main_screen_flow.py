"""A reflection by keys alone, and the guide waiting while another screen is open: Pilot driving
the real session loop and the real journal (keyboard mode, no microphone)."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message
from textual.widgets import Static

from calm_voice.config import load_settings
from calm_voice.guide import Guide, load_guide
from calm_voice.journal import JournalStore
from calm_voice.paths import default_guide_path
from calm_voice.session.state import Mode
from calm_voice.ui import messages as m
from calm_voice.ui.app import CalmVoiceApp, make_app
from calm_voice.ui.screens.main import NO_SPEAKER_HINT
from calm_voice.ui.screens.typed_entry import TypedEntryScreen
from tests.ui.helpers import synchronous, wait_until

GUIDE: Guide = load_guide(default_guide_path())


def patient_app(tmp_path: Path) -> CalmVoiceApp:
    """However slow the machine, no answer is closed for silence while the test types it; and
    whatever sound server an earlier test left, there is no speaker."""
    models = tmp_path / "no-models"
    models.mkdir(exist_ok=True)
    settings = load_settings(None, models_dir=models, speaker__read_on_start=False,
                             journal__silence_timeout=3600.0,
                             audio__output_device="no speaker called this")
    return make_app(settings, GUIDE, voice=False)


def hint(app: CalmVoiceApp) -> str:
    return str(app.main.query_one("#hint", Static).render())


def toasts(app: CalmVoiceApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


@synchronous
async def test_a_whole_reflection_by_keys_never_strands_and_skips_no_question(
        tmp_path: Path) -> None:
    app = patient_app(tmp_path)
    first, second = GUIDE.steps[0].prompts
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await wait_until(pilot, lambda: hint(app) == NO_SPEAKER_HINT)
        await pilot.press("a")  # ask me
        await wait_until(pilot, lambda: app.main.state.entry_open)
        assert hint(app).startswith("Question 1 of 2. Press t to type your answer, n when")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TypedEntryScreen))
        await pilot.press(*"I feel alone", "enter")
        await wait_until(pilot, lambda: app.main.state.entry_words == 3)
        await pilot.press("n")  # done: the second question, not the next step
        await wait_until(pilot, lambda: app.main.state.prompt == 1 and app.main.state.entry_open)
        assert app.main.state.step == 0
        assert hint(app).startswith("Question 2 of 2.")
        await wait_until(pilot, lambda: any("Press n when you are ready" in t
                                            for t in toasts(app)))
        await pilot.press("n")  # nothing to say to this one: on to the next step
        await wait_until(pilot, lambda: app.main.state.step == 1)
        assert app.main.state.mode is Mode.PLAYING
        assert not any("Say next" in t for t in toasts(app)), "no microphone to say it to"
    with JournalStore.from_settings(app.settings) as store:
        entries = store.all_entries()
    assert [(e.prompt, [u.text for u in e.utterances]) for e in entries] == [
        (first.id, ["I feel alone"])]
    assert second.id not in [e.prompt for e in entries]  # an unanswered question keeps nothing


@synchronous
async def test_the_silence_timeout_ends_an_answer_without_a_microphone(tmp_path: Path) -> None:
    models = tmp_path / "no-models"
    models.mkdir()
    settings = load_settings(None, models_dir=models, speaker__read_on_start=False,
                             journal__silence_timeout=5.0)
    app = make_app(settings, GUIDE, voice=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.press("a")
        await wait_until(pilot, lambda: app.main.state.entry_open)
        await wait_until(pilot, lambda: not app.main.state.entry_open, timeout=60)
        assert app.main.state.mode is Mode.IDLE and app.main.state.next_prompt == 1
        assert "Press n for question 2 of 2" in hint(app)


@synchronous
async def test_another_screen_pauses_reading_and_answers_until_it_closes(tmp_path: Path) -> None:
    seen: list[Message] = []
    app = patient_app(tmp_path)
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        await wait_until(pilot, lambda: app.loop is not None)
        await pilot.press("space")
        await wait_until(pilot, lambda: app.main.state.mode is Mode.PLAYING)
        for key in ("j", "question_mark", "m"):
            await pilot.press(key)
            await wait_until(pilot, lambda: app.main.state.mode is Mode.PAUSED
                             and app.main.state.away)
            await app.workers.wait_for_complete()
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.main.state.mode is Mode.PLAYING
                             and not app.main.state.away)
        await pilot.press("a")
        await wait_until(pilot, lambda: app.main.state.entry_open)
        await pilot.press("j")
        await wait_until(pilot, lambda: app.main.state.away)
        await pilot.pause(0.5)  # the silence would have nothing to end: it is not counted
        assert app.main.state.entry_open and app.main.state.mode is Mode.REFLECTING
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.main.state.away)
    paused = [s.state.mode for s in seen if isinstance(s, m.StateChanged) and s.state.away]
    assert paused and Mode.PLAYING not in paused, "nothing read while elsewhere"
