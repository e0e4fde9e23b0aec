"""The browsing views queried directly: keys, folding, classifier levels, counts, time order."""

from __future__ import annotations

from typing import Any

from pypioncouch.couch import Database
from tests.couchapp.browse_data import known_db  # noqa: F401  (fixture)


def rows(db: Database, view: str, **params: Any) -> list[dict[str, Any]]:
    return db.view("pypi", view, **params)["rows"]


def projects_under(db: Database, kind: str, value: Any) -> list[str]:
    return [r["key"][2] for r in rows(db, "browse_facets", startkey=[kind, value], endkey=[kind, value, {}])]


def count(db: Database, kind: str, value: str) -> int:
    found = rows(db, "browse_tallies", key=[kind, value], group_level=2)
    return found[0]["value"] if found else 0


def test_all_projects_by_normalized_name(known_db: Database) -> None:
    names = [r["key"][1] for r in rows(known_db, "browse_facets", startkey=["project"], endkey=["project", {}])]
    # "2048" is also emitted as the number 2048: PouchDB Server's rewriter JSON-parses URL values
    assert names == [2048, "2048", "alpha-tool", "beta", "gamma"]
    alpha = rows(known_db, "browse_facets", key=["project", "alpha-tool", "alpha-tool"])[0]["value"]
    assert alpha == ["alpha-tool", "Alpha-Tool", "Alpha-Tool", "1.0", "A fast web framework for humans"]


def test_authors_fold_case_and_spacing(known_db: Database) -> None:
    assert projects_under(known_db, "author", "ada lovelace") == ["alpha-tool", "beta"]
    assert count(known_db, "author", "ada lovelace") == 2
    assert projects_under(known_db, "author", "Ada  Lovelace") == []


def test_author_taken_from_email_display_name_when_name_is_empty(known_db: Database) -> None:
    assert projects_under(known_db, "author", "grace hopper") == ["gamma"]
    assert rows(known_db, "browse_tallies", startkey=["author", "grace"], endkey=["author", "grace\ufff0"],
                group_level=2) == [{"key": ["author", "grace hopper"], "value": 1}]


def test_maintainers_and_keywords(known_db: Database) -> None:
    assert projects_under(known_db, "maintainer", "bob stone") == ["beta"]
    assert projects_under(known_db, "keyword", "web") == ["alpha-tool", "beta"]
    # "COBOL compiler" has no comma: the importer splits it at whitespace
    assert projects_under(known_db, "keyword", "cobol") == projects_under(known_db, "keyword", "compiler") == ["gamma"]
    assert count(known_db, "keyword", "http") == 1


def test_classifiers_are_indexed_at_every_level(known_db: Database) -> None:
    assert projects_under(known_db, "classifier", "Framework :: Django") == ["alpha-tool", "beta"]
    assert projects_under(known_db, "classifier", "Framework :: Django :: 5.0") == ["alpha-tool"]
    assert projects_under(known_db, "classifier", "Framework") == ["alpha-tool", "beta", "gamma"]
    assert count(known_db, "classifier", "Framework") == 3
    assert count(known_db, "classifier", "Programming Language :: Python :: 3") == 2


def test_summary_words_are_searchable(known_db: Database) -> None:
    assert projects_under(known_db, "word", "humans") == ["alpha-tool", "gamma"]
    assert projects_under(known_db, "word", "for") == []  # a stop word


def test_totals_and_time_line(known_db: Database) -> None:
    totals = rows(known_db, "browse_tallies", startkey=[{}], endkey=[{}, {}], group_level=2)
    assert {tuple(r["key"][1:]): r["value"] for r in totals} == {("projects",): 4, ("releases",): 5}
    events = rows(known_db, "browse_facets", startkey=["timeline", [{}]], endkey=["timeline"], descending=True)
    assert [(r["key"][2], r["key"][3]) for r in events] == [
        ("gamma", "0.1"), ("alpha-tool", "1.0"), ("beta", "2.0"), ("alpha-tool", "0.9"), ("2048", "1.0")]
    assert events[0]["key"][1] == [2024, 4, 5, 8, 0, 0]
    created = rows(known_db, "browse_facets", startkey=["new", {}], endkey=["new"], descending=True)
    assert [r["key"][2] for r in created] == ["gamma", "beta", "alpha-tool", "2048"]


def test_tallies_are_rows_of_the_listing_view(known_db: Database) -> None:
    """The counts pages show are map rows (pypioncouch.tallies writes them), read with a limit."""
    home = rows(known_db, "browse_facets", key=["timeline", {}])[0]["value"]
    assert (home["projects"], home["releases"]) == (4, 5)
    assert [entry[0] for entry in home["newest"]] == ["gamma", "beta", "alpha-tool", "2048"]
    assert rows(known_db, "browse_facets", key=["tally", "author", "ada lovelace"])[0]["value"] == [2]
    tree = rows(known_db, "browse_facets", startkey=["tally", "classifier", "Framework"],
                endkey=["tally", "classifier", "Framework", {}])
    assert [(r["key"][3:], r["value"]) for r in tree] == [
        ([], [3, True]), (["Framework :: Django"], [2, True]), (["Framework :: Flask"], [1, False])]
