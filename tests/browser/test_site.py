"""The built site, page by page, in Debian's Chromium.

Every HTML page of the build is checked (search.html and genindex.html included: a reader can
open them, so they must load cleanly too) in three views: desktop light, desktop dark, and a
390 x 844 phone. Each page is loaded once per view; the tests below read one kind of problem
each from those loads. Screenshots of every page and view go to docs/_build/screenshots/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitecheck import check_search, format_problems

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import SiteReport
    from playwright.sync_api import Browser


def _assert_none(problems: list) -> None:
    assert not problems, f"{len(problems)} problem(s):\n{format_problems(problems)}"


def test_no_errors(site_report: SiteReport, page_path: str) -> None:
    """No console error, no uncaught exception, no failed request and no status >= 400."""
    _assert_none(site_report.problems(page_path, {"console", "pageerror", "request"}))


def test_offline(site_report: SiteReport, page_path: str) -> None:
    """No request to any host but the local server: the site works offline."""
    _assert_none(site_report.problems(page_path, {"offline"}))


def test_images(site_report: SiteReport, page_path: str) -> None:
    """Every image loads and has alt text that is not its file path."""
    _assert_none(site_report.problems(page_path, {"image", "alt"}, views=("light",)))


def test_math(site_report: SiteReport, page_path: str) -> None:
    """Every formula is rendered as MathML; no raw TeX is left visible."""
    _assert_none(site_report.problems(page_path, {"math"}, views=("light",)))


def test_phone_no_horizontal_scroll(site_report: SiteReport, page_path: str) -> None:
    _assert_none(site_report.problems(page_path, {"overflow"}, views=("phone",)))


def test_phone_navigation_opens(site_report: SiteReport, page_path: str) -> None:
    _assert_none(site_report.problems(page_path, {"nav"}, views=("phone",)))


def test_axe_light(site_report: SiteReport, page_path: str) -> None:
    """axe-core: no serious or critical violation in the light theme."""
    _assert_none(site_report.problems(page_path, {"axe", "theme"}, views=("light",)))


def test_axe_dark(site_report: SiteReport, page_path: str) -> None:
    """axe-core: no serious or critical violation in the dark theme."""
    _assert_none(site_report.problems(page_path, {"axe", "theme"}, views=("dark",)))


def test_screenshots(site_report: SiteReport, page_path: str, screenshot_dir: Path) -> None:
    """A light, a dark and a phone screenshot of the page were written."""
    site_report.problems(page_path, set())
    stem = page_path.removesuffix(".html").replace("/", "__")
    for view in ("light", "dark", "phone"):
        shot = screenshot_dir / f"{stem}-{view}.png"
        assert shot.is_file(), f"missing screenshot {shot}"
        assert shot.stat().st_size > 1000, f"empty screenshot {shot}"


def test_search_finds_sigmoid(browser: Browser, site_url: str) -> None:
    """search.html?q=sigmoid lists the Sigmoid page."""
    context = browser.new_context()
    try:
        _assert_none(check_search(context.new_page(), site_url, "sigmoid", "sigmoid.html"))
    finally:
        context.close()
