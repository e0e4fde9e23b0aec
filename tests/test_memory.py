"""pypioncouch.memory: glibc's mmap threshold fixed, so freed large blocks leave the process."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from pypioncouch import memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def test_release_large_blocks_is_done_once_and_says_whether_it_took() -> None:
    assert memory.release_large_blocks() is GLIBC
    assert memory.release_large_blocks() is GLIBC


@pytest.mark.skipif(not GLIBC, reason="glibc's malloc only")
def test_freed_blocks_past_the_threshold_leave_the_heap() -> None:
    """After an 8 MB block is freed, glibc by default serves blocks below 8 MB from the heap, where
    freed ones stay resident; with the threshold fixed, 4 MB blocks made and freed leave nothing."""
    code = """
import sys
from pypioncouch import memory
if sys.argv[1] == "fixed":
    assert memory.release_large_blocks()
def rss():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
big = bytearray(8 << 20); del big   # raises glibc's dynamic threshold to 8 MB
before = rss()
blocks = [bytearray(4 << 20) for _ in range(10)]
keep = bytearray(4096)              # the top of the heap stays in use: the holes below it cannot be trimmed
del blocks
print(rss() - before)
"""
    grown = {kind: int(subprocess.run([sys.executable, "-c", code, kind], capture_output=True, text=True,
                                      check=True).stdout) for kind in ("default", "fixed")}
    assert grown["fixed"] < 2048 < 4096 < grown["default"], grown  # KiB
