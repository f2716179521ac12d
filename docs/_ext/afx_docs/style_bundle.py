"""Each page's style sheets as one file: one render-blocking request instead of seven.

A page links pygments.css, furo.css, MyST-NB's, the copy button's, furo-extensions.css,
site.css, and on explorer pages explorer.css. Every one of them blocks the first paint, and
over HTTP/1.1 each is a round trip of its own. Here they become one file,
``_static/bundle-<digest>.css``: the same rules, in the same order, so the cascade is unchanged.
The digest is that of the list of files, so every page with the same list shares one cached
bundle; explorer pages share one, the other pages another.

The bundle is written when the first page that needs it is written, from the files as they
will be served. The page's link gets Sphinx's usual ``?v=`` checksum of it. A build that
writes no page (only a style sheet changed) still brings every bundle up to date at
``build-finished``: each bundle names its files, in the comment that opens each part.

Two of the files are written only at ``build-finished``, after the pages: furo's
pygments.css (its light and dark styles) and MyST-NB's ``mystnb.<sha256>.css``. The bundle
takes them from where those extensions take them: :func:`furo.get_pygments_stylesheet`, and
``mystnb.css`` in the ``myst_nb.static`` package, whose SHA-256 must match the name. At
``build-finished``, after both, every bundle written in this build is compared with the files
as they finally are; a difference fails the build. Bundles are written atomically, so pages
written in parallel (``sphinx-build -j``) can share one; the check then covers the bundles of
the pages written in the main process.

A style sheet with any attribute beyond ``rel`` and ``type`` (``media``, ``title``...), or
from another host, cannot be merged without changing what it means. That is an error naming
the file.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from afx_docs.files import write_if_changed

#: Where the bundles go, inside the output folder.
STATIC = "_static"
#: The ``rel`` and ``type`` every mergeable ``<link>`` has; nothing else may be set.
PLAIN_ATTRIBUTES = {"rel": "stylesheet", "type": "text/css"}
#: A source-map comment points at the map of its own file; in a bundle it would be wrong.
SOURCE_MAP = re.compile(r"^/\*# sourceMappingURL=[^*]*\*/[ \t]*$\n?", re.MULTILINE)

#: The comment that opens each file's part of a bundle, and how it is read back.
PART_MARK = "/* bundled: {} */"
PART = re.compile(r"^/\* bundled: (\S+) \*/$", re.MULTILINE)
#: MyST-NB's style sheet, named by the SHA-256 of its text.
MYSTNB_CSS = re.compile(rf"{STATIC}/mystnb\.(?P<sha256>[0-9a-f]{{64}})\.css")

#: Bundles written in this build (their output path → the files they hold).
_written: dict[str, tuple[str, ...]] = {}


def bundle_name(filenames: tuple[str, ...]) -> str:
    """The bundle of ``filenames``, named by a digest of the list.

    >>> bundle_name(("_static/a.css", "_static/b.css"))
    '_static/bundle-107f1204854a.css'
    """
    digest = hashlib.sha256("\n".join(filenames).encode()).hexdigest()[:12]
    return f"{STATIC}/bundle-{digest}.css"


def mergeable(sheet: Any, pagename: str) -> str:
    """The file of one ``css_files`` entry, or an error if it cannot join a bundle."""
    filename = str(getattr(sheet, "filename", sheet))
    attributes = getattr(sheet, "attributes", None)
    if "://" in filename or filename.startswith("/") or attributes != PLAIN_ATTRIBUTES:
        raise ExtensionError(
            f"{pagename}: style sheet {filename} ({attributes}) cannot be merged into the "
            "page's bundle without changing what it applies to; load only local, plain "
            "style sheets, or teach afx_docs.style_bundle about this one"
        )
    return filename


def bundle_text(filenames: tuple[str, ...], read: Callable[[str], str]) -> str:
    """The bundle of ``filenames``: each file's text under a comment naming it.

    ``read(filename)`` returns a file's final text. Source-map comments are dropped: each
    points at the map of its own file.

    >>> print(bundle_text(("a.css", "b.css"), {"a.css": "p{}\\n", "b.css": "em{}"}.get), end="")
    /* bundled: a.css */
    p{}
    /* bundled: b.css */
    em{}
    """
    parts = []
    for filename in filenames:
        text = SOURCE_MAP.sub("", read(filename))
        if not text.endswith("\n"):
            text += "\n"
        parts.append(f"{PART_MARK.format(filename)}\n{text}")
    return "".join(parts)


def _final_text(app: Sphinx, filename: str) -> str:
    """A static file's text as it will be served, even if it is written after the pages."""
    if filename == f"{STATIC}/pygments.css" and app.config.html_theme == "furo":
        import furo  # only with the furo theme

        stylesheet: str = furo.get_pygments_stylesheet()
        return stylesheet
    if match := MYSTNB_CSS.fullmatch(filename):
        source = importlib.resources.files("myst_nb.static").joinpath("mystnb.css").read_bytes()
        if hashlib.sha256(source).hexdigest() != match["sha256"]:
            raise ExtensionError(f"{filename}: myst_nb/static/mystnb.css has another SHA-256")
        return source.decode("utf-8")
    return (Path(app.outdir) / filename).read_text(encoding="utf-8")


def _bundle_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    sheets = list(context.get("css_files", []))
    if not sheets:
        return
    filenames = tuple(mergeable(sheet, pagename) for sheet in sheets)
    name = bundle_name(filenames)
    if name not in _written:
        text = bundle_text(filenames, lambda f: _final_text(app, f))
        write_if_changed(Path(app.outdir) / name, text)
        _written[name] = filenames
    # A new list: the builder's own (which the context refers to) is restored after the page.
    context["css_files"] = [type(sheets[0])(name, priority=sheets[0].priority)]


def bundled_files(text: str) -> tuple[str, ...]:
    """The files a bundle holds, read from the comments that open their parts.

    >>> bundled_files("/* bundled: a.css */\\np{}\\n/* bundled: b.css */\\nem{}\\n")
    ('a.css', 'b.css')
    """
    return tuple(PART.findall(text))


def _refresh_and_check(app: Sphinx, exception: BaseException | None) -> None:
    try:
        if exception is not None:
            return
        outdir = Path(app.outdir)
        for path in sorted((outdir / STATIC).glob("bundle-*.css")):
            name = f"{STATIC}/{path.name}"
            current = path.read_text(encoding="utf-8")
            filenames = _written.get(name) or bundled_files(current)
            if not all((outdir / f).is_file() for f in filenames):
                continue  # a bundle of an older list of files, which no page written now uses
            expected = bundle_text(filenames, lambda f: (outdir / f).read_text(encoding="utf-8"))
            if current == expected:
                continue
            if name in _written:
                raise ExtensionError(
                    f"{name} differs from its style sheets as finally written "
                    f"({', '.join(filenames)}): one of them changed after the pages were written"
                )
            write_if_changed(path, expected)
    finally:
        _written.clear()


def setup(app: Sphinx) -> dict[str, Any]:
    # After the handlers that add page-specific style sheets (afx_docs.explorer_assets).
    app.connect("html-page-context", _bundle_page, priority=900)
    # After furo's build-finished handler (priority 500), which rewrites pygments.css.
    app.connect("build-finished", _refresh_and_check, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
