"""Every function and module of the design doc is ECMAScript 5.

PouchDB Server evaluates design functions with modern Node, so ES2015+ syntax
works there and then fails on CouchDB's couchjs: only a parser set to ES5 can
catch it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pypioncouch.designdoc import COUCHAPP_DIR
from pypioncouch.embedded import REPO_ROOT

CHECKER = Path(__file__).with_name("check_es5.js")


def export_design_doc() -> str:
    couchapp = Path(sys.executable).with_name("couchapp")
    result = subprocess.run([str(couchapp), "push", "--export", "-p", str(COUCHAPP_DIR), "-c", "http://127.0.0.1:1/x"],
                            capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    return result.stdout[result.stdout.index("{"):]


def run_checker(ddoc_json: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", str(CHECKER)], input=ddoc_json, capture_output=True, text=True,
                          cwd=REPO_ROOT)


def test_design_doc_is_ecmascript_5() -> None:
    result = run_checker(export_design_doc())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checked" in result.stdout


def test_checker_rejects_modern_syntax() -> None:
    ddoc = {"_id": "_design/x", "shows": {"arrow": "function (doc) { return (() => 1)(); }"},
            "lib": {"let": "let x = 1; exports.x = x;"},
            "views": {"v": {"map": "function (doc) { emit(doc?._id, null); }"}}}
    result = run_checker(json.dumps(ddoc))
    assert result.returncode == 1
    assert "shows.arrow" in result.stdout and "lib.let" in result.stdout and "views.v.map" in result.stdout
