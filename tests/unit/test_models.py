"""Model catalog, listing, archive safety and install records: pure logic on temp files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from calm_voice.cli.models import ProgressBar
from calm_voice.config import RecognizerSettings, Settings
from calm_voice.errors import DownloadError, ModelError
from calm_voice.speech import models
from calm_voice.speech.model_archive import MANIFEST, install, safe_extract, verify_files

ENTRY = {"lang": "fr", "lang_text": "French", "md5": "ABC", "name": "vosk-model-small-fr-0.22",
         "obsolete": "false", "size": 41_000_000, "size_text": "39.1MiB", "type": "small",
         "url": "https://alphacephei.com/vosk/models/vosk-model-small-fr-0.22.zip",
         "version": "0.22"}


def catalog(*entries: dict[str, object]) -> bytes:
    return json.dumps(list(entries)).encode()


def test_catalog_entries_are_read_with_obsolete_as_the_string_it_is() -> None:
    old = {**ENTRY, "name": "vosk-model-small-fr-pguyot-0.3", "obsolete": "true"}
    [current, obsolete] = models.parse_catalog(catalog(ENTRY, old), "test")
    assert (current.name, current.language, current.size, current.md5) == (
        "vosk-model-small-fr-0.22", "fr", 41_000_000, "ABC")
    assert current.obsolete is False and obsolete.obsolete is True


@pytest.mark.parametrize("data", [b"<html>busy</html>", b"\xff\xfe", catalog({"name": "x"}),
                                  b'{"name": "not a list"}'])
def test_a_catalog_that_cannot_be_read_is_named(data: bytes) -> None:
    with pytest.raises(DownloadError, match="model list from http://x/list.json cannot be read"):
        models.parse_catalog(data, "http://x/list.json")


def test_an_unknown_name_suggests_close_ones() -> None:
    entries = models.parse_catalog(catalog(ENTRY), "test")
    assert models.lookup(entries, ENTRY["name"]).size == 41_000_000  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="Did you mean: vosk-model-small-fr-0.22"):
        models.lookup(entries, "vosk-model-small-fr-0.2")
    with pytest.raises(ModelError) as info:
        models.lookup(entries, "zzz")
    assert info.value.problem.endswith("no model called 'zzz'.")  # no suggestion to make


def test_entry_urls_are_absolute_or_next_to_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    [builtin] = models.BUILTIN
    monkeypatch.setenv(models.CATALOG_ENV, "http://127.0.0.1:9/mirror/model-list.json")
    assert models.entry_url(builtin) == \
        "http://127.0.0.1:9/mirror/vosk-model-small-en-us-0.15.zip"
    [french] = models.parse_catalog(catalog(ENTRY), "test")
    assert models.entry_url(french) == ENTRY["url"]


def fake_model(folder: Path) -> Path:
    for rel in ("am/final.mdl", "conf/model.conf", "graph/HCLG.fst"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(rel.encode() * 100)
    return folder


def test_listing_is_offline_and_marks_what_is_here(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(models.CATALOG_ENV, "http://127.0.0.1:9/nothing-listens-here.json")
    monkeypatch.delenv("CALM_VOICE_MODEL", raising=False)
    here = tmp_path / "models"
    fake_model(here / "vosk-model-small-ko-0.22")
    settings = Settings(recognizer=RecognizerSettings(language="ko"), models_dir=here)
    rows = {row.name: row for row in models.list_models(settings)}
    assert rows["vosk-model-small-ko-0.22"].installed and rows["vosk-model-small-ko-0.22"].active
    assert rows["vosk-model-small-ko-0.22"].language == "ko"
    default = rows[models.DEFAULT_MODEL]  # the built-in entry: no catalog was ever saved
    assert not default.installed and default.size_text == "39.3MiB"
    (here / models.CATALOG_CACHE).write_bytes(catalog(ENTRY, {**ENTRY, "name": "old",
                                                              "obsolete": "true"}))
    names = [row.name for row in models.list_models(settings)]
    assert "vosk-model-small-fr-0.22" in names and "old" not in names
    assert models.DEFAULT_MODEL not in names  # the saved catalog replaces the built-in entry
    assert "old" in [row.name for row in models.list_models(settings, include_obsolete=True)]


def zip_of(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, target)
    return buffer.getvalue()


@pytest.mark.parametrize(("members", "links"), [
    ({"m/ok.txt": b"1", "../escape.txt": b"2"}, None),
    ({"m/../../escape.txt": b"2"}, None),
    ({"/tmp/escape.txt": b"2"}, None),
    ({"C:/escape.txt": b"2"}, None),
    ({"m\\..\\..\\escape.txt": b"2"}, None),
    ({"m/ok.txt": b"1"}, {"m/link": "../../escape.txt"}),
])
def test_extraction_refuses_anything_that_would_land_outside(
        tmp_path: Path, members: dict[str, bytes], links: dict[str, str] | None) -> None:
    archive = tmp_path / "evil.zip"
    archive.write_bytes(zip_of(members, links))
    target = tmp_path / "deep" / "target"
    target.mkdir(parents=True)
    with pytest.raises(DownloadError, match="outside its folder"):
        safe_extract(archive, target, "evil")
    assert list(target.iterdir()) == []  # refused before anything was written
    assert not list(tmp_path.rglob("escape.txt"))


def test_a_file_that_is_not_a_zip_is_named(tmp_path: Path) -> None:
    archive = tmp_path / "x.zip"
    archive.write_bytes(b"PK\x03\x04 but not really")
    with pytest.raises(DownloadError, match="not a readable zip file"):
        safe_extract(archive, tmp_path, "x")


def test_install_records_every_file_and_verify_finds_damage(tmp_path: Path) -> None:
    source = fake_model(tmp_path / "src" / "vosk-model-test")
    archive = tmp_path / "m.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in source.rglob("*"):
            if path.is_file():
                zipped.write(path, f"vosk-model-test/{path.relative_to(source).as_posix()}")
    here = tmp_path / "models"
    here.mkdir()
    target = install(archive, "vosk-model-test", here, here / ".partial", {"name": "x"})
    assert target == here / "vosk-model-test" and (target / MANIFEST).is_file()
    assert sorted(json.loads((target / MANIFEST).read_text())["files"]) == [
        "am/final.mdl", "conf/model.conf", "graph/HCLG.fst"]
    assert verify_files(target) == []
    (target / "graph" / "HCLG.fst").write_bytes(b"x" * 1500)  # shorter than it was
    (target / "conf" / "model.conf").write_bytes(b"c" * len(b"conf/model.conf" * 100))
    problems = verify_files(target)
    assert "graph/HCLG.fst has the wrong size" in problems
    assert "conf/model.conf has changed (checksum differs)" in problems
    (target / "am" / "final.mdl").unlink()
    with pytest.raises(ModelError, match="incomplete"):
        verify_files(target)


def test_the_progress_bar_draws_on_its_stream() -> None:
    out = io.StringIO()
    bar = ProgressBar("vosk-model-x", out, width=10)
    bar(0, 2_000_000)
    bar(2_000_000, 2_000_000)
    bar.finish()
    text = out.getvalue()
    assert text.startswith("\rvosk-model-x [----------]")
    assert "[##########] 100% 2.0 MB of 2.0 MB" in text and text.endswith("\n")
