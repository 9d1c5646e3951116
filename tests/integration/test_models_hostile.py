"""Hostile catalogs, servers and archives, served from 127.0.0.1.

Nothing outside the models folder is touched, downloads stop at their size, a full disk keeps
nothing, and zip bombs are refused.
"""

from __future__ import annotations

import io
import json
import os
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from calm_voice.errors import DownloadError, ModelError
from calm_voice.speech import model_archive, model_fetch, models
from tests.integration.test_models_download import (
    NAME,
    ModelServer,
    cli,
    leftovers,
    models_dir,
    small_model_zip,
)
from tests.integration.test_models_download import server as server  # noqa: F401 (fixture)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"<dir>"
            for p in sorted(folder.rglob("*"))}


def test_a_catalog_name_that_climbs_out_is_never_used(server: ModelServer,
                                                      tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    (victim / "keep").mkdir(parents=True)
    (victim / "keep" / "me.txt").write_text("mine")
    before = tree(tmp_path)
    server.publish("../../victim", small_model_zip("victim"))
    server.files["/model-list.json"] = json.dumps([
        *json.loads(server.files["/model-list.json"]),
        {"name": "/etc/evil", "size": 10, "url": "x.zip", "lang": "ko"},
        {"name": NAME, "size": 10, "url": "x.zip", "lang": "\x1b]0;owned\x07ko"},
    ]).encode()
    for name in ("../../victim", "/etc/evil", "..", "a/b", "x" * 200):
        result = cli("models", "download", name)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "is not a model name calm-voice can use" in result.stderr
    assert tree(tmp_path) == before
    entries = models.fetch_catalog(models_dir())
    assert [entry.name for entry in entries] == [NAME]  # the unsafe entries are skipped
    listing = cli("models", "list")
    assert listing.returncode == 0 and "\x1b" not in listing.stdout
    assert "␛]0;owned␇" in listing.stdout


class EndlessServer:
    """Answers every request with a body that never ends (no Content-Length)."""

    def __init__(self) -> None:
        self.sent = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                self.send_response(200)
                self.end_headers()
                block = b"\0" * 65536
                try:
                    while True:
                        self.wfile.write(block)
                        owner.sent += len(block)
                except OSError:
                    pass  # the client hung up: that is the point

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/endless.zip"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def endless() -> Iterator[EndlessServer]:
    served = EndlessServer()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


def test_an_endless_body_stops_at_the_catalog_size(endless: EndlessServer,
                                                   tmp_path: Path) -> None:
    partial = tmp_path / "m.zip"
    seen: list[tuple[int, int]] = []
    with pytest.raises(DownloadError, match="does not match its checksum"):
        model_fetch.fetch_resumable("m", model_fetch.Expected(endless.url, 300_000, "0" * 32),
                                    partial, lambda done, total: seen.append((done, total)))
    assert seen[-1] == (300_000, 300_000) and not partial.exists()


def test_an_endless_body_of_unknown_size_stops_at_the_cap(
        endless: EndlessServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_fetch, "MAX_DOWNLOAD_BYTES", 2_000_000)
    partial = tmp_path / "m.zip"
    with pytest.raises(DownloadError, match="went past 2.0 MB without ending") as raised:
        model_fetch.fetch_resumable("m", model_fetch.Expected(endless.url, 0, "0" * 32), partial)
    assert "Traceback" not in str(raised.value) and not partial.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_removes_the_partial_file(server: ModelServer, tmp_path: Path) -> None:
    archive = small_model_zip()
    server.publish(NAME, archive)
    expected = model_fetch.Expected(f"{server.url}/{NAME}.zip", len(archive), "0" * 32)
    partial = tmp_path / "m.zip"
    partial.symlink_to("/dev/full")  # the kernel answers every write with ENOSPC
    partial.with_suffix(".json").write_text(json.dumps(expected.__dict__))
    with pytest.raises(DownloadError) as raised:
        model_fetch.fetch_resumable(NAME, expected, partial)
    message = str(raised.value)
    assert "not enough free disk space" in message and "Nothing was kept" in message
    assert "again" not in message.lower()
    assert not partial.is_symlink() and not partial.with_suffix(".json").exists()


def test_too_little_free_space_is_refused_before_fetching(
        server: ModelServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.publish(NAME, small_model_zip())
    monkeypatch.setattr(model_fetch, "SPARE_BYTES", 1 << 62)
    with pytest.raises(DownloadError, match="not enough free disk space"):
        models.download_model(NAME, models_dir())
    assert not any(path.endswith(".zip") for path, _ in server.requests)
    assert leftovers() == []


def zeros_zip(size: int, files: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for rel in ("am/final.mdl", "conf/model.conf", "graph/HCLG.fst"):
            zipped.writestr(f"{NAME}/{rel}", b"x")
        for n in range(files):
            zipped.writestr(f"{NAME}/pad{n}", b"\0" * (size // files))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_unpacking(server: ModelServer) -> None:
    archive = zeros_zip(50_000_000)
    assert len(archive) < 100_000
    server.publish(NAME, archive)
    result = cli("models", "download", NAME)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "would unpack to 50.0 MB, more than the" in result.stderr
    assert leftovers() == []


def test_a_zip_whose_entries_lie_about_their_size_stops_at_the_cap(tmp_path: Path) -> None:
    archive = tmp_path / "lying.zip"
    archive.write_bytes(zeros_zip(5_000_000))
    data = bytearray(archive.read_bytes())
    # Every declared size in the central directory shrunk to 1 byte: the check before
    # unpacking passes; what is written is still bounded, and the damage is named.
    central = data.find(b"PK\x01\x02")
    while central != -1:
        data[central + 24:central + 28] = (1).to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    archive.write_bytes(bytes(data))
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(DownloadError):
        model_archive.safe_extract(archive, target, NAME)
    written = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    assert written <= model_archive.unpack_limit(archive)


def test_too_many_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_archive, "MAX_FILES", 20)
    archive = tmp_path / "many.zip"
    archive.write_bytes(zeros_zip(100, files=30))
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(DownloadError, match="holds 33 files"):
        model_archive.safe_extract(archive, target, NAME)
    assert list(target.iterdir()) == []


def test_install_refuses_a_bad_name_even_when_called_directly(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    archive.write_bytes(small_model_zip())
    with pytest.raises(ModelError, match="not a model name"):
        model_archive.install(archive, "../escape", tmp_path / "models", tmp_path / "work", {})
    assert not (tmp_path / "escape").exists() and os.listdir(tmp_path) == ["a.zip"]
