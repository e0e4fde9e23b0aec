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


def depth(from_path: str) -> int:
    """How many directories below the `_rewrite/` root a URL matching `from_path` is, as a
    browser resolves relative links: `projects/` 1, `project/x/` 2, `rss/updates.xml` 1."""
    segments = [segment for segment in from_path.split("/") if segment]
    return len(segments) if from_path.endswith("/") or not segments else len(segments) - 1


def test_every_page_rule_passes_the_depth_of_its_url_as_root() -> None:
    """Pages link relative to the root (lib/browse_page.js): the rule is the only one that knows
    how deep its URL is, since nothing in CouchDB's req says what the client asked for."""
    pages = [rule for rule in load_rules() if rule["to"].startswith(("_list/browse_", "_show/browse_"))]
    assert len(pages) >= 29
    wrong = [(rule["from"], (rule.get("query") or {}).get("root")) for rule in pages
             if (rule.get("query") or {}).get("root") != ("../" * depth(rule["from"]) or "./")]
    assert wrong == []
    others = [rule["from"] for rule in load_rules() if rule not in pages and "root" in (rule.get("query") or {})]
    assert others == []
