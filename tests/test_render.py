import pytest
import readme_renderer.rst

from pypioncouch.emulator import CAPTURED_PROJECTS, captured_payload
from pypioncouch.render import render_description, render_rst


def test_markdown_is_rendered_and_sanitized() -> None:
    html = render_description("# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))", "text/markdown")
    assert "<h1" in html and "Title" in html
    assert "<script" not in html
    assert "javascript:" not in html


def test_rst_is_the_default_like_on_pypi() -> None:
    assert "<strong>bold</strong>" in render_description("**bold**", None)


def test_broken_rst_falls_back_to_plain_text() -> None:
    html = render_description(".. raw:: html\n\n   <script>x</script>\n\n`unclosed", "text/x-rst")
    assert html is not None and "<script>" not in html


def test_unknown_content_type_renders_as_text_and_empty_gives_none() -> None:
    assert "&lt;b&gt;" in render_description("<b>", "application/x-unknown")
    assert render_description("", "text/markdown") is None


RST_SAMPLES = [
    "Title\n=====\n\nA *para* with ``code`` and a `link <https://example.org>`_.\n\n.. code:: python\n\n   print(1)\n",
    ":Author: me\n:Version: 1\n\nBody [#]_.\n\n.. [#] note\n",
    "Broken `reference_\n\n.. image:: javascript:alert(1)\n",
    ".. raw:: html\n\n   <script>x</script>\n",
]


@pytest.mark.parametrize("text", RST_SAMPLES + [captured_payload(n)["info"]["description"] or "" for n in CAPTURED_PROJECTS])
def test_fast_rst_rendering_equals_readme_renderer(text: str) -> None:
    assert render_rst(text) == readme_renderer.rst.render(text)


def test_the_render_pool_renders_a_batch_in_another_process_like_here() -> None:
    import os

    from pypioncouch.render import RenderPool, render_all
    batch = [(text, "text/x-rst") for text in RST_SAMPLES] + [("# T", "text/markdown"), (None, None), ("", "text/plain")]
    with RenderPool() as pool:
        assert pool.submit(batch).result(timeout=60) == render_all(batch)
        assert pool.pool.submit(os.getpid).result(timeout=60) != os.getpid()
