"""Project names as PyPI and the Simple API treat them.

Document ids, view keys and URLs all use the normalized name (PEP 503), so one
project is one document however its users spell it; the display name PyPI
reports is kept beside it.
"""

from __future__ import annotations

import re

from packaging.utils import NormalizedName, canonicalize_name

__all__ = ["NormalizedName", "normalize", "is_valid_project_name", "InvalidProjectName"]

# PEP 508's name grammar: what PyPI accepts for a new project today.
_VALID_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


class InvalidProjectName(ValueError):
    """A name that cannot become a document id (empty, or unusable in a URL path)."""


def normalize(name: str) -> NormalizedName:
    """Return the PEP 503 normalized form of ``name``.

    Raises InvalidProjectName for names that would make an unusable document id:
    ones with no letter or digit, and ones holding ``/`` (the separator of release
    ids) or ``:`` (the separator of the importer's own ids). Normalization already
    turns a leading ``_`` (reserved by CouchDB) into ``-``.
    """
    normalized = canonicalize_name(name)
    if not any(ch.isalnum() for ch in normalized) or "/" in normalized or ":" in normalized:
        raise InvalidProjectName(f"unusable project name: {name!r}")
    return normalized


def is_valid_project_name(name: str) -> bool:
    """True for names PyPI would accept for a new project (PEP 508)."""
    return bool(_VALID_NAME.match(name))
