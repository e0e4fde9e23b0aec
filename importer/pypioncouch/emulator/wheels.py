"""Real, installable distributions for the projects tests install with pip or uv.

Wheels are zips with `<pkg>/__init__.py`, `METADATA`, `WHEEL` and a `RECORD` whose hashes are
right; sdists are `.tar.gz` with `PKG-INFO`.  Both are byte-for-byte deterministic (fixed
timestamps), so the sha256 in a payload is stable across runs.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import re
import tarfile
import zipfile
from collections.abc import Collection, Iterable, Mapping
from functools import partial
from typing import Any

from .dataset import Dataset, default_info
from .files import StoredFile

ZIP_EPOCH = (2020, 1, 1, 0, 0, 0)
TAR_EPOCH = 1577836800  # 2020-01-01


def dist_name(name: str) -> str:
    """The distribution part of a wheel or sdist filename (normalized, underscores)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def core_metadata(info: Mapping[str, Any]) -> bytes:
    """The METADATA / PKG-INFO text for a release `info` (Metadata-Version 2.1)."""
    lines = ["Metadata-Version: 2.1", f"Name: {info['name']}", f"Version: {info['version']}"]
    optional = (("Summary", "summary"), ("Author", "author"), ("Author-email", "author_email"),
                ("License", "license"), ("Keywords", "keywords"), ("Requires-Python", "requires_python"),
                ("Home-page", "home_page"))
    lines += [f"{field}: {info[key]}" for field, key in optional if info.get(key)]
    lines += [f"Classifier: {c}" for c in info.get("classifiers") or ()]
    lines += [f"Requires-Dist: {r}" for r in info.get("requires_dist") or ()]
    if info.get("description_content_type"):
        lines.append(f"Description-Content-Type: {info['description_content_type']}")
    text = "\n".join(line.replace("\n", " ") for line in lines) + "\n\n" + (info.get("description") or "")
    return text.encode("utf-8", "surrogateescape")


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel(info: Mapping[str, Any]) -> bytes:
    """A pure-Python `py3-none-any` wheel whose package prints nothing and imports cleanly."""
    dist, version = dist_name(info["name"]), info["version"]
    dist_info = f"{dist}-{version}.dist-info"
    members = {
        f"{dist}/__init__.py": f'"""Emulator package {info["name"]}."""\n__version__ = "{version}"\n'.encode(),
        f"{dist_info}/METADATA": core_metadata(info),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: pypioncouch-emulator\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n",
    }
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in members.items())
    members[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in members.items():
            entry = zipfile.ZipInfo(path, ZIP_EPOCH)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def build_sdist(info: Mapping[str, Any]) -> bytes:
    """A `.tar.gz` with PKG-INFO, a pyproject.toml and the package (gzip mtime 0)."""
    dist, version = dist_name(info["name"]), info["version"]
    root = f"{dist}-{version}"
    pyproject = (f'[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
                 f'[project]\nname = "{info["name"]}"\nversion = "{version}"\n')
    members = {f"{root}/PKG-INFO": core_metadata(info), f"{root}/pyproject.toml": pyproject.encode(),
               f"{root}/{dist}/__init__.py": f'__version__ = "{version}"\n'.encode()}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path, data in members.items():
            entry = tarfile.TarInfo(path)
            entry.size, entry.mtime, entry.mode = len(data), TAR_EPOCH, 0o644
            archive.addfile(entry, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def _per_version(value: Any, version: str) -> Any:
    return value.get(version) if isinstance(value, Mapping) else value


def installable_project(name: str, versions: Iterable[str] = ("1.0.0",), *,
                        requires_python: str | Mapping[str, str] | None = None,
                        yanked: Mapping[str, str] | Collection[str] = (), wheel: bool = True,
                        sdist: bool = True, dependencies: Iterable[str] | Mapping[str, list[str]] = (),
                        dataset: Dataset | None = None) -> Dataset:
    """Add a project whose files pip and uv can really install; returns the data set.

    `requires_python` and `dependencies` are either one value for every version or a mapping
    version -> value; `yanked` is a set of versions or a mapping version -> reason.  Journal
    rows are written through the normal mutation methods, so this also simulates uploads.
    """
    dataset = dataset if dataset is not None else Dataset()
    for version in versions:
        deps = dependencies.get(version, []) if isinstance(dependencies, Mapping) else list(dependencies)
        fields = dict(requires_python=_per_version(requires_python, version), requires_dist=list(deps) or None,
                      summary=f"Installable emulator project {name}")
        dataset.add_release(name, version, **fields)
        for stored in _files(default_info(name, version, **fields), wheel, sdist, dataset.clock()):
            dataset.add_file(name, version, stored)
        if version in yanked:
            dataset.yank(name, version, yanked[version] if isinstance(yanked, Mapping) else "")
    return dataset


def _files(info: dict[str, Any], wheel: bool, sdist: bool, now: float) -> list[StoredFile]:
    dist, version = dist_name(info["name"]), info["version"]
    files = []
    if wheel:
        data = build_wheel(info)
        files.append(StoredFile(f"{dist}-{version}-py3-none-any.whl", now, partial(bytes, data),
                                info["requires_python"], metadata=partial(core_metadata, info)))
    if sdist:
        data = build_sdist(info)
        files.append(StoredFile(f"{dist}-{version}.tar.gz", now, partial(bytes, data), info["requires_python"]))
    return files
