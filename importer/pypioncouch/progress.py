"""A progress bar with counts, rate and ETA (tqdm), on stderr, off when not wanted."""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm


class Progress:
    def __init__(self, label: str, *, total: int, enabled: bool) -> None:
        self.bar = tqdm(total=total, desc=label, unit="project", disable=not enabled, file=sys.stderr,
                        dynamic_ncols=True, smoothing=0.1)

    def advance(self, count: int) -> None:
        self.bar.update(count)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.bar.close()
