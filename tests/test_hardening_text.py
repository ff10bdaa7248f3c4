"""Stored text is shown as typed (issue 17): markdown in a scenario note, a proposal
title or a NET note is never rendered, so no remote image is fetched, no link made."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from pages._shared import plain

HOSTILE = [
    "![x](http://attacker.example/pixel.png)",
    "[click](http://attacker.example/)",
    "<img src=http://attacker.example/p.png>",
    "http://attacker.example/auto",
    "www.attacker.example",
    "**bold** _it_ `code` # head\n- item\n1. one",
    "US$5 to US$6 $x^2$",
    "&lt;b&gt; &amp; &#60;",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_renders_as_typed(text: str) -> None:
    md = MarkdownIt("commonmark")  # html on: raw <img> would pass through
    html = md.render(plain(text))
    assert "<img" not in html and "<a " not in html and "<strong>" not in html
    assert "<em>" not in html and "<code>" not in html and "<h1>" not in html
    assert "<li>" not in html
    # What a reader sees is the text itself (HTML-unescaped, line breaks aside).
    shown = md.renderInline(plain(text).replace("  \n", " "))
    import html as html_module

    # Zero-width spaces break bare-address linking (below) and are invisible.
    seen = html_module.unescape(shown).replace("\n", " ").replace("\u200b", "")
    assert seen == text.replace("\n", " "), (seen, text)


@pytest.mark.parametrize(
    "text", ["http://127.0.0.1:9/p.png", "see HTTPS://x.example/a", "www.x.example", "a@b.example"]
)
def test_bare_addresses_are_not_linked(text: str) -> None:
    # Streamlit's renderer links bare addresses (GFM autolinks) even when escaped: the
    # text shown must no longer hold a linkable scheme, "www." or address.
    shown = plain(text).replace("\\", "")
    for token in ("http:", "https:", "HTTPS:", "www.", "a@b"):
        assert token not in shown
