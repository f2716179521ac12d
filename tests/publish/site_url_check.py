"""Check a site built with SITE_URL: sitemap, canonical and Open Graph meta, the 404 page.

Run by ``nox -s publish-check`` after building the site with ``SITE_URL=<base>``:

- ``sitemap.xml`` lists exactly the built pages (every HTML file but the search page,
  the index of terms and the 404 page), once each, as absolute URLs under the base;
- every page (but 404.html) has a canonical link to its own absolute URL; every
  content page (those in the sitemap) has ``og:url`` equal to it, a non-empty
  ``og:title`` and ``og:description``, an ``og:image`` under the base that exists in
  the build, and ``twitter:card``;
- the 404 page, served as a host serves it (the site under the base's path on a local
  HTTP server; any missing path answers with 404.html), loads its CSS, JavaScript,
  images and links from ``/afx/404.html`` and from a nested missing path;
- each downloadable notebook's first cell names the served wheel by its absolute URL.

With ``--default-site`` it also checks that a build without SITE_URL has none of this.

Usage: python site_url_check.py --site DIR --base URL [--default-site DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

NOT_PAGES = {"search.html", "genindex.html", "404.html"}
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Tags(HTMLParser):
    """The meta tags, canonical link and every referenced URL of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.urls: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "meta" and ("property" in attr or "name" in attr):
            self.meta[attr.get("property") or attr["name"]] = attr.get("content", "")
        if tag == "link" and attr.get("rel") == "canonical":
            self.canonical.append(attr.get("href", ""))
        for key in ("href", "src"):
            if attr.get(key) and not (tag == "link" and attr.get("rel") == "canonical"):
                self.urls.append((tag, attr[key]))


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def built_pages(site: Path) -> list[str]:
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not any(part.startswith("_") for part in path.relative_to(site).parts)
    )


def check_sitemap(site: Path, base: str) -> list[str]:
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return ["no sitemap.xml"]
    locs = [loc.text or "" for loc in ET.parse(sitemap).getroot().iter(f"{SITEMAP_NS}loc")]
    expected = {base + page for page in built_pages(site) if page not in NOT_PAGES}
    problems = []
    if len(locs) != len(set(locs)):
        problems.append(f"sitemap lists a page twice: {sorted(locs)}")
    if set(locs) != expected:
        problems.append(
            f"sitemap differs from the built pages: missing {sorted(expected - set(locs))}, "
            f"extra {sorted(set(locs) - expected)}"
        )
    return problems


def check_meta(site: Path, base: str) -> list[str]:
    """Canonical links on every page but 404.html; Open Graph on every content page."""
    problems = []
    pages = [page for page in built_pages(site) if page != "404.html"]
    for page in pages:
        tags = parse((site / page).read_text(encoding="utf-8"))
        url = base + page
        if tags.canonical != [url]:
            problems.append(f"{page}: canonical {tags.canonical}, expected [{url!r}]")
        if page in NOT_PAGES:
            continue  # Sphinx's search page and index of terms: no document, no preview
        if tags.meta.get("og:url") != url:
            problems.append(f"{page}: og:url {tags.meta.get('og:url')!r}, expected {url!r}")
        for key in ("og:title", "og:description", "twitter:card"):
            if not tags.meta.get(key, "").strip():
                problems.append(f"{page}: no {key}")
        image = tags.meta.get("og:image", "")
        if not image.startswith(base):
            problems.append(f"{page}: og:image {image!r} is not an absolute URL under {base}")
        elif not (site / image.removeprefix(base)).is_file():
            problems.append(f"{page}: og:image {image} is not in the build")
    if not pages:
        problems.append("no pages")
    return problems


class SiteUnderPath(http.server.SimpleHTTPRequestHandler):
    """The site under a path prefix; a missing path gets 404.html, as GitHub Pages does."""

    prefix = "/"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):
        path = urlsplit(self.path).path
        if not path.startswith(self.prefix):
            self.send_error(404)
            return None
        local = Path(self.directory, path.removeprefix(self.prefix))
        if path.endswith("/"):
            local = local / "index.html"
        if not local.is_file():
            body = Path(self.directory, "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return _Body(body)
        self.path = "/" + path.removeprefix(self.prefix)
        return super().send_head()


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def check_404(site: Path, base: str) -> list[str]:
    if not (site / "404.html").is_file():
        return ["no 404.html"]
    prefix = urlsplit(base).path
    handler = functools.partial(SiteUnderPath, directory=str(site))
    SiteUnderPath.prefix = prefix
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    problems = []
    try:
        for path in (f"{prefix}404.html", f"{prefix}no/such/deep/page.html"):
            status, html = fetch(origin + path)
            if (
                status != (200 if path.endswith("404.html") else 404)
                or "Page not found" not in html
            ):
                problems.append(f"{path}: status {status}, not the 404 page")
                continue
            tags = parse(html)
            kinds = {"css": 0, "js": 0}
            for tag, ref in tags.urls:
                if ref.startswith("#"):
                    continue  # a place in this same document
                target = urljoin(origin + path, ref)
                if urlsplit(target).netloc != urlsplit(origin).netloc:
                    continue  # another host (none expected, but not this check's business)
                code, _ = fetch(target.split("#")[0])
                if code != 200:
                    problems.append(f"served at {path}: <{tag}> {ref} -> {target} gives {code}")
                kinds["css"] += tag == "link" and ref.split("?")[0].endswith(".css")
                kinds["js"] += tag == "script"
            for kind, count in kinds.items():
                if not count:
                    problems.append(f"served at {path}: no {kind} referenced")
            home = [ref for tag, ref in tags.urls if tag == "a" and ref.endswith("index.html")]
            if not home:
                problems.append(f"served at {path}: no link to the home page")
    finally:
        server.shutdown()
        server.server_close()
    return problems


def check_wheel_links(site: Path, base: str) -> list[str]:
    """Each downloadable notebook names the served wheel by its absolute URL."""
    wheels = sorted((site / "_downloads").glob("activation_functions-*.whl"))
    if len(wheels) != 1:
        return [f"expected one wheel in _downloads/, found {wheels}"]
    url = f"{base}_downloads/{wheels[0].name}"
    problems = []
    for notebook in sorted(site.glob("*.ipynb")):
        first = json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]
        if url not in "".join(first["source"]):
            problems.append(f"{notebook.name}: its first cell does not give {url}")
    return problems or ([] if list(site.glob("*.ipynb")) else ["no notebooks"])


def check_default(site: Path) -> list[str]:
    """A build without SITE_URL: no sitemap, no 404 page, no canonical or og: tags."""
    problems = [
        f"{name} in the default build"
        for name in ("sitemap.xml", "404.html")
        if (site / name).exists()
    ]
    for page in built_pages(site):
        tags = parse((site / page).read_text(encoding="utf-8"))
        if tags.canonical or any(key.startswith(("og:", "twitter:")) for key in tags.meta):
            problems.append(f"default build {page}: canonical or og:/twitter: meta")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--default-site", type=Path)
    args = parser.parse_args()
    base = args.base.rstrip("/") + "/"
    problems = check_sitemap(args.site, base) + check_meta(args.site, base)
    problems += check_404(args.site, base) + check_wheel_links(args.site, base)
    if args.default_site and (args.default_site / "index.html").is_file():
        problems += check_default(args.default_site)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    pages = len(built_pages(args.site))
    print(f"{pages} pages: sitemap, canonical, Open Graph and the 404 page are right for {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
