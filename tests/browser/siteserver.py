"""Serve a built site on 127.0.0.1 and list its pages. Standard library only.

Used by the browser tests (plain, like a development server) and by the Lighthouse report
(gzip-compressed, as real static hosts serve text).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

# Directories of a Sphinx HTML build that hold assets, not pages.
ASSET_DIRS = frozenset({"_static", "_sources", "_images", "_downloads"})

COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
)


def discover_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to ``site`` with ``/`` separators.

    All pages are listed, search.html and genindex.html included: they are pages a reader can
    open, so they must load without errors too.
    """
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if rel.parts[0] in ASSET_DIRS:
            continue
        pages.append(rel.as_posix())
    return pages


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that logs nothing."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class GzipHandler(QuietHandler):
    """Gzip text responses when the client accepts gzip, as static hosts do."""

    _cache: dict[tuple[str, float], bytes] = {}  # noqa: RUF012 (shared on purpose)
    _lock = threading.Lock()

    def _accepts_gzip(self) -> bool:
        return "gzip" in self.headers.get("Accept-Encoding", "")

    def send_head(self) -> BinaryIO | None:  # type: ignore[override]
        if not self._accepts_gzip():
            return super().send_head()
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to "dir/"
            path = os.path.join(path, "index.html")
        ctype = self.guess_type(path)
        if not os.path.isfile(path) or not ctype.startswith(COMPRESSIBLE):
            return super().send_head()
        key = (path, os.path.getmtime(path))
        with self._lock:
            body = self._cache.get(key)
            if body is None:
                body = gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)
                self._cache[key] = body
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(key[1])))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that cancels a request closes the socket: not worth a traceback.
        pass


@contextlib.contextmanager
def serve(directory: Path | str, *, compress: bool = False) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yield the base URL (ending in ``/``).

    The server runs in a daemon thread and is shut down when the block exits.
    """
    handler = functools.partial(GzipHandler if compress else QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
