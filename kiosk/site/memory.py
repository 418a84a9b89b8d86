"""Giving memory back between visitors, so a kiosk that runs for months does not creep up.

After a visit, the widgets, texts and textures it made are garbage. Python frees them, but
the C allocator keeps freed pages in its arenas for reuse; over thousands of visits those
arenas fragment and the process's resident memory grows. `release()` collects the garbage
and then asks glibc to hand free pages back to the system (malloc_trim). Elsewhere than
glibc it only collects.
"""
from __future__ import annotations

import ctypes
import gc
from functools import lru_cache


@lru_cache(maxsize=1)
def _trim():
    try:
        trim = ctypes.CDLL(None).malloc_trim      # the C library this process runs on
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release() -> bool:
    """Collect garbage and return free heap pages to the system; True when pages were
    returned (glibc only)."""
    gc.collect()
    trim = _trim()
    return bool(trim(0)) if trim is not None else False
