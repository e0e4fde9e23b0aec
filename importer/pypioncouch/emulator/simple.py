"""Content negotiation for the simple API and the HTML (PEP 503) rendering of its pages."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .dataset import normalize

TEXT_HTML = "text/html"
SIMPLE_V1_HTML = "application/vnd.pypi.simple.v1+html"
SIMPLE_V1_JSON = "application/vnd.pypi.simple.v1+json"
# Order breaks ties between equal q-values: HTML first, as Warehouse does.
OFFERS = (TEXT_HTML, SIMPLE_V1_HTML, SIMPLE_V1_JSON)


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media.strip():
            ranges.append((media.strip().lower(), quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching `offer` (exact beats `type/*` beats `*/*`)."""
    kind = offer.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media, quality in ranges:
        rank = 2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if rank > best[0]:
            best = (rank, quality)
    return best[1]


def negotiate(accept: str | None, format_override: str | None = None) -> str:
    """The content type to answer with; HTML when nothing acceptable matches, as PyPI does."""
    if format_override:
        # An unencoded `+` in the query arrives as a space; accept it as the `+` it was meant to be.
        format_override = format_override.replace(" ", "+")
        if format_override in OFFERS:
            return format_override
    if not accept:
        return TEXT_HTML
    ranges = _parse_accept(accept)
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(OFFERS)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else TEXT_HTML


def render(page: dict[str, Any], content_type: str) -> bytes:
    """One page dict to bytes in the negotiated format."""
    if content_type == SIMPLE_V1_JSON:
        return json.dumps(page).encode("ascii")
    html = _detail_html(page) if "files" in page else _index_html(page)
    return html.encode("utf-8", "replace")


def _head(title: str, serial: Any) -> list[str]:
    return [
        "<!DOCTYPE html>", "<html>", "<head>",
        '<meta name="pypi:repository-version" content="1.1">',
        f"<title>{escape(title)}</title>", "</head>", "<body>",
        f"<!--SERIAL {escape(str(serial))}-->",
    ]


def _index_html(page: dict[str, Any]) -> str:
    lines = _head("Simple index", page["meta"]["_last-serial"])
    for project in page["projects"]:
        href = f"/simple/{normalize(project['name'])}/"
        lines.append(f'<a href="{escape(href)}">{escape(project["name"])}</a>')
    return "\n".join(lines + ["</body>", "</html>", ""])


def _detail_html(page: dict[str, Any]) -> str:
    lines = _head(f"Links for {page['name']}", page["meta"]["_last-serial"])
    lines.append(f"<h1>Links for {escape(page['name'])}</h1>")
    for file in page["files"]:
        lines.append(_anchor(file) + "<br />")
    return "\n".join(lines + ["</body>", "</html>", ""])


def _anchor(file: dict[str, Any]) -> str:
    """One PEP 503 link; every attribute value is HTML-escaped (upstream data is hostile)."""
    attributes = [f'href="{escape(file["url"] + "#sha256=" + file["hashes"]["sha256"])}"']
    if file.get("requires-python"):
        attributes.append(f'data-requires-python="{escape(file["requires-python"])}"')
    if file.get("yanked") is not False:
        reason = file["yanked"] if isinstance(file["yanked"], str) else ""
        attributes.append(f'data-yanked="{escape(reason)}"')
    if file.get("core-metadata"):
        digest = escape("sha256=" + file["core-metadata"]["sha256"])
        attributes.append(f'data-core-metadata="{digest}" data-dist-info-metadata="{digest}"')
    return f"<a {' '.join(attributes)}>{escape(file['filename'])}</a>"
