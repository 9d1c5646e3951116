"""Unpacking a downloaded model: refuse paths that escape, check it, move it into place whole."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from calm_voice import safe_yaml
from calm_voice.errors import DownloadError, ModelError
from calm_voice.speech.model_fetch import SPARE_BYTES, file_md5, megabytes
from calm_voice.speech.recognizer import check_model_dir

MANIFEST = ".calm-voice.json"
MAX_FILES = 10_000
"""Vosk models hold a few dozen files."""
MAX_UNPACKED_BYTES = 4_000_000_000
"""The largest Vosk model unpacks to ~3 GB."""
RATIO_LIMIT = 10
"""Speech models barely compress; an archive unpacking to 10x its size is a zip bomb."""


MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
"""One path component: letters, digits, dot, dash, underscore; never '..' or a separator."""


def check_model_name(name: str) -> str:
    """The name, if it is safe to use as one folder under the models folder."""
    if not MODEL_NAME.fullmatch(name) or ".." in name:
        raise ModelError(f"'{safe_yaml.shown(name)}' is not a model name calm-voice can use.",
                         "Model names are one word of letters, digits, '.', '-' and '_' "
                         "(see: calm-voice models list).")
    return name


def _member_path(name: str) -> PurePosixPath | None:
    """The member's relative path, or None when it is absolute or climbs out with '..'."""
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]) or ".." in path.parts:
        return None
    return path


def unpack_limit(archive: Path) -> int:
    """Bytes an archive may unpack to: 10x its size or MAX_UNPACKED_BYTES, whichever is less."""
    return min(RATIO_LIMIT * archive.stat().st_size, MAX_UNPACKED_BYTES)


DOWNLOADED = "Do not use this file; download the model from the official catalog."
BROUGHT = "Do not use this file; get the model again from a source you trust."


def _refuse(what: str, why: str, fix: str = DOWNLOADED) -> DownloadError:
    """`what` names the archive as a sentence starts: "The download of NAME", "The file X"."""
    return DownloadError(f"{what} {why}, so nothing was installed.", fix)


def lower_first(text: str) -> str:
    """"The file /Media/X.zip" as it reads inside a sentence; the path keeps its case."""
    return text[:1].lower() + text[1:]


def archive_words(name: str, archive: Path | None) -> tuple[str, str]:
    """How messages name an archive, and the fix for a hostile one: a download or a file."""
    if archive is None:
        return f"The download of {name}", DOWNLOADED
    return f"The file {safe_yaml.shown(archive.name)}", BROUGHT


def _check_members(zipped: zipfile.ZipFile, target: Path, what: str, limit: int,
                   fix: str) -> None:
    """Every entry stays inside `target`; the count and the declared total fit the caps."""
    members = zipped.infolist()
    if len(members) > MAX_FILES:
        raise _refuse(what, f"holds {len(members):,} files (at most {MAX_FILES:,} are allowed)",
                      fix)
    root = target.resolve()
    for member in members:
        rel = _member_path(member.filename)
        is_link = stat.S_ISLNK(member.external_attr >> 16)
        if rel is None or is_link or not (root / rel).resolve().is_relative_to(root):
            raise _refuse(what, "holds a file that would be written outside its folder "
                          f"({safe_yaml.shown(member.filename)})", fix)
    declared = sum(member.file_size for member in members)
    if declared > limit:
        raise _refuse(what, f"would unpack to {megabytes(declared)}, more than the "
                      f"{megabytes(limit)} allowed for an archive of its size", fix)
    free = shutil.disk_usage(target).free
    if declared + SPARE_BYTES > free:
        raise DownloadError(f"There is not enough free disk space to unpack {lower_first(what)}: "
                            "it needs "
                            f"{megabytes(declared)} in {target.parent}. Nothing was kept.",
                            "Free up that much space, or set CALM_VOICE_MODELS to a folder on "
                            "a larger disk.")


def safe_extract(archive: Path, target: Path, what: str, fix: str = DOWNLOADED) -> None:
    """Unzip into `target`; refused whole if an entry would land outside it or the caps are
    passed. `what` names the archive in messages (see archive_words).

    Bytes are counted as they are written, so an entry that lies about its size still stops
    at the cap.
    """
    limit = unpack_limit(archive)
    try:
        with zipfile.ZipFile(archive) as zipped:
            _check_members(zipped, target, what, limit, fix)
            written = 0
            for member in zipped.infolist():
                rel = _member_path(member.filename)
                assert rel is not None  # checked above
                path = target / rel
                if member.is_dir():
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as source, path.open("wb") as out:
                    while block := source.read(1 << 20):
                        written += len(block)
                        if written > limit:
                            raise _refuse(what, f"unpacks to more than {megabytes(limit)}", fix)
                        out.write(block)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise DownloadError(f"{what} is not a readable zip file ({safe_yaml.shown(exc)}).",
                            "Try again; the file was damaged on the way." if fix == DOWNLOADED
                            else "Copy it again; the file is damaged.") from exc
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DownloadError(f"The disk filled up while unpacking {lower_first(what)}. Nothing "
                                "was kept.",
                                "Free up space, or set CALM_VOICE_MODELS to a folder on a "
                                "larger disk.") from exc
        raise


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
            source: dict[str, object], brought: bool = False) -> Path:
    """Unpack `archive` as models_dir/name; on any failure nothing new is left in models_dir.

    brought: the archive is a file the person gave (models install), not a download."""
    check_model_name(name)
    what, fix = archive_words(name, archive if brought else None)
    work_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="unpack-", dir=work_dir))
    try:
        safe_extract(archive, staging, what, fix)
        return place(_model_root(staging), name, models_dir, what, source)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def place(root: Path, name: str, models_dir: Path, what: str,
          source: dict[str, object]) -> Path:
    """Check the unpacked model in `root`, record its checksums, and move it in as one step."""
    try:
        check_model_dir(root)
    except ModelError as exc:
        raise DownloadError(f"{what} does not hold a complete speech model ({exc.problem})",
                            "Nothing was installed; try another model.") from exc
    manifest = {**source, "files": file_hashes(root)}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    target = models_dir / name
    old = None
    if target.exists():  # an earlier, broken copy: swap it out rather than merge into it
        old = root.parent / f"old-{root.name}"
        os.replace(target, old)
    os.replace(root, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


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
