import pytest

from pypioncouch.names import InvalidProjectName, is_valid_project_name, normalize


@pytest.mark.parametrize(("name", "expected"), [
    ("Jinja2", "jinja2"),
    ("foo.bar_baz", "foo-bar-baz"),
    ("Foo__Bar--baz", "foo-bar-baz"),
    ("zope.interface", "zope-interface"),
    ("A", "a"),
])
def test_normalize_follows_pep_503(name: str, expected: str) -> None:
    assert normalize(name) == expected


@pytest.mark.parametrize("name", ["", "___", "a/b", "pypioncouch:state"])
def test_names_that_cannot_be_document_ids_are_refused(name: str) -> None:
    with pytest.raises(InvalidProjectName):
        normalize(name)


@pytest.mark.parametrize(("name", "valid"), [("requests", True), ("foo.bar", True), ("-foo", False), ("foo-", False)])
def test_pep_508_validity(name: str, valid: bool) -> None:
    assert is_valid_project_name(name) is valid


def test_a_leading_underscore_cannot_reach_couchdb_reserved_ids() -> None:
    assert normalize("_design") == "-design"
