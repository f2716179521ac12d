"""Activation functions, explained: the article's Sigmoid, Tanh, ReLU and LeakyReLU, and GELU and SiLU.

Each activation is an :class:`Activation` object: call it to evaluate the function,
call ``.derivative`` for its derivative, and read its formula and facts from its
fields.

What the package is: a NumPy library that also carries the website's companion
modules, as d2l's package does for its book.

- The core (this module, ``activation``, ``functions``, ``_kernels``, ``_validation``)
  needs only NumPy and SciPy (for GELU's error function) and never imports torch,
  matplotlib or a companion module; ``tests/test_import_rules.py`` checks that.
- Companion modules, each with its optional dependency: ``autograd``
  (PyTorch counterparts, extra ``torch``), ``plotting`` (extra ``plot``), and, for the
  site's pages, ``pages``, ``article``, ``explorer`` and ``experiments`` (extra ``all``). Experiments never import
  each other.

Examples
--------
>>> import activation_functions as af
>>> [a.display_name for a in af.ACTIVATIONS]
['Sigmoid', 'Tanh', 'ReLU', 'LeakyReLU', 'GELU', 'SiLU']
>>> [a.name for a in af.ARTICLE_ACTIVATIONS]
['sigmoid', 'tanh', 'relu', 'leaky_relu']
>>> af.tanh([0.5]), 2 * af.sigmoid([1.0]) - 1
(array([0.46211716]), array([0.46211716]))
"""

from __future__ import annotations

import importlib.metadata as _metadata

from . import functions as _functions
from .activation import Activation, Citation, Interval
from .functions import gelu, leaky_relu, relu, sigmoid, silu, tanh

# The constants are re-bound here, each with its own ``#:`` comment, so that Sphinx's
# autodoc (which reads these comments from the module that documents them) shows
# their meaning instead of the docstring of ``float`` or ``tuple``.

#: PyTorch's default ``negative_slope`` of LeakyReLU, 0.01, as in ``torch.nn.LeakyReLU``.
DEFAULT_NEGATIVE_SLOPE = _functions.DEFAULT_NEGATIVE_SLOPE

#: Every activation of the package, in the site's order, the article's four
#: (Sigmoid, Tanh, ReLU, LeakyReLU) first, then GELU and SiLU. Everything that compares
#: activations iterates over this tuple.
ACTIVATIONS = _functions.ACTIVATIONS

#: The four activations of the source article, in its order (those with
#: ``in_article`` set).
ARTICLE_ACTIVATIONS = _functions.ARTICLE_ACTIVATIONS

__all__ = [
    "ACTIVATIONS",
    "ARTICLE_ACTIVATIONS",
    "DEFAULT_NEGATIVE_SLOPE",
    "Activation",
    "Citation",
    "Interval",
    "gelu",
    "leaky_relu",
    "relu",
    "sigmoid",
    "silu",
    "tanh",
]
try:
    # The version is written once, in pyproject.toml, and read from the installed metadata.
    __version__ = _metadata.version("activation-functions")
except _metadata.PackageNotFoundError:  # a source tree on sys.path, not installed
    __version__ = "0+unknown"
