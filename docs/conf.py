"""Sphinx configuration for "Activation Functions, Explained".

The site is built offline: math becomes MathML at build time (``_ext/mathml.py``),
no intersphinx inventory is fetched, and no page loads anything from another host.
Build it strictly with::

    sphinx-build -b html -W -n --keep-going -T docs docs/_build/html
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import activation_functions

DOCS = Path(__file__).parent.resolve()
sys.path.insert(0, str(DOCS / "_ext"))

# -- Project -----------------------------------------------------------------

project = "Activation Functions, Explained"
author = "Activation Functions, Explained contributors"
copyright = f"2025, {author}"
release = version = activation_functions.__version__
language = "en"

# -- Extensions --------------------------------------------------------------

extensions = [
    "myst_nb",  # MyST markdown notebooks; it loads the MyST parser itself
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.extlinks",
    "sphinx_copybutton",
    # Local extensions, in docs/_ext:
    "mathml",  # LaTeX -> MathML at build time: no JavaScript, no CDN
    "site_icons",  # favicon and logo drawn with matplotlib at build time
    "notebook_download",  # each notebook page offered as a clean .ipynb
    "external_refs",  # a small offline map of NumPy/PyTorch API references
    "page_checks",  # fail the build on tracebacks, missing alt text, external assets
    "image_sizes",  # width/height on every <img>: no layout shift while figures load
    "freshness",  # cache key covers src/: package edits re-execute the pages using it
    "stream_merge",  # printed output joined exactly: pages do not depend on kernel timing
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
source_suffix = {".md": "myst-nb"}
root_doc = "index"

nitpicky = True
# Keep it short: every entry says why it cannot resolve. References to NumPy, PyTorch,
# Matplotlib and the standard library resolve through _ext/external_refs.py instead.
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

# Every page is executed at build time; results are cached per notebook (see freshness
# below for changes to the package). Scratch builds may point AFX_JUPYTER_CACHE elsewhere.
nb_execution_mode = "cache"
nb_execution_cache_path = os.environ.get(
    "AFX_JUPYTER_CACHE", str(DOCS / "_build" / ".jupyter_cache")
)
# freshness (docs/_ext/freshness.py, owned by the docs-build engineer): a hash of these
# sources joins each notebook's cache key, and pages whose code names one of the
# modules are re-read and re-executed when it changes; nothing else is.
# constraints.txt too: a new pinned version of numpy or torch can change every output.
freshness_sources = ["../src/activation_functions", "../constraints.txt"]
freshness_modules = ["activation_functions"]
# Notebooks missing from the cache run two or more at a time (one per core); the cost
# page times code, so it runs on its own, never next to another kernel.
freshness_execute_alone = ["cost"]
# Each kernel imports torch (about 1.2 s here); no cell should need more than a minute.
nb_execution_timeout = 120
nb_execution_raise_on_error = True  # a failing cell fails the build and names the page
nb_execution_show_tb = True  # ... and prints the traceback to the build log, not a page
nb_execution_allow_errors = False
nb_output_stderr = "warn"  # warnings printed by a cell are build warnings (errors with -W)
# One block per cell for what it prints, however the kernel chunked it: done exactly by
# _ext/stream_merge.py (MyST-NB's nb_merge_streams turns a split inside a line into a
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
html_copy_source = False  # the .ipynb download replaces "show source"
html_show_sourcelink = False
# No py-modindex.html: its three modules are all on api.html, no page links to it, and its
# 11 px plus/minus toggler image fails Lighthouse's image-resolution check on phones.
html_domain_indices = False
html_last_updated_fmt = None
html_math_renderer = "mathml"
# The local extensions shape the HTML (MathML, download link, tabindex) after the
# doctrees are made: a change to any of them rewrites every page.
html_context = {
    "site_extensions_digest": hashlib.sha256(
        b"".join(path.read_bytes() for path in sorted((DOCS / "_ext").glob("*.py")))
    ).hexdigest()[:16],
}
# html_favicon and html_logo are set by _ext/site_icons.py, which draws them.
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
        "og_image",  # _ext/og_image.py: the link-preview PNG, drawn at build time
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
