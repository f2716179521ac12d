"""How each built page loads before its first paint.

- one style sheet per page (afx_docs.style_bundle), made of the site's style sheets exactly as
  they are served, in order;
- no script that stops the parser: every external script is deferred (afx_docs.deferred_scripts
  and the search page's template);
- the reader's stored theme applied from <head> (docs/_templates/base.html), with no script
  file needed for it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from siteserver import discover_pages

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser

LINK = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*>")
SCRIPT = re.compile(r"<script\b([^>]*)>")
#: A bundle's part: the comment naming the file, then the file's text.
PART = re.compile(r"^/\* bundled: (?P<name>\S+) \*/\n", re.MULTILINE)
SOURCE_MAP = re.compile(r"^/\*# sourceMappingURL=[^*]*\*/[ \t]*$\n?", re.MULTILINE)


def _html_pages(site_dir: Path) -> list[str]:
    pages = discover_pages(site_dir)
    assert len(pages) > 10, pages
    return pages


def test_one_style_sheet_per_page_made_of_the_served_files(site_dir: Path) -> None:
    """Each page links one bundle, and the bundle is its files' text, in order, as served."""
    bundles: set[str] = set()
    for page in _html_pages(site_dir):
        links = LINK.findall((site_dir / page).read_text(encoding="utf-8"))
        assert len(links) == 1, f"{page}: {links}"
        (href,) = re.findall(r'href="([^"?]+)', links[0])
        assert re.fullmatch(r"_static/bundle-[0-9a-f]{12}\.css", href), (page, href)
        bundles.add(href)
    for href in sorted(bundles):
        text = (site_dir / href).read_text(encoding="utf-8")
        parts = list(PART.finditer(text))
        names = [m["name"] for m in parts]
        assert {"_static/styles/furo.css", "_static/pygments.css", "_static/site.css"} <= set(
            names
        ), (href, names)
        assert names.index("_static/pygments.css") < names.index("_static/site.css"), names
        ends = [m.start() for m in parts[1:]] + [len(text)]
        for match, end in zip(parts, ends, strict=True):
            served = SOURCE_MAP.sub("", (site_dir / match["name"]).read_text(encoding="utf-8"))
            assert text[match.end() : end].rstrip("\n") == served.rstrip("\n"), match["name"]


def test_no_script_stops_the_parser(site_dir: Path) -> None:
    """Every external script is deferred (or async), and <body> runs no inline script.

    An inline script after the style sheets (furo puts one at the top of <body>) would stop
    the parser until they have all loaded. Inline data (``type="application/json"``) is inert.
    """
    for page in _html_pages(site_dir):
        html = (site_dir / page).read_text(encoding="utf-8")
        external = [a for a in SCRIPT.findall(html) if "src=" in a]
        assert external, page
        blocking = [a for a in external if not re.search(r"\b(defer|async)\b", a)]
        assert not blocking, f"{page}: {blocking}"
        body = html[html.index("<body") :]
        inline = [a for a in SCRIPT.findall(body) if "src=" not in a and "json" not in a]
        assert not inline, f"{page}: inline script(s) in <body>: {inline}"
        furo = [a for a in external if "scripts/furo.js" in a]
        assert len(furo) == 1, f"{page}: {furo}"
        assert 'fetchpriority="high"' in furo[0], f"{page}: {furo}"


@pytest.mark.parametrize("themed_page", ["tanh.html", "search.html"])
@pytest.mark.parametrize("stored", ["dark", "light"])
def test_stored_theme_without_any_script_file(
    browser: Browser, site_url: str, themed_page: str, stored: str
) -> None:
    """The stored theme is on <body> even if no script file ever loads.

    The page is shown in the opposite colour scheme, so the theme the page ends up with can
    only come from the stored choice, set by the inline script in <head>.
    """
    opposite = "light" if stored == "dark" else "dark"
    context = browser.new_context(color_scheme=opposite)
    try:
        context.add_init_script(f"localStorage.setItem('theme', '{stored}')")
        context.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
        page = context.new_page()
        page.goto(f"{site_url}{themed_page}", wait_until="load")
        assert page.evaluate("document.body.dataset.theme") == stored
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
        assert (sum(channels) < 3 * 128) == (stored == "dark"), background
        # furo.js never ran: the page did not get the theme from it.
        assert page.evaluate("typeof DOCUMENTATION_OPTIONS") == "undefined"
    finally:
        context.close()
