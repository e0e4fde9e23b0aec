"""Rewrite rules that CouchDB 3.x can execute, not only PouchDB Server.

CouchDB's rewriter (chttpd_rewrite:maybe_encode_bindings) turns every query value
of a rule into a binary with iolist_to_binary: a JSON true, false or number there
crashes the request, while PouchDB Server accepts it. Only view keys
(key, startkey, endkey, keys ...) are JSON-encoded and may be any JSON value.
"""

from __future__ import annotations

import json

from pypioncouch.designdoc import COUCHAPP_DIR

JSON_KEYS = {"key", "startkey", "start_key", "endkey", "end_key", "keys"}


def load_rules() -> list[dict]:
    return json.loads((COUCHAPP_DIR / "rewrites.json").read_text(encoding="utf-8"))


def test_rule_query_values_are_strings_except_view_keys() -> None:
    offenders = [(rule["from"], name, value) for rule in load_rules() for name, value in (rule.get("query") or {}).items()
                 if name not in JSON_KEYS and not isinstance(value, str)]
    assert offenders == []


def test_every_rule_has_a_target_and_no_function_rewrites() -> None:
    rules = load_rules()
    assert isinstance(rules, list) and rules
    assert all(isinstance(rule.get("to"), str) and isinstance(rule.get("from"), str) for rule in rules)
