"""Project descriptions rendered to safe HTML, the way PyPI renders them.

Warehouse renders with ``readme_renderer`` by the description's content type
(reStructuredText when none is given) and falls back to plain text when the
markup does not render; ``readme_renderer`` sanitizes its output with nh3.
Rendering happens at import time, so the CouchApp only has to insert HTML.
"""

from __future__ import annotations

import copy
import functools
import io
import logging
import os
import threading
import time
from concurrent.futures import Future
from email.message import Message
from typing import Any, Optional, Protocol

import readme_renderer.markdown
import readme_renderer.rst
import readme_renderer.txt
from docutils.core import publish_parts
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import SystemMessage
from readme_renderer.clean import clean

__all__ = ["render_description", "render_all", "BatchRenderer", "InlineRenderer", "RenderPool", "Description",
           "DEFAULT_CONTENT_TYPE"]

log = logging.getLogger(__name__)

DEFAULT_CONTENT_TYPE = "text/x-rst"
Description = tuple[Optional[str], Optional[str]]  # (text, content type)

@functools.cache
def _rst_settings() -> Any:
    """readme_renderer's docutils settings, built once.

    ``readme_renderer.rst.render`` passes them as overrides, which makes docutils
    build a new option parser on every call: a third of the time of rendering a
    typical description. Same settings, same writer, same sanitizer, so the
    output is identical (tests/test_render.py checks it on real descriptions).
    """
    settings = get_default_settings(Parser, readme_renderer.rst.Writer)
    for key, value in readme_renderer.rst.SETTINGS.items():
        setattr(settings, key, value)
    settings.traceback = True  # what docutils sets for programmatic use: raise, never sys.exit()
    return settings


def render_rst(text: str) -> str | None:
    """``readme_renderer.rst.render(text)``, faster: None when the markup does not render."""
    settings = copy.copy(_rst_settings())
    settings.warning_stream = io.StringIO()
    writer = readme_renderer.rst.Writer()
    writer.translator_class = readme_renderer.rst.ReadMeHTMLTranslator
    try:
        parts = publish_parts(text, writer=writer, settings=settings)
    except SystemMessage:
        return None
    rendered = parts.get("docinfo", "") + parts.get("fragment", "")
    return clean(rendered) if rendered else None


_RENDERERS = {
    "text/plain": readme_renderer.txt.render,
    "text/x-rst": render_rst,
    "text/markdown": readme_renderer.markdown.render,
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
    renderer = _RENDERERS.get(mime, readme_renderer.txt.render)
    options = {"variant": params["variant"]} if mime == "text/markdown" and "variant" in params else {}
    try:
        rendered = renderer(text, **options)
    except Exception as exc:  # readme_renderer raises assorted errors on broken markup
        log.warning("rendering a %s description failed (%s: %s): showing it as plain text", mime, type(exc).__name__, exc)
        rendered = None
    if rendered is None:
        rendered = readme_renderer.txt.render(text)
    return rendered


def render_all(descriptions: list[Description]) -> list[str | None]:
    """``render_description`` for each ``(text, content type)``, in order."""
    return [render_description(text, content_type) for text, content_type in descriptions]


class BatchRenderer(Protocol):
    """Renders many descriptions in one call, possibly elsewhere: the result is a future."""

    def submit(self, descriptions: list[Description]) -> Future[list[str | None]]: ...


class InlineRenderer:
    """Renders in the calling thread, at once: for runs too small to pay for a process."""

    def submit(self, descriptions: list[Description]) -> Future[list[str | None]]:
        future: Future[list[str | None]] = Future()
        future.set_result(render_all(descriptions))
        return future


class RenderPool:
    """Descriptions rendered in another process, a batch at a time.

    Rendering is the largest part of the importer's CPU time. In the importing
    process it would hold the GIL against the threads that fetch and write, and
    those stall (each HTTP request takes many small steps, each waiting for the
    GIL). In its own process it runs beside them. One job per batch of projects,
    not per description: a round trip through the pool costs a pickling, a pipe
    and two thread hand-offs on each side, as much as rendering a short README.
    """

    def __init__(self, processes: int = 1) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork, not spawn/forkserver: those re-run the caller's __main__ in each child, which
        # breaks any script that calls import_all() without an `if __name__ == "__main__"` guard.
        # The processes are started here, before the importer starts its threads.
        self.pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork"),
                                        initializer=_exit_with_parent, initargs=(os.getpid(),))
        for ready in [self.pool.submit(len, "") for _ in range(processes)]:
            ready.result()

    def submit(self, descriptions: list[Description]) -> Future[list[str | None]]:
        return self.pool.submit(render_all, descriptions)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "RenderPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _exit_with_parent(parent: int) -> None:
    """In each render process: exit once the importer is gone.

    An importer killed outright (SIGKILL, the OOM killer) cannot stop its pool,
    and a forked render process would wait forever for work on a queue whose
    writing end it holds itself.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


_PARENT_CHECK_SECONDS = 1.0
