"""Each entry's audio: one mono int16 WAV per entry (mode 0600), appended utterance by utterance.

The database records where each utterance's samples sit in the file, so a header left stale by a
crash never hides audio that was committed.
"""

from __future__ import annotations

import os
import secrets
import struct
from pathlib import Path

import numpy as np

HEADER_BYTES = 44
SAMPLE_BYTES = 2


def new_file_name(entry_id: int) -> str:
    """A name no earlier journal in the same folder can have used: the entry number helps a
    person find it, the random part keeps a new journal's entry 1 off an old journal's file."""
    return f"entry-{entry_id}-{secrets.token_hex(6)}.wav"


def _header(rate: int, data_bytes: int) -> bytes:
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, 1, 1, rate,
        rate * SAMPLE_BYTES, SAMPLE_BYTES, 16, b"data", data_bytes,
    )


def append(path: Path, pcm: bytes, rate: int, *, new: bool = False) -> int:
    """Append samples and make them durable; returns the sample offset where they start.
    With `new`, the file must not exist yet (FileExistsError): an entry's first audio never
    lands in a file that belongs to something else."""
    flags = os.O_RDWR | os.O_CREAT | (os.O_EXCL if new else 0)
    fd = os.open(path, flags, 0o600)
    try:
        size = os.fstat(fd).st_size
        if size < HEADER_BYTES:
            os.ftruncate(fd, 0)
            os.pwrite(fd, _header(rate, 0), 0)
            size = HEADER_BYTES
        data_bytes = size - HEADER_BYTES
        data_bytes -= data_bytes % SAMPLE_BYTES  # a torn half-sample from a crash is dropped
        start = HEADER_BYTES + data_bytes
        _write_all(fd, pcm, start)
        os.pwrite(fd, _header(rate, data_bytes + len(pcm)), 0)
        os.fsync(fd)
    finally:
        os.close(fd)
    return data_bytes // SAMPLE_BYTES


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written


def truncate(path: Path, offset_samples: int, rate: int) -> None:
    """Drop everything from `offset_samples` on (used when the last utterance is scratched)."""
    if not path.exists():
        return
    fd = os.open(path, os.O_RDWR)
    try:
        data_bytes = offset_samples * SAMPLE_BYTES
        os.ftruncate(fd, HEADER_BYTES + data_bytes)
        os.pwrite(fd, _header(rate, data_bytes), 0)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_span(path: Path, offset_samples: int, count: int) -> bytes:
    """Samples [offset, offset + count) of the file, shorter if the file ends first."""
    if count <= 0 or offset_samples < 0:
        return b""
    with path.open("rb") as handle:
        handle.seek(HEADER_BYTES + offset_samples * SAMPLE_BYTES)
        data = handle.read(count * SAMPLE_BYTES)
    return data[: len(data) - len(data) % SAMPLE_BYTES]


def read_rate(path: Path) -> int:
    with path.open("rb") as handle:
        header = handle.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES or header[:4] != b"RIFF":
        return 0
    return int(struct.unpack_from("<I", header, 24)[0])


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def resample(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """Linear resampling, enough for a replay of speech when an entry's rates differ."""
    if from_rate == to_rate or not pcm:
        return pcm
    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype=np.int16).astype(np.float64)
    count = max(1, round(len(samples) * to_rate / from_rate))
    positions = np.linspace(0, len(samples) - 1, count)
    out = np.interp(positions, np.arange(len(samples)), samples)
    return bytes(np.clip(np.round(out), -32768, 32767).astype(np.int16).tobytes())


def seconds_to_samples(seconds: float, rate: int) -> int:
    return max(0, round(seconds * rate))
