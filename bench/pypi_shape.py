"""PyPI-shaped data sets for the scale benchmark (bench/bench_scale.py).

The emulator's ``generate_dataset`` gives every project the same number of releases and
files; PyPI is nothing like that. Here most projects have a handful of releases with one or
two files each, a few have hundreds of releases with dozens of wheels each, and a long tail
has thousands (nightly builds).

Where the shape comes from:
- totals and ratios: PyPI in 2026 (../shared/notes/pypi-apis.md): 736,000 projects, 8.2 million
  releases (11.1 a project), ~19 million files (2.3 a release), one project with 9,475 versions;
- the skew: releases per project, and sizes per release, are "highly right-skewed"
  (Bommarito & Bommarito, *An Empirical Analysis of the Python Package Index*, 2019,
  arXiv:1907.11073, with 6.93 releases a package then); a log-normal body with a
  log-uniform tail of 1,000 to 9,475 releases is our model of it, its parameters fitted to
  the totals above, not to a histogram (none is at hand offline);
- files per release: the bundled pypi.org captures (emulator/data/captured) show two kinds of
  project: pure Python ones with 1-3 files a release (requests 1.5, packaging 2.0, certifi
  1.8) and ones with compiled wheels whose newer releases carry dozens (markupsafe median 11.5
  and up to 151, nh3 16, orjson 32 and up to 87, charset-normalizer up to 172). Here 3 % of
  projects have wheels, twice the releases of the others, and up to 200 files a release,
  growing from a fifth of their latest count in their first release; the mix is fitted so
  the whole set has 2.3 files a release;
- descriptions: the latest release's description is log-normal around 1,500 characters
  (the captures: 736 to 53,374, median 2,695), 8 % empty, capped at 1,200,000 so the
  importer's 1,000,000-character cut is exercised.

Everything is drawn from one seed: same arguments, same data set.
``python -m bench.pypi_shape --projects 100000 --releases 1000000`` serves one from the
emulator (``ShapedDataset``: each project built when first asked for) and prints its URL.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import math
import random
import statistics
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache, partial
from itertools import accumulate
from typing import Any

from pypioncouch.emulator import EmulatorServer
from pypioncouch.emulator import vocabulary as vocab
from pypioncouch.emulator.dataset import Dataset, JournalRow, NormalizedName, Project, Release, default_info, normalize
from pypioncouch.emulator.files import StoredFile, placeholder_bytes, python_version_for
from pypioncouch.emulator.wheels import core_metadata, dist_name

START = datetime(2008, 1, 1, tzinfo=timezone.utc).timestamp()
SPAN = 18 * 365 * 86400.0

RELEASES_SIGMA = 1.35        # log-normal body of releases per project
TAIL_SHARE = 0.0002          # projects with 1,000 to 9,475 releases (nightly builds)
TAIL_RANGE = (1_000, 9_475)
BINARY_SHARE = 0.03          # projects with compiled wheels
BINARY_RELEASE_FACTOR = 2.0
MAX_FILES_PER_RELEASE = 200
FILES_PER_RELEASE = 19_000_000 / 8_200_000
DESCRIPTION_MEDIAN = 1_500
DESCRIPTION_SIGMA = 1.2
EMPTY_DESCRIPTION = 0.08
MAX_DESCRIPTION = 1_200_000


@dataclass
class ProjectShape:
    name: str
    files: list[int]          # files of each release, oldest first
    description_chars: int
    binary: bool

    @property
    def releases(self) -> int:
        return len(self.files)


def _release_counts(rng: random.Random, projects: int, releases: int) -> tuple[list[int], list[bool]]:
    """Releases per project summing to ``releases`` exactly, and which projects have wheels."""
    binary = [rng.random() < BINARY_SHARE for _ in range(projects)]
    tail = [rng.random() < TAIL_SHARE for _ in range(projects)]
    z = [rng.gauss(0.0, 1.0) for _ in range(projects)]
    tail_counts = [int(math.exp(rng.uniform(*map(math.log, TAIL_RANGE)))) if t else 0 for t in tail]
    factor = [BINARY_RELEASE_FACTOR if b else 1.0 for b in binary]

    def counts(mu: float) -> list[int]:
        return [tail_counts[i] or max(1, round(factor[i] * math.exp(mu + RELEASES_SIGMA * z[i])))
                for i in range(projects)]

    low, high = -5.0, 10.0  # the body's median (log) that makes the total right
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if sum(counts(mid)) < releases else (low, mid)
    result = counts(low)
    # Rounding leaves a few releases over or short: taken from or given to body projects.
    body = [i for i in range(projects) if not tail[i]]
    while sum(result) != releases:
        i = rng.choice(body)
        step = 1 if sum(result) < releases else -1
        if result[i] + step >= 1:
            result[i] += step
    return result, binary


def _files(rng: random.Random, releases: int, binary: bool, scale: float) -> list[int]:
    if not binary:
        # Old projects' early releases are sdist-only; later ones add a wheel.
        roll = rng.random()
        kind = (1, 1) if roll < 0.3 else (1, 2) if roll < 0.6 else (2, 2) if roll < 0.95 else (2, 3)
        switch = rng.randint(0, releases)
        return [kind[0] if i < switch else kind[1] for i in range(releases)]
    latest = min(MAX_FILES_PER_RELEASE, max(3, round(scale * math.exp(rng.gauss(0.0, 0.8)))))
    return [max(2, round(latest * (0.2 + 0.8 * i / max(releases - 1, 1)))) for i in range(releases)]


def project_shapes(projects: int, releases: int, seed: int = 0) -> list[ProjectShape]:
    """The shapes of a data set: names, files per release, description sizes."""
    rng = random.Random(seed)
    counts, binary = _release_counts(rng, projects, releases)
    file_rng_state = rng.getstate()
    target = FILES_PER_RELEASE * releases

    def files_for(scale: float) -> list[list[int]]:
        local = random.Random()
        local.setstate(file_rng_state)
        return [_files(local, counts[i], binary[i], scale) for i in range(projects)]

    low, high = 1.0, 200.0  # the wheel count that makes 2.3 files a release overall
    for _ in range(30):
        mid = (low + high) / 2
        total = sum(sum(f) for f in files_for(mid))
        low, high = (mid, high) if total < target else (low, mid)
        if not any(binary):
            break
    files = files_for(low)
    shapes = []
    for i in range(projects):
        words = rng.sample(vocab.WORDS, 2)
        name = f"{rng.choice(vocab.PREFIXES)}{words[0]}{rng.choice(vocab.SEPARATORS)}{words[1]}-{i:x}"
        description = 0 if rng.random() < EMPTY_DESCRIPTION else min(
            MAX_DESCRIPTION, int(DESCRIPTION_MEDIAN * math.exp(rng.gauss(0.0, DESCRIPTION_SIGMA))))
        shapes.append(ProjectShape(name, files[i], description, binary[i]))
    return shapes


def _versions(count: int) -> list[str]:
    """Increasing versions: patch releases, a minor every 8, a major every 64."""
    return [f"{i // 64}.{i // 8 % 8}.{i % 8}" for i in range(count)]


def _filenames(dist: str, version: str, count: int) -> list[str]:
    names = [f"{dist}-{version}.tar.gz"]
    tags = ("py3-none-any",) + vocab.WHEEL_TAGS
    for index in range(1, count):
        tag = tags[(index - 1) % len(tags)]
        build = f"-{(index - 1) // len(tags)}" if index > len(tags) else ""
        names.append(f"{dist}-{version}{build}-{tag}.whl")
    return names


def _description(rng: random.Random, name: str, chars: int) -> str:
    if not chars:
        return ""
    head = vocab.MARKDOWN.format(name=name, summary="does what it says", underline="")
    paragraph = f"{name} " + " ".join(rng.choice(vocab.WORDS) for _ in range(40)) + ".\n\n"
    return (head + paragraph * (chars // len(paragraph) + 1))[:chars]


def build_project(shape: ProjectShape, seed: int, index: int, events: list[tuple[float, str, str | None, str]]) -> Project:
    rng = random.Random(seed * 1_000_003 + index)
    name, dist = shape.name, dist_name(shape.name)
    author = rng.choice(vocab.AUTHORS)
    common = dict(author=author, author_email=f"{author.split()[0].lower()}@example.org",
                  classifiers=sorted(rng.sample(vocab.CLASSIFIERS, rng.randint(0, 10))),
                  keywords=", ".join(rng.sample(vocab.WORDS, rng.randint(0, 4))) or None,
                  requires_python=rng.choice(vocab.REQUIRES_PYTHON),
                  summary=f"{name}: {rng.choice(vocab.WORDS)} for {rng.choice(vocab.WORDS)}",
                  license_expression=rng.choice(vocab.LICENSES)[1])
    project = Project(name=name, ownership={"organization": None, "roles": [{"role": "Owner", "user": "owner"}]})
    versions = _versions(shape.releases)
    moment = START + rng.random() * SPAN * 0.6
    gap = (START + SPAN - moment) / (shape.releases + 1)
    events.append((moment, name, None, "create"))
    for number, (version, files) in enumerate(zip(versions, shape.files)):
        moment += gap * rng.uniform(0.2, 1.8)
        latest = number == shape.releases - 1
        # Only the latest release's info is ever served whole (/pypi/<name>/json): the older
        # ones keep the fields their files need, and share nothing mutable.
        info = default_info(name, version, **common,
                            description=_description(rng, name, shape.description_chars) if latest else "",
                            description_content_type="text/markdown")
        release = Release(version=version, info=info, upload_time=moment)
        for offset, filename in enumerate(_filenames(dist, version, files), start=1):
            release.files.append(StoredFile(
                filename=filename, upload_time=moment + offset,
                content=partial(placeholder_bytes, filename, 300 + int(rng.random() * 3700)),
                requires_python=common["requires_python"],
                metadata=partial(core_metadata, info) if filename.endswith(".whl") else None, placeholder=True))
            events.append((moment + offset, name, version, f"add {python_version_for(filename)} file {filename}"))
        project.releases[version] = release
        events.append((moment, name, version, "new release"))
    return project


def _project_events(shape: ProjectShape, seed: int, index: int) -> tuple[Project, list[tuple[float, str, str | None, str]]]:
    events: list[tuple[float, str, str | None, str]] = []
    project = build_project(shape, seed, index, events)
    events.sort(key=lambda event: event[0])
    return project, events


def _event_count(shape: ProjectShape) -> int:
    """A project's journal rows: its creation, one a release, one a file."""
    return 1 + shape.releases + sum(shape.files)


class ShapedDataset(Dataset):
    """The emulator's data set for ``shapes``, each project built from its shape when asked for.

    Built whole, 100,000 projects are a million release dicts and 2.3 million files: gigabytes,
    and most of an hour before the first request. Here a project is built on request, the same
    every time (its own seeded generator), and the last few are kept, so its Simple page and
    its JSON API, asked one after the other, build it once. The journal runs project by project:
    project i holds serials ``ends[i-1] + 1 .. ends[i]``, its own rows in time order. Read-only:
    the mutations of ``Dataset`` find no ``projects`` to change.
    """

    def __init__(self, shapes: list[ProjectShape], seed: int = 0, keep: int = 64) -> None:
        super().__init__()
        self.shapes, self.seed = shapes, seed
        self.ends = list(accumulate(_event_count(shape) for shape in shapes))
        self._by_key = {normalize(shape.name): index for index, shape in enumerate(shapes)}
        self._by_dist = {dist_name(shape.name): index for index, shape in enumerate(shapes)}
        self._built = lru_cache(maxsize=keep)(self._build)
        self.projects = _LazyProjects(self)  # type: ignore[assignment]

    def _build(self, index: int) -> tuple[Project, list[JournalRow]]:
        project, events = _project_events(self.shapes[index], self.seed, index)
        first = self.ends[index - 1] + 1 if index else 1
        rows = [JournalRow(name, version, int(timestamp), action, serial)
                for serial, (timestamp, name, version, action) in enumerate(events, start=first)]
        project.last_serial = rows[-1].serial
        return project, rows

    def project_at(self, index: int) -> Project:
        with self.lock:
            return self._built(index)[0]

    def index_of(self, name: str) -> int | None:
        return self._by_key.get(normalize(name))

    @property
    def last_serial(self) -> int:
        return self.ends[-1] if self.ends else 0

    def packages_with_serial(self) -> dict[str, int]:
        return {shape.name: end for shape, end in zip(self.shapes, self.ends)}

    def changelog_since(self, serial: int, limit: int) -> list[JournalRow]:
        rows: list[JournalRow] = []
        index = bisect.bisect_right(self.ends, serial)
        while index < len(self.shapes) and len(rows) < limit:
            with self.lock:
                rows.extend(row for row in self._built(index)[1] if row.serial > serial)
            index += 1
        return rows[:limit]

    def file_by_name(self, filename: str) -> StoredFile | None:
        index = self._by_dist.get(filename.split("-", 1)[0])
        if index is None:
            return None
        project = self.project_at(index)
        return next((stored for release in project.releases.values() for stored in release.files
                     if stored.filename == filename), None)

    def file_at(self, path: str) -> StoredFile | None:
        stored = self.file_by_name(path.rsplit("/", 1)[-1])
        return stored if stored is not None and stored.served_at(path) else None


class _LazyProjects(Mapping[NormalizedName, Project]):
    """``Dataset.projects`` for a ``ShapedDataset``: every key known, each project built when read."""

    def __init__(self, dataset: ShapedDataset) -> None:
        self.dataset = dataset

    def __getitem__(self, key: NormalizedName) -> Project:
        index = self.dataset.index_of(key)
        if index is None:
            raise KeyError(key)
        return self.dataset.project_at(index)

    def __iter__(self) -> Iterator[NormalizedName]:
        return iter(self.dataset._by_key)

    def __len__(self) -> int:
        return len(self.dataset.shapes)


def shaped_dataset(shapes: list[ProjectShape], seed: int = 0) -> Dataset:
    """The emulator's data set for ``shapes``, every project built now, with a journal in time order.

    The whole data set in memory: for the tests and small sets. ``ShapedDataset`` serves the same
    projects, built on request, for the scale benchmark.
    """
    events: list[tuple[float, str, str | None, str]] = []
    collecting = gc.isenabled()
    gc.disable()  # millions of small acyclic objects: the cyclic collector only rescans them
    try:
        built = {shape.name: build_project(shape, seed, index, events) for index, shape in enumerate(shapes)}
        events.sort(key=lambda event: event[0])
        rows = []
        for serial, (timestamp, name, version, action) in enumerate(events, start=1):
            rows.append(JournalRow(name, version, int(timestamp), action, serial))
            built[name].last_serial = serial
        dataset = Dataset()
        dataset.load(built.values(), rows)
        return dataset
    finally:
        if collecting:
            gc.enable()


def summary(shapes: list[ProjectShape]) -> dict[str, Any]:
    """What the docs say about a data set's shape."""
    releases = sorted(s.releases for s in shapes)
    files = [sum(s.files) for s in shapes]
    per_release = sorted(f for s in shapes for f in s.files)
    descriptions = sorted(s.description_chars for s in shapes)

    def pct(values: list[int], q: float) -> int:
        return values[min(len(values) - 1, int(q * len(values)))]

    return {
        "projects": len(shapes), "releases": sum(releases), "files": sum(files),
        "releases_median": statistics.median(releases), "releases_p90": pct(releases, 0.9),
        "releases_p99": pct(releases, 0.99), "releases_max": releases[-1],
        "one_release": sum(1 for r in releases if r == 1) / len(releases),
        "files_per_release_p50": pct(per_release, 0.5), "files_per_release_p99": pct(per_release, 0.99),
        "files_per_release_max": per_release[-1], "files_max": max(files),
        "binary": sum(1 for s in shapes if s.binary),
        "description_median": pct(descriptions, 0.5), "description_p99": pct(descriptions, 0.99),
        "description_max": descriptions[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pypi_shape", description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--summary", action="store_true", help="print the shape's figures and exit")
    args = parser.parse_args(argv)
    shapes = project_shapes(args.projects, args.releases, args.seed)
    if args.summary:
        for key, value in summary(shapes).items():
            print(f"{key}: {value}")
        return 0
    # Each project is built when the importer first asks for it, in this process: its CPU is the
    # emulator's, which bench_scale reports beside the importer's and the server's.
    emulator = EmulatorServer(ShapedDataset(shapes, args.seed))
    emulator.start()
    print(emulator.url, flush=True)
    try:  # serve until the parent closes our stdin (or dies)
        sys.stdin.read()
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
