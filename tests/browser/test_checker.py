"""The checker checked: tiny generated pages with planted defects, served like the site.

A clean page must pass every check in every view, and each planted defect (a broken image,
an image without alt text, a CDN script, low-contrast text, raw TeX, a page that scrolls
sideways on a phone, ...) must be reported by the check meant to catch it. The same functions
run against the real site in test_site.py.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sitecheck import AXE, DESKTOP, PHONE, Problem, check_page, check_search, format_problems
from siteserver import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext


def png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (30, 90, 200)) -> bytes:
    """A solid-colour PNG, written by hand."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


# A page shaped like furo's where the checks look: the theme read from localStorage into
# body[data-theme], and a phone header whose label opens a sidebar drawer.
STYLE = """
body { margin: 0; font: 16px/1.5 sans-serif; background: #fff; color: #222; }
body[data-theme="dark"] { background: #131416; color: #e8e8e8; }
main { padding: 1rem; }
.mobile-header { padding: 0.5rem 1rem; }
#__navigation { position: absolute; opacity: 0; pointer-events: none; }
.sidebar-drawer { position: fixed; top: 0; bottom: 0; left: -16em; width: 15em;
                  background: inherit; padding: 1rem; }
#__navigation:checked ~ .sidebar-drawer { left: 0; }
.faint { color: #c8c8c8; }
body[data-theme="dark"] .faint { color: #2e2e2e; }
"""

NAV = """
<input type="checkbox" id="__navigation" aria-label="Toggle navigation">
<header class="mobile-header"><label for="__navigation">Menu</label></header>
<aside class="sidebar-drawer"><a href="clean.html">Home</a> <a href="sigmoid.html">Sigmoid</a></aside>
"""


def html(body: str, *, nav: str = NAV, head: str = "") -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Checker page</title><link rel="icon" href="icon.png"><style>{STYLE}</style>{head}
</head><body>
<script>document.body.dataset.theme = localStorage.getItem("theme") || "auto";</script>
{nav}
<main><h1>Checker page</h1>
{body}
</main></body></html>
"""


CLEAN_BODY = """
<p>The sigmoid <math><mi>σ</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo>
<mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow>
</msup></mrow></mfrac></math> maps the line into (0, 1).</p>
<p><img src="ok.png" width="80" height="80" alt="A blue square"></p>
<pre><code>r"\\frac{1}{2} $$ in code"</code></pre>
"""

SEARCH_JS = """
<div id="search-results"></div>
<script>
setTimeout(() => {
  const q = new URLSearchParams(location.search).get("q");
  document.getElementById("search-results").innerHTML = q === "sigmoid"
    ? '<ul class="search"><li><a href="sigmoid.html?highlight=sigmoid">Sigmoid</a></li></ul>'
    : "<p>Your search did not match any documents.</p>";
}, 200);
</script>
"""

PAGES = {
    "clean.html": html(CLEAN_BODY),
    "sigmoid.html": html("<p>The sigmoid page.</p>"),
    "search.html": html(SEARCH_JS),
    "broken_image.html": html('<p><img src="missing.png" alt="A chart of the sigmoid"></p>'),
    "no_alt.html": html('<p><img src="ok.png"></p>'),
    "path_alt.html": html('<p><img src="_images/ok.png" alt="_images/ok.png"></p>'),
    "name_alt.html": html('<p><img src="_images/ok.png" alt="../figures/ok.png"></p>'),
    "cdn_script.html": html(
        "<p>Math.</p>",
        head='<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>',
    ),
    "low_contrast.html": html('<p class="faint">Hard to read in either theme.</p>'),
    "raw_tex.html": html(r"<p>The sigmoid is \(\frac{1}{1+e^{-x}}\).</p>"),
    "raw_dollars.html": html(r"<p>$$\sigma(x) = \frac{1}{1+e^{-x}}$$</p>"),
    "empty_math.html": html("<p>A formula: <math></math>.</p>"),
    "errors.html": html(
        '<script>console.error("planted console error");'
        'setTimeout(() => { throw new Error("planted uncaught error"); });</script>'
    ),
    "not_found_asset.html": html('<link rel="stylesheet" href="_static/missing.css">'),
    "wide.html": html('<div style="width: 1200px">A table far wider than a phone.</div>'),
    "no_nav.html": html("<p>No header toggle.</p>", nav=""),
    "stuck_nav.html": html(
        "<p>The toggle does nothing.</p>",
        nav=NAV.replace('id="__navigation"', 'id="__elsewhere"'),
    ),
}

# page -> (view, the kinds of problem it must produce exactly, a phrase the report must contain)
# Side effects are listed too: a 404 is also a console error; a blocked CDN script is an
# off-site request, a failed request and a console error.
PLANTED = {
    "broken_image.html": ("light", {"image", "request", "console"}, "missing.png"),
    "no_alt.html": ("light", {"alt", "axe"}, "no alt attribute"),
    "path_alt.html": ("light", {"alt"}, "file path"),
    "name_alt.html": ("light", {"alt"}, "file path"),
    "cdn_script.html": ("light", {"offline", "request", "console"}, "cdn.jsdelivr.net"),
    "low_contrast.html": ("light", {"axe"}, "color-contrast (serious)"),
    "raw_tex.html": ("light", {"math"}, "raw TeX"),
    "raw_dollars.html": ("light", {"math"}, "raw TeX"),
    "empty_math.html": ("light", {"math"}, "empty <math>"),
    "errors.html": ("light", {"console", "pageerror"}, "planted uncaught error"),
    "not_found_asset.html": ("light", {"request", "console"}, "status 404"),
    "wide.html": ("phone", {"overflow"}, "div (right edge"),
    "no_nav.html": ("phone", {"nav"}, "no visible navigation toggle"),
    "stuck_nav.html": ("phone", {"nav"}, "did not open"),
}


@pytest.fixture(scope="module")
def planted_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("planted")
    for name, text in PAGES.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "_images").mkdir()
    for path in (root / "ok.png", root / "_images" / "ok.png", root / "icon.png"):
        path.write_bytes(png())
    with serve(root) as url:
        yield url


@pytest.fixture(scope="module")
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    made = {
        "desktop": browser.new_context(viewport=DESKTOP),
        "phone": browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True),
    }
    yield made
    for context in made.values():
        context.close()


def run(contexts: dict[str, BrowserContext], url: str, view: str) -> list[Problem]:
    page = contexts["phone" if view == "phone" else "desktop"].new_page()
    try:
        return check_page(
            page, url, theme="dark" if view == "dark" else "light", phone=view == "phone"
        )
    finally:
        page.close()


@pytest.mark.parametrize("view", ["light", "dark", "phone"])
def test_clean_page_passes(
    contexts: dict[str, BrowserContext], planted_site: str, view: str
) -> None:
    problems = run(contexts, planted_site + "clean.html", view)
    assert not problems, format_problems(problems)


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_defect_is_reported(
    contexts: dict[str, BrowserContext], planted_site: str, name: str
) -> None:
    view, kinds, phrase = PLANTED[name]
    problems = run(contexts, planted_site + name, view)
    report = format_problems(problems)
    assert {p.kind for p in problems} == kinds, report
    assert phrase in report, report


def test_low_contrast_is_reported_in_dark_theme_too(
    contexts: dict[str, BrowserContext], planted_site: str
) -> None:
    problems = run(contexts, planted_site + "low_contrast.html", "dark")
    assert [p.kind for p in problems] == ["axe"], format_problems(problems)
    assert "color-contrast" in problems[0].detail


def test_search_check(contexts: dict[str, BrowserContext], planted_site: str) -> None:
    page = contexts["desktop"].new_page()
    try:
        assert check_search(page, planted_site, "sigmoid", "sigmoid.html") == []
        missed = check_search(page, planted_site, "tanh", "tanh.html", timeout=2000)
    finally:
        page.close()
    assert [p.kind for p in missed] == ["search"], format_problems(missed)
    assert "did not match" in missed[0].detail


def test_axe_is_the_bundled_copy(contexts: dict[str, BrowserContext], planted_site: str) -> None:
    """axe-core is injected from axe-playwright-python's bundled file; nothing is fetched."""
    match = re.match(r"/\*! axe v(\d+\.\d+\.\d+)", AXE.axe_script)
    assert match, "axe-playwright-python's bundled axe.min.js has no version header"
    page = contexts["desktop"].new_page()
    try:
        page.goto(planted_site + "clean.html")
        page.evaluate(AXE.axe_script)
        assert page.evaluate("axe.version") == match.group(1)
    finally:
        page.close()


def test_problem_kinds_are_known() -> None:
    from sitecheck import KINDS

    assert {kind for _, kinds, _ in PLANTED.values() for kind in kinds} <= set(KINDS)
