"""Keeping the importer's heap from holding on to what it freed (glibc's malloc).

The importer makes and drops blocks of a megabyte and more all the time: ``_bulk_docs`` request
bodies of up to 8 MB, the stored answers' 1 MB pieces, large payloads. glibc gives a block past
its mmap threshold pages of its own, returned when it is freed, but by default it raises that
threshold to the size of the largest such block freed (up to 32 MB): after the first 8 MB body
every block of that size comes from the heap, and the holes freed blocks leave there stay
resident. Fixing the threshold at 1 MB keeps them from accumulating: a full import of 1,000
PyPI-shaped projects peaked at 165 MB with the default and 141 MB with the threshold fixed
(bench/bench_memory.py). Elsewhere than on glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import platform

__all__ = ["release_large_blocks", "MMAP_THRESHOLD"]

MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3  # malloc.h
_done: bool | None = None


def release_large_blocks(threshold: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at ``threshold`` bytes for this process (once); True where it took."""
    global _done
    if _done is None:
        _done = False
        if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
            try:
                _done = bool(ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, threshold))
            except (OSError, AttributeError):
                _done = False
    return _done
