"""Keep ALSA's own messages ("underrun occurred") off stderr, where they would tear the TUI."""

from __future__ import annotations

import ctypes
import ctypes.util

_handler: object = None  # kept alive: ALSA holds a pointer to it


def silence_alsa() -> None:
    global _handler
    if _handler is not None:
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        return
    try:
        alsa = ctypes.CDLL(name)
        prototype = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                     ctypes.c_int, ctypes.c_char_p)
        _handler = prototype(lambda *_: None)
        alsa.snd_lib_error_set_handler(_handler)
    except (OSError, AttributeError):
        _handler = False  # no ALSA here; nothing to silence
