"""The bundled data set: real pypi.org payloads captured by `capture.py`, served verbatim.

What is real: every JSON API payload of the project URL (`/pypi/<name>/json`), kept as PyPI
sent it, including digests, sizes and file URLs.  What is NOT real, and marked so:
- file bytes: deterministic placeholders (`StoredFile.upstream` set, header
  `X-Emulator-Placeholder: sha256-mismatch`): their sha256 does not match the payload's;
  use `installable_project` when a test needs pip to accept a file;
- `info` of versions other than the latest (`Release.synthesized_info`): pypi.org was not
  asked for per-version JSON, so it is the latest `info` with the version's own `version`,
  `release_url`, `yanked`, `yanked_reason` and `requires_python`;
- the journal: XML-RPC is unreachable from here, so rows are rebuilt from upload times; each
  project's newest row carries its real `last_serial`, older rows get small serials.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from .capture import CAPTURED_DIR, CAPTURED_PROJECTS
from .dataset import Dataset, JournalRow, Project, Release
from .files import StoredFile, placeholder_bytes, python_version_for
from .wheels import core_metadata

Event = tuple[float, str, "str | None", str]


def load_capture(name: str, directory: Path = CAPTURED_DIR) -> dict[str, Any]:
    """One capture file: `{"source", "captured_at", "json_api", "simple"}`."""
    with gzip.open(directory / f"{name}.json.gz", "rt", encoding="utf-8") as stream:
        return json.load(stream)


def captured_payload(name: str) -> dict[str, Any]:
    """The verbatim `/pypi/<name>/json` payload, for tests comparing against the real thing."""
    return load_capture(name)["json_api"]


def bundled_dataset(names: tuple[str, ...] = CAPTURED_PROJECTS) -> Dataset:
    """The captured projects as a data set (the fallback of `make run` without the real index)."""
    projects, events = [], []
    for name in names:
        capture = load_capture(name)
        absolute = {f["filename"]: f["url"] for f in capture["simple"]["files"]}
        project, project_events = project_from_payload(capture["json_api"], absolute)
        project.captured_page = capture["simple"]
        projects.append(project)
        events.append(project_events)
    dataset = Dataset()
    dataset.load(projects, _journal(projects, events))
    return dataset


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def project_from_payload(payload: dict[str, Any], absolute_urls: dict[str, str] | None = None
                         ) -> tuple[Project, list[Event]]:
    """A `Project` rendering back to `payload` exactly, plus its journal events in time order.

    Some captured payloads carry relative file URLs (`../../packages/...`); `absolute_urls`
    (filename -> URL, from the captured simple page) gives the simple API absolute ones.
    """
    latest = payload["info"]
    project = Project(name=latest["name"], last_serial=payload["last_serial"], ownership=payload["ownership"],
                      vulnerabilities=payload["vulnerabilities"], pinned_latest=latest["version"])
    events: list[Event] = []
    for version, objects in payload["releases"].items():
        files = [_stored(obj, latest if version == latest["version"] else None, absolute_urls or {})
                 for obj in objects]
        release = Release(version, _info_for(latest, version, objects), files,
                          min((f.upload_time for f in files), default=0.0), version != latest["version"])
        project.releases[version] = release
        events += _release_events(project.name, release)
    events.sort(key=lambda event: event[0])
    created = events[0][0] - 1 if events else 0.0
    return project, [(created, project.name, None, "create")] + events


def _info_for(latest: dict[str, Any], version: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
    if version == latest["version"]:
        return latest
    first = objects[0] if objects else {}
    return {**latest, "version": version,
            "release_url": f"https://pypi.org/project/{latest['name']}/{version}/",
            "requires_python": first.get("requires_python"), "yanked": first.get("yanked", False),
            "yanked_reason": first.get("yanked_reason")}


def _stored(obj: dict[str, Any], info: dict[str, Any] | None, absolute_urls: dict[str, str]) -> StoredFile:
    """A captured file: verbatim object, placeholder bytes, and (latest only) real-looking METADATA."""
    filename = obj["filename"]
    relative = not urlsplit(obj["url"]).scheme
    canonical = absolute_urls.get(filename) or (None if relative else obj["url"])
    alias = unquote(urlsplit(urljoin("/pypi/<project>/json", obj["url"])).path) if relative else ""
    has_metadata = isinstance(obj.get("core-metadata"), dict)
    metadata = partial(core_metadata, info) if has_metadata and info else (
        partial(placeholder_bytes, filename + ".metadata", 256) if has_metadata else None)
    return StoredFile(filename=filename, upload_time=_timestamp(obj["upload_time_iso_8601"]),
                      content=partial(placeholder_bytes, filename, 512), requires_python=obj.get("requires_python"),
                      metadata=metadata, stored_path=unquote(urlsplit(canonical or obj["url"]).path),
                      upstream=obj, canonical_url=canonical, alias_path=alias, placeholder=True)


def _release_events(name: str, release: Release) -> list[Event]:
    events: list[Event] = [(release.upload_time, name, release.version, "new release")]
    for stored in release.files:
        action = f"add {python_version_for(stored.filename)} file {stored.filename}"
        events.append((stored.upload_time, name, release.version, action))
    if release.yanked:
        events.append((max(f.upload_time for f in release.files) + 1 if release.files else 0.0,
                       name, release.version, "yank release"))
    return events


def _journal(projects: list[Project], per_project: list[list[Event]]) -> list[JournalRow]:
    """Older rows numbered 1.. in time order; each project's newest row at its real serial."""
    older = sorted(((event, i) for i, events in enumerate(per_project) for event in events[:-1]),
                   key=lambda item: item[0][0])
    rows = [JournalRow(e[1], e[2], int(e[0]), e[3], serial) for serial, (e, _) in enumerate(older, start=1)]
    newest = [JournalRow(e[-1][1], e[-1][2], int(e[-1][0]), e[-1][3], p.last_serial)
              for p, e in zip(projects, per_project)]
    if rows and newest and min(r.serial for r in newest) <= rows[-1].serial:
        raise ValueError("captured serials too small for the synthesized journal")
    return rows + sorted(newest, key=lambda row: row.serial)
