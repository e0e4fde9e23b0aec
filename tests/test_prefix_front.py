"""The prefix proxy of docs/deployment.md (section 3), as written there, run in Debian's nginx.

Its ``proxy_pass`` has a URI part, so nginx sends the *decoded*, slash-merged path upstream. A
long Simple page is a redirect to its attachment document (docs/schema.md,
``simple_attachment``), whose id therefore holds no ``/``: ``%2F`` would come out of nginx as
``/`` and the ``files/:doc/:file`` rule would miss. pip reads the page through the redirect.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urljoin

import pytest
import requests

from pypioncouch import json_api
from pypioncouch.couch import Database
from pypioncouch.documents import build_project_documents
from pypioncouch.emulator import captured_payload
from pypioncouch.embedded import REPO_ROOT
from pypioncouch.simple_pages import page_documents
from tests.test_public_front import NGINX, PIP_ACCEPT, Front, server_port

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed: `make nginx-deps` (run by `make test`) "
                                                      "installs Debian's")
PROJECT = "markupsafe"


def documented_location() -> str:
    """The ``location /pypi/ {...}`` block of docs/deployment.md, as a reader would copy it."""
    text = (REPO_ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(location /pypi/ \{.*?\n\})\n```", text, re.S)
    assert block, "docs/deployment.md lost its prefix proxy block"
    return block.group(1)


class PrefixFront(Front):
    def config(self) -> str:
        location = documented_location().replace("http://127.0.0.1:5984/pypi/",
                                                 f"http://127.0.0.1:{self.upstream_port}/{self.db_name}/")
        return f"server {{\n  listen 127.0.0.1:{self.port};\n  {location}\n}}\n"


@pytest.fixture
def front(app_db: Database, couch_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrefixFront]:
    monkeypatch.setattr(json_api, "GZIP_OVER", 1_000)  # the JSON API answer gets its gzipped copy
    docs = build_project_documents(captured_payload(PROJECT))
    assert any(doc["type"] == "json_api_gzip" for doc in docs.releases)
    releases = [doc for doc in docs.releases if not doc["type"].startswith("simple_")]
    page = page_documents(docs.project, releases, attach_over=10_000)  # both renderings as attachments
    assert [doc["type"] for doc in page] == ["simple_attachment", "simple_attachment", "simple_page"]
    app_db.bulk_docs([docs.project, *releases, *page])
    proxy = PrefixFront(tmp_path / "nginx", server_port(couch_server), app_db.location.name).start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.mark.parametrize("accept, kind", [(PIP_ACCEPT, "index.json"), ("text/html", "index.html")])
def test_a_long_page_through_the_documented_prefix_proxy(front: PrefixFront, app_db: Database,
                                                         accept: str, kind: str) -> None:
    page_url = f"{front.url}/pypi/simple/{PROJECT}/"
    answer = requests.get(page_url, headers={"Accept": accept}, allow_redirects=False, timeout=60)
    assert answer.status_code == 307 and answer.headers["Location"].endswith("/" + kind)
    followed = requests.get(page_url, headers={"Accept": accept}, timeout=60)
    assert followed.status_code == 200, (followed.url, followed.text[:200])
    assert followed.url == urljoin(page_url, answer.headers["Location"]) and followed.url.startswith(front.url + "/pypi/files/")
    direct = requests.get(f"{app_db.url}/_design/pypi/_rewrite/simple-from-documents/{PROJECT}/",
                          headers={"Accept": accept}, timeout=60)
    assert followed.content == direct.content


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_the_json_api_gzipped_copy_through_the_documented_prefix_proxy(front: PrefixFront, app_db: Database,
                                                                      method: str) -> None:
    answer_url = f"{front.url}/pypi/pypi/{PROJECT}/json"
    gzip = {"Accept-Encoding": "gzip"}
    first = requests.request(method, answer_url, headers=gzip, allow_redirects=False, timeout=60)
    assert first.status_code == 307 and first.headers["Location"].startswith("json/gzip/")
    copy = requests.request(method, answer_url, headers=gzip, timeout=60)
    assert copy.status_code == 200 and copy.url.startswith(front.url + "/pypi/pypi/" + PROJECT + "/json/gzip/")
    assert copy.headers["Content-Encoding"] == "gzip"
    assert copy.headers["X-PyPI-Last-Serial"] == first.headers["X-PyPI-Last-Serial"]
    built = requests.get(f"{app_db.url}/_design/pypi/_rewrite/pypi/{PROJECT}/json/from-documents", timeout=60)
    assert copy.content == (built.content if method == "GET" else b"")
