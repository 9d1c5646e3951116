"""Getting speech models: the official Vosk catalog, a resumable download, checks, and install.

This is the only code in calm-voice that opens a network connection.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calm_voice.config import DEFAULT_MODEL
from calm_voice.errors import DownloadError, ModelError
from calm_voice.speech.archive import check_manifest, extract_model, write_manifest
from calm_voice.speech.recognizer import check_model_dir, load_model

CATALOG_URL = "https://alphacephei.com/vosk/models/model-list.json"
CATALOG_ENV = "CALM_VOICE_MODEL_CATALOG"
TIMEOUT = 20.0
CHUNK = 64 * 1024
DOWNLOADS = ".downloads"  # hidden: installed_models() skips it, so nothing here looks installed

Progress = Callable[[int, int], None]
"""progress(done_bytes, total_bytes), called as a download goes."""

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_AGAIN = "Run the same command again to continue where it stopped."


@dataclass(frozen=True)
class CatalogEntry:
    """One model of the Vosk catalog (model-list.json)."""

    name: str
    lang: str
    url: str
    size: int
    md5: str
    lang_text: str = ""
    size_text: str = ""
    version: str = ""
    type: str = ""
    obsolete: bool = False
    sha256: str = ""
    """Only the built-in entry has one; the catalog itself publishes md5."""


# The default model's entry, for when the catalog cannot be reached. Its zip sits next to the
# catalog (see entry_url); the official catalog's md5 is not kept here, so it is checked by
# size and SHA-256 instead.
BUILTIN_CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        name=DEFAULT_MODEL, lang="en-us", lang_text="US English",
        url=f"{DEFAULT_MODEL}.zip", size=41_205_931, size_text="39.3MiB", md5="",
        sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
        version="0.15", type="small"),
)


def catalog_url() -> str:
    return os.environ.get(CATALOG_ENV) or CATALOG_URL


def entry_url(entry: CatalogEntry) -> str:
    """The entry's zip address; a relative one (the built-in entry) is next to the catalog."""
    return urllib.parse.urljoin(catalog_url(), entry.url)


def _flag(value: Any) -> bool:
    # The catalog writes obsolete as the strings "true"/"false".
    return value is True or str(value).strip().lower() == "true"


def parse_catalog(data: bytes, source: str) -> list[CatalogEntry]:
    problem = f"The model list from {source} is not in the expected form"
    fix = "Try again later; if it keeps happening, download the default model by name."
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogUnavailable(f"{problem} (it is not JSON).", fix) from exc
    if not isinstance(raw, list):
        raise CatalogUnavailable(f"{problem} (it is not a list).", fix)
    entries = []
    for item in raw:
        try:
            entry = CatalogEntry(
                name=str(item["name"]), lang=str(item.get("lang", "")), url=str(item["url"]),
                size=int(item["size"]), md5=str(item.get("md5", "")).lower(),
                lang_text=str(item.get("lang_text", "")),
                size_text=str(item.get("size_text", "")),
                version=str(item.get("version", "")), type=str(item.get("type", "")),
                obsolete=_flag(item.get("obsolete", False)))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # one odd entry should not hide the rest
        if _SAFE_NAME.match(entry.name):
            entries.append(entry)
    return entries


class CatalogUnavailable(DownloadError):
    """The catalog could not be fetched or read."""


def _is_web(url: str) -> bool:
    return urllib.parse.urlsplit(url).scheme in ("http", "https")


def _open(url: str, timeout: float, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": "calm-voice", **(headers or {})})
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (http/https only)


def _network_words(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"the server answered {exc.code} {exc.reason}"
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.timeout | TimeoutError):
        return "it did not answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, socket.gaierror):
        return "the address could not be looked up"
    return str(reason) or type(reason).__name__


def fetch_catalog(url: str | None = None, timeout: float = TIMEOUT) -> list[CatalogEntry]:
    url = url or catalog_url()
    if not _is_web(url):
        raise CatalogUnavailable(f"The model list address {url} is not a web address.",
                                 f"Fix {CATALOG_ENV} or unset it.")
    try:
        with _open(url, timeout) as response:
            data = response.read()
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise CatalogUnavailable(
            f"The list of speech models at {url} could not be reached ({_network_words(exc)}).",
            "Check the internet connection and try again.") from exc
    return parse_catalog(data, url)


def catalog_or_builtin(timeout: float = TIMEOUT) -> tuple[list[CatalogEntry], str]:
    """The live catalog, or the built-in entry and the reason the catalog was not used."""
    try:
        return fetch_catalog(timeout=timeout), ""
    except CatalogUnavailable as error:
        return list(BUILTIN_CATALOG), str(error)


def find_entry(name: str, entries: list[CatalogEntry]) -> CatalogEntry:
    for entry in entries:
        if entry.name == name:
            return entry
    close = [e.name for e in entries if name.lower() in e.name.lower()][:5]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ModelError(f"There is no speech model called '{name}' in the model list.{hint}",
                     "See the names with: calm-voice models list")


def partial_path(models_dir: Path, entry: CatalogEntry) -> Path:
    return models_dir / DOWNLOADS / f"{entry.name}.zip.part"


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def fetch_zip(entry: CatalogEntry, part: Path, progress: Progress | None = None,
              timeout: float = TIMEOUT) -> None:
    """Download (or continue downloading) the entry's zip into `part`, up to its full size."""
    part.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    have = part.stat().st_size if part.exists() else 0
    if have > entry.size:
        part.unlink()
        have = 0
    _report(progress, have, entry.size)
    if have == entry.size:
        return
    url = entry_url(entry)
    if not _is_web(url):
        raise DownloadError(f"The address of {entry.name} ({url}) is not a web address.",
                            "Choose a model from: calm-voice models list")
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        with _open(url, timeout, headers) as response:
            if have and response.status != 206:
                have = 0  # the server ignored the range: start again from the beginning
            with part.open("r+b" if have else "wb") as out:
                out.seek(have)
                out.truncate()
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    have += len(chunk)
                    _report(progress, have, entry.size)
                    if have > entry.size:
                        break
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # nothing left to send for that range
            return
        raise DownloadError(f"{entry.name} could not be downloaded from {url} "
                            f"({_network_words(exc)}).", "Try again later.") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        kept = " What arrived so far is kept." if part.exists() and part.stat().st_size else ""
        raise DownloadError(f"The download of {entry.name} stopped ({_network_words(exc)}).{kept}",
                            f"Check the internet connection. {_AGAIN}") from exc
    if have < entry.size:
        raise DownloadError(f"The download of {entry.name} stopped early ({have:,} of "
                            f"{entry.size:,} bytes). What arrived so far is kept.",
                            f"Check the internet connection. {_AGAIN}")


def file_digests(path: Path) -> tuple[int, str, str]:
    """Size, md5 and sha256 of a file."""
    md5, sha = hashlib.md5(), hashlib.sha256()  # md5: the catalog's checksum, not for security
    size = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            md5.update(block)
            sha.update(block)
            size += len(block)
    return size, md5.hexdigest(), sha.hexdigest()


def verify_archive(path: Path, entry: CatalogEntry) -> None:
    """Check size and every checksum the entry has; DownloadError if any differs."""
    if not (entry.md5 or entry.sha256):
        raise DownloadError(f"The model list gives no checksum for {entry.name}, so it cannot "
                            "be checked.", "Choose another model, or try again later.")
    size, md5, sha = file_digests(path)
    wrong = []
    if size != entry.size:
        wrong.append(f"size {size:,} bytes, expected {entry.size:,}")
    if entry.md5 and md5 != entry.md5:
        wrong.append("the MD5 checksum does not match")
    if entry.sha256 and sha != entry.sha256:
        wrong.append("the SHA-256 checksum does not match")
    if wrong:
        raise DownloadError(f"The downloaded {entry.name} is not the file it should be "
                            f"({'; '.join(wrong)}), so it was thrown away and not installed.",
                            "Run the same command again to download it afresh.")


def install(entry: CatalogEntry, models_dir: Path, progress: Progress | None = None,
            timeout: float = TIMEOUT) -> Path:
    """Download, verify, extract and move the model into models_dir/<name>; returns its path.

    Nothing appears under models_dir/<name> unless every step succeeded; an interrupted
    download leaves only models_dir/.downloads/<name>.zip.part, which the next call continues.
    """
    if not _SAFE_NAME.match(entry.name):
        raise ModelError(f"'{entry.name}' cannot be used as a model folder name.",
                         "Choose a model from: calm-voice models list")
    target = models_dir / entry.name
    part = partial_path(models_dir, entry)
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        fetch_zip(entry, part, progress, timeout)
        try:
            verify_archive(part, entry)
        except DownloadError:
            part.unlink(missing_ok=True)
            raise
        staging = Path(tempfile.mkdtemp(prefix=f"{entry.name}.", dir=part.parent))
        try:
            root = extract_model(part, staging)
            check_model_dir(root)
            write_manifest(root)
            _move_into_place(root, target, part.parent)
        except ModelError as exc:
            part.unlink(missing_ok=True)
            raise DownloadError(f"The archive of {entry.name} does not hold a usable model "
                                f"({exc.problem})", "Choose another model.") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise DownloadError(f"The model could not be saved in {models_dir} ({exc.strerror}).",
                            "Check there is free disk space and the folder can be written.") \
            from exc
    part.unlink(missing_ok=True)
    return target


def _move_into_place(root: Path, target: Path, scratch: Path) -> None:
    """Rename the finished model in; an old, broken copy is swapped out, then removed."""
    if not target.exists():
        os.replace(root, target)
        return
    old = Path(tempfile.mkdtemp(prefix="old.", dir=scratch)) / target.name
    os.replace(target, old)
    os.replace(root, target)
    shutil.rmtree(old.parent, ignore_errors=True)


@dataclass(frozen=True)
class VerifyReport:
    path: Path
    files_checked: int | None
    """Files compared with the install record; None when the model has no record."""
    loaded: bool


def verify_installed(path: Path, load: bool = True) -> VerifyReport:
    """Structure, then the install record (sizes and md5), then (optionally) a Vosk load.

    Raises ModelError saying what is wrong; loading takes seconds for a big model.
    """
    check_model_dir(path)
    checked = check_manifest(path)
    if load:
        load_model(path)
    return VerifyReport(path, checked, load)
