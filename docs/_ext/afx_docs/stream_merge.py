"""A cell's printed output is one block, whatever the machine's load.

The IPython kernel sends what a cell prints in pieces: its stdout is flushed on a
timer (0.2 s), so one cell can come back as one stream output on a quiet machine and
as several on a busy one, split between lines or in the middle of one (``print(a, b)``
writes ``a``, the separator, ``b`` and the newline one after another). The page would
then show the text in two blocks, and two clean builds of the same commit would differ.

MyST-NB's ``nb_merge_streams`` does not solve it: it strips whitespace at every join,
so a split inside a line becomes a line break (the output still depends on timing).

MyST-NB renders each stream output of a cell as a ``literal_block`` with classes
``output stream`` (stdout) or ``output stderr`` inside the cell's output container
(``nb_element="cell_code_output"``), with the output's text unchanged. On Sphinx's
public ``doctree-read`` event, before the doctree is stored, this module joins each run
of *adjacent* such blocks of the same stream by plain concatenation, so the page shows
exactly what the cell printed, however it was chunked. Blocks with something between
them (a figure, say) stay apart and in order: the kernel flushes its streams before it
sends any display output, so that order does not depend on timing.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: The classes MyST-NB gives a stream output's block, one set per stream.
STREAMS = (("output", "stream"), ("output", "stderr"))


def stream_of(node: nodes.Node) -> tuple[str, str] | None:
    """The stream a cell-output block belongs to, or None for anything else."""
    if not isinstance(node, nodes.literal_block):
        return None
    classes: list[str] = node.get("classes", [])
    return next((s for s in STREAMS if all(c in classes for c in s)), None)


def merge_adjacent_streams(output: nodes.Element) -> None:
    """Join each run of consecutive same-stream blocks of ``output`` into its first block.

    The text is concatenated exactly: no whitespace added or removed.
    """
    previous: nodes.literal_block | None = None
    for child in list(output.children):
        stream = stream_of(child)
        if previous is not None and stream is not None and stream == stream_of(previous):
            text = previous.astext() + child.astext()
            previous.rawsource = text
            for piece in list(previous.children):
                previous.remove(piece)
            previous += nodes.Text(text)
            output.remove(child)
            continue
        previous = child if isinstance(child, nodes.literal_block) and stream else None


def merge_cell_outputs(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: merge the stream blocks of every notebook cell's output."""
    for output in doctree.findall(nodes.container):
        if output.get("nb_element") == "cell_code_output":
            merge_adjacent_streams(output)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", merge_cell_outputs)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
