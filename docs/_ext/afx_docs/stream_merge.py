"""Sphinx extension: a cell's printed output is one block, whatever the machine's load.

The IPython kernel sends what a cell prints in pieces: its stdout is flushed on a
timer (0.2 s), so one cell can come back as one stream output on a quiet machine and
as several on a busy one, split between lines or in the middle of one (``print(a, b)``
writes ``a``, the separator, ``b`` and the newline one after another). The page then
shows the text in two blocks, and two clean builds of the same commit differ.

MyST-NB's ``nb_merge_streams`` does not solve it: it strips whitespace at every join,
so a split inside a line becomes a line break (the output still depends on timing),
and it leaves the executed notebook it writes to ``jupyter_execute`` unmerged.

This extension joins *adjacent* stream outputs of the same name (stdout with stdout,
stderr with stderr) by plain concatenation, so the result is exactly what the cell
printed, however it was chunked. It does so in the notebook MyST-NB renders, as soon
as the outputs are known (executed now or taken from the cache), so the page and the
notebook written to ``jupyter_execute`` both get it. Outputs with something between
them (a figure, say) stay apart and in order: the kernel flushes its streams before
it sends any display output, so that order does not depend on timing.

It wraps ``myst_nb.sphinx_.create_client``, MyST-NB's one entry point to execution;
the build fails with a clear error if a MyST-NB version no longer has it.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

MARKER = "stream_merge_wrapped"


def merge_adjacent_streams(outputs: list[Any]) -> list[Any]:
    """Join each run of consecutive stream outputs with the same name into one.

    The first output of a run keeps its place and gets the text of the rest,
    concatenated exactly (no whitespace added or removed). Other outputs are kept
    as they are, in order. The dictionaries are changed in place.
    """
    merged: list[Any] = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and output.get("name") == previous.get("name")
        ):
            previous["text"] = _text(previous) + _text(output)
        else:
            merged.append(output)
    return merged


def merge_notebook_streams(notebook: Any) -> None:
    """Merge the stream outputs of every code cell of ``notebook``, in place."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell["outputs"] = merge_adjacent_streams(cell["outputs"])


def _text(output: Any) -> str:
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else str(text)  # nbformat allows both


class _MergingClient:
    """MyST-NB's execution client (a context manager), with its outputs merged on entry."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __enter__(self) -> Any:
        entered = self._client.__enter__()
        merge_notebook_streams(entered.notebook)
        return entered

    def __exit__(self, *exc_info: object) -> Any:
        return self._client.__exit__(*exc_info)


def _make_create_client(original: Any) -> Any:
    def create_client(*args: Any, **kwargs: Any) -> _MergingClient:
        return _MergingClient(original(*args, **kwargs))

    setattr(create_client, MARKER, original)
    return create_client


def _install_hook() -> None:
    import myst_nb.sphinx_ as mystnb_sphinx

    current = getattr(mystnb_sphinx, "create_client", None)
    if current is None:
        raise ExtensionError(
            "stream_merge: myst_nb.sphinx_.create_client not found; this MyST-NB version "
            "is not supported, and without the hook printed output could be split at random"
        )
    # A second setup in the same process (tests) may find the hook under another
    # wrapper; merging twice changes nothing, so only the plain repeat is skipped.
    if not hasattr(current, MARKER):
        mystnb_sphinx.create_client = _make_create_client(current)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    _install_hook()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
