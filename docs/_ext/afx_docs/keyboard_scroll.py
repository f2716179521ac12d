"""Boxes that may scroll sideways on a phone can be scrolled with the keyboard.

A code block (``<pre>``) or a table wrapper (furo's ``div.table-wrapper``) wider than
a phone's screen scrolls inside its box; without ``tabindex="0"`` a keyboard user
cannot reach it (WCAG 2.1.1; axe's ``scrollable-region-focusable``). This HTML
module adds the attribute where the element is written: in the HTML translator's
visitor of literal blocks (code and cell outputs; Sphinx writes their ``<pre>``
through Pygments), and in the visitor of containers (furo wraps each table in a
``table-wrapper`` container). MyST-Parser registers its own container visitor
(``app.add_node(nodes.container, override=True, ...)``); this module registers one
after it that adds the attribute to table wrappers and hands every other container
to MyST-Parser's.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from myst_parser.parsers.docutils_ import depart_container_html, visit_container_html
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

FOCUSABLE = ' tabindex="0"'


class KeyboardScrollTranslator(HTML5Translator):
    """Sphinx's HTML5 translator, with focusable code blocks."""

    def visit_literal_block(self, node: nodes.literal_block) -> None:
        start = len(self.body)
        try:
            super().visit_literal_block(node)
        finally:
            # Pygments writes the block's <pre> with no attributes into this node's markup.
            for index in range(start, len(self.body)):
                self.body[index] = self.body[index].replace("<pre>", f"<pre{FOCUSABLE}>")


def visit_container(translator: HTML5Translator, node: nodes.container) -> None:
    """A table wrapper gets ``tabindex="0"``; other containers are MyST-Parser's to write."""
    if "table-wrapper" in node["classes"]:
        translator.body.append(
            translator.starttag(node, "div", CLASS="docutils container", tabindex="0")
        )
    else:
        visit_container_html(translator, node)


def setup(app: Sphinx) -> dict[str, Any]:
    # MyST-NB sets MyST-Parser up (never list both: MyST-Parser #962); register after it.
    app.setup_extension("myst_nb")
    app.add_node(nodes.container, override=True, html=(visit_container, depart_container_html))
    app.set_translator("html", KeyboardScrollTranslator)
    app.set_translator("dirhtml", KeyboardScrollTranslator)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
