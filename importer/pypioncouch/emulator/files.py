"""Stored distribution files: the bytes the emulator serves and the payload objects PyPI shows.

File bytes are produced on demand so a data set of 100,000 releases costs no memory for them;
digests are computed from those same bytes the first time a payload needs them, so the sha256
in every payload always matches what `GET /packages/...` serves.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

ContentSource = Callable[[], bytes]

_WHEEL_PYVER = re.compile(r"-(?P<pyver>[^-]+)-[^-]+-[^-]+\.whl$")


def placeholder_bytes(filename: str, size: int) -> bytes:
    """Deterministic filler of exactly `size` bytes, derived from the filename alone.

    Same filename and size give the same bytes in every process, so digests computed by one
    test run match files served by another.
    """
    seed = hashlib.sha256(filename.encode("utf-8", "surrogatepass")).digest()
    blocks = -(-size // 64)
    out = b"".join(hashlib.sha512(seed + i.to_bytes(4, "big")).digest() for i in range(blocks))
    return out[:size]


def python_version_for(filename: str) -> str:
    """The `python_version` PyPI records for a file name: `source` for sdists, else the wheel tag."""
    match = _WHEEL_PYVER.search(filename)
    if match:
        return match.group("pyver")
    if filename.endswith((".egg",)):
        return "2.7"
    return "source"


def packagetype_for(filename: str) -> str:
    if filename.endswith(".whl"):
        return "bdist_wheel"
    if filename.endswith(".egg"):
        return "bdist_egg"
    if filename.endswith(".exe"):
        return "bdist_wininst"
    return "sdist"


def storage_path(filename: str) -> str:
    """A `/packages/aa/bb/<60 hex>/<filename>` path shaped like files.pythonhosted.org's.

    PyPI derives the directories from the content's blake2b; we derive them from the filename
    so the path is known before any bytes exist.
    """
    digest = hashlib.blake2b(filename.encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()
    return f"/packages/{digest[:2]}/{digest[2:4]}/{digest[4:]}/{filename}"


def iso_times(timestamp: float) -> tuple[str, str]:
    """`upload_time` (seconds) and `upload_time_iso_8601` (microseconds, Z) as PyPI writes them."""
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S"), moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(eq=False)
class StoredFile:
    """One distribution file of a release, with lazily produced bytes and digests.

    `upstream` holds the verbatim JSON API object of a captured file (its digests are the
    real PyPI ones and do NOT match the placeholder bytes served); it is None for files the
    emulator made itself, whose payload is built from the served bytes.  `canonical_url` is a
    captured file's absolute URL (its JSON API URL may be relative), `alias_path` the path its
    relative URL resolves to, served as well.
    """

    filename: str
    upload_time: float
    content: ContentSource
    requires_python: str | None = None
    metadata: ContentSource | None = None
    comment_text: str | None = None
    stored_path: str = ""
    upstream: dict[str, Any] | None = None
    canonical_url: str | None = None
    alias_path: str = ""
    placeholder: bool = False
    # PEP 740: the file has attestations (a provenance object). None: decided by the filename,
    # so half of the generated files have one, deterministically.
    attestations: bool | None = None
    _digests: dict[str, str] | None = field(default=None, repr=False)
    _metadata_sha256: str | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        """Where the file is served; computed on first use (generation makes 100,000s of files)."""
        if not self.stored_path:
            self.stored_path = storage_path(self.filename)
        return self.stored_path

    @property
    def digests(self) -> dict[str, str]:
        """md5, sha256 and blake2b_256 of the served bytes (or of the captured file)."""
        if self.upstream is not None:
            return dict(self.upstream["digests"])
        if self._digests is None:
            data = self.content()
            self._digests = {
                "blake2b_256": hashlib.blake2b(data, digest_size=32).hexdigest(),
                "md5": hashlib.md5(data).hexdigest(),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        return self._digests

    @property
    def size(self) -> int:
        if self.upstream is not None:
            return int(self.upstream["size"])
        return len(self.content())

    @property
    def metadata_sha256(self) -> str | None:
        """sha256 of the core metadata file, or None when PyPI would say `core-metadata: false`."""
        if self.upstream is not None:
            core = self.upstream.get("core-metadata")
            return core["sha256"] if isinstance(core, dict) else None
        if self.metadata is None:
            return None
        if self._metadata_sha256 is None:
            self._metadata_sha256 = hashlib.sha256(self.metadata()).hexdigest()
        return self._metadata_sha256

    @property
    def attested(self) -> bool:
        if self.attestations is not None:
            return self.attestations
        if self.upstream is not None:
            return False  # what pypi.org holds for a captured file is unknown
        return hashlib.sha256(self.filename.encode("utf-8", "surrogatepass")).digest()[0] % 2 == 0

    def served_at(self, path: str) -> bool:
        return path == self.path or (bool(self.alias_path) and path == self.alias_path)

    def json_api_object(self, url: str, yanked: bool, yanked_reason: str | None) -> dict[str, Any]:
        """The file object of PyPI's JSON API, keys in PyPI's order."""
        if self.upstream is not None:
            return {**self.upstream, "url": url, "yanked": yanked, "yanked_reason": yanked_reason}
        digests = self.digests
        upload_time, upload_time_iso = iso_times(self.upload_time)
        core = self.metadata_sha256
        return {
            "comment_text": self.comment_text,
            "digests": dict(digests),
            "filename": self.filename,
            "md5_digest": digests["md5"],
            "packagetype": packagetype_for(self.filename),
            "python_version": python_version_for(self.filename),
            "requires_python": self.requires_python,
            "size": self.size,
            "upload_time": upload_time,
            "upload_time_iso_8601": upload_time_iso,
            "url": url,
            "yanked": yanked,
            "yanked_reason": yanked_reason,
            "has_sig": False,
            "downloads": -1,
            "core-metadata": {"sha256": core} if core else False,
        }
