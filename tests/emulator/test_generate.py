"""Generated data sets: deterministic, realistic, cheap."""

from __future__ import annotations

import hashlib

from packaging.version import Version

from pypioncouch.emulator import captured_payload, generate_dataset, normalize
from pypioncouch.emulator.payloads import UrlPolicy, json_api_project

URLS = UrlPolicy("http://127.0.0.1:1")


def _fingerprint(data) -> str:
    digest = hashlib.sha256()
    for project in data:
        payload = json_api_project(project, URLS)
        digest.update(repr(payload).encode("utf-8", "surrogatepass"))
        for release in project.releases.values():
            for stored in release.files:
                digest.update(stored.content())
    digest.update(repr(data.journal).encode())
    return digest.hexdigest()


def test_same_seed_same_bytes_other_seed_other_data() -> None:
    first = generate_dataset(projects=30, releases_per_project=4, files_per_release=3, seed=11)
    again = generate_dataset(projects=30, releases_per_project=4, files_per_release=3, seed=11)
    other = generate_dataset(projects=30, releases_per_project=4, files_per_release=3, seed=12)
    assert _fingerprint(first) == _fingerprint(again)
    assert _fingerprint(first) != _fingerprint(other)


def test_ten_thousand_projects_have_every_release_and_distinct_names() -> None:
    # How long generating takes is a benchmark's business (bench_views reports it), never a test's:
    # a timing assertion here failed CI on a busy machine.
    data = generate_dataset(projects=10_000, releases_per_project=10, files_per_release=2, seed=1)
    assert len(data) == 10_000
    assert sum(len(p.releases) for p in data) == 100_000
    assert len({p.normalized for p in data}) == 10_000


def test_generated_payload_shape_equals_the_real_one() -> None:
    real = captured_payload("requests")
    real_file_keys = set(real["urls"][0])
    for project in generate_dataset(projects=20, seed=2):
        payload = json_api_project(project, URLS)
        assert list(payload) == list(real)
        assert list(payload["info"]) == list(real["info"])
        for files in payload["releases"].values():
            assert all(set(f) == real_file_keys for f in files)
            assert all(list(f["digests"]) == list(real["urls"][0]["digests"]) for f in files)


def test_values_are_varied_like_pypi() -> None:
    projects = list(generate_dataset(projects=300, releases_per_project=6, seed=3))
    names = [p.name for p in projects]
    assert any(n != n.lower() for n in names) and any("." in n for n in names) and any("_" in n for n in names)
    versions = [Version(v) for p in projects for v in p.releases]
    assert any(v.is_prerelease and v.pre for v in versions)
    assert any(v.is_postrelease for v in versions) and any(v.is_devrelease for v in versions)
    infos = [r.info for p in projects for r in p.releases.values()]
    assert any("Framework :: Django :: 5.0" in i["classifiers"] for i in infos)
    keywords = [i["keywords"] for i in infos if i["keywords"]]
    assert any("," in k for k in keywords) and any(";" in k for k in keywords)
    assert any(" " in k and "," not in k and ";" not in k for k in keywords)
    assert {i["description_content_type"] for i in infos} >= {"text/markdown", "text/x-rst"}
    assert any(i["yanked"] and i["yanked_reason"] for i in infos)
    assert any(i["requires_python"] for i in infos) and any(i["requires_python"] is None for i in infos)
    assert any(a and a != a.strip() for a in (i["author"] for i in infos))


def test_journal_is_consistent_with_projects() -> None:
    data = generate_dataset(projects=50, releases_per_project=3, files_per_release=2, seed=4)
    serials = [row.serial for row in data.journal]
    assert serials == list(range(1, len(serials) + 1))
    newest: dict[str, int] = {}
    for row in data.journal:
        newest[normalize(row.name)] = row.serial
    assert newest == {p.normalized: p.last_serial for p in data}
    actions = {row.action.split(" ")[0] for row in data.journal}
    assert actions <= {"create", "new", "add", "yank"}
    created = [row.name for row in data.journal if row.action == "create"]
    assert len(created) == len(set(created)) == 50
