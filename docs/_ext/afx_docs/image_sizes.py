"""Give every content ``<img>`` its size, so pages do not shift while figures load.

docutils writes ``<img alt="..." src="_images/...svg" />`` with no ``width`` or ``height``:
until the file arrives the browser lays the figure out 0 px tall, then pushes everything
below it down (Lighthouse's Cumulative Layout Shift; 0.21 on the comparison page on a phone).

When a page is written, each ``<img>`` of its body that has no size yet gets

* ``width`` and ``height`` in CSS pixels, read from the image file: an SVG's own
  ``width``/``height`` (matplotlib writes them in ``pt``; 1 pt = 4/3 px) or its ``viewBox``,
  a bitmap's pixel size (``imagesize``, which Sphinx itself uses). The site's CSS keeps
  ``max-width: 100%; height: auto``, so a figure still shrinks on a phone, and the browser
  reserves the right aspect ratio before the file arrives;
* ``decoding="async"``, and ``loading="lazy"`` for all but the first image of the page
  (the first is the likeliest to be in view, and the likeliest Largest Contentful Paint).

Images with a size already given (``:width:``/``:height:``/``:scale:`` become a ``style``)
or whose file cannot be read are left as they are.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import imagesize

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r"""\ssrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_SIZED = re.compile(r"\s(?:width|height|style)\s*=", re.IGNORECASE)
_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
#: CSS px per unit of an SVG length.
_CSS_PX = {
    "": 1.0,
    "px": 1.0,
    "pt": 4 / 3,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
}
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def _svg_attr(tag: bytes, name: str) -> str | None:
    found = re.search(rb"\s" + name.encode() + rb"""\s*=\s*["']([^"']*)["']""", tag)
    return found.group(1).decode("ascii", "replace") if found else None


def _css_px(length: str | None) -> float | None:
    """An SVG length in CSS pixels; None for percentages, em, and what cannot be parsed."""
    found = _LENGTH.match(length or "")
    if not found or found.group(2).lower() not in _CSS_PX:
        return None
    return float(found.group(1)) * _CSS_PX[found.group(2).lower()]


def svg_size(path: Path) -> tuple[int, int] | None:
    """The size an SVG is drawn at by ``<img>`` with no CSS size: width/height, else viewBox."""
    with path.open("rb") as file:
        head = file.read(8192)
    tag = _SVG_TAG.search(head)
    if tag is None:
        return None
    width = _css_px(_svg_attr(tag.group(), "width"))
    height = _css_px(_svg_attr(tag.group(), "height"))
    box = (_svg_attr(tag.group(), "viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            box_w, box_h = float(box[2]), float(box[3])
        except ValueError:
            box_w = box_h = 0.0
        if box_w > 0 and box_h > 0:
            if width is None and height is None:
                width, height = box_w, box_h
            elif height is None and width is not None:
                height = width * box_h / box_w
            elif width is None and height is not None:
                width = height * box_w / box_h
    if not width or not height:
        return None
    return max(1, round(width)), max(1, round(height))


def image_size(path: Path) -> tuple[int, int] | None:
    suffix = path.suffix.lower()
    try:
        if suffix == ".svg":
            return svg_size(path)
        if suffix == ".svgz":
            return None
        width, height = imagesize.get(str(path))
    except (OSError, ValueError):
        return None
    return (width, height) if width > 0 and height > 0 else None


def size_images(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body")
    if not body or "<img" not in body:
        return
    builder = app.builder
    # builder.images maps each image's source path (relative to the source folder) to its
    # file name in _images/; the files are copied there only after all pages are written.
    sources = {name: Path(app.srcdir, src) for src, name in builder.images.items()}
    images_dir = getattr(builder, "imgpath", "_images").rstrip("/")
    seen = 0

    def add_size(match: re.Match[str]) -> str:
        nonlocal seen
        tag = match.group()
        seen += 1
        src = _SRC.search(tag)
        if src is None or _SIZED.search(tag):
            return tag
        folder, name = posixpath.split(unquote(src.group(1)))
        path = sources.get(name) if folder == images_dir else None
        size = image_size(path) if path is not None else None
        if size is None:
            return tag
        extra = f' width="{size[0]}" height="{size[1]}" decoding="async"'
        if seen > 1 and "loading=" not in tag:
            extra += ' loading="lazy"'
        if tag.endswith("/>"):
            return tag[:-2].rstrip() + extra + " />"
        return tag[:-1].rstrip() + extra + ">"

    context["body"] = _IMG.sub(add_size, body)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", size_images)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
