"""jsoncodec.dumps: the same JSON the standard library writes, wherever orjson cannot help."""

from __future__ import annotations

import json

import pytest

from pypioncouch.jsoncodec import dumps


@pytest.mark.parametrize("value", [
    {"a": [1, 2.5, None, True], "é": "ünïcödé 😀", "nested": {"x": ""}},
    {"big": 2 ** 70},  # beyond 64 bits: orjson refuses, the standard library encodes
    {1: "non-string key"},
    [],
])
def test_round_trips_through_the_standard_library(value: object) -> None:
    expected = json.loads(json.dumps(value))
    assert json.loads(dumps(value)) == expected


def test_output_is_utf8_not_ascii_escapes() -> None:
    assert dumps({"name": "café"}) == '{"name":"café"}'.encode("utf-8")


def test_lone_surrogates_are_refused() -> None:
    with pytest.raises(UnicodeEncodeError):
        dumps({"bad": "\ud800"})


def test_nan_becomes_null_not_the_invalid_json_couchdb_rejects() -> None:
    assert json.loads(dumps({"x": float("nan")})) == {"x": None}
