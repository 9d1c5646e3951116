"""`calm-voice models download` against a catalog and zips served from 127.0.0.1.

Covers success (the Korean model, zipped here, downloaded, installed and loaded by Vosk),
a wrong checksum, a truncated download and its resumption, a server that ignores ranges,
a zip with escaping paths, a zip without a model, an unknown name, and no network.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from calm_voice.errors import DownloadError, ModelError
from calm_voice.speech import models
from tests.conftest import python_cmd

NAME = "vosk-model-test-ko-0.1"


class ModelServer:
    """Serves files from memory; honours `Range: bytes=N-`; can cut a response short."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.cut_after: int | None = None  # bytes of body to send before dropping the line
        self.honour_range = True
        self.requests: list[tuple[str, str | None]] = []
        self.sent: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                server.requests.append((self.path, self.headers.get("Range")))
                data = server.files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                offset = 0
                wanted = self.headers.get("Range")
                if wanted and server.honour_range:
                    offset = int(wanted.removeprefix("bytes=").split("-")[0])
                    if offset >= len(data):
                        self.send_error(416)
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {offset}-{len(data) - 1}/"
                                                      f"{len(data)}")
                else:
                    self.send_response(200)
                body = data[offset:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.cut_after is not None and self.path.endswith(".zip"):
                    body = body[:server.cut_after]
                    self.close_connection = True
                self.wfile.write(body)
                server.sent[self.path] = server.sent.get(self.path, 0) + len(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def publish(self, name: str, archive: bytes, md5: str | None = None,
                size: int | None = None) -> None:
        self.files[f"/{name}.zip"] = archive
        self.files["/model-list.json"] = json.dumps([{
            "lang": "ko", "lang_text": "Korean", "name": name, "obsolete": "false",
            "size": len(archive) if size is None else size, "size_text": "tiny",
            "type": "small", "url": f"{self.url}/{name}.zip", "version": "0.1",
            "md5": md5 or hashlib.md5(archive).hexdigest(),
        }]).encode()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ModelServer]:
    served = ModelServer()
    served.thread.start()
    monkeypatch.setenv("CALM_VOICE_MODEL_CATALOG", f"{served.url}/model-list.json")
    monkeypatch.setenv("CALM_VOICE_MODELS", str(tmp_path / "models"))
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


def zip_folder(folder: Path, top: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zipped.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def small_model_zip(top: str = NAME, extra: dict[str, bytes] | None = None) -> bytes:
    """A zip laid out like a Vosk model (enough for the installer's completeness check)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for rel in ("am/final.mdl", "conf/model.conf", "graph/HCLG.fst", "README"):
            zipped.writestr(f"{top}/{rel}", os.urandom(20_000))
        for rel, data in (extra or {}).items():
            zipped.writestr(rel, data)
    return buffer.getvalue()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*python_cmd(), *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))


def models_dir() -> Path:
    return Path(os.environ["CALM_VOICE_MODELS"])


def leftovers() -> list[str]:
    """What a failed download left in the models folder, besides the saved catalog."""
    folder = models_dir()
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.name != models.CATALOG_CACHE)


@pytest.mark.vosk
def test_download_installs_a_model_vosk_can_load(server: ModelServer,
                                                 korean_model_path: Path) -> None:
    server.publish(NAME, zip_folder(korean_model_path, NAME))
    result = cli("models", "download", NAME)
    assert result.returncode == 0, result.stderr
    target = models_dir() / NAME
    assert f"{NAME} is ready in {target}" in result.stdout
    assert "100%" in result.stderr and "[" + "#" * 30 + "]" in result.stderr
    assert {entry.split("/")[0] for entry in leftovers()} == {NAME}
    assert not (models_dir() / models.WORK_DIR).exists()

    verified = cli("models", "verify", NAME)
    assert verified.returncode == 0, verified.stderr
    assert "OK (every file matches its checksum)" in verified.stdout
    assert cli("models", "path", NAME).stdout.strip() == str(target)
    listing = cli("models", "list").stdout
    assert NAME in listing and "installed" in listing
    again = cli("models", "download", NAME)
    assert again.returncode == 0 and "already installed" in again.stdout

    from calm_voice.speech.recognizer import Recognizer, load_model
    recognizer = Recognizer(load_model(target), None)
    assert recognizer.accept(b"\0" * 16000) == []

    (target / "am" / "final.mdl").write_bytes(b"damaged")
    damaged = cli("models", "verify", NAME)
    assert damaged.returncode == 2
    assert "am/final.mdl has the wrong size" in damaged.stdout
    assert f"Download again with: calm-voice models download {NAME}" in damaged.stderr


def test_wrong_checksum_deletes_the_download(server: ModelServer) -> None:
    server.publish(NAME, small_model_zip(), md5="0" * 32)
    result = cli("models", "download", NAME)
    assert result.returncode == 2
    assert "does not match its checksum (md5)" in result.stderr
    assert "Traceback" not in result.stderr
    assert leftovers() == []


def test_wrong_size_is_refused(server: ModelServer) -> None:
    archive = small_model_zip()
    server.publish(NAME, archive, size=len(archive) - 10)
    with pytest.raises(DownloadError, match="does not match its checksum"):  # stopped at size
        models.download_model(NAME, models_dir())
    assert leftovers() == []


def test_truncated_download_keeps_its_part_and_resumes(server: ModelServer) -> None:
    archive = small_model_zip()
    server.publish(NAME, archive)
    server.cut_after = len(archive) // 3
    result = cli("models", "download", NAME)
    assert result.returncode == 2
    assert "stopped after" in result.stderr
    assert "run the same command again to continue" in result.stderr
    partial = models_dir() / models.WORK_DIR / f"{NAME}.zip"
    assert partial.stat().st_size == len(archive) // 3
    assert not (models_dir() / NAME).exists()

    server.cut_after = None
    server.sent.clear()
    seen: list[tuple[int, int]] = []
    target = models.download_model(NAME, models_dir(), lambda d, t: seen.append((d, t)))
    assert (target / "am" / "final.mdl").is_file()
    assert server.requests[-1] == (f"/{NAME}.zip", f"bytes={len(archive) // 3}-")
    assert server.sent[f"/{NAME}.zip"] == len(archive) - len(archive) // 3
    assert seen[0] == (len(archive) // 3, len(archive)) and seen[-1] == (len(archive),) * 2
    assert not partial.exists()


def test_a_server_that_ignores_ranges_starts_over(server: ModelServer) -> None:
    archive = small_model_zip()
    server.publish(NAME, archive)
    server.cut_after = 5000
    with pytest.raises(DownloadError, match="stopped after"):
        models.download_model(NAME, models_dir())
    server.cut_after, server.honour_range = None, False
    target = models.download_model(NAME, models_dir())
    assert (target / "conf" / "model.conf").is_file()
    assert models.is_installed(NAME, models_dir())


def test_a_partial_file_from_another_catalog_entry_is_not_reused(server: ModelServer) -> None:
    work = models_dir() / models.WORK_DIR
    work.mkdir(parents=True)
    (work / f"{NAME}.zip").write_bytes(b"x" * 1000)  # no record of what it was
    server.publish(NAME, small_model_zip())
    models.download_model(NAME, models_dir())
    assert server.requests[-1][1] is None


def test_zip_with_escaping_paths_is_refused(server: ModelServer, tmp_path: Path) -> None:
    escape = "../../escaped.txt"
    server.publish(NAME, small_model_zip(extra={escape: b"gotcha"}))
    result = cli("models", "download", NAME)
    assert result.returncode == 2
    assert "would be written outside its folder (../../escaped.txt)" in result.stderr
    assert not list(tmp_path.rglob("escaped.txt"))
    assert leftovers() == []


def test_zip_with_absolute_path_is_refused(server: ModelServer) -> None:
    server.publish(NAME, small_model_zip(extra={"/tmp/calm-voice-absolute.txt": b"x"}))
    with pytest.raises(DownloadError, match="outside its folder"):
        models.download_model(NAME, models_dir())
    assert not Path("/tmp/calm-voice-absolute.txt").exists()
    assert leftovers() == []


def test_zip_without_a_model_installs_nothing(server: ModelServer) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr(f"{NAME}/README", "no model here")
    server.publish(NAME, buffer.getvalue())
    with pytest.raises(DownloadError, match="does not hold a complete speech model"):
        models.download_model(NAME, models_dir())
    assert leftovers() == []


def test_unknown_name_suggests_close_ones(server: ModelServer) -> None:
    server.publish(NAME, small_model_zip())
    result = cli("models", "download", "vosk-model-test-ko-0.2")
    assert result.returncode == 2
    assert "has no model called 'vosk-model-test-ko-0.2'" in result.stderr
    assert f"Did you mean: {NAME}?" in result.stderr
    with pytest.raises(ModelError):
        models.download_model("nothing-like-it", models_dir())


def test_no_network_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("CALM_VOICE_MODEL_CATALOG", f"http://127.0.0.1:{port}/model-list.json")
    monkeypatch.setenv("CALM_VOICE_MODELS", str(tmp_path / "models"))
    result = cli("models", "download")
    assert result.returncode == 2
    assert f"could not reach http://127.0.0.1:{port}/model-list.json" in result.stderr
    assert "Check the internet connection" in result.stderr
    assert "Traceback" not in result.stderr
    assert leftovers() == []


def test_a_broken_catalog_is_named(server: ModelServer) -> None:
    server.files["/model-list.json"] = b"<html>not json</html>"
    with pytest.raises(DownloadError, match="model list .* cannot be read"):
        models.download_model(NAME, models_dir())


def test_the_default_comes_from_the_builtin_entry_when_only_the_catalog_is_down(
        server: ModelServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The catalog answers 404; the default's zip is still where the built-in entry says."""
    from dataclasses import replace

    from calm_voice.cli import main

    archive = small_model_zip(models.DEFAULT_MODEL)
    server.files[f"/{models.DEFAULT_MODEL}.zip"] = archive
    # The real entry's size and checksum are those of the real 40 MB zip; this one is tiny.
    entry = replace(models.BUILTIN[0], size=len(archive),
                    sha256=hashlib.sha256(archive).hexdigest())
    monkeypatch.setattr(models, "BUILTIN", (entry,))
    assert main(["models", "download"]) == 0
    err = capsys.readouterr().err
    assert "404" in err and "built-in entry" in err
    assert (models_dir() / models.DEFAULT_MODEL / "am" / "final.mdl").is_file()
    assert [path for path, _ in server.requests] == ["/model-list.json",
                                                     f"/{models.DEFAULT_MODEL}.zip"]
    assert not (models_dir() / models.WORK_DIR).exists()


def test_the_builtin_entry_is_checked_by_its_checksum(
        server: ModelServer, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = small_model_zip(models.DEFAULT_MODEL)
    server.files[f"/{models.DEFAULT_MODEL}.zip"] = archive
    from dataclasses import replace

    monkeypatch.setattr(models, "BUILTIN", (replace(models.BUILTIN[0], size=len(archive)),))
    with pytest.raises(DownloadError, match="does not match its checksum \\(sha256\\)"):
        models.download_model(models.DEFAULT_MODEL, models_dir())
    assert leftovers() == []


def test_without_the_catalog_other_models_cannot_be_looked_up(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("CALM_VOICE_MODEL_CATALOG", f"http://127.0.0.1:{port}/model-list.json")
    monkeypatch.setenv("CALM_VOICE_MODELS", str(tmp_path / "models"))
    result = cli("models", "download", NAME)
    assert result.returncode == 2
    assert f"'{NAME}' cannot be looked up" in result.stderr
    assert f"calm-voice models download {models.DEFAULT_MODEL}" in result.stderr
    listed = cli("models", "list")
    assert listed.returncode == 0 and models.DEFAULT_MODEL in listed.stdout
    assert leftovers() == []


def test_the_builtin_entry_is_the_official_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALM_VOICE_MODEL_CATALOG", raising=False)
    [entry] = models.BUILTIN
    assert entry.name == models.DEFAULT_MODEL == "vosk-model-small-en-us-0.15"
    assert entry.size == 41_205_931 and len(entry.sha256) == 64
    assert models.OFFICIAL_CATALOG == "https://alphacephei.com/vosk/models/model-list.json"
    assert models.entry_url(entry) == \
        "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
