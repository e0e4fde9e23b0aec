import json

import pytest

from pypioncouch.textclean import clean_text, clean_tree


def test_lone_surrogates_become_replacement_characters() -> None:
    value = json.loads('"caf\\udcff ok"')
    cleaned = clean_text(value)
    assert cleaned == "caf\ufffd ok"
    cleaned.encode("utf-8")


def test_valid_surrogate_pairs_are_joined_not_replaced() -> None:
    assert clean_text(json.loads('"\\ud83d\\ude00"')) == "\U0001F600"


def test_clean_tree_caps_every_string_and_keeps_structure() -> None:
    tree = {"a": ["x" * 50, {"b": "\udcff"}], "n": 3, "none": None}
    assert clean_tree(tree, limit=10) == {"a": ["x" * 10, {"b": "\ufffd"}], "n": 3, "none": None}


def test_needs_cleaning_spots_surrogates_and_long_strings() -> None:
    from pypioncouch.textclean import needs_cleaning
    assert not needs_cleaning({"a": ["ok", "fine"]}, limit=100)
    assert needs_cleaning({"a": ["ok", json.loads('"\\udcff"')]}, limit=100)
    assert needs_cleaning({"a": "x" * 200}, limit=100)


@pytest.mark.parametrize("tree", [
    {"files": [{"filename": f"pkg-{n}.tar.gz", "size": n} for n in range(50)]},  # long encoding, short strings
    {"files": [{"filename": "f", "yanked_reason": None}] * 30 + [{"deep": [["x" * 101]]}]},  # one string too long
    {"files": [{"filename": "f"}] * 30, "k" * 300: "v"},  # a long key: keys are not cut
    [json.loads('"\\udcff"')],
])
def test_needs_cleaning_says_whether_clean_tree_changes_anything(tree: object) -> None:
    from pypioncouch.textclean import needs_cleaning
    assert needs_cleaning(tree, limit=100) == (clean_tree(tree, limit=100) != tree)
