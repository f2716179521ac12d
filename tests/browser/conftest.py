"""Browser tests of the built site: Playwright for Python driving Debian's Chromium.

Run them with ``nox -s browser`` (which builds the site first if there is none), or by
naming this folder: ``pytest tests/browser [--site docs/_build/html]``. A plain ``pytest``
(testpaths = tests) does not collect them: they need a browser and a built site, and the
``tests`` session's environment has neither.

Nothing here imports Playwright at module level, so that loading this conftest in an
environment without it is harmless.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# --import-mode=importlib does not put test folders on sys.path: the helpers live here.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext
    from sitecheck import Problem


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("site", "browser tests of the built site (tests/browser)")
    group.addoption(
        "--site",
        default=str(ROOT / "docs" / "_build" / "html"),
        help="built HTML site to test (default: docs/_build/html); it must exist",
    )
    group.addoption(
        "--screenshots",
        default=None,
        help="where to write the screenshots (default: the site folder's sibling 'screenshots')",
    )
    group.addoption(
        "--chromium",
        default=None,
        help="Chromium executable (default: $CHROMIUM_PATH, else /usr/bin/chromium)",
    )


def _asked_for(config: pytest.Config) -> bool:
    """True when the command line names this folder or something in it."""
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        return False
    base = config.invocation_params.dir
    for arg in config.args:
        path = (base / arg.split("::", 1)[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # Collected only when asked for by path, never by a plain `pytest` over testpaths.
    if collection_path != HERE and HERE in collection_path.parents and not _asked_for(config):
        return True
    return None


# --- the browser (pytest-playwright fixtures, pointed at Debian's Chromium) ------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], pytestconfig: pytest.Config
) -> dict[str, Any]:
    import sitecheck

    try:
        executable = sitecheck.find_chromium(pytestconfig.getoption("chromium"))
    except FileNotFoundError as error:
        pytest.fail(str(error), pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [*browser_type_launch_args.get("args", []), *sitecheck.chromium_args()],
    }


# --- the site ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_dir(pytestconfig: pytest.Config) -> Path:
    site = Path(pytestconfig.getoption("site")).resolve()
    if not (site / "index.html").is_file():
        pytest.fail(
            f"No built site at {site} (no index.html). Build it with `nox -s docs`, "
            "or run `nox -s browser`, which builds it when it is missing.",
            pytrace=False,
        )
    return site


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """The site served over HTTP on 127.0.0.1 at a free port, for the whole session."""
    from siteserver import serve

    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config, site_dir: Path) -> Path:
    option = pytestconfig.getoption("screenshots")
    path = Path(option).resolve() if option else site_dir.parent / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_path" in metafunc.fixturenames:
        from siteserver import discover_pages

        site = Path(metafunc.config.getoption("site")).resolve()
        pages = discover_pages(site) if (site / "index.html").is_file() else []
        if not pages:
            raise pytest.UsageError(
                f"No built site at {site}: build it with `nox -s docs` "
                "(`nox -s browser` builds it when it is missing)."
            )
        metafunc.parametrize("page_path", pages)


# --- every page, checked once per view, results shared by the tests --------------------------

VIEWS = ("light", "dark", "phone")


class SiteReport:
    """Checks each page in three views (desktop light, desktop dark, phone light) on demand
    and keeps the problems, so that each test reads one kind of problem without reloading."""

    def __init__(self, browser: Browser, base_url: str, shots: Path) -> None:
        from sitecheck import DESKTOP, PHONE

        self.base_url = base_url
        self.shots = shots
        self.desktop: BrowserContext = browser.new_context(viewport=DESKTOP)
        self.phone: BrowserContext = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True
        )
        self._done: dict[str, dict[str, list[Problem]]] = {}

    def close(self) -> None:
        self.desktop.close()
        self.phone.close()

    def _check(self, page_path: str) -> dict[str, list[Problem]]:
        from sitecheck import check_page

        stem = page_path.removesuffix(".html").replace("/", "__")
        url = self.base_url + page_path
        results = {}
        for view in VIEWS:
            context = self.phone if view == "phone" else self.desktop
            page = context.new_page()
            try:
                results[view] = check_page(
                    page,
                    url,
                    theme="dark" if view == "dark" else "light",
                    phone=view == "phone",
                    axe=view != "phone",
                    screenshot=self.shots / f"{stem}-{view}.png",
                    where=f"{page_path} ({view})",
                )
            finally:
                page.close()
        return results

    def problems(
        self, page_path: str, kinds: set[str], views: tuple[str, ...] = VIEWS
    ) -> list[Problem]:
        if page_path not in self._done:
            self._done[page_path] = self._check(page_path)
        found = self._done[page_path]
        return [p for view in views for p in found[view] if p.kind in kinds or p.kind == "load"]


@pytest.fixture(scope="session")
def site_report(browser: Browser, site_url: str, screenshot_dir: Path) -> Iterator[SiteReport]:
    report = SiteReport(browser, site_url, screenshot_dir)
    yield report
    report.close()
