"""The theme's and Sphinx's scripts, deferred and fetched early.

Sphinx and furo write their scripts (``documentation_options.js``, ``doctools.js``,
``furo.js``, the copy button's two files) as plain ``<script src>`` tags at the end of
``<body>``; the search page's own are deferred in ``docs/_templates/search.html``. A plain script stops the parser until it has
downloaded and run, and it waits for every style sheet first.

Here each of them gets ``defer``: the parser reads the whole page without stopping, and the
scripts run in the same order once it has. All of them wait for the document already:
furo.js for ``DOMContentLoaded``, which fires after deferred scripts; Sphinx's and the copy
button's through ``document.readyState``.

They also get ``fetchpriority="high"``. A deferred script is otherwise fetched at low
priority, after the images, yet these often run before the first paint: furo.js reads the
scroll position as it loads, which lays out the whole page if that has not happened yet.
Fetched early, they are ready when the parser is done. Lighthouse's simulated phone also
counts only high-priority scripts as part of first paint; at low priority it placed that
first layout (170-290 ms on its phone) after the simulated first paint, as blocking time.
The measurements are in tests/browser/README.md.

Only external scripts with no loading attribute of their own are changed. An inline script
after one of them would now run before it, so that is an error rather than a silent change of
order.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

#: Attributes that already say how a script loads; such a script is left as it is.
LOADING_ATTRIBUTES = frozenset({"async", "defer", "type"})
#: What each plain external script gets.
DEFERRED = {"defer": "defer", "fetchpriority": "high"}


def is_plain_external(script: Any) -> bool:
    """Whether ``script`` is an external script that would stop the parser.

    ``script`` is one of the page context's ``script_files``: a Sphinx ``_JavaScript`` (a
    ``filename``, and ``attributes`` with ``body`` for inline code) or, from old extensions,
    a plain URL string.
    """
    if isinstance(script, str):
        return bool(script)
    attributes = getattr(script, "attributes", {})
    return bool(getattr(script, "filename", "")) and not (
        LOADING_ATTRIBUTES & attributes.keys() or attributes.get("body")
    )


def deferred(scripts: list[Any], pagename: str) -> list[Any]:
    """``scripts`` with every plain external one deferred and fetched at high priority."""
    result: list[Any] = []
    changed = None
    for script in scripts:
        if not is_plain_external(script):
            if changed and not getattr(script, "filename", ""):
                raise ExtensionError(
                    f"{pagename}: an inline script follows {changed}, which is now deferred, "
                    "so the inline script would run before it; load it as a file with "
                    "app.add_js_file(..., loading_method='defer') instead"
                )
            result.append(script)
            continue
        if isinstance(script, str):
            raise ExtensionError(
                f"{pagename}: script {script!r} is a bare string, which carries no "
                "attributes; add it with app.add_js_file()"
            )
        attributes = script.attributes | DEFERRED
        result.append(type(script)(script.filename, priority=script.priority, **attributes))
        changed = changed or script.filename
    return result


def _defer_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # A new list: the builder's own (which the context refers to) is restored after the page.
    context["script_files"] = deferred(list(context.get("script_files", [])), pagename)


def setup(app: Sphinx) -> dict[str, Any]:
    # After the handlers that add page-specific scripts (afx_docs.explorer_assets).
    app.connect("html-page-context", _defer_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
