"""Per-project attachments the importer stores: an OPML outline and a DOAP description.

``project_attachments(project_doc, site_url)`` renders both from Jinja2 templates
(``templates/feeds.opml.j2``, ``templates/doap.rdf.j2``, autoescaped: they are
XML) and returns them as CouchDB inline attachments. The output depends on the
document and ``site_url`` only (no clock, no dict-order surprises), so an
unchanged project gives byte-identical attachments and is not rewritten.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import jinja2

from .documents import newest_uploads

__all__ = ["project_attachments", "OPML_NAME", "DOAP_NAME", "MAX_DOAP_RELEASES"]

OPML_NAME = "feeds.opml"
DOAP_NAME = "doap.rdf"
# A DOAP file lists the newest releases only: some projects have thousands.
MAX_DOAP_RELEASES = 100

# Characters XML 1.0 forbids even escaped (C0 controls but tab/newline/CR, U+FFFE/U+FFFF, surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SAFE_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


def _xml_text(value: Any) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def _safe_url(value: Any) -> str | None:
    """Only http(s) URLs are linked: a ``javascript:`` home page is left out."""
    text = _xml_text(value).strip()
    return text if _SAFE_URL.match(text) else None


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pypioncouch", "templates"),
        autoescape=True,  # both templates are XML: every value is escaped
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["xml_text"] = _xml_text
    return env


def people_named(name: Any, email: Any) -> list[str]:
    """The people a name/e-mail pair names, as the CouchApp's author pages do
    (``couchapp/lib/browse_index.js``): the name field, else the display names in
    the e-mail field (``"Ada <a@x>, Bob <b@x>"``); bare addresses are skipped."""
    if name and str(name).strip():
        return [" ".join(str(name).split())]
    people = []
    for part in str(email or "").split(","):
        display = " ".join(part.rsplit("<", 1)[0].replace('"', "").replace("'", "").split())
        if display and "@" not in display and "<" in part:
            people.append(display)
    return people


def _links(info: dict[str, Any]) -> list[dict[str, str]]:
    """The project's http(s) links, project_urls first, each URL once."""
    candidates = [(str(label), url) for label, url in sorted((info.get("project_urls") or {}).items())]
    candidates += [("Homepage", info.get("home_page")), ("Download", info.get("download_url")),
                   ("Documentation", info.get("docs_url")), ("Bug tracker", info.get("bugtrack_url"))]
    links, seen = [], set()
    for label, url in candidates:
        safe = _safe_url(url)
        if safe and safe not in seen:
            seen.add(safe)
            links.append({"label": label, "url": safe})
    return links


def _first_link(links: list[dict[str, str]], *words: str) -> str | None:
    for link in links:
        if any(word in link["label"].lower() for word in words):
            return link["url"]
    return None


def _day(moment: Any) -> str | None:
    if isinstance(moment, list) and len(moment) >= 3:
        return f"{moment[0]:04d}-{moment[1]:02d}-{moment[2]:02d}"
    return None


def _context(doc: dict[str, Any], site_url: str) -> dict[str, Any]:
    info = doc.get("info") or {}
    name = doc.get("name") or doc["_id"]
    project_path = quote(doc["_id"], safe="")
    links = _links(info)
    # What the project document holds: its newest page of releases and its newest uploads.
    held = {entry["version"]: entry for entry in [*(doc.get("release_history") or []), *(doc.get("recent_releases") or [])]}
    history = newest_uploads(held.values(), MAX_DOAP_RELEASES)
    license_expression = str(info.get("license_expression") or "").strip()
    return {
        "name": name,
        "summary": info.get("summary") or "",
        "version": doc.get("latest_version") or "",
        "created": _day(doc.get("created")),
        "page_url": f"{site_url}project/{project_path}/",
        "feed_url": f"{site_url}rss/project/{project_path}/releases.xml",
        "links": links,
        "homepage": _first_link(links, "home") or f"{site_url}project/{project_path}/",
        "bug_database": _first_link(links, "bug", "issue", "tracker"),
        "repository": _first_link(links, "source", "repository", "code", "github", "gitlab"),
        "documentation": _first_link(links, "doc"),
        "license_url": f"https://spdx.org/licenses/{license_expression}" if _SPDX_ID.match(license_expression) else None,
        "authors": people_named(info.get("author"), info.get("author_email")),
        "maintainers": people_named(info.get("maintainer"), info.get("maintainer_email")),
        "classifiers": [{"name": c, "url": f"{site_url}classifier/?name={quote(str(c), safe='')}"}
                        for c in doc.get("classifiers") or []],
        "releases": [{"version": entry["version"], "created": _day(entry["upload_time"]),
                      "url": f"{site_url}project/{project_path}/{quote(str(entry['version']), safe='')}/"}
                     for entry in history],
    }


def _attachment(content_type: str, text: str) -> dict[str, str]:
    return {"content_type": content_type, "data": base64.b64encode(text.encode("utf-8")).decode("ascii")}


def project_attachments(project_doc: dict[str, Any], site_url: str) -> dict[str, dict[str, str]]:
    """``{"feeds.opml": {...}, "doap.rdf": {...}}``: CouchDB inline attachments for a project
    document. ``site_url`` is the CouchApp's ``_rewrite/`` URL (with its trailing ``/``)."""
    if not site_url.endswith("/"):
        site_url += "/"
    context = _context(project_doc, site_url)
    env = _environment()
    return {
        OPML_NAME: _attachment("text/x-opml", env.get_template("feeds.opml.j2").render(context)),
        DOAP_NAME: _attachment("application/rdf+xml", env.get_template("doap.rdf.j2").render(context)),
    }
