"""Offer every notebook page as a Jupyter notebook (.ipynb) a reader can run.

For each page that MyST-NB read as a notebook, the MyST markdown source is
converted with jupytext into a notebook *without outputs* and written next to the
page's HTML (``sigmoid.md`` becomes ``sigmoid.ipynb`` beside ``sigmoid.html``).
A "Download this page as a notebook (.ipynb)" link is placed under the page title.

The bytes are deterministic: cell ids are numbered, jupytext's own metadata is
dropped, and nbformat writes sorted keys.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jupytext
import nbformat
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

LINK_TEXT = "Download this page as a notebook (.ipynb)"
_FIRST_H1_END = re.compile(r"</h1>")


def is_notebook_page(app: Sphinx, docname: str) -> bool:
    """True for pages MyST-NB read as notebooks (it records their kernelspec)."""
    return docname in app.env.found_docs and "kernelspec" in app.env.metadata.get(docname, {})


def notebook_bytes(source: Path) -> bytes:
    """The page's source as an .ipynb without outputs, byte-for-byte reproducible."""
    notebook = jupytext.read(source, fmt="md:myst")
    notebook.metadata.pop("jupytext", None)
    notebook.metadata.pop("file_format", None)  # a MyST-NB front-matter key, not Jupyter's
    notebook.metadata.setdefault("language_info", {"name": "python"})
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:03d}"
        if cell.cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nbformat.validate(notebook)
    return (nbformat.writes(notebook) + "\n").encode("utf-8")


def add_download(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Write ``<page>.ipynb`` and put a link to it under the page title."""
    if doctree is None or not is_notebook_page(app, pagename):
        return
    target = Path(app.outdir, pagename + ".ipynb")
    data = notebook_bytes(Path(app.env.doc2path(pagename)))
    if not target.exists() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    href = context["pathto"](pagename + ".ipynb", 1)
    name = Path(pagename).name + ".ipynb"
    link = (
        '<p class="nb-download">'
        f'<a class="reference download" href="{href}" download="{name}">'
        '<span class="nb-download-icon" aria-hidden="true">⤓</span> '
        f"{LINK_TEXT}</a></p>"
    )
    body = context.get("body", "")
    if _FIRST_H1_END.search(body):
        context["body"] = _FIRST_H1_END.sub("</h1>\n" + link, body, count=1)
    else:
        context["body"] = link + body
    context["nb_download_url"] = href


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", add_download)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
