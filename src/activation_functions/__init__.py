"""Activation functions, explained: Sigmoid, Tanh, ReLU and LeakyReLU.

Each activation is an :class:`Activation` object: call it to evaluate the function,
call ``.derivative`` for its derivative, and read its formula and facts from its
fields. NumPy is the only runtime dependency of this module; the PyTorch
counterparts live in :mod:`activation_functions.autograd` and the plotting helper
in :mod:`activation_functions.plotting`.

Examples
--------
>>> import activation_functions as af
>>> [a.display_name for a in af.ACTIVATIONS]
['Sigmoid', 'Tanh', 'ReLU', 'LeakyReLU']
>>> af.tanh([0.5]), 2 * af.sigmoid([1.0]) - 1
(array([0.46211716]), array([0.46211716]))
"""

from __future__ import annotations

from .activation import Activation, Interval
from .functions import ACTIVATIONS, DEFAULT_NEGATIVE_SLOPE, leaky_relu, relu, sigmoid, tanh

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_NEGATIVE_SLOPE",
    "Activation",
    "Interval",
    "leaky_relu",
    "relu",
    "sigmoid",
    "tanh",
]
__version__ = "0.1.0"
