"""mustache.js is vendored into the design doc unchanged, and loads there with require()."""

from __future__ import annotations

import json

import requests

from pypioncouch.couch import Database
from pypioncouch.designdoc import COUCHAPP_DIR
from pypioncouch.embedded import REPO_ROOT

VENDORED = COUCHAPP_DIR / "lib" / "vendor" / "mustache.js"
PINNED = REPO_ROOT / "node_modules" / "mustache" / "mustache.js"


def test_vendored_file_is_byte_identical_to_the_pinned_package() -> None:
    package = json.loads((PINNED.parent / "package.json").read_text())
    assert package["version"] == "4.2.0"
    assert json.loads((REPO_ROOT / "package.json").read_text())["dependencies"]["mustache"] == "4.2.0"
    assert VENDORED.read_bytes() == PINNED.read_bytes()


def test_design_doc_serves_it_as_a_commonjs_module(app_db: Database) -> None:
    ddoc = app_db.get("_design/pypi")
    # the couchapp tool drops a file's final newline when it pushes it
    assert ddoc["lib"]["vendor"]["mustache"] == PINNED.read_text().rstrip("\n")
    app_db.put({"_id": "_design/mustache-probe", "shows": {"probe": (
        "function (doc, req) { var M = require('lib/vendor/mustache');"
        " return {body: M.render('{{a}} {{{a}}} v{{v}}', {a: '<b>', v: M.version})}; }")},
        "lib": ddoc["lib"]})
    body = requests.get(f"{app_db.url}/_design/mustache-probe/_show/probe", timeout=30).text
    assert body == "&lt;b&gt; <b> v4.2.0"
