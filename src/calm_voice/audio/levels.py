"""Loudness of a block of int16 samples, in dBFS (0 is full scale, silence is the floor)."""

from __future__ import annotations

import math

import numpy as np

FLOOR_DB = -96.0


def dbfs(block: bytes) -> float:
    samples = np.frombuffer(block, dtype=np.int16)
    if samples.size == 0:
        return FLOOR_DB
    rms = math.sqrt(float(np.mean(samples.astype(np.float64) ** 2)))
    if rms <= 0:
        return FLOOR_DB
    return max(FLOOR_DB, 20 * math.log10(rms / 32768.0))
