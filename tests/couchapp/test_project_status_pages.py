"""The project page says when a project is archived, quarantined or deprecated (PEP 792), as its
upstream's Simple page said; an active project's page says nothing of it."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
import requests

from pypioncouch import XmlRpcImporter
from pypioncouch.couch import Database
from pypioncouch.emulator import Dataset, EmulatorServer, installable_project
from pypioncouch.upstream import RetryPolicy
from served_data import drop  # noqa: F401
from tests.conftest import new_database, push_app, rewrite_url

STATUSES = {"archived-pkg": ("archived", None), "quarantined-pkg": ("quarantined", "malware <review>"),
            "deprecated-pkg": ("deprecated", "use active-pkg"), "active-pkg": ("active", None)}


@pytest.fixture(scope="module")
def status_db(couch_server: Any) -> Iterator[Database]:
    data = Dataset()
    for name in STATUSES:
        installable_project(name, ["1.0"], dataset=data)
    with EmulatorServer(data) as emulator:
        db = push_app(new_database(couch_server.url, prefix="status"))
        XmlRpcImporter(db.location, index_url=emulator.url, attachments=None,
                       retry=RetryPolicy(attempts=2, backoff=0.01)).import_all()
        for name, (status, reason) in STATUSES.items():
            if status != "active":
                data.set_status(name, status, reason)
        XmlRpcImporter(db.location, index_url=emulator.url, attachments=None).update()
        yield db
        drop(db)


@pytest.mark.parametrize("name", sorted(STATUSES))
def test_the_project_page_shows_the_status(status_db: Database, name: str) -> None:
    status, reason = STATUSES[name]
    page = requests.get(rewrite_url(status_db, f"project/{name}/"), timeout=60)
    assert page.status_code == 200
    if status == "active":
        assert "project-status" not in page.text
        return
    assert f'class="banner yanked project-status {status}"' in page.text
    assert f"This project has been {status}." in page.text
    if reason:
        assert f"Reason: {reason.replace('<', '&lt;').replace('>', '&gt;')}" in page.text
