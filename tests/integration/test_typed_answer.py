"""A typed answer goes through the real session loop into the real journal, words counted."""

from __future__ import annotations

from pathlib import Path

from calm_voice.commands import load_vocabulary
from calm_voice.config import Settings
from calm_voice.guide import load_guide
from calm_voice.journal import JournalStore
from calm_voice.paths import default_guide_path
from calm_voice.runtime.loop import SessionLoop
from calm_voice.session.inputs import TypedAnswer
from tests.support.fakes import RecordingSink


def test_a_typed_answer_is_stored_and_its_words_counted(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    guide = load_guide(default_guide_path())
    sink = RecordingSink()
    loop = SessionLoop(guide, sink, speaker=None, vocabulary=load_vocabulary("en"),
                       settings=settings, journal_factory=lambda: JournalStore.from_settings(
                           settings))
    loop.start()
    loop.submit(TypedAnswer("I would like us to talk on Sunday"))
    assert sink.wait_for(lambda: bool(sink.of("saved")))
    loop.stop()
    entry_id, utterances, words = sink.of("saved")[0]
    assert (utterances, words) == (1, 8)
    assert any(text.startswith("Saved, 8 words.") for text in sink.of("say"))
    with JournalStore.from_settings(settings) as store:
        entry = store.get_entry(entry_id)
    assert entry.step == "intro"
    assert [u.text for u in entry.utterances] == ["I would like us to talk on Sunday"]
