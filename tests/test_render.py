from pypioncouch.render import render_description


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
