"""Settings: defaults, the YAML file, overrides, and clear answers for a bad file."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from calm_voice import paths
from calm_voice.config import (
    AudioSettings,
    JournalSettings,
    RecognizerSettings,
    Settings,
    SpeakerSettings,
    apply_overrides,
    load_settings,
)
from calm_voice.errors import ConfigError
from tests.conftest import REPO, python_cmd


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(calm_home: Path) -> None:
    assert not paths.config_file().exists()
    settings = load_settings()
    assert settings.audio == AudioSettings()
    assert settings.speaker == SpeakerSettings(rate=165, volume=1.0, voice=None, lookahead=True)
    assert settings.recognizer == RecognizerSettings(model=None, language="en")
    assert settings.journal == JournalSettings(keep_audio=True, silence_timeout=45.0)
    assert settings.audio.capture_rate == 16000
    assert settings.guide_path.resolve() == REPO / "content" / "guide.en.yaml"
    assert settings.data_dir == calm_home / "data"
    assert settings.journal_db == calm_home / "data" / "journal.sqlite3"
    assert settings.journal_audio_dir == calm_home / "data" / "audio"
    assert settings.state_file == calm_home / "data" / "state.json"


def test_settings_are_frozen() -> None:
    settings = load_settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.speaker.rate = 100  # type: ignore[misc]


def test_values_from_the_default_config_file(calm_home: Path) -> None:
    write_config(paths.config_file(), """\
speaker:
  rate: 140
  volume: 0.5
  voice: en-gb
audio:
  input_device: 3
  output_device: calm_speaker
recognizer:
  language: ko
journal:
  keep_audio: false
  silence_timeout: 60
guide: ~/guides/my-guide.yaml
""")
    settings = load_settings()
    assert settings.speaker == SpeakerSettings(rate=140, volume=0.5, voice="en-gb")
    assert (settings.audio.input_device, settings.audio.output_device) == (3, "calm_speaker")
    assert settings.recognizer.language == "ko"
    assert settings.journal == JournalSettings(keep_audio=False, silence_timeout=60)
    assert settings.guide_path == Path("~/guides/my-guide.yaml").expanduser()


def test_a_given_config_file_wins_over_the_default_one(tmp_path: Path) -> None:
    write_config(paths.config_file(), "speaker: {rate: 100}\n")
    given = write_config(tmp_path / "other.yaml", "speaker: {rate: 200}\n")
    assert load_settings(given).speaker.rate == 200
    assert load_settings().speaker.rate == 100


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "speaker:\n", "speaker: ~\naudio:\n"])
def test_an_empty_file_or_section_means_defaults(tmp_path: Path, text: str) -> None:
    assert load_settings(write_config(tmp_path / "c.yaml", text)) == load_settings()


def test_unknown_settings_are_named(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", "speaker:\n  rate: 150\n  speed: 2\n  pitch: 40\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert raised.value.problem == (
        f"In {path}, 'speaker' has unknown setting(s): pitch, speed.")
    assert raised.value.fix == ("Known settings are: lookahead, rate, read_on_start, "
                                "sentence_pause, speak_notices, voice, volume.")


def test_unknown_sections_are_named(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", "speakers:\n  rate: 150\ntheme: dark\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert raised.value.problem == (
        f"The settings file {path} has unknown section(s): speakers, theme.")
    assert "speaker" in raised.value.fix and "journal" in raised.value.fix


@pytest.mark.parametrize("text", ["- rate: 150\n", "just some words\n", "42\n"])
def test_a_file_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = write_config(tmp_path / "c.yaml", text)
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert raised.value.problem == f"The settings file {path} is not a mapping of settings."
    assert "delete the file" in raised.value.fix


def test_a_section_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", "speaker: fast\n")
    with pytest.raises(ConfigError, match="'speaker' should be a mapping of settings"):
        load_settings(path)


def test_bad_yaml(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", "speaker: {rate: 150\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert raised.value.problem.startswith(f"The settings file {path} cannot be read")


def test_a_folder_instead_of_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings(tmp_path)


def test_a_missing_given_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path / "nope.yaml")
    assert raised.value.problem == f"The settings file {tmp_path / 'nope.yaml'} does not exist."
    assert "--config" in raised.value.fix


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("speaker: {rate: fast}\n", "'speaker.rate' is 'fast', which is not a whole number"),
        ("speaker: {rate: 150.5}\n", "'speaker.rate' is 150.5, which is not a whole number"),
        ("speaker: {volume: loud}\n", "'speaker.volume' is 'loud', which is not a number"),
        ("speaker: {lookahead: 1}\n", "'speaker.lookahead' is 1, which is not true or false"),
        ("speaker: {voice: 7}\n", "'speaker.voice' is 7, which is not a name"),
        ("journal: {keep_audio: maybe}\n", "which is not true or false"),
        ("journal: {silence_timeout: true}\n", "which is not a number"),
        ("recognizer: {language: ~}\n", "'recognizer.language' is None, which is not text"),
        ("audio: {input_device: [1, 2]}\n", "which is not a device number or a part of its name"),
        ("guide: 3\n", "'guide' should be the path of a guide file"),
        ("guide:\n", "'guide' should be the path of a guide file"),
    ],
)
def test_wrong_kinds_of_value_are_explained(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(write_config(tmp_path / "c.yaml", text))
    assert says in raised.value.problem
    assert raised.value.fix


def test_whole_numbers_are_fine_where_a_number_is_wanted(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path / "c.yaml", "speaker: {volume: 1}\n"))
    assert settings.speaker.volume == 1


def test_overrides_replace_single_settings(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", "speaker: {rate: 140, volume: 0.5}\n")
    settings = load_settings(path, speaker__rate=150, audio__input_device="calm_mic",
                             guide_path=tmp_path / "g.yaml")
    assert settings.speaker == SpeakerSettings(rate=150, volume=0.5)
    assert settings.audio.input_device == "calm_mic"
    assert settings.guide_path == tmp_path / "g.yaml"


def test_none_overrides_are_ignored(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", "speaker: {rate: 140}\nrecognizer: {model: small}\n")
    settings = load_settings(path, speaker__rate=None, recognizer__model=None, guide_path=None)
    assert settings.speaker.rate == 140
    assert settings.recognizer.model == "small"
    assert settings.guide_path.resolve() == REPO / "content" / "guide.en.yaml"


def test_apply_overrides_returns_a_new_settings() -> None:
    before = Settings()
    after = apply_overrides(before, journal__silence_timeout=10.0)
    assert before.journal.silence_timeout == 45.0
    assert after.journal.silence_timeout == 10.0
    assert after.speaker is before.speaker


def test_the_cli_reports_a_bad_config_in_one_short_message(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", "speaker:\n  speed: 2\n")
    done = subprocess.run([*python_cmd(), "--config", str(path), "journal", "list"],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"In {path}, 'speaker' has unknown setting(s): speed. "
        "Known settings are: lookahead, rate, read_on_start, sentence_pause, speak_notices, "
        "voice, volume.")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("journal: {silence_timeout: -3}", "journal.silence_timeout"),
        ("speaker: {volume: -1}", "speaker.volume"),
        ("speaker: {volume: .nan}", "speaker.volume"),
        ("speaker: {rate: 0}", "speaker.rate"),
        ("audio: {block_ms: 0}", "audio.block_ms"),
        ("audio: {capture_rate: 0}", "audio.capture_rate"),
        ("recognizer: {command_hold: -0.1}", "recognizer.command_hold"),
        ("recognizer: {command_endpoint: 9}", "recognizer.command_endpoint"),
    ],
)
def test_values_out_of_range_are_named(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert f"'{field}'" in raised.value.problem and "outside" in raised.value.problem


def content_with_korean_guide(tmp_path: Path) -> Path:
    """A content folder like the packaged one, plus a Korean guide."""
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("commands.en.yaml", "commands.ko.yaml", "guide.en.yaml"):
        (folder / name).write_bytes((REPO / "content" / name).read_bytes())
    (folder / "guide.ko.yaml").write_bytes((REPO / "tests" / "data" / "guide.ko.yaml").read_bytes())
    return folder


def test_one_language_setting_picks_the_commands_and_the_guide(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = content_with_korean_guide(tmp_path)
    monkeypatch.setenv("CALM_VOICE_CONTENT", str(content))
    from_file = load_settings(write_config(tmp_path / "c.yaml", "language: ko\n"))
    from_option = load_settings(write_config(tmp_path / "empty.yaml", ""), language="ko")
    for settings in (from_file, from_option):
        assert settings.recognizer.language == "ko"
        assert settings.guide_path == content / "guide.ko.yaml"
    assert load_settings(write_config(tmp_path / "c2.yaml", "language: ko\n"),
                         language="en").guide_path == content / "guide.en.yaml"


def test_each_part_can_still_be_set_by_hand(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    content = content_with_korean_guide(tmp_path)
    monkeypatch.setenv("CALM_VOICE_CONTENT", str(content))
    mine = tmp_path / "my-guide.yaml"
    settings = load_settings(write_config(
        tmp_path / "c.yaml", f"language: ko\nguide: {mine}\nrecognizer: {{language: en}}\n"))
    assert settings.guide_path == mine and settings.recognizer.language == "en"
    settings = load_settings(write_config(tmp_path / "c2.yaml", "language: ko\n"),
                             guide_path=mine)
    assert settings.guide_path == mine and settings.recognizer.language == "ko"


def test_a_language_without_a_packaged_guide_keeps_the_english_guide(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path / "c.yaml", "language: ko\n"))
    assert settings.recognizer.language == "ko"
    assert settings.guide_path == paths.default_guide_path("en")


@pytest.mark.parametrize(("text", "option", "says"), [
    ("language: xx\n", None, "no spoken commands for the language 'xx'"),
    ("", "xx", "no spoken commands for the language 'xx'"),
    ("recognizer: {language: xx}\n", None, "no spoken commands for the language 'xx'"),
    ("language: [ko]\n", None, "is not a language code like 'en' or 'ko'"),
    ("language: ../../etc\n", None, "is not a language code like 'en' or 'ko'"),
])
def test_an_unknown_language_is_refused_with_the_choices(
        tmp_path: Path, text: str, option: str | None, says: str) -> None:
    with pytest.raises(ConfigError, match=says) as raised:
        load_settings(write_config(tmp_path / "c.yaml", text), language=option)
    assert raised.value.fix == "Use one of: en, ko."
