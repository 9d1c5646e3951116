"""Models brought by hand (a zip or a folder from a USB stick): install one with the same checks
as a download, and remove one from the models folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from calm_voice.errors import DownloadError, ModelError
from calm_voice.safe_yaml import shown
from calm_voice.speech import discovery
from calm_voice.speech.model_archive import (
    BROUGHT,
    MAX_FILES,
    MAX_UNPACKED_BYTES,
    archive_words,
    check_model_name,
    install,
    lower_first,
    place,
    verify_files,
)
from calm_voice.speech.model_fetch import SPARE_BYTES, file_digest, megabytes
from calm_voice.speech.models import WORK_DIR, CatalogEntry, make_folder, saved_catalog


def name_of(source: Path) -> str:
    """The model name a file or folder brings: its name without '.zip'."""
    return source.name[:-4] if source.name.lower().endswith(".zip") else source.name


def install_brought(source: Path, models_dir: Path, name: str | None = None) -> Path:
    """Install the model in a zip file or a folder as models_dir/<name>; returns its folder.

    A zip whose name the model list knows must match its size and checksum. Entries that would
    land outside the folder, links, and archives past the caps are refused; nothing appears in
    models_dir until the model is complete and checked.
    """
    source = source.expanduser()
    if not source.exists():
        raise ModelError(f"There is no file or folder {shown(str(source))}.",
                         "Check the path; on a USB stick it is often under /media/.")
    name = name or name_of(source)
    try:
        check_model_name(name)
    except ModelError as exc:
        raise ModelError(exc.problem, "Give it a name with --name, e.g. --name "
                                      "vosk-model-small-en-us-0.15.") from exc
    if (models_dir / name).exists() and _complete(models_dir / name):
        raise ModelError(f"{name} is already installed in {models_dir / name}.",
                         f"To replace it, first run: calm-voice models remove {name}")
    work = models_dir / WORK_DIR
    make_folder(work, models_dir)
    record: dict[str, object] = {"name": name, "installed_from": str(source)}
    try:
        if source.is_dir():
            return _install_folder(source, name, models_dir, work, record)
        if not zipfile.is_zipfile(source):
            what, _fix = archive_words(name, source)
            raise DownloadError(f"{what} is not a zip file or a model folder, so nothing was "
                                "installed.", "Give the .zip file of a Vosk model, or the "
                                "folder it unpacks to.")
        _check_known(source, name, models_dir)
        return install(source, name, models_dir, work, record, brought=True)
    finally:
        if work.is_dir() and not any(work.iterdir()):
            work.rmdir()


def _complete(folder: Path) -> bool:
    try:
        return not verify_files(folder)
    except ModelError:
        return False


def _catalog_entry(name: str, models_dir: Path) -> CatalogEntry | None:
    return next((e for e in saved_catalog(models_dir) if e.name == name), None)


def _check_known(archive: Path, name: str, models_dir: Path) -> None:
    """A zip named like a model in the list must be that model, byte for byte."""
    entry = _catalog_entry(name, models_dir)
    if entry is None:
        return
    what, _fix = archive_words(name, archive)
    size = archive.stat().st_size
    checks = [("size", str(entry.size) if entry.size else "", str(size)),
              ("md5", entry.md5, ""), ("sha256", entry.sha256, "")]
    for kind, want, have in checks:
        if not want:
            continue
        have = have or file_digest(archive, getattr(hashlib, kind))
        if have != want.lower():
            raise DownloadError(
                f"{what} is not the {name} the model list describes (its {kind} differs), so "
                "nothing was installed.", "Copy it again from the original; this copy is "
                "damaged or is another file.")


def _install_folder(folder: Path, name: str, models_dir: Path, work: Path,
                    record: dict[str, object]) -> Path:
    """Copy a model folder in (no links followed, caps as for a zip), then check and place it."""
    what = f"The folder {shown(folder.name)}"
    count = total = 0
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            raise DownloadError(f"{what} holds a link ({shown(str(path))}), so nothing was "
                                "installed.", BROUGHT)
        if path.is_file():
            count += 1
            total += path.stat().st_size
    if count > MAX_FILES or total > MAX_UNPACKED_BYTES:
        raise DownloadError(f"{what} holds {count:,} files and {megabytes(total)}, more than a "
                            "speech model, so nothing was installed.", BROUGHT)
    if total + SPARE_BYTES > shutil.disk_usage(work).free:
        raise DownloadError(f"There is not enough free disk space to copy {lower_first(what)}: it "
                            f"needs {megabytes(total)} in {models_dir}. Nothing was kept.",
                            "Free up that much space, or set CALM_VOICE_MODELS to a folder on "
                            "a larger disk.")
    staging = Path(tempfile.mkdtemp(prefix="copy-", dir=work))
    try:
        copy = staging / name
        shutil.copytree(folder, copy, symlinks=True)
        return place(copy, name, models_dir, what, record)
    except OSError as exc:
        raise DownloadError(f"calm-voice could not copy {lower_first(what)} ({exc.strerror}). "
                            "Nothing was kept.", "Check the free disk space and that the "
                            "folder can be read.") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def use(name: str, models_dir: Path) -> discovery.FoundModel:
    """Remember an installed, complete model as the one to use from the next start."""
    found = discovery.find_named(check_model_name(name), models_dir)
    discovery.choose(found.name, models_dir)
    return found


def remove(name: str, models_dir: Path) -> Path:
    """Delete models_dir/<name>; a model elsewhere (a checkout, a package) is explained."""
    check_model_name(name)
    target = models_dir / name
    if not target.is_dir() or target.is_symlink():
        other = next((m for m in discovery.installed_models(models_dir) if m.name == name), None)
        if other is not None and other.source == "python package":
            raise ModelError(f"{name} comes with a Python package, not the models folder.",
                             f"Remove it with: pip uninstall {name.replace('_', '-')}")
        if other is not None:
            raise ModelError(f"{name} is in {other.path.parent}, not in the models folder.",
                             "calm-voice leaves that folder alone; delete it by hand if you "
                             "no longer want it.")
        raise ModelError(f"There is no model called {name} in {models_dir}.",
                         "See what is installed with: calm-voice models list")
    work = models_dir / WORK_DIR
    work.mkdir(exist_ok=True)
    doomed = Path(tempfile.mkdtemp(prefix="remove-", dir=work)) / name
    os.replace(target, doomed)  # gone from the list at once, even if deleting takes a while
    if discovery.chosen_model(models_dir) == name:
        discovery.choose(None, models_dir)
    shutil.rmtree(doomed.parent, ignore_errors=True)
    if not any(work.iterdir()):
        work.rmdir()
    return target
