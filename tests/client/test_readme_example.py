"""The README's client example runs as written, against a node holding projects `make run` imports
(pypi.org captures it bundles), at that node's URL instead of 127.0.0.1:5984."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from pypioncouch.emulator.captured import captured_payload
from pypioncouch.servers import AnyServer
from tests.conftest import new_database, push_app, write_payloads

README = Path(__file__).resolve().parents[2] / "README.md"


def example() -> str:
    section = README.read_text(encoding="utf-8").split("## Reading a node", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs(couch_server: AnyServer) -> None:
    db = push_app(new_database(couch_server.url, "readme"))
    try:
        write_payloads(db, [captured_payload(name) for name in ("requests", "urllib3", "idna", "certifi")])
        code = example().replace("http://127.0.0.1:5984/pypi", f"{couch_server.base_url}/{db.location.name}")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), {})
        lines = printed.getvalue().splitlines()
        assert len(lines) >= 7 and lines[0].startswith("2.")  # requests' versions are 2.x
        assert "urllib3" in lines[5] and "'requests'" in lines[5]
    finally:
        db.request("DELETE", db.url, what="drop test database", ok=(200, 202, 404))
