"""Activation functions, explained: the article's Sigmoid, Tanh, ReLU and LeakyReLU, and GELU and SiLU.

Each activation is an :class:`Activation` object: call it to evaluate the function,
call ``.derivative`` for its derivative, and read its formula and facts from its
fields. The core (this module) needs NumPy and SciPy (for the error function of
GELU); the PyTorch counterparts live in :mod:`activation_functions.autograd` and
the plotting helpers in :mod:`activation_functions.plotting`.

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
__version__ = "0.1.0"
