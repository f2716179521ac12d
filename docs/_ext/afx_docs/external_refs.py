"""Resolve Python references to NumPy, PyTorch, Matplotlib and the standard library
to plain links into their documentation, without intersphinx.

intersphinx would download each project's inventory at build time, which this
site's builds cannot do. Docstrings still name ``numpy.ndarray`` or
``torch.nn.LeakyReLU``; this ``missing-reference`` handler turns those names into
ordinary external links, using the documented URL pattern of each project. A name
that matches no rule stays unresolved, and with ``nitpicky = True`` that is a
warning: add a rule here rather than a ``nitpick_ignore`` entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

NUMPY = "https://numpy.org/doc/stable/"
TORCH = "https://docs.pytorch.org/docs/stable/"
MATPLOTLIB = "https://matplotlib.org/stable/api/"
PYTHON = "https://docs.python.org/3/library/"

#: Names whose page does not follow their project's pattern.
EXACT = {
    "numpy": NUMPY + "reference/index.html",
    "torch": TORCH + "torch.html",
    "matplotlib": MATPLOTLIB + "index.html",
    "array_like": NUMPY + "glossary.html#term-array_like",
    "array-like": NUMPY + "glossary.html#term-array_like",
    "numpy.typing.ArrayLike": NUMPY + "reference/typing.html#numpy.typing.ArrayLike",
    "numpy.typing.NDArray": NUMPY + "reference/typing.html#numpy.typing.NDArray",
    "numpy.typing.DTypeLike": NUMPY + "reference/typing.html#numpy.typing.DTypeLike",
    "numpy.floating": NUMPY + "reference/arrays.scalars.html#numpy.floating",
    "numpy.float64": NUMPY + "reference/arrays.scalars.html#numpy.float64",
    "numpy.float32": NUMPY + "reference/arrays.scalars.html#numpy.float32",
    "numpy.float16": NUMPY + "reference/arrays.scalars.html#numpy.float16",
    "numpy.dtype": NUMPY + "reference/generated/numpy.dtype.html",
    "torch.Tensor": TORCH + "tensors.html",
    "torch.dtype": TORCH + "tensor_attributes.html#torch.dtype",
    "torch.autograd.Function": TORCH + "autograd.html#torch.autograd.Function",
}

#: Short names autodoc writes for common types, mapped to their full names.
ALIASES = {
    "np.ndarray": "numpy.ndarray",
    "ndarray": "numpy.ndarray",
    "ArrayLike": "numpy.typing.ArrayLike",
    "NDArray": "numpy.typing.NDArray",
    "Tensor": "torch.Tensor",
    "Axes": "matplotlib.axes.Axes",
    "Figure": "matplotlib.figure.Figure",
}


def url_for(target: str) -> str | None:
    """The documentation URL of a Python object name, or None when unknown."""
    target = ALIASES.get(target, target)
    if target in EXACT:
        return EXACT[target]
    if target.startswith("numpy."):
        return f"{NUMPY}reference/generated/{target}.html"
    if target.startswith("torch."):
        return f"{TORCH}generated/{target}.html"
    if target.startswith("matplotlib."):
        return f"{MATPLOTLIB}_as_gen/{target}.html"
    for module in ("collections.abc", "typing", "numbers", "dataclasses"):
        if target.startswith(module + "."):
            return f"{PYTHON}{module}.html#{target}"
    return None


def resolve(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    if node.get("refdomain") != "py":
        return None
    url = url_for(node["reftarget"])
    if url is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=url, reftitle=node["reftarget"])
    reference += contnode
    return reference


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("missing-reference", resolve)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
