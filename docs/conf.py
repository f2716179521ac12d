"""Sphinx configuration for "Activation Functions, Explained".

The site is built offline: math becomes MathML at build time (``afx_docs.mathml``),
no intersphinx inventory is fetched, and no page loads anything from another host.
The site's own extensions are the ``afx_docs`` package in ``docs/_ext``, installed
into the docs environment (``pip install ./docs/_ext``). Build it strictly with::

    sphinx-build -b html -W -n --keep-going -T docs docs/_build/html
"""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

from afx_docs.exec_cache import keyed_cache_path

DOCS = Path(__file__).parent.resolve()
ROOT = DOCS.parent

# -- Project -----------------------------------------------------------------

project = "Activation Functions, Explained"
author = "Activation Functions, Explained contributors"
copyright = f"2025, {author}"
# The version is written once, in pyproject.toml's package metadata.
release = version = importlib.metadata.version("activation-functions")
language = "en"

# -- Extensions --------------------------------------------------------------

extensions = [
    "myst_nb",  # MyST markdown notebooks; it loads the MyST parser itself
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.extlinks",
    "sphinx_copybutton",
    # The site's extensions (docs/_ext/afx_docs, one module per job): a cache keyed on
    # the package, parallel execution, one block per printed output, MathML, drawn icons,
    # notebook downloads, offline API links, image sizes, keyboard scrolling, page checks.
    "afx_docs",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
source_suffix = {".md": "myst-nb"}
root_doc = "index"

nitpicky = True
# Keep it short: every entry says why it cannot resolve. References to NumPy, PyTorch,
# Matplotlib and the standard library resolve through afx_docs.external_refs instead.
nitpick_ignore: list[tuple[str, str]] = []

# -- MyST and MyST-NB --------------------------------------------------------

myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath", "smartquotes"]
myst_heading_anchors = 3
myst_html_meta = {
    "description": (
        "Sigmoid, Tanh, ReLU and LeakyReLU explained with executed Python: formulas, "
        "derivatives, figures, PyTorch counterparts and numerical pitfalls."
    ),
}

# Every page is executed at build time and its outputs cached. jupyter-cache keys a
# notebook on its code only (MyST-NB #299), so the cache folder is named by a digest of
# the package every page imports and of constraints.txt (new pinned numpy or torch can
# change every output): a change to either is a new folder, which re-reads and
# re-executes every page; a prose edit keeps the folder and its outputs. The two most
# recently used folders are kept (afx_cache_keep). Scratch builds may point
# AFX_JUPYTER_CACHE at another root folder.
nb_execution_mode = "cache"
nb_execution_cache_path = str(
    keyed_cache_path(
        Path(os.environ.get("AFX_JUPYTER_CACHE", DOCS / "_build" / ".jupyter_cache")),
        [ROOT / "src" / "activation_functions", ROOT / "constraints.txt"],
    )
)
# Notebooks missing from the cache run one per core while Sphinx reads
# (afx_docs.parallel_execution). The cost page's timings are CPU times of its own
# process, so a kernel on the other core changes them less than run-to-run noise does.
# The page that executes longest (build_report.json's runtimes) starts first and is read
# last (reading it first would hold every other page back). The API page, quick to
# execute but the slowest notebook to read (autodoc), comes next, so that Sphinx reads it
# while the kernels run; then the next longest.
afx_execute_first = ["experiments", "api", "cost", "index"]
# Each kernel imports torch (about 1.2 s here); no cell should need more than a minute.
nb_execution_timeout = 120
nb_execution_raise_on_error = True  # a failing cell fails the build and names the page
nb_execution_show_tb = True  # ... and prints the traceback to the build log, not a page
nb_execution_allow_errors = False
nb_output_stderr = "warn"  # warnings printed by a cell are build warnings (errors with -W)
# One block per cell for what it prints, however the kernel chunked it: done exactly by
# afx_docs.stream_merge (MyST-NB's nb_merge_streams turns a split inside a line into a
# line break, so the page would still depend on timing).
nb_merge_streams = False
nb_ipywidgets_js = {}  # never load the widget manager from a CDN (no widgets here)
nb_render_markdown_format = "myst"  # Markdown outputs may contain $math$
nb_render_image_options = {"class": "nb-figure"}

# -- autodoc / napoleon / doctest -------------------------------------------

autodoc_member_order = "bysource"
# Types are documented in the numpy-style docstrings. Signatures stay short:
# evaluated annotations such as ArrayLike expand to screens of private NumPy names.
autodoc_typehints = "none"
autodoc_class_signature = "mixed"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = True
napoleon_preprocess_types = True
# PyTorch-style "Shape" sections (activation_functions.autograd) render as plain sections.
napoleon_custom_sections = ["Shape"]
# Docstrings name the records by their short names; link them to their entries.
napoleon_type_aliases = {
    "Activation": ":class:`~activation_functions.Activation`",
    "Interval": ":class:`~activation_functions.Interval`",
}
# Napoleon would merge napoleon_type_aliases into autodoc_type_aliases in place while it
# reads attribute annotations (napoleon/docstring.py, _lookup_annotation); Sphinx would
# then see a changed config and re-read every page on every build. The docstrings give
# attribute types themselves, so napoleon need not read the annotations.
napoleon_attr_annotations = False
doctest_global_setup = "import numpy as np\nimport activation_functions as af"
# Run the pages' {doctest} blocks; docstring examples are run by pytest --doctest-modules.
doctest_test_doctest_blocks = ""

# -- External links (plain links, nothing fetched) ---------------------------

extlinks = {
    "numpy": ("https://numpy.org/doc/stable/reference/generated/%s.html", "%s"),
    "torch": ("https://docs.pytorch.org/docs/stable/generated/%s.html", "%s"),
}

# -- HTML --------------------------------------------------------------------

html_theme = "furo"
html_title = project
html_short_title = project
html_static_path = ["_static"]
html_css_files = ["site.css"]
# --- explorers (issue 13): one shared, deferred JS + CSS pair for the interactive figures
# that activation_functions.explorer writes into the pages (budget: 10 KB gzipped),
# linked by afx_docs.explorer_assets from the pages that show an explorer, and only there.
# --- end explorers
html_copy_source = False  # the .ipynb download replaces "show source"
html_show_sourcelink = False
# No py-modindex.html: its three modules are on the two API pages, no page links to it, and its
# 11 px plus/minus toggler image fails Lighthouse's image-resolution check on phones.
html_domain_indices = False
html_last_updated_fmt = None
html_math_renderer = "mathml"
# html_favicon and html_logo are set by afx_docs.site_icons, which draws them.
pygments_style = "a11y-light"
pygments_dark_style = "a11y-dark"
html_theme_options = {
    "top_of_page_buttons": [],
    "navigation_with_keys": True,
    "footer_icons": [],
}

# -- sphinx-copybutton ------------------------------------------------------

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
# Copy code, never cell outputs.
copybutton_selector = "div:not(.output) > div.highlight pre"
copybutton_exclude = ".linenos"  # prompts are matched (and stripped) by the regex above


def _describe_generated_pages(app, pagename, templatename, context, doctree):
    """Give Sphinx's own pages (search, index) the site's meta description too."""
    if doctree is None and 'name="description"' not in context.get("metatags", ""):
        description = myst_html_meta["description"]
        context["metatags"] = (
            context.get("metatags", "") + f'\n<meta name="description" content="{description}" />'
        )


def setup(app):
    app.connect("html-page-context", _describe_generated_pages)


# == Publishing: only when SITE_URL is set ====================================================
# The GitHub Pages workflow (.github/workflows/pages.yml) sets SITE_URL to the site's address,
# the base_url of actions/configure-pages. A local build leaves it unset: then nothing below
# runs, no extension is loaded, and the site is exactly as offline-safe as without this block.
# Tested by `nox -s publish-check` (tests/publish/site_url_check.py).
SITE_URL = os.environ.get("SITE_URL", "").strip()
if SITE_URL:
    from urllib.parse import urlsplit

    SITE_URL = SITE_URL.rstrip("/") + "/"
    # Absolute page URLs: Sphinx's canonical link and the sitemap are built on it.
    html_baseurl = SITE_URL
    extensions += [
        "sphinx_sitemap",  # sitemap.xml of every page
        "sphinxext.opengraph",  # og:* and twitter:card meta on every page
        "notfound.extension",  # 404.html whose links and assets work at any depth
        "afx_docs.og_image",  # the link-preview PNG, drawn at build time
    ]
    # One language at the site's root: page URLs without a language or version folder.
    sitemap_url_scheme = "{link}"
    # Not content: the search page, the index of terms and the error page.
    sitemap_excludes = ["search.html", "genindex.html", "404.html"]
    ogp_site_url = SITE_URL
    ogp_image = "_static/og-image.png"  # joined to ogp_site_url: an absolute URL
    ogp_image_alt = f"{project}: the sigmoid curve beside the site's title"
    # One static image instead of per-page cards drawn with matplotlib: a faster build.
    ogp_social_cards = {"enable": False}
    ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image" />']
    # The 404 page is served at any missing path: its links and assets are absolute paths.
    notfound_urls_prefix = urlsplit(SITE_URL).path
    notfound_context = {
        "title": "Page not found",
        "body": (
            "<h1>Page not found</h1>\n"
            "<p>There is no page at this address. It may have moved: start again from the "
            f'<a href="{notfound_urls_prefix}index.html">home page</a>, or use the search '
            "box or the list of pages.</p>\n"
        ),
    }
# == End of publishing ========================================================================
