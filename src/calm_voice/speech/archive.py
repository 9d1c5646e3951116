"""Model archives: safe zip extraction, and a manifest of what was installed for later checks."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from calm_voice.errors import DownloadError, ModelError

MANIFEST = ".calm-voice-files.json"
_NOT_INSTALLED = "It was not installed."


def _refuse(zip_path: Path, member: str, why: str) -> DownloadError:
    return DownloadError(f"The model archive {zip_path.name} holds an unsafe entry '{member}' "
                         f"({why}). {_NOT_INSTALLED}",
                         "Download the model from the official list: calm-voice models list")


def _safe_target(zip_path: Path, info: zipfile.ZipInfo, dest: Path) -> Path:
    """Where a member would land, or DownloadError if that is outside `dest` (zip-slip)."""
    name = info.filename.replace("\\", "/")
    pure = PurePosixPath(name)
    if pure.is_absolute() or (pure.parts and pure.parts[0].endswith(":")):
        raise _refuse(zip_path, info.filename, "an absolute path")
    if ".." in pure.parts:
        raise _refuse(zip_path, info.filename, "a path that climbs out of the models folder")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _refuse(zip_path, info.filename, "a symbolic link")
    target = (dest / Path(*pure.parts)).resolve() if pure.parts else dest.resolve()
    if not target.is_relative_to(dest.resolve()):
        raise _refuse(zip_path, info.filename, "a path that lands outside the models folder")
    return target


def extract_model(zip_path: Path, dest: Path) -> Path:
    """Extract into the empty folder `dest`; returns the model's root inside it.

    Every member is checked before anything is written, so a bad archive leaves `dest` empty.
    """
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = [(info, _safe_target(zip_path, info, dest)) for info in archive.infolist()]
            for info, target in members:
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, target.open("wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise DownloadError(f"The model archive {zip_path.name} cannot be opened ({exc}). "
                            f"{_NOT_INSTALLED}", "Run the same command again to download it "
                            "afresh.") from exc
    entries = [p for p in dest.iterdir() if not p.name.startswith("__MACOSX")]
    # Vosk zips hold one top folder named after the model.
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


def _md5(path: Path) -> str:
    digest = hashlib.md5()  # a check for damage, not for security
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def write_manifest(root: Path) -> None:
    """Record each file's size and md5, so `models verify` can find damage later."""
    files = {p.relative_to(root).as_posix(): {"size": p.stat().st_size, "md5": _md5(p)}
             for p in _files(root)}
    (root / MANIFEST).write_text(json.dumps({"files": files}, indent=1), encoding="utf-8")


def check_manifest(root: Path) -> int | None:
    """Compare files with the manifest: ModelError naming the damage, else how many were
    checked; None when the model has no manifest (it was not installed by calm-voice)."""
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        expected = {str(k): (int(v["size"]), str(v["md5"])) for k, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"The record of the files of the model in {root} is damaged.",
                         "Download the model again.") from exc
    damaged = []
    for name, (size, md5) in sorted(expected.items()):
        file = root / name
        if not file.is_file():
            damaged.append(f"{name} is missing")
        elif file.stat().st_size != size:
            damaged.append(f"{name} has the wrong size")
        elif _md5(file) != md5:
            damaged.append(f"{name} has changed")
    if damaged:
        shown = "; ".join(damaged[:3]) + (f"; and {len(damaged) - 3} more" if
                                          len(damaged) > 3 else "")
        raise ModelError(f"The model in {root} is damaged ({shown}).",
                         f"Download it again with: calm-voice models download {root.name}")
    return len(expected)
