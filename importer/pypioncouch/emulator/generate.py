"""Seeded, deterministic data sets at any scale, with PyPI-shaped (not PyPI's) values.

Cheap by design: file bytes are never built here (they come from the filename when served),
values are drawn per project from a `random.Random` seeded with (seed, project index), and the
journal is written in one sorted pass.  10,000 projects / 100,000 releases take seconds.
"""

from __future__ import annotations

import gc
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any

from . import vocabulary as vocab
from .dataset import Dataset, JournalRow, Project, Release, default_info, normalize
from .files import StoredFile, placeholder_bytes, python_version_for
from .wheels import core_metadata, dist_name

START = datetime(2012, 1, 1, tzinfo=timezone.utc).timestamp()
SPAN = 14 * 365 * 86400.0


@dataclass(frozen=True)
class GenerationSpec:
    projects: int = 100
    releases_per_project: int = 5
    files_per_release: int = 2
    seed: int = 0
    yanked_ratio: float = 0.03


def generate_dataset(projects: int = 100, releases_per_project: int = 5, files_per_release: int = 2,
                     seed: int = 0, yanked_ratio: float = 0.03) -> Dataset:
    """A new data set of `projects` projects; same arguments, same data (and bytes)."""
    spec = GenerationSpec(projects, releases_per_project, files_per_release, seed, yanked_ratio)
    # Hundreds of thousands of small objects and no cycles: the cyclic collector would only
    # rescan them again and again (it more than doubles the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(spec)
    finally:
        if collecting:
            gc.enable()


def _generate(spec: GenerationSpec) -> Dataset:
    events: list[tuple[float, str, str | None, str]] = []
    built: dict[str, Project] = {}
    taken: set[str] = set()
    for index in range(spec.projects):
        rng = random.Random(spec.seed * 1_000_003 + index)
        name = _unique_name(rng, index, taken)
        built[name] = _project(rng, name, spec, events)
    events.sort(key=lambda event: event[0])
    dataset = Dataset()
    dataset.load(built.values(), _journal(events, built))
    return dataset


def _journal(events: list[tuple[float, str, str | None, str]], built: dict[str, Project]) -> list[JournalRow]:
    """Serials in time order; each project's last_serial is its newest row's serial."""
    rows = []
    for serial, (timestamp, name, version, action) in enumerate(events, start=1):
        rows.append(JournalRow(name, version, int(timestamp), action, serial))
        built[name].last_serial = serial
    return rows


def _unique_name(rng: random.Random, index: int, taken: set[str]) -> str:
    """Mixed case, dots and underscores; numbered only when the normalized name is taken."""
    word = rng.choice(vocab.WORDS)
    if rng.random() < 0.3:
        word = word.capitalize()
    name = rng.choice(vocab.PREFIXES) + word + rng.choice(vocab.SEPARATORS) + rng.choice(vocab.WORDS)
    if normalize(name) in taken:
        name = f"{name}{rng.choice(vocab.SEPARATORS)}{index}"
    taken.add(normalize(name))
    return name


def _versions(rng: random.Random, count: int) -> list[str]:
    """Increasing PEP 440 versions with some pre-, post- and dev-releases among them."""
    major, minor, patch = 0, rng.randint(0, 3), 0
    versions: list[str] = []
    while len(versions) < count:
        roll = rng.random()
        major, minor, patch = (major + 1, 0, 0) if roll < 0.08 else (major, minor + 1, 0) if roll < 0.3 else (
            major, minor, patch + 1)
        base = f"{major}.{minor}.{patch}" if patch or rng.random() < 0.5 else f"{major}.{minor}"
        roll = rng.random()
        if roll < 0.05:
            versions.append(f"{base}.dev{rng.randint(0, 9)}")
        elif roll < 0.15:
            versions.append(f"{base}{rng.choice(('a', 'b', 'rc'))}{rng.randint(1, 3)}")
        versions.append(base)
        if rng.random() < 0.04:
            versions.append(f"{base}.post1")
    return versions[:count]


def _base_info(rng: random.Random, name: str) -> dict[str, Any]:
    """Fields that stay the same across a project's releases."""
    author = rng.choice(vocab.AUTHORS)
    user = "".join(c for c in author.lower() if c.isalpha())[:8] or "dev"
    summary = rng.choice(("A small library for %s.", "%s made easy", "Tools for %s  ", "", None))
    summary = summary % name if summary else summary
    markdown = rng.random() < 0.6
    template = vocab.MARKDOWN if markdown else vocab.RST
    license_text, expression = rng.choice(vocab.LICENSES)
    keywords = rng.choice(vocab.KEYWORD_SEPARATORS).join(rng.sample(vocab.WORDS, rng.randint(0, 5)))
    return dict(
        author=author if rng.random() < 0.7 else None,
        author_email=f"{author.strip()} <{user}@{rng.choice(vocab.EMAIL_DOMAINS)}>" if rng.random() < 0.8 else None,
        classifiers=sorted(rng.sample(vocab.CLASSIFIERS, rng.randint(0, 12))),
        description=template.format(name=name, underline="=" * len(name), summary=summary or ""),
        description_content_type=rng.choice(("text/markdown", "text/markdown; charset=UTF-8; variant=GFM"))
        if markdown else rng.choice(("text/x-rst", None)),
        keywords=keywords or rng.choice((None, "")),
        license=license_text, license_expression=expression,
        home_page=f"https://example.org/{normalize(name)}" if rng.random() < 0.5 else None,
        project_urls={"Homepage": f"https://example.org/{normalize(name)}",
                      "Source": f"https://git.example.org/{name}"} if rng.random() < 0.7 else None,
        requires_dist=rng.sample(vocab.DEPENDENCIES, rng.randint(0, 4)) or None,
        requires_python=rng.choice(vocab.REQUIRES_PYTHON),
        summary=summary,
    )


def _project(rng: random.Random, name: str, spec: GenerationSpec,
             events: list[tuple[float, str, str | None, str]]) -> Project:
    base = default_info(name, "", **_base_info(rng, name))
    dist = dist_name(name)
    moment = START + rng.random() * SPAN * 0.5
    project = Project(name=name, ownership={"organization": None, "roles": [{"role": "Owner", "user": "owner"}]})
    events.append((moment, name, None, "create"))
    for version in _versions(rng, spec.releases_per_project):
        moment += rng.expovariate(1 / (SPAN * 0.5 / max(spec.releases_per_project, 1)))
        release = _release(rng, name, version, base, moment, spec, dist)
        project.releases[version] = release
        events.append((moment, name, version, "new release"))
        for offset, stored in enumerate(release.files, start=1):
            stored.upload_time = moment + offset
            action = f"add {python_version_for(stored.filename)} file {stored.filename}"
            events.append((moment + offset, name, version, action))
        if release.yanked:
            events.append((moment + len(release.files) + 3600, name, version, "yank release"))
    return project


def _release(rng: random.Random, name: str, version: str, base: dict[str, Any], moment: float,
             spec: GenerationSpec, dist: str) -> Release:
    yanked = rng.random() < spec.yanked_ratio
    info = dict(base, version=version, release_url=f"https://pypi.org/project/{name}/{version}/")
    if yanked:
        info["yanked"], info["yanked_reason"] = True, rng.choice(vocab.YANK_REASONS) or None
    release = Release(version=version, info=info, upload_time=moment)
    release.files = [_file(rng, dist, version, index, info) for index in range(spec.files_per_release)]
    return release


def _file(rng: random.Random, dist: str, version: str, index: int, info: dict[str, Any]) -> StoredFile:
    """sdist first, then a pure wheel, then platform wheels (with build tags past the tag list)."""
    if index == 0:
        filename, metadata = f"{dist}-{version}.tar.gz", None
    else:
        tags = ("py3-none-any",) + vocab.WHEEL_TAGS
        tag = tags[(index - 1) % len(tags)]
        build = f"-{(index - 1) // len(tags)}" if index > len(tags) else ""
        filename, metadata = f"{dist}-{version}{build}-{tag}.whl", partial(core_metadata, info)
    size = 300 + int(rng.random() * 3700)
    return StoredFile(filename=filename, upload_time=0.0, content=partial(placeholder_bytes, filename, size),
                      requires_python=info["requires_python"], metadata=metadata, placeholder=True)
