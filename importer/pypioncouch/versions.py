"""A sortable key for any version string PyPI holds.

CouchDB collates view keys as JSON: numbers before strings, arrays element by
element. ``version_key`` turns a version into such an array so that views sort
releases in PEP 440 order without any JavaScript. Versions that PEP 440 cannot
parse (old PyPI has many) sort before every valid one, in string order, as
``packaging``'s former ``LegacyVersion`` did.
"""

from __future__ import annotations

from typing import Union

from packaging.version import InvalidVersion, Version

__all__ = ["VersionKey", "version_key", "parse_version", "sort_versions"]

KeyPart = Union[int, str, list]
VersionKey = list  # JSON array: [epoch, release, pre, post, dev, local]

_PRE_PHASES = {"a": 0, "b": 1, "rc": 2}
_FINAL = [3]  # after every pre-release phase
_NO_POST = [-1]
_NO_DEV = [1]  # a release without .devN sorts after its dev releases


def parse_version(version: str) -> Version | None:
    """The PEP 440 version, or None for a legacy version string."""
    try:
        return Version(version)
    except InvalidVersion:
        return None


def version_key(version: str) -> VersionKey:
    """Return a JSON array that collates like PEP 440 ordering.

    >>> version_key("1.0.dev1") < version_key("1.0a1")  # doctest: +SKIP
    """
    parsed = parse_version(version)
    if parsed is None:
        return [-1, version]
    release = list(parsed.release)
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    return [
        parsed.epoch,
        release,
        _pre_part(parsed),
        _NO_POST if parsed.post is None else [parsed.post],
        _NO_DEV if parsed.dev is None else [0, parsed.dev],
        _local_part(parsed),
    ]


def _pre_part(parsed: Version) -> list[int]:
    if parsed.pre is not None:
        phase, number = parsed.pre
        return [_PRE_PHASES[phase], number]
    if parsed.post is None and parsed.dev is not None:
        return [-1]  # 1.0.dev0 sorts before 1.0a0
    return _FINAL


def _local_part(parsed: Version) -> list[list[KeyPart]]:
    # PEP 440: numeric local segments sort after alphanumeric ones; CouchDB puts
    # numbers before strings, so each segment is tagged to restore that order.
    if parsed.local is None:
        return []
    parts: list[list[KeyPart]] = []
    for segment in parsed.local.split("."):
        parts.append([1, int(segment)] if segment.isdigit() else [0, segment.lower()])
    return parts


def sort_versions(versions: list[str]) -> list[str]:
    """Sort version strings in the order the views use: legacy versions first, by string,
    then PEP 440 versions in PEP 440 order (the order ``version_key`` collates in), equal
    versions ("1.0", "1.0.0") by string."""
    def order(version: str) -> tuple:
        parsed = parse_version(version)
        return (0, version, version) if parsed is None else (1, parsed, version)
    return sorted(versions, key=order)
