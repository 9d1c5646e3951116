"""The one start-up's choices: where the session opens and whether it reads at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from calm_voice.config import RecognizerSettings, Settings, SpeakerSettings
from calm_voice.errors import CalmVoiceError
from calm_voice.events import Command, CommandKind
from calm_voice.guide import Guide, load_guide
from calm_voice.runtime.assemble import opening_commands, played_sound_remover
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


class PlayedNothing:
    def take_played(self) -> tuple[int, list[tuple[float, np.ndarray]]]:
        return 16000, []


@pytest.mark.parametrize(("echo_cancel", "reject_own_voice", "removes"), [
    (True, True, True), (False, True, False), (True, False, False)])
def test_the_echo_canceller_is_in_front_of_the_recogniser_only_when_set(
        settings: Settings, echo_cancel: bool, reject_own_voice: bool, removes: bool) -> None:
    chosen = replace(settings, recognizer=RecognizerSettings(
        echo_cancel=echo_cancel, reject_own_voice=reject_own_voice))
    assert (played_sound_remover(chosen, PlayedNothing()) is not None) is removes
    assert played_sound_remover(chosen, FakeSpeaker()) is None  # it cannot say what it played
