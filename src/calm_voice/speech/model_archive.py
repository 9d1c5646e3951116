"""Unpacking a downloaded model: refuse paths that escape, check it, move it into place whole."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from calm_voice.errors import DownloadError, ModelError
from calm_voice.speech.model_fetch import file_md5
from calm_voice.speech.recognizer import check_model_dir

MANIFEST = ".calm-voice.json"


def _member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it is absolute or climbs out with '..'."""
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]) or ".." in path.parts:
        return None
    return path


def safe_extract(archive: Path, target: Path, what: str) -> None:
    """Unzip into `target`, refusing the whole archive if any entry would land outside it."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            root = target.resolve()
            for member in members:
                rel = _member_path(member.filename)
                is_link = stat.S_ISLNK(member.external_attr >> 16)
                if rel is None or is_link or not (root / rel).resolve().is_relative_to(root):
                    raise DownloadError(
                        f"The download of {what} holds a file that would be written outside "
                        f"its folder ({member.filename}), so nothing was installed.",
                        "Do not use this file; download the model from the official catalog.")
            zipped.extractall(target)
    except zipfile.BadZipFile as exc:
        raise DownloadError(f"The download of {what} is not a readable zip file ({exc}).",
                            "Try again; the file was damaged on the way.") from exc


def _model_root(unpacked: Path) -> Path:
    """A zip holds either one top folder with the model, or the model's folders directly."""
    entries = [p for p in unpacked.iterdir() if not p.name.startswith("__MACOSX")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return unpacked


def file_hashes(folder: Path) -> dict[str, list[object]]:
    """Every file under `folder`: relative path → [size, md5]."""
    found: dict[str, list[object]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            found[path.relative_to(folder).as_posix()] = [path.stat().st_size, file_md5(path)]
    return found


def install(archive: Path, name: str, models_dir: Path, work_dir: Path,
            source: dict[str, object]) -> Path:
    """Unpack `archive` as models_dir/name; on any failure nothing new is left in models_dir."""
    work_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="unpack-", dir=work_dir))
    try:
        safe_extract(archive, staging, name)
        root = _model_root(staging)
        try:
            check_model_dir(root)
        except ModelError as exc:
            raise DownloadError(f"The download of {name} does not hold a complete speech model "
                                f"({exc.problem})", "Nothing was installed; try another model."
                                ) from exc
        manifest = {**source, "files": file_hashes(root)}
        (root / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        target = models_dir / name
        old = None
        if target.exists():  # an earlier, broken copy: swap it out rather than merge into it
            old = staging.parent / f"old-{staging.name}"
            os.replace(target, old)
        os.replace(root, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def verify_files(folder: Path) -> list[str]:
    """Problems with a model folder against the manifest written when it was installed."""
    check_model_dir(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return []
    try:
        recorded = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return [f"its checksum record {MANIFEST} cannot be read"]
    problems = []
    for rel, (size, md5) in recorded.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif path.stat().st_size != size:
            problems.append(f"{rel} has the wrong size")
        elif file_md5(path) != md5:
            problems.append(f"{rel} has changed (checksum differs)")
    return problems
