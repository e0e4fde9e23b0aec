"""ProjectList and NameSet: a whole index's listing held in a few dozen bytes a project, read like a dict."""

from __future__ import annotations

import gc
import random
import tracemalloc

from pypioncouch.projectlist import NameSet, ProjectList


def names(count: int, seed: int = 1) -> dict[str, int | None]:
    rng = random.Random(seed)
    return {f"{rng.choice(('py', 'Django-', 'flask_', ''))}{rng.choice(('Name', 'tool', 'X'))}-{i:x}":
            rng.choice((None, rng.randint(1, 30_000_000))) for i in range(count)}


def test_a_project_list_reads_like_the_dict_it_was_made_from() -> None:
    listing = {"b": 2, "A": 1, "a": 3, "C": None, "Zed": 5, "é-x": 7, "": 9}
    projects = ProjectList.from_mapping(listing)
    assert list(projects) == sorted(listing, key=str.lower)
    assert dict(projects) == {name: serial or 0 for name, serial in listing.items()}
    assert dict(projects.items()) == dict(projects)
    assert len(projects) == 7 and projects["A"] == 1 and projects["a"] == 3 and projects["é-x"] == 7
    assert "c" not in projects and "C" in projects and 5 not in projects and projects.get("nope") is None
    assert [list(chunk) for chunk in projects.chunk_items(3)] == [["", "A", "a"], ["b", "C", "Zed"], ["é-x"]]
    assert [chunk["C"] for chunk in projects.chunk_items(3) if "C" in chunk] == [0]
    assert ProjectList.from_mapping(projects) is projects


def test_keeping_and_merging() -> None:
    projects = ProjectList.from_mapping({"b": 2, "A": 1, "a": 3})
    assert projects.keeping(lambda name: True) is projects
    assert dict(projects.keeping(lambda name: name != "a")) == {"A": 1, "b": 2}
    assert list(projects.keeping(lambda name: False)) == []
    merged = projects.merged({"B": 8, "a": 99, "0": None})
    assert list(merged) == ["0", "A", "a", "b", "B"] and dict(merged) == {"0": 0, "A": 1, "a": 3, "b": 2, "B": 8}
    assert projects.merged({"a": 5}) is projects


def test_large_lists_find_every_name() -> None:
    listing = names(20_000)
    projects = ProjectList.from_mapping(listing)
    assert len(projects) == len(listing)
    assert all(projects[name] == (serial or 0) for name, serial in list(listing.items())[::97])
    assert dict(projects) == {name: serial or 0 for name, serial in listing.items()}
    normalized = NameSet(name.lower() for name in listing)
    assert len(normalized) == len({name.lower() for name in listing})
    assert all(name.lower() in normalized for name in list(listing)[::89]) and "not-there" not in normalized


def test_a_listing_held_as_a_project_list_takes_a_fraction_of_a_dict() -> None:
    """PyPI's 900,000 names: a dict of name -> serial is some 140 bytes a project (str, int, slot);
    a ProjectList one string of all names and two arrays, under 40 bytes a project here."""
    count = 100_000
    gc.collect()
    tracemalloc.start()
    try:
        listing = names(count)
        as_dict = tracemalloc.get_traced_memory()[0]
        projects = ProjectList.from_mapping(listing)
        del listing
        gc.collect()
        as_list = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(projects) == count
    assert as_list < 40 * count < as_dict / 2
    assert projects.nbytes() < 40 * count
