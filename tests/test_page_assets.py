"""``afx_docs.style_bundle`` and ``afx_docs.deferred_scripts`` on tiny Sphinx sites.

Each test builds a two-page site with Sphinx's basic theme, the two extensions, and style
sheets and scripts of its own, then reads the HTML and the bundle. The built site's own pages
are checked in the browser suite (tests/browser/test_loading.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from afx_docs import deferred_scripts, style_bundle
from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript
from sphinx.errors import ExtensionError

CONF = """\
extensions = ["afx_docs.style_bundle", "afx_docs.deferred_scripts"]
html_theme = "basic"  # alabaster also writes a link of its own in its template
html_static_path = ["_static"]
html_css_files = {css!r}
html_js_files = {js!r}
"""
FILES = {
    "a.css": "p { color: #111; }\n/*# sourceMappingURL=a.css.map */\n",
    "b.css": "em { color: #222; }",  # no final newline
    "a.js": "window.a = 1;\n",
}


def build(
    root: Path,
    *,
    css: list[Any] | None = None,
    js: list[Any] | None = None,
    extra_conf: str = "",
    files: dict[str, str] = FILES,
    force_all: bool = True,
) -> Path:
    """Build the tiny site under ``root``; return the output folder.

    Only files whose text changes are written, so that a second build with
    ``force_all=False`` sees only those changes (a rewritten page source is rebuilt).
    """
    src = root / "src"
    sources = {
        **{f"_static/{name}": text for name, text in files.items()},
        "conf.py": CONF.format(css=css or ["a.css", "b.css"], js=js or ["a.js"]) + extra_conf,
        "index.rst": "Tiny\n====\n\n.. toctree::\n\n   other\n",
        "other.rst": "Other\n=====\n\nText.\n",
    }
    for name, text in sources.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    out = root / "html"
    app = Sphinx(
        src, src, out, root / "doctrees", "html", status=io.StringIO(), warning=io.StringIO()
    )
    app.build(force_all=force_all)
    return out


def _links(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet"[^>]*href="([^"]+)"', html)


def test_every_page_links_one_bundle_of_its_style_sheets_in_order(tmp_path: Path) -> None:
    out = build(tmp_path)
    pages = [out / "index.html", out / "other.html"]
    links = [_links(p.read_text(encoding="utf-8")) for p in pages]
    assert links[0] == links[1], links
    assert len(links[0]) == 1, links
    href, _, checksum = links[0][0].partition("?v=")
    assert checksum, "Sphinx's checksum of the bundle"
    bundle = (out / href).read_text(encoding="utf-8")
    parts = re.findall(r"^/\* bundled: (\S+) \*/$", bundle, re.MULTILINE)
    # The theme's own sheets first, then the project's, as Sphinx orders the links.
    assert parts[-2:] == ["_static/a.css", "_static/b.css"], parts
    assert "p { color: #111; }\n/* bundled: _static/b.css */\nem { color: #222; }\n" in bundle
    assert "sourceMappingURL" not in bundle
    for name in parts:
        assert (out / name).is_file(), name


def test_a_changed_sheet_reaches_the_bundle_when_no_page_is_written(tmp_path: Path) -> None:
    """A sheet only one page links (as explorer.css): no other page's writing refreshes it.

    Sphinx writes search.html and genindex.html in every build, which remakes their bundle;
    this one is brought up to date at build-finished.
    """
    one_page_sheet = (
        "\ndef setup(app):\n"
        "    def add(app, pagename, *args):\n"
        "        if pagename == 'other':\n"
        "            app.add_css_file('c.css')\n"
        "    app.connect('html-page-context', add)\n"
    )
    files = {**FILES, "c.css": "h1 { color: #444; }\n"}
    out = build(tmp_path, extra_conf=one_page_sheet, files=files)
    (href,) = _links((out / "other.html").read_text(encoding="utf-8"))
    bundle = out / href.partition("?")[0]
    assert bundle.read_text(encoding="utf-8").endswith("h1 { color: #444; }\n")
    assert _links((out / "index.html").read_text(encoding="utf-8")) != [href]
    written = (out / "other.html").stat().st_mtime_ns
    files["c.css"] = "h1 { color: #555; }\n"
    build(tmp_path, extra_conf=one_page_sheet, files=files, force_all=False)
    assert (out / "other.html").stat().st_mtime_ns == written, "no page was written again"
    assert bundle.read_text(encoding="utf-8").endswith("h1 { color: #555; }\n")


def test_a_sheet_with_a_media_query_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ExtensionError, match=r"_static/b\.css.*media"):
        build(tmp_path, css=["a.css", ("b.css", {"media": "print"})])


def test_a_sheet_from_another_host_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ExtensionError, match=r"https://example\.org/x\.css"):
        build(tmp_path, css=["a.css", "https://example.org/x.css"])


def test_a_sheet_rewritten_after_the_pages_fails_the_build(tmp_path: Path) -> None:
    """The check at build-finished catches a file that changes after its bundle was made."""
    late_writer = (
        "\ndef setup(app):\n"
        "    def rewrite(app, exc):\n"
        "        (app.outdir / '_static' / 'b.css').write_text('em { color: red; }')\n"
        "    app.connect('build-finished', rewrite)\n"
    )
    with pytest.raises(ExtensionError, match=r"bundle-[0-9a-f]{12}\.css differs.*b\.css"):
        build(tmp_path, extra_conf=late_writer)


def test_scripts_are_deferred_and_fetched_early_in_order(tmp_path: Path) -> None:
    out = build(tmp_path, js=["a.js", ("https://example.org/x.js", {"async": "async"})])
    html = (out / "other.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script ([^>]*)>", html)
    srcs = [re.search(r'src="([^"?]+)', s)[1] for s in scripts if "src=" in s]  # type: ignore[index]
    assert srcs[-2:] == ["_static/a.js", "https://example.org/x.js"], srcs
    for attrs in scripts:
        if "example.org" in attrs:  # it says how it loads: left alone
            assert attrs == 'async="async" src="https://example.org/x.js"', attrs
        elif "src=" in attrs:
            assert attrs.startswith('defer="defer" fetchpriority="high" src='), attrs


def test_an_inline_script_after_a_deferred_one_is_an_error() -> None:
    scripts = [_JavaScript("_static/a.js"), _JavaScript("", body="a.go()")]
    with pytest.raises(ExtensionError, match=r"page: an inline script follows _static/a\.js"):
        deferred_scripts.deferred(scripts, "page")
    # Before any of them it runs first, as it did: allowed.
    first = deferred_scripts.deferred(scripts[::-1], "page")
    assert first[0] == scripts[1]
    assert first[1].attributes == {"defer": "defer", "fetchpriority": "high"}


def test_a_script_given_as_a_bare_string_is_an_error() -> None:
    with pytest.raises(ExtensionError, match=r"'_static/old\.js' is a bare string"):
        deferred_scripts.deferred(["_static/old.js"], "page")


def test_mystnb_sheet_must_match_its_digest(tmp_path: Path) -> None:
    class App:
        outdir = tmp_path

        class config:  # stands in for Sphinx's config object
            html_theme = "alabaster"

    with pytest.raises(ExtensionError, match="another SHA-256"):
        style_bundle._final_text(App(), f"_static/mystnb.{'0' * 64}.css")  # type: ignore[arg-type]
