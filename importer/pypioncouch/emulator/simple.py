"""Content negotiation for the simple API and the HTML (PEP 503) rendering of its pages."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .dataset import normalize
from .flavours import PYPI, Flavour

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


def render(page: dict[str, Any], content_type: str, flavour: Flavour = PYPI) -> bytes:
    """One page dict to bytes in the negotiated format, as the flavour's index writes it."""
    if content_type == SIMPLE_V1_JSON:
        return json.dumps(page).encode("ascii")
    if flavour.devpi:
        html = _devpi_detail(page) if "files" in page else _devpi_index(page)
    elif flavour.static:
        html = _static_detail(page) if "files" in page else _static_index(page)
    else:
        html = _detail_html(page, flavour) if "files" in page else _index_html(page, flavour)
    return html.encode("utf-8", "replace")


def _head(title: str, page: dict[str, Any], flavour: Flavour) -> list[str]:
    lines = ["<!DOCTYPE html>", "<html>", "<head>",
             f'<meta name="pypi:repository-version" content="{escape(flavour.api_version)}">']
    status = page.get("project-status")
    if status:
        lines.append(f'<meta name="pypi:project-status" content="{escape(status["status"])}">')
        if status.get("reason"):
            lines.append(f'<meta name="pypi:project-status-reason" content="{escape(status["reason"])}">')
    lines += [f"<title>{escape(title)}</title>", "</head>", "<body>"]
    if "_last-serial" in page.get("meta", {}) and flavour.index_serials:
        lines.append(f"<!--SERIAL {escape(str(page['meta']['_last-serial']))}-->")
    return lines


def _index_html(page: dict[str, Any], flavour: Flavour) -> str:
    lines = _head("Simple index", page, flavour)
    for project in page["projects"]:
        href = f"{flavour.simple_root}{normalize(project['name'])}/"
        lines.append(f'<a href="{escape(href)}">{escape(project["name"])}</a>')
    return "\n".join(lines + ["</body>", "</html>", ""])


def _detail_html(page: dict[str, Any], flavour: Flavour) -> str:
    lines = _head(f"Links for {page['name']}", page, flavour)
    lines.append(f"<h1>Links for {escape(page['name'])}</h1>")
    for file in page["files"]:
        lines.append(_anchor(file) + "<br />")
    return "\n".join(lines + ["</body>", "</html>", ""])


def _anchor(file: dict[str, Any]) -> str:
    """One PEP 503 link; every attribute value is HTML-escaped (upstream data is hostile)."""
    attributes = [f'href="{escape(file["url"] + "#sha256=" + file["hashes"]["sha256"])}"']
    if file.get("requires-python"):
        attributes.append(f'data-requires-python="{escape(file["requires-python"])}"')
    if file.get("yanked", False) is not False:
        reason = file["yanked"] if isinstance(file["yanked"], str) else ""
        attributes.append(f'data-yanked="{escape(reason)}"')
    if file.get("core-metadata"):
        digest = escape("sha256=" + file["core-metadata"]["sha256"])
        attributes.append(f'data-dist-info-metadata="{digest}" data-core-metadata="{digest}"')
    if file.get("provenance"):
        attributes.append(f'data-provenance="{escape(file["provenance"])}"')
    return f"<a {' '.join(attributes)}>{escape(file['filename'])}</a>"


def _devpi_index(page: dict[str, Any]) -> str:
    """devpi's `+simple/` for a browser: a heading per stage, a link per project."""
    title = "root/pypi: simple list (including inherited indices)"
    links = "".join(f'<a href="{escape(p["name"])}/">{escape(p["name"])}</a><br>\n' for p in page["projects"])
    return (f'<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body><h1>{title}</h1>'
            f"<h2>root/pypi</h2>{links}</body></html>")


def _devpi_detail(page: dict[str, Any]) -> str:
    title = f"root/pypi: links for {escape(page['name'])}"
    lines = [f'<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body><h1>{title}</h1>']
    for file in page["files"]:
        attributes = f'href="{escape(file["url"] + "#sha256=" + file["hashes"]["sha256"])}"'
        if file.get("requires-python") is not None:
            attributes += f' data-requires-python="{escape(file["requires-python"])}"'
        if file.get("yanked", False) is not False:
            attributes += f' data-yanked="{escape("" if file["yanked"] is True else file["yanked"])}"'
        lines.append(f"root/pypi <a {attributes}>{escape(file['filename'])}</a><br>")
    return "\n".join(lines) + "\n</body></html>"


def _static_index(page: dict[str, Any]) -> str:
    """What `python -m http.server` lists for the `simple/` folder (no index.html there)."""
    items = "".join(f'<li><a href="{escape(normalize(p["name"]))}/">{escape(normalize(p["name"]))}/</a></li>\n'
                    for p in sorted(page["projects"], key=lambda p: normalize(p["name"])))
    return ('<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            "<title>Directory listing for /simple/</title>\n</head>\n<body>\n"
            f"<h1>Directory listing for /simple/</h1>\n<hr>\n<ul>\n{items}</ul>\n<hr>\n</body>\n</html>\n")


def _static_detail(page: dict[str, Any]) -> str:
    """A project's `index.html` as Simple-tree generators write it: PEP 503, no meta tags."""
    lines = ["<!DOCTYPE html>", "<html>", "<head>", f"<title>Links for {escape(page['name'])}</title>", "</head>",
             "<body>", f"<h1>Links for {escape(page['name'])}</h1>"]
    lines += [_anchor(file) + "<br/>" for file in page["files"]]
    return "\n".join(lines + ["</body>", "</html>", ""])
