"""The explorers' shared script and style sheet, linked from the pages that show an explorer.

The interactive explorers (issue 13, :mod:`activation_functions.explorer`) need
``_static/explorer.js`` (deferred) and ``_static/explorer.css``. Both are shared files,
cached once for every page that uses them, but only the pages whose body holds an
explorer link them: elsewhere the style sheet would be one more render-blocking request
and the script one more file to download and compile, for no markup at all.

The style sheet stays render-blocking where it is used (:mod:`afx_docs.style_bundle` puts it
in the page's one style sheet): it hides the explorer before first paint when JavaScript is
off and sizes it, so loading it later would make the page jump.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

#: What :mod:`activation_functions.explorer` writes around every explorer.
MARKER = 'class="af-explorer"'
#: After the theme's and the site's own files, as ``html_css_files`` entries would be.
PRIORITY = 800


def uses_explorer(body: str) -> bool:
    """Whether a page body holds an explorer.

    >>> uses_explorer('<div class="af-explorer" data-explorer="relu">'), uses_explorer("<p>")
    (True, False)
    """
    return MARKER in body


def _link_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # Called during html-page-context, add_*_file adds to this page only (Sphinx >= 3.5).
    if uses_explorer(context.get("body", "")):
        app.add_css_file("explorer.css", priority=PRIORITY)
        app.add_js_file("explorer.js", priority=PRIORITY, loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _link_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
