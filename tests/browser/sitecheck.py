"""Page checks for the built site, as plain functions over a Playwright page.

Each check returns a list of :class:`Problem`; an empty list means the page passed. The same
functions run against the real site (test_site.py) and against tiny generated pages with
planted defects (test_checker.py), which shows that they can fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, Request, Response
from playwright.sync_api import Error as PlaywrightError

# --- the browser -----------------------------------------------------------------------------

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Keep Chromium off the network: every host name but 127.0.0.1 fails to resolve, so a page
# that needs a CDN breaks here as it would offline; no QUIC, no background or update traffic.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_args() -> list[str]:
    """The flags above, plus --no-sandbox when running as root (Chromium refuses otherwise)."""
    return [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]


def find_chromium(preferred: str | None = None) -> str:
    """The Chromium executable to drive: ``preferred``, $CHROMIUM_PATH, or Debian's chromium."""
    for candidate in (preferred, os.environ.get("CHROMIUM_PATH"), DEFAULT_CHROMIUM):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise FileNotFoundError(
        "No Chromium found (tried --chromium, $CHROMIUM_PATH, /usr/bin/chromium). "
        "Install Debian's: apt-get install -y chromium fonts-wqy-microhei"
    )


# --- problems --------------------------------------------------------------------------------

# Kinds of problem, one per check. "load" means the page could not be loaded or checked at
# all: every test about that page reports it.
KINDS = (
    "load",  # navigation failed or a check crashed
    "console",  # console.error or a browser error message in the console
    "pageerror",  # uncaught exception in the page
    "request",  # a request that failed or answered with status >= 400
    "offline",  # a request to any host but the local server
    "image",  # an image that did not load
    "alt",  # an image without real alt text
    "math",  # raw TeX left visible, or a <math> element not rendered
    "theme",  # the requested light/dark theme did not apply
    "overflow",  # horizontal scrolling on a phone
    "nav",  # the phone navigation drawer does not open
    "axe",  # axe-core serious or critical violation
    "search",  # site search does not find the expected page
)


@dataclass(frozen=True)
class Problem:
    kind: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.detail}"


def format_problems(problems: Iterable[Problem]) -> str:
    return "\n".join(f"  - {p}" for p in problems)


# --- network and console ---------------------------------------------------------------------


class PageWatch:
    """Records console errors, page errors, failed or >= 400 requests and off-site requests.

    Attach before navigating. Requests to any origin but ``origin`` are reported, whatever
    their outcome; data:, blob: and about: URLs stay inside the page and are ignored.
    """

    LOCAL_SCHEMES = frozenset({"data", "blob", "about", "javascript"})

    def __init__(self, page: Page, origin: str, where: str) -> None:
        self.origin = _origin(origin)
        self.where = where
        self.problems: list[Problem] = []
        self.pending = 0
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)
        page.on("request", self._on_request)
        page.on("requestfailed", self._on_requestfailed)
        page.on("response", self._on_response)
        page.on("requestfinished", self._on_done)

    def settle(self, page: Page, timeout: float = 5000) -> None:
        """Wait until no request of the page is in flight (cheaper than networkidle)."""
        waited = 0.0
        while self.pending > 0 and waited < timeout:
            page.wait_for_timeout(50)
            waited += 50

    def _add(self, kind: str, detail: str) -> None:
        self.problems.append(Problem(kind, self.where, detail))

    def _on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            url = (msg.location or {}).get("url", "")
            self._add("console", f"{msg.text}" + (f" (at {url})" if url else ""))

    def _on_pageerror(self, error: PlaywrightError) -> None:
        self._add("pageerror", f"{error.name}: {error.message}".strip(": "))

    def _on_done(self, request: Request) -> None:
        self.pending -= 1

    def _on_request(self, request: Request) -> None:
        self.pending += 1
        url = request.url
        scheme = urlsplit(url).scheme
        if scheme in self.LOCAL_SCHEMES:
            return
        if _origin(url) != self.origin:
            self._add("offline", f"request to {urlsplit(url).netloc or url}: {url}")

    def _on_requestfailed(self, request: Request) -> None:
        self.pending -= 1
        self._add("request", f"failed ({request.failure}): {request.url}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self._add("request", f"status {response.status}: {response.url}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- single checks (the page is loaded) ------------------------------------------------------

_IMAGES_JS = """
async () => {
  const imgs = [...document.images];
  for (const img of imgs) if (img.loading === "lazy") img.loading = "eager";
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done, {once: true});
    img.addEventListener("error", done, {once: true});
    setTimeout(done, 10000);
  })));
  return imgs.map(img => ({
    src: img.getAttribute("src") || "", url: img.currentSrc || img.src,
    alt: img.getAttribute("alt"), width: img.naturalWidth,
  }));
}
"""

_IMAGE_FILE = re.compile(r"^\S+\.(png|jpe?g|gif|svg|webp|avif|bmp|ico)$", re.IGNORECASE)


def _basename(url: str) -> str:
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def check_images(page: Page, where: str) -> list[Problem]:
    """Every <img> loads (naturalWidth > 0) and has alt text that is not its file path.

    docutils writes the image's path as alt when the author gave none, so an alt equal to the
    src, to its file name, or that is just an image file name counts as missing.
    """
    problems = []
    for img in page.evaluate(_IMAGES_JS):
        src, alt = img["src"], img["alt"]
        if img["width"] == 0:
            problems.append(Problem("image", where, f"image does not load: {src}"))
        text = (alt or "").strip()
        if alt is None:
            problems.append(Problem("alt", where, f"image has no alt attribute: {src}"))
        elif not text:
            problems.append(Problem("alt", where, f"image has empty alt text: {src}"))
        elif (
            text in {src, img["url"]}
            or _basename(text) == _basename(src)
            or _IMAGE_FILE.match(text)
        ):
            problems.append(Problem("alt", where, f"alt text is the file path {text!r}: {src}"))
    return problems


# TeX that a reader should never see: delimiters and common commands, outside <math>, code.
_MATH_JS = r"""
() => {
  const skip = "math, pre, code, kbd, samp, script, style, noscript, textarea, template, svg";
  const tex = new RegExp(String.raw`\$\$|\\[()\[\]]|\\(?:frac|dfrac|tfrac|begin|end|left|right|mathrm|mathbf|mathbb|mathcal|operatorname|text|sum|prod|int|sqrt|cdot|cdots|ldots|times|infty|partial|nabla|sigma|tanh|sinh|cosh|exp|log|ln|max|min|lim|alpha|beta|gamma|delta|epsilon|varepsilon|lambda|mu|pi|theta|leq?|geq?|neq|approx|in|to|mapsto|quad|qquad)(?![A-Za-z])|\$[^$\n]*\\[A-Za-z]+[^$\n]*\$|[_^]\{`);
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (tex.test(node.nodeValue)) raw.push(node.nodeValue.trim().replace(/\s+/g, " ").slice(0, 100));
  }
  const maths = [...document.querySelectorAll("math")].map(m => {
    const r = m.getBoundingClientRect();
    return {
      width: r.width, height: r.height, shown: m.checkVisibility(),
      text: (m.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60),
      error: m.querySelector("merror") !== null,
    };
  });
  return {raw, maths};
}
"""


def check_math(page: Page, where: str) -> list[Problem]:
    """No raw TeX outside <math>/<pre>/<code>; each shown <math> has a non-zero rendered size."""
    found = page.evaluate(_MATH_JS)
    problems = [Problem("math", where, f"raw TeX visible: {text!r}") for text in found["raw"]]
    for m in found["maths"]:
        if m["error"]:
            problems.append(Problem("math", where, f"<math> contains <merror>: {m['text']!r}"))
        if not m["text"]:
            problems.append(Problem("math", where, "empty <math> element"))
        elif m["shown"] and (m["width"] <= 0 or m["height"] <= 0):
            problems.append(
                Problem(
                    "math",
                    where,
                    f"<math> not rendered ({m['width']:.0f}x{m['height']:.0f} px): {m['text']!r}",
                )
            )
    return problems


_OVERFLOW_JS = """
() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  if (root.scrollWidth <= limit) return null;
  const scrolls = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (["auto", "scroll", "hidden", "clip"].includes(s.overflowX)) return true;
      if (s.position === "fixed") return true;
    }
    return false;
  };
  const culprits = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right <= limit + 0.5 || r.width === 0 || scrolls(el)) continue;
    if (getComputedStyle(el).position === "fixed") continue;
    if (culprits.some(c => c.el.contains(el))) continue;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      [...el.classList].slice(0, 3).map(c => "." + c).join("");
    culprits.push({el, text: `${name} (right edge ${Math.round(r.right)} px)`});
    if (culprits.length >= 5) break;
  }
  return {scroll: root.scrollWidth, client: limit, culprits: culprits.map(c => c.text)};
}
"""


def check_overflow(page: Page, where: str) -> list[Problem]:
    """No horizontal scrolling: document scrollWidth <= clientWidth."""
    found = page.evaluate(_OVERFLOW_JS)
    if found is None:
        return []
    culprits = "; ".join(found["culprits"]) or "no single element found"
    return [
        Problem(
            "overflow",
            where,
            f"page scrolls sideways: scrollWidth {found['scroll']} > clientWidth "
            f"{found['client']}; widest: {culprits}",
        )
    ]


_DRAWER_OPEN_JS = """
() => {
  const drawer = document.querySelector(".sidebar-drawer");
  if (!drawer || !drawer.checkVisibility()) return false;
  const r = drawer.getBoundingClientRect();
  if (r.width <= 0 || r.left < -1 || r.left >= innerWidth) return false;
  return [...drawer.querySelectorAll("a[href]")].some(a => {
    const b = a.getBoundingClientRect();
    return a.checkVisibility() && b.width > 0 && b.left >= 0 && b.right <= innerWidth + 1;
  });
}
"""


def check_navigation(page: Page, where: str, timeout: float = 3000) -> list[Problem]:
    """Furo's phone navigation: the header's toggle opens the sidebar drawer with its links.

    Furo hides the drawer left of the viewport; the header's ``label[for=__navigation]``
    checks a hidden checkbox, whose CSS slides the drawer in.
    """
    toggle = page.locator('.mobile-header label[for="__navigation"]')
    if toggle.count() == 0 or not toggle.first.is_visible():
        return [Problem("nav", where, "no visible navigation toggle in the header")]
    if page.evaluate(_DRAWER_OPEN_JS):
        return [Problem("nav", where, "navigation drawer is already open before the click")]
    toggle.first.click()
    try:
        page.wait_for_function(_DRAWER_OPEN_JS, timeout=timeout)
    except PlaywrightError:
        return [Problem("nav", where, "navigation drawer did not open after clicking the toggle")]
    return []


def check_favicon(page: Page, where: str) -> list[Problem]:
    """The page's icon exists. Without ``<link rel=icon>`` browsers ask for /favicon.ico.

    Browsers fetch icons outside the page's own requests, so a missing icon shows up only
    as one console error in the whole browser session; this check makes it per page.
    """
    hrefs = page.eval_on_selector_all('link[rel~="icon"]', "links => links.map(l => l.href)")
    problems = []
    for href in hrefs or [urljoin(page.url, "/favicon.ico")]:
        status = page.request.get(href).status
        if status >= 400:
            declared = "declared icon" if hrefs else "no <link rel=icon>, and /favicon.ico"
            problems.append(Problem("request", where, f"{declared} answers {status}: {href}"))
    return problems


def check_theme(page: Page, where: str, theme: str) -> list[Problem]:
    """Furo applied the theme stored in localStorage: body[data-theme] equals it."""
    actual = page.evaluate("document.body.dataset.theme")
    if actual != theme:
        return [Problem("theme", where, f"body[data-theme] is {actual!r}, expected {theme!r}")]
    return []


AXE = Axe()  # axe-core as bundled by axe-playwright-python, injected from the local file
AXE_IMPACTS = ("serious", "critical")


def check_axe(page: Page, where: str, impacts: Iterable[str] = AXE_IMPACTS) -> list[Problem]:
    """axe-core finds no violation of the given impacts (serious and critical by default)."""
    impacts = set(impacts)
    results = AXE.run(page).response
    problems = []
    for v in results["violations"]:
        if v.get("impact") not in impacts:
            continue
        nodes = v["nodes"]
        targets = ", ".join(" ".join(map(str, n["target"])) for n in nodes[:3])
        more = f" and {len(nodes) - 3} more" if len(nodes) > 3 else ""
        snippet = nodes[0]["html"][:160] if nodes else ""
        problems.append(
            Problem(
                "axe",
                where,
                f"{v['id']} ({v['impact']}): {v['help']} -- {len(nodes)} node(s): "
                f"{targets}{more}; first: {snippet}",
            )
        )
    return problems


# --- whole pages -----------------------------------------------------------------------------


def check_page(
    page: Page,
    url: str,
    *,
    theme: str | None = "light",
    phone: bool = False,
    axe: bool = True,
    screenshot: Path | None = None,
    where: str | None = None,
) -> list[Problem]:
    """Load ``url`` in a fresh ``page`` and run every page check on it.

    ``theme`` ("light"/"dark") is stored in localStorage before the page's scripts run, as
    furo's theme toggle does; ``phone`` adds the phone checks (no sideways scrolling, the
    navigation opens; the page's context should have the phone viewport). ``screenshot``
    writes a full-page PNG. Requests anywhere but the page's own origin are reported.
    """
    where = where or url
    if theme is not None:
        page.add_init_script(f"localStorage.setItem('theme', {json.dumps(theme)})")
    watch = PageWatch(page, url, where)
    try:
        response = page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
    except PlaywrightError as error:
        return [*watch.problems, Problem("load", where, f"could not load: {error.message}")]
    problems: list[Problem] = []
    if response is None or response.status >= 400:
        status = "no response" if response is None else f"status {response.status}"
        problems.append(Problem("load", where, f"page itself answered {status}"))
    steps: list[tuple[str, Any]] = [
        ("favicon", lambda: check_favicon(page, where)),
        ("images", lambda: check_images(page, where)),
        ("math", lambda: check_math(page, where)),
    ]
    if theme is not None:
        steps.append(("theme", lambda: check_theme(page, where, theme)))
    if phone:
        steps.append(("overflow", lambda: check_overflow(page, where)))
    if screenshot is not None:
        steps.append(("screenshot", lambda: _screenshot(page, screenshot)))
    if axe:
        steps.append(("axe", lambda: check_axe(page, where)))
    if phone:
        steps.append(("nav", lambda: check_navigation(page, where)))  # last: it opens the drawer
    for name, step in steps:
        try:
            problems += step()
        except PlaywrightError as error:
            problems.append(Problem("load", where, f"{name} check crashed: {error.message}"))
    watch.settle(page)  # catch what the checks themselves triggered
    return problems + watch.problems


def _screenshot(page: Page, path: Path) -> list[Problem]:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return []


_SEARCH_HIT_JS = """
([expected]) => [...document.querySelectorAll("#search-results a[href]")]
  .some(a => new URL(a.href).pathname.split("/").pop() === expected)
"""


def check_search(
    page: Page,
    base_url: str,
    query: str = "sigmoid",
    expected: str = "sigmoid.html",
    *,
    search_page: str = "search.html",
    timeout: float = 15000,
) -> list[Problem]:
    """The site search, loaded as ``search.html?q=query``, lists a link to ``expected``."""
    url = urljoin(base_url, f"{search_page}?q={query}")
    watch = PageWatch(page, url, url)
    try:
        page.goto(url, wait_until="load")
    except PlaywrightError as error:
        return [*watch.problems, Problem("load", url, f"could not load: {error.message}")]
    problems = []
    try:
        page.wait_for_function(_SEARCH_HIT_JS, arg=[expected], timeout=timeout)
    except PlaywrightError:
        shown = page.locator("#search-results").all_inner_texts()
        summary = " ".join(" ".join(shown).split())[:300] or "no #search-results element"
        problems.append(
            Problem("search", url, f"no result links to {expected} for {query!r}; shown: {summary}")
        )
    page.wait_for_load_state("networkidle")
    return problems + watch.problems
