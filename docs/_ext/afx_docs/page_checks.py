"""Checks that turn the site's rules into build warnings (errors under ``-W``).

Each is a warning that names the page:

* no traceback on a page: a cell output of class ``traceback`` (possible only if
  a cell is allowed to fail, e.g. tagged ``raises-exception``) is reported;
* every image has real alt text: docutils falls back to the image's file path,
  which is not alt text. Notebook figures get theirs from cell metadata
  ``mystnb: {image: {alt: ...}}``;
* no page loads anything from another host: after the build every HTML page is
  scanned for ``src``/``href`` of ``script``, ``link``, ``img``, ``iframe``,
  ``source``, ``embed`` and ``object`` elements and for ``url(...)`` in inline
  styles. Plain ``<a href>`` links to other sites are fine. This one reads the
  written files, templates' markup included, so it scans text rather than doctrees.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

_ASSET = re.compile(
    r"<(?:script|link|img|iframe|source|embed|object|audio|video)\b[^>]*?"
    r"\b(?:src|href|data|srcset)\s*=\s*[\"']?\s*((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"url\(\s*[\"']?\s*((?:https?:)?//[^\"')\s]+)", re.IGNORECASE)


def check_doctree(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in doctree.findall(nodes.Element):
        if "traceback" in node.get("classes", ()):
            logger.warning(
                "a traceback would be shown on the page (a cell raised an exception)",
                location=node,
                type="page_checks",
                subtype="traceback",
            )
    for image in doctree.findall(nodes.image):
        alt = str(image.get("alt", "")).strip()
        if not alt or alt == image.get("uri"):
            logger.warning(
                "image %s has no alt text (for a cell figure set mystnb: image: alt: ...)",
                image.get("uri"),
                location=image,
                type="page_checks",
                subtype="alt",
            )


def check_output(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in sorted(outdir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        found = _ASSET.findall(text) + _CSS_URL.findall(text)
        # The site's own address (set for the published build, e.g. its canonical links).
        own = app.config.html_baseurl
        for url in sorted({url for url in found if not (own and url.startswith(own))}):
            logger.warning(
                "%s loads %s from another host; the site must work offline",
                page.relative_to(outdir),
                url,
                type="page_checks",
                subtype="external",
            )
    for css in sorted((outdir / "_static").rglob("*.css")):
        for url in sorted(set(_CSS_URL.findall(css.read_text(encoding="utf-8")))):
            logger.warning(
                "%s loads %s from another host",
                css.relative_to(outdir),
                url,
                type="page_checks",
                subtype="external",
            )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", check_doctree)
    app.connect("build-finished", check_output)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
