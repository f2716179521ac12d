"""The site's Sphinx extensions: one module per job, wired by one :func:`setup`.

List ``"afx_docs"`` in ``conf.py``'s ``extensions`` after ``"myst_nb"``. The package
is installed next to the docs dependencies (``pip install ./docs/_ext``, as the nox
sessions do), so ``conf.py`` needs no ``sys.path`` entry.

Notebook execution:

* :mod:`~afx_docs.exec_cache`: the execution cache keyed on the package sources
  (``conf.py`` calls :func:`~afx_docs.exec_cache.keyed_cache_path`); old caches pruned;
* :mod:`~afx_docs.parallel_execution`: uncached notebooks run one per core through
  jupyter-cache's executor while Sphinx reads the pages;
* :mod:`~afx_docs.kernel_env`: the page kernels' IPython profile, the build's own;
* :mod:`~afx_docs.forked_kernels`: page kernels forked from a process that has imported
  torch (:mod:`~afx_docs.kernel_zygote`), through a jupyter_client kernel provisioner;
* :mod:`~afx_docs.stream_merge`: a cell's printed output is one block;
* :mod:`~afx_docs.build_report`: which pages were read and executed.

Pages:

* :mod:`~afx_docs.mathml`: LaTeX to MathML at build time (``html_math_renderer = "mathml"``);
* :mod:`~afx_docs.site_icons`: favicon and logo drawn with matplotlib;
* :mod:`~afx_docs.notebook_download`: each notebook page offered as a clean ``.ipynb``;
* :mod:`~afx_docs.external_refs`: offline links to NumPy, PyTorch, Matplotlib, Python;
* :mod:`~afx_docs.image_sizes`: width and height on every ``<img>``;
* :mod:`~afx_docs.keyboard_scroll`: code blocks and tables reachable by keyboard;
* :mod:`~afx_docs.explorer_assets`: the explorers' script and style sheet, on their pages only;
* :mod:`~afx_docs.style_bundle`: each page's style sheets as one file;
* :mod:`~afx_docs.deferred_scripts`: the theme's and Sphinx's scripts deferred, fetched early;
* :mod:`~afx_docs.page_checks`: tracebacks, missing alt text and external assets fail the build.

:mod:`~afx_docs.files` is a helper the modules share (generated files written only when
they change), not an extension.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

__version__ = "2.0"

MODULES = (
    "exec_cache",
    "parallel_execution",
    "kernel_env",
    "forked_kernels",
    "stream_merge",
    "build_report",
    "mathml",
    "site_icons",
    "notebook_download",
    "external_refs",
    "image_sizes",
    "keyboard_scroll",
    "explorer_assets",
    "style_bundle",
    "deferred_scripts",
    "page_checks",
)


def sources_digest() -> str:
    """SHA-256 of this package's modules: a changed extension rewrites every page."""
    here = Path(__file__).parent
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(here.glob("*.py")))).hexdigest()


def setup(app: Sphinx) -> dict[str, Any]:
    for name in MODULES:
        app.setup_extension(f"{__name__}.{name}")
    # An "html" config value is part of the hash Sphinx keeps in .buildinfo: when these
    # modules change (they shape the HTML after the doctrees are made), every page is
    # written again. Nothing else reads it.
    app.add_config_value("afx_docs_digest", sources_digest()[:16], "html", str)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
