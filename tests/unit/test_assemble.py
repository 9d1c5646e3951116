"""The one start-up's choices: where the session opens and whether it reads at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from calm_voice.config import Settings, SpeakerSettings
from calm_voice.errors import CalmVoiceError
from calm_voice.events import Command, CommandKind
from calm_voice.guide import Guide, load_guide
from calm_voice.runtime.assemble import opening_commands
from calm_voice.runtime.position import load_position, opening_step, save_position
from tests.support.fakes import FakeSpeaker

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def guide() -> Guide:
    return load_guide(REPO / "content" / "guide.en.yaml")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def test_from_opens_there_and_is_remembered(guide: Guide, settings: Settings) -> None:
    save_position(settings.state_file, guide, "reason-1")
    assert opening_step(settings, guide, "reason-3") == guide.index_of("reason-3")
    assert load_position(settings.state_file, guide) == guide.index_of("reason-3")


def test_without_from_the_remembered_step_opens(guide: Guide, settings: Settings) -> None:
    assert opening_step(settings, guide) == 0
    save_position(settings.state_file, guide, "react-2")
    assert opening_step(settings, guide) == guide.index_of("react-2")


def test_an_unknown_step_is_a_clear_error_and_changes_nothing(guide: Guide,
                                                              settings: Settings) -> None:
    save_position(settings.state_file, guide, "reason-2")
    with pytest.raises(CalmVoiceError, match="reason-99"):
        opening_step(settings, guide, "reason-99")
    assert load_position(settings.state_file, guide) == guide.index_of("reason-2")


def test_reading_starts_at_once_only_with_a_speaker_and_read_on_start(settings: Settings) -> None:
    speaker = FakeSpeaker()
    assert opening_commands(settings, speaker) == [Command(CommandKind.RESUME)]
    assert opening_commands(settings, speaker, quiet_start=True) == []
    assert opening_commands(settings, None) == []
    quiet = replace(settings, speaker=SpeakerSettings(read_on_start=False))
    assert opening_commands(quiet, speaker) == []
