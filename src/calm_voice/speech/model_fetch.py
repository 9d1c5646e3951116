"""HTTP download of one file with resume (Range requests), progress, size and md5 checks."""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from calm_voice.errors import DownloadError

Progress = Callable[[int, int], None]
"""(bytes so far, bytes expected); expected is 0 when the size is not known."""
CHUNK = 64 * 1024
USER_AGENT = "calm-voice (model download)"
MAX_CATALOG_BYTES = 5_000_000
"""The official catalog is ~30 kB; anything this big is not a catalog."""
MAX_DOWNLOAD_BYTES = 4_000_000_000
"""Where a download of unknown size stops; the largest Vosk model is ~2.7 GB."""
SPARE_BYTES = 50_000_000
"""Room left free on the disk after a download, so the machine keeps working."""


@dataclass(frozen=True)
class Expected:
    """What a finished download must be: from the catalog."""

    url: str
    size: int
    md5: str
    sha256: str = ""


def megabytes(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB"


def file_digest(path: Path, kind: Callable[..., Any] = hashlib.md5) -> str:
    digest = kind(usedforsecurity=False)  # a check for damage on the way, not for security
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return str(digest.hexdigest())


def file_md5(path: Path) -> str:
    return file_digest(path, hashlib.md5)


def _interrupted(what: str, done: int, total: int, why: object) -> DownloadError:
    return DownloadError(
        f"The download of {what} stopped after {megabytes(done)}"
        f"{f' of {megabytes(total)}' if total else ''} ({why}).",
        "What was fetched is kept: run the same command again to continue where it stopped.")


def _unreachable(url: str, why: object) -> DownloadError:
    return DownloadError(
        f"calm-voice could not reach {url} ({why}).",
        "Check the internet connection and try again.")


def _open(url: str, offset: int, timeout: float) -> http.client.HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=timeout)
    return response


def fetch_bytes(url: str, timeout: float = 30.0, limit: int = MAX_CATALOG_BYTES) -> bytes:
    """A small file (the catalog) in one go; more than `limit` bytes is refused."""
    try:
        with _open(url, 0, timeout) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise _unreachable(url, f"the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _unreachable(url, getattr(exc, "reason", exc)) from exc
    if len(data) > limit:
        raise DownloadError(f"The file at {url} is larger than {megabytes(limit)}, so it is not "
                            "a model list.",
                            "Check the catalog address (CALM_VOICE_MODEL_CATALOG).")
    return data


def _remember(meta: Path, expected: Expected) -> bool:
    """Whether a partial file next to `meta` belongs to this same download."""
    try:
        same = json.loads(meta.read_text(encoding="utf-8")) == asdict(expected)
    except (OSError, ValueError):
        same = False
    meta.write_text(json.dumps(asdict(expected)), encoding="utf-8")
    return same


def fetch_resumable(what: str, expected: Expected, partial: Path,
                    progress: Progress | None = None, timeout: float = 30.0) -> None:
    """Fetch expected.url into `partial`, continuing a previous partial file; then verify it.

    The transfer stops at the catalog's size (MAX_DOWNLOAD_BYTES when it gives none). A failed
    transfer keeps the partial file (resume next time); a full disk or a finished file with the
    wrong size or checksum deletes it, since resuming could never fix it.
    """
    meta = partial.with_suffix(".json")
    if not _remember(meta, expected):
        partial.unlink(missing_ok=True)
    offset = partial.stat().st_size if partial.exists() else 0
    if offset > _limit(expected):
        partial.unlink()
        offset = 0
    if offset < _limit(expected) or not expected.size:
        _check_room(what, partial, _limit(expected) - offset)
        _transfer(what, expected, partial, offset, progress, timeout)
    _verify(what, expected, partial)


def _limit(expected: Expected) -> int:
    return expected.size if expected.size > 0 else MAX_DOWNLOAD_BYTES


def _check_room(what: str, partial: Path, needed: int) -> None:
    """Refuse before fetching when the disk cannot hold the rest of the file."""
    free = shutil.disk_usage(partial.parent).free
    if free < needed + SPARE_BYTES:
        _discard(partial)
        raise _disk_full(what, partial, needed)


def _disk_full(what: str, partial: Path, needed: int) -> DownloadError:
    return DownloadError(
        f"There is not enough free disk space for {what}: it needs about {megabytes(needed)} "
        f"in {partial.parent}. Nothing was kept.",
        "Free up that much space, or set CALM_VOICE_MODELS to a folder on a larger disk.")


def _transfer(what: str, expected: Expected, partial: Path, offset: int,
              progress: Progress | None, timeout: float) -> None:
    done = offset
    limit = _limit(expected)
    try:
        response = _open(expected.url, offset, timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:  # our partial file is already whole, or no longer fits
            return
        raise _unreachable(expected.url, f"the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _unreachable(expected.url, getattr(exc, "reason", exc)) from exc
    with response:
        if offset and response.status != 206:
            done = 0  # the server ignored the range: start again from the beginning
        mode = "ab" if done else "wb"
        try:
            with partial.open(mode) as out:
                if progress is not None:
                    progress(done, expected.size)
                while done < limit:
                    block = response.read(min(CHUNK, limit - done))
                    if not block:
                        break
                    out.write(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, expected.size)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                _discard(partial)
                raise _disk_full(what, partial, limit) from exc
            if exc.filename is not None:
                raise DownloadError(f"calm-voice could not save the download to {partial} "
                                    f"({exc.strerror}).",
                                    "Check the folder's permissions.") from exc
            raise _interrupted(what, done, expected.size, _reason(exc)) from exc
        except http.client.HTTPException as exc:
            raise _interrupted(what, done, expected.size, _reason(exc)) from exc
    if expected.size and done < expected.size:
        raise _interrupted(what, done, expected.size, "the connection closed early")
    if not expected.size and done >= limit:
        _discard(partial)
        raise DownloadError(f"The download of {what} went past {megabytes(limit)} without "
                            "ending, so it was stopped and deleted.",
                            "The server is not sending a model; use the official catalog.")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed early"
    return str(exc) or type(exc).__name__


def _discard(partial: Path) -> None:
    partial.unlink(missing_ok=True)
    partial.with_suffix(".json").unlink(missing_ok=True)


def _verify(what: str, expected: Expected, partial: Path) -> None:
    size = partial.stat().st_size
    if expected.size and size != expected.size:
        _discard(partial)
        raise DownloadError(
            f"The download of {what} is {size:,} bytes, not the {expected.size:,} the catalog "
            "lists, so it was deleted.", "Try again; if it keeps happening, the server may be "
            "sending a different file.")
    if not (expected.md5 or expected.sha256):
        _discard(partial)
        raise DownloadError(f"The model list gives no checksum for {what}, so the download "
                            "cannot be checked and was not installed.",
                            "Choose another model, or try again later.")
    wrong = [kind for kind, want, digest in (("md5", expected.md5, hashlib.md5),
                                             ("sha256", expected.sha256, hashlib.sha256))
             if want and file_digest(partial, digest) != want.lower()]
    if wrong:
        _discard(partial)
        raise DownloadError(
            f"The download of {what} does not match its checksum ({', '.join(wrong)}), so it "
            "was deleted and nothing was installed.",
            "Try again later; the file was damaged on the way.")
