"""Compact lists of project names, for the listing of a whole index (PyPI: 900,000 names and growing).

A ``dict`` of name -> serial costs about 140 bytes a project (the str object, an int
object, the table's slot); the importer held three of them while it ran (the listing,
what was allowed of it, the sorted to-do list). Here every name sits in one string
(``names``: their characters back to back, with an ``array`` of offsets) and serials in
an ``array`` of 64-bit integers: some 25 bytes a project for PyPI's ASCII names, a name
made into a ``str`` only when it is asked for. Names are kept sorted case-insensitively
(the order the importer works in; a ``NameSet`` by code point), so a lookup is a binary search.

- ``ProjectList``: names as the index spells them with their serials (a ``Mapping``: the
  importer's to-do list and listing);
- ``NameSet``: names alone, for membership (the normalized names a listing holds).
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from typing import Callable, Iterable, Iterator, Mapping, Sequence

__all__ = ["NameSet", "ProjectList"]


class _Names(Sequence[str]):
    """Sorted names in one string: name ``i`` is ``text[offsets[i]:offsets[i + 1]]``."""

    def __init__(self, sorted_names: Iterable[str], key: Callable[[str], str] | None = None) -> None:
        """``sorted_names``: in the order of ``key`` (the names themselves when None); repeats are dropped."""
        self.key = key
        self.offsets = array("q", [0])
        parts: list[str] = []
        total = 0
        previous = None
        for name in sorted_names:
            if name == previous:
                continue
            previous = name
            parts.append(name)
            total += len(name)
            self.offsets.append(total)
            if len(parts) >= 65536:  # joined as we go: no list of every name at once
                parts = ["".join(parts)]
        self.text = "".join(parts)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.text[self.offsets[index]:self.offsets[index + 1]]

    def __iter__(self) -> Iterator[str]:
        text, offsets = self.text, self.offsets
        for index in range(len(offsets) - 1):
            yield text[offsets[index]:offsets[index + 1]]

    def find(self, name: str) -> int:
        """The index of ``name``, or -1."""
        if self.key is None:
            index = bisect_left(self, name)
            return index if index < len(self) and self[index] == name else -1
        wanted = self.key(name)
        index = bisect_left(self, wanted, key=self.key)
        while index < len(self) and self.key(self[index]) == wanted:  # names equal but for case
            if self[index] == name:
                return index
            index += 1
        return -1

    def nbytes(self) -> int:
        return len(self.text.encode("utf-8", "surrogatepass")) + self.offsets.itemsize * len(self.offsets)


class ProjectList(Mapping[str, int]):
    """Project names with their serials, sorted case-insensitively; ``Mapping[str, int]``."""

    def __init__(self, names: _Names, serials: array) -> None:
        self._names = names
        self._serials = serials

    @classmethod
    def from_mapping(cls, projects: Mapping[str, int | None]) -> "ProjectList":
        """From a name -> serial mapping (a serial of None counts as 0)."""
        if isinstance(projects, ProjectList):
            return projects
        order = sorted(projects, key=str.lower)
        serials = array("q", (projects[name] or 0 for name in order))
        return cls(_Names(order, str.lower), serials)

    def __len__(self) -> int:
        return len(self._serials)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __getitem__(self, name: str) -> int:
        index = self._names.find(name) if isinstance(name, str) else -1
        if index < 0:
            raise KeyError(name)
        return self._serials[index]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._names.find(name) >= 0

    def items(self) -> Iterator[tuple[str, int]]:  # type: ignore[override]
        return zip(self._names, self._serials)

    def chunks(self, size: int) -> Iterator[list[str]]:
        """The names in order, ``size`` at a time."""
        for start in range(0, len(self), size):
            yield self._names[start:start + size]

    def chunk_items(self, size: int) -> Iterator[dict[str, int]]:
        """The projects in order, ``size`` at a time, each chunk a ``dict`` of name -> serial."""
        for start in range(0, len(self), size):
            yield dict(zip(self._names[start:start + size], self._serials[start:start + size]))

    def merged(self, extra: Mapping[str, int]) -> "ProjectList":
        """This list and the projects of ``extra`` it does not name (``dict.setdefault`` for each)."""
        added = sorted((name for name in extra if name not in self), key=str.lower)
        if not added:
            return self
        both = heapq.merge(self.items(), ((name, extra[name] or 0) for name in added), key=lambda item: item[0].lower())
        serials = array("q")

        def pairs() -> Iterator[str]:
            for name, serial in both:
                serials.append(serial)
                yield name
        merged_names = _Names(pairs(), str.lower)
        return ProjectList(merged_names, serials)

    def keeping(self, keep: Callable[[str], bool]) -> "ProjectList":
        """The projects whose name ``keep`` allows (this list itself when it allows every one)."""
        kept = bytearray(keep(name) for name in self._names)
        if all(kept):
            return self
        names = (name for name, wanted in zip(self._names, kept) if wanted)
        serials = array("q", (serial for serial, wanted in zip(self._serials, kept) if wanted))
        return ProjectList(_Names(names, str.lower), serials)

    def nbytes(self) -> int:
        """Bytes the list's data takes (names as UTF-8, offsets and serials)."""
        return self._names.nbytes() + self._serials.itemsize * len(self._serials)

    def __repr__(self) -> str:
        return f"<ProjectList of {len(self):,} projects>"


class NameSet:
    """A set of names (``in`` only), stored like ``ProjectList``'s."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = _Names(sorted(names))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._names.find(name) >= 0

    def __len__(self) -> int:
        return len(self._names)
