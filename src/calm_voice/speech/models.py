"""Speech models: the official Vosk catalog, what is installed, verify, download and install.

Only download opens a network connection; listing works from the catalog saved by the last
download, or a built-in entry for the default model.
"""

from __future__ import annotations

import difflib
import json
import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calm_voice.config import DEFAULT_MODEL, Settings
from calm_voice.errors import DownloadError, ModelError
from calm_voice.safe_yaml import shown
from calm_voice.speech import discovery
from calm_voice.speech.model_archive import (
    MANIFEST,
    MODEL_NAME,
    check_model_name,
    install,
    verify_files,
)
from calm_voice.speech.model_fetch import Expected, Progress, fetch_bytes, fetch_resumable

OFFICIAL_CATALOG = "https://alphacephei.com/vosk/models/model-list.json"
CATALOG_ENV = "CALM_VOICE_MODEL_CATALOG"
CATALOG_CACHE = ".catalog.json"
WORK_DIR = ".partial"  # partial downloads and unpacking; hidden from discovery
_FIELD_CHARS = 40  # language and size labels are a few characters; the rest is cut


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    language: str
    size: int
    url: str
    md5: str = ""
    sha256: str = ""
    size_text: str = ""
    language_text: str = ""
    obsolete: bool = False


# The default model's entry, for when the catalog cannot be reached. Its zip sits next to the
# catalog (the URL is relative to it). The catalog's md5 is not kept here, so this copy checks
# the size and the SHA-256 of the official zip instead.
BUILTIN = (CatalogEntry(
    DEFAULT_MODEL, "en-us", 41_205_931, f"{DEFAULT_MODEL}.zip",
    sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
    size_text="39.3MiB", language_text="US English"),)


def catalog_url() -> str:
    return os.environ.get(CATALOG_ENV) or OFFICIAL_CATALOG


def entry_url(entry: CatalogEntry) -> str:
    """Where the entry's zip is; a relative URL (the built-in entry's) is next to the catalog."""
    return urllib.parse.urljoin(catalog_url(), entry.url)


def parse_catalog(data: bytes, source: str) -> list[CatalogEntry]:
    """Entries of a model-list.json; DownloadError when it is not one."""
    try:
        raw = json.loads(data.decode("utf-8"))
        entries = [CatalogEntry(
            name=str(item["name"]), language=str(item.get("lang", ""))[:_FIELD_CHARS],
            size=int(item["size"]), url=str(item["url"]), md5=str(item.get("md5", "")),
            size_text=str(item.get("size_text", ""))[:_FIELD_CHARS],
            language_text=str(item.get("lang_text", ""))[:_FIELD_CHARS],
            obsolete=str(item.get("obsolete", "false")).lower() == "true",
        ) for item in raw]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError) as exc:
        raise DownloadError(f"The model list from {source} cannot be read "
                            f"({shown(exc)}).", "Try again later.") from exc
    # An entry whose name is not one safe folder name, or whose size is negative, is skipped:
    # it could never be installed safely, and the rest of the catalog is still usable.
    return [entry for entry in entries if MODEL_NAME.fullmatch(entry.name)
            and ".." not in entry.name and entry.size >= 0]


def saved_catalog(models_dir: Path) -> list[CatalogEntry]:
    """The catalog saved by the last download, else the built-in default entry; no network."""
    cache = models_dir / CATALOG_CACHE
    try:
        return parse_catalog(cache.read_bytes(), str(cache))
    except (OSError, DownloadError):
        return list(BUILTIN)


def fetch_catalog(models_dir: Path, timeout: float = 30.0) -> list[CatalogEntry]:
    """The current catalog from the network, saved for `models list`."""
    url = catalog_url()
    data = fetch_bytes(url, timeout)
    entries = parse_catalog(data, url)
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        (models_dir / CATALOG_CACHE).write_bytes(data)
    except OSError:
        pass  # only a convenience for listing offline
    return entries


def lookup(entries: list[CatalogEntry], name: str) -> CatalogEntry:
    for entry in entries:
        if entry.name == name:
            return entry
    names = [e.name for e in entries]
    close = difflib.get_close_matches(name, names, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ModelError(f"The model catalog has no model called '{shown(name)}'.{hint}",
                     "See the names with: calm-voice models list")


@dataclass(frozen=True)
class ModelListing:
    name: str
    language: str
    size_text: str
    path: Path | None  # where it is installed, if it is
    active: bool = False  # the one calm-voice would use now

    @property
    def installed(self) -> bool:
        return self.path is not None


def _active_path(settings: Settings) -> Path | None:
    try:
        return discovery.find_model(settings).path
    except ModelError:
        return None


def list_models(settings: Settings, include_obsolete: bool = False) -> list[ModelListing]:
    """Installed models first, then what the catalog offers; no network."""
    installed = {m.name: m.path for m in discovery.installed_models(settings.models_dir)}
    active = _active_path(settings)
    rows = [ModelListing(name, _language_of(name, settings.models_dir), "", path,
                         active is not None and path == active)
            for name, path in installed.items()]
    by_name = {row.name: i for i, row in enumerate(rows)}
    for entry in saved_catalog(settings.models_dir):
        if entry.name in by_name:
            i = by_name[entry.name]
            rows[i] = ModelListing(entry.name, entry.language, entry.size_text, rows[i].path,
                                   rows[i].active)
        elif include_obsolete or not entry.obsolete:
            rows.append(ModelListing(entry.name, entry.language, entry.size_text, None))
    return rows


def _language_of(name: str, models_dir: Path) -> str:
    for entry in saved_catalog(models_dir):
        if entry.name == name:
            return entry.language
    return discovery.named_language(name)


@dataclass(frozen=True)
class Verdict:
    name: str
    path: Path
    problems: tuple[str, ...]
    checked: bool  # False when there was no checksum record to compare with

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(settings: Settings, name: str | None = None) -> list[Verdict]:
    """Check one model (a name, a path) or every installed one against its checksum record."""
    if name is not None:
        found = discovery.find_named(name, settings.models_dir, check=False)
        targets = [(found.name, found.path)]
    else:
        targets = [(m.name, m.path) for m in discovery.installed_models(settings.models_dir)]
        if not targets:
            raise ModelError("No speech model is installed, so there is nothing to check.",
                             f"Get the default one with: {discovery.GET_DEFAULT}")
    verdicts = []
    for model_name, path in targets:
        try:
            problems = tuple(verify_files(path))
        except ModelError as error:
            problems = (error.problem,)
        verdicts.append(Verdict(model_name, path, problems, (path / MANIFEST).is_file()))
    return verdicts


def catalog_for(name: str, models_dir: Path, timeout: float = 30.0,
                notice: Callable[[str], None] | None = None) -> list[CatalogEntry]:
    """The live catalog; when it cannot be had, the built-in entry if that is the one wanted."""
    try:
        return fetch_catalog(models_dir, timeout)
    except DownloadError as error:
        if name not in {entry.name for entry in BUILTIN}:
            raise DownloadError(f"{error.problem} So '{name}' cannot be looked up.",
                                f"{error.fix} Or get the default model, which calm-voice "
                                f"knows by heart: calm-voice models download {DEFAULT_MODEL}"
                                ) from error
        if notice is not None:
            notice(f"{error.problem} Using the built-in entry for {name}.")
        return list(BUILTIN)


def download_model(name: str, models_dir: Path, progress: Progress | None = None,
                   timeout: float = 30.0, notice: Callable[[str], None] | None = None) -> Path:
    """Fetch, verify and install `name` into models_dir; returns its folder.

    The zip is kept in models_dir/.partial/ until it is whole, so an interrupted download
    resumes; nothing appears in models_dir until the model is unpacked and checked.
    """
    check_model_name(name)
    work = models_dir / WORK_DIR
    make_folder(models_dir, models_dir)
    entry = lookup(catalog_for(name, models_dir, timeout, notice), name)
    partial = work / f"{name}.zip"
    try:
        work.mkdir(exist_ok=True)
        url = entry_url(entry)
        fetch_resumable(name, Expected(url, entry.size, entry.md5, entry.sha256), partial,
                        progress, timeout)
        source: dict[str, Any] = {"name": name, "url": url, "size": entry.size,
                                  "md5": entry.md5, "sha256": entry.sha256}
        try:
            return install(partial, name, models_dir, work, source)
        finally:  # installed, or verified yet unusable: either way resuming has no use
            partial.unlink(missing_ok=True)
            partial.with_suffix(".json").unlink(missing_ok=True)
    except OSError as exc:
        raise DownloadError(f"calm-voice could not write the download in {work} "
                            f"({exc.strerror}).", "Check the free disk space and the "
                            "folder's permissions.") from exc
    finally:
        if not partial.exists():  # nothing arrived: no partial file, so nothing to resume
            partial.with_suffix(".json").unlink(missing_ok=True)
        if work.is_dir() and not any(work.iterdir()):
            work.rmdir()


def is_installed(name: str, models_dir: Path) -> bool:
    try:
        verify_files(models_dir / name)
    except ModelError:
        return False
    return True


def model_path(settings: Settings, name: str | None = None) -> Path:
    """Where a named model is (checked), or the one calm-voice would use (see discovery.py);
    ModelError says how to get one."""
    if name is None:
        return discovery.find_model(settings).path
    return discovery.find_named(name, settings.models_dir).path


def make_folder(folder: Path, models_dir: Path) -> None:
    """Create the models folder, or a folder inside it, or say why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"calm-voice cannot create the models folder {models_dir} "
                            f"({exc.strerror}).", "Check the folder's permissions, or set "
                            "CALM_VOICE_MODELS to a folder you can write.") from exc
