"""Mutations write the journal rows PyPI writes, with fresh serials."""

from __future__ import annotations

import pytest

from pypioncouch.emulator import Dataset, DatasetError, JournalRow, normalize

from .conftest import fixed_clock


def rows_after(data: Dataset, serial: int) -> list[tuple[str, str | None, str]]:
    return [(r.name, r.version, r.action) for r in data.changelog_since(serial, 1000)]


@pytest.fixture
def data() -> Dataset:
    return Dataset(clock=fixed_clock())


def test_normalize_is_pep_503() -> None:
    assert normalize("Foo.Bar__baz-Qux") == "foo-bar-baz-qux"


def test_add_release_creates_project_then_release_then_files(data: Dataset) -> None:
    data.add_release("My.Pkg", "1.0", ["my_pkg-1.0.tar.gz", "my_pkg-1.0-py3-none-any.whl"])
    assert rows_after(data, 0) == [
        ("My.Pkg", None, "create"),
        ("My.Pkg", "1.0", "new release"),
        ("My.Pkg", "1.0", "add source file my_pkg-1.0.tar.gz"),
        ("My.Pkg", "1.0", "add py3 file my_pkg-1.0-py3-none-any.whl"),
    ]
    assert [r.serial for r in data.journal] == [1, 2, 3, 4]
    assert data.get("my-pkg").last_serial == 4 == data.last_serial


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d.add_file("p", "1.0", "p-1.0-py3-none-any.whl"), ("p", "1.0", "add py3 file p-1.0-py3-none-any.whl")),
    (lambda d: d.remove_file("p", "1.0", "p-1.0.tar.gz"), ("p", "1.0", "remove file p-1.0.tar.gz")),
    (lambda d: d.remove_release("p", "1.0"), ("p", "1.0", "remove release")),
    (lambda d: d.remove_project("p"), ("p", None, "remove project")),
    (lambda d: d.yank("p", "1.0", "broken"), ("p", "1.0", "yank release")),
])
def test_each_mutation_appends_one_row_with_the_next_serial(data: Dataset, mutate, expected) -> None:
    data.add_release("p", "1.0", ["p-1.0.tar.gz"])
    before = data.last_serial
    mutate(data)
    assert rows_after(data, before) == [expected]
    assert data.journal[-1].serial == before + 1
    assert data.journal[-1].timestamp == int(data.journal[-1].timestamp)


def test_yank_and_unyank_update_info(data: Dataset) -> None:
    data.add_release("p", "1.0", ["p-1.0.tar.gz"])
    data.yank("p", "1.0", "broken")
    release = data.get("p").releases["1.0"]
    assert (release.info["yanked"], release.info["yanked_reason"]) == (True, "broken")
    data.unyank("p", "1.0")
    assert (release.info["yanked"], release.info["yanked_reason"]) == (False, None)
    assert rows_after(data, 3) == [("p", "1.0", "yank release"), ("p", "1.0", "unyank release")]
    assert data.get("p").last_serial == data.last_serial


def test_removed_project_leaves_listing_but_keeps_journal(data: Dataset) -> None:
    data.add_release("p", "1.0", ["p-1.0.tar.gz"])
    path = data.get("p").releases["1.0"].files[0].path
    assert data.file_at(path) is not None
    data.add_project("q")
    data.remove_project("P")
    assert data.packages_with_serial() == {"q": 4}
    assert data.journal[-1] == JournalRow("p", None, data.journal[-1].timestamp, "remove project", 5)
    assert data.file_at(path) is None


def test_errors_name_what_is_missing(data: Dataset) -> None:
    with pytest.raises(DatasetError):
        data.remove_release("nope", "1.0")
    data.add_project("p")
    with pytest.raises(DatasetError):
        data.add_project("P")
    data.add_release("p", "1.0")
    with pytest.raises(DatasetError):
        data.yank("p", "2.0")
    with pytest.raises(TypeError):
        data.add_release("p", "3.0", python_requires=">=3")  # PyPI says requires_python


def test_latest_prefers_final_non_yanked_highest(data: Dataset) -> None:
    for version in ("1.0", "2.0", "3.0a1", "1.5"):
        data.add_release("p", version)
    assert data.get("p").latest().version == "2.0"
    data.yank("p", "2.0")
    assert data.get("p").latest().version == "1.5"
    for version in ("1.0", "1.5"):
        data.yank("p", version)
    assert data.get("p").latest().version == "3.0a1"


def test_previous_state_is_the_project_before_its_last_mutation(data: Dataset) -> None:
    data.add_release("p", "1.0", ["p-1.0.tar.gz"])
    old_serial = data.get("p").last_serial
    data.add_release("p", "2.0")
    previous = data.previous_state("p")
    assert list(previous.releases) == ["1.0"] and previous.last_serial == old_serial
    assert list(data.get("p").releases) == ["1.0", "2.0"]


def test_changelog_since_pages(data: Dataset) -> None:
    for i in range(7):
        data.add_project(f"p{i}")
    assert [r.serial for r in data.changelog_since(2, 3)] == [3, 4, 5]
    assert [r.serial for r in data.changelog_since(6, 3)] == [7]
    assert data.changelog_since(7, 3) == []
