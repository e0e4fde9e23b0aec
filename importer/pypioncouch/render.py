"""Project descriptions rendered to safe HTML, the way PyPI renders them.

Warehouse renders with ``readme_renderer`` by the description's content type
(reStructuredText when none is given) and falls back to plain text when the
markup does not render; ``readme_renderer`` sanitizes its output with nh3.
Rendering happens at import time, so the CouchApp only has to insert HTML.
"""

from __future__ import annotations

import logging
from email.message import Message

import readme_renderer.markdown
import readme_renderer.rst
import readme_renderer.txt

__all__ = ["render_description", "DEFAULT_CONTENT_TYPE"]

log = logging.getLogger(__name__)

DEFAULT_CONTENT_TYPE = "text/x-rst"

_RENDERERS = {
    "text/plain": readme_renderer.txt,
    "text/x-rst": readme_renderer.rst,
    "text/markdown": readme_renderer.markdown,
}


def _parse_content_type(content_type: str) -> tuple[str, dict[str, str]]:
    message = Message()
    message["content-type"] = content_type
    params = {k: v for k, v in message.get_params(failobj=[])[1:]}
    return message.get_content_type(), params


def render_description(text: str | None, content_type: str | None) -> str | None:
    """Sanitized HTML for a description, or None when there is none."""
    if not text:
        return None
    mime, params = _parse_content_type(content_type or DEFAULT_CONTENT_TYPE)
    renderer = _RENDERERS.get(mime, readme_renderer.txt)
    options = {"variant": params["variant"]} if renderer is readme_renderer.markdown and "variant" in params else {}
    try:
        rendered = renderer.render(text, **options)
    except Exception as exc:  # readme_renderer raises assorted errors on broken markup
        log.warning("rendering a %s description failed (%s: %s): showing it as plain text", mime, type(exc).__name__, exc)
        rendered = None
    if rendered is None:
        rendered = readme_renderer.txt.render(text)
    return rendered
