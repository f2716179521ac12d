"""The source article's code, as the article writes it, for the pages to run and correct.

A companion module of the website. The article draws each of its four figures with the
same few lines: a grid of 50 points on [-10, 10], the sigmoid and tanh computed from
their textbook formulas, ReLU and LeakyReLU built with list comprehensions, and one
``ax.plot`` call under a title. Those formulas are kept here exactly (only wrapped in
functions), so that every page that shows or corrects them runs the same code.

The formulas are *not* this package's: they overflow, cancel and lose accuracy in ways
:mod:`activation_functions.functions` avoids. Pages use them to show what the article
does.

Examples
--------
>>> from activation_functions import article
>>> x = article.grid()
>>> x.size, float(x[0]), float(x[-1])
(50, -10.0, 10.0)
>>> article.ARTICLE_SLOPE
0.2
>>> sorted(article.FIGURES)
['Leaky ReLu', 'ReLu', 'Sigmoid', 'Tanh']
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: The leak the article's LeakyReLU figure uses (``0.2*item if item<0``).
ARTICLE_SLOPE = 0.2


def grid() -> FloatArray:
    """``np.linspace(-10,10)``: the article's x values, 50 points."""
    return np.linspace(-10, 10)


def sigmoid(x: FloatArray) -> FloatArray:
    """``1/(1+np.exp(-x))``: the article's sigmoid (overflows in ``exp`` below about -709.78)."""
    return 1 / (1 + np.exp(-x))


def tanh(x: FloatArray) -> FloatArray:
    """``(np.exp(x)-np.exp(-x))/(np.exp(x)+np.exp(-x))``: NaN once ``exp`` overflows."""
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))  # type: ignore[no-any-return]


def relu(x: FloatArray) -> FloatArray:
    """``np.array([0*item if item<0 else item for item in x])``: one Python step per element."""
    return np.array([0 * item if item < 0 else item for item in x])


def leaky_relu(x: FloatArray) -> FloatArray:
    """``np.array([0.2*item if item<0 else item for item in x])``, the article's slope 0.2."""
    return np.array([ARTICLE_SLOPE * item if item < 0 else item for item in x])


#: Each figure's title, as the article writes it, and the function whose values it plots.
#: The figure titled 'Sigmoid' plots ``y_tanh``: the article's code passes the wrong array.
FIGURES: dict[str, Callable[[FloatArray], FloatArray]] = {
    "Sigmoid": tanh,
    "Tanh": tanh,
    "ReLu": relu,
    "Leaky ReLu": leaky_relu,
}


def plotted(title: str) -> FloatArray:
    """The y values the article's figure ``title`` plots, on the article's grid.

    >>> plotted("Sigmoid").min() < 0  # no sigmoid value is negative
    np.True_
    >>> plotted("Softmax")
    Traceback (most recent call last):
    ...
    KeyError: "no article figure titled 'Softmax'; the titles are: Sigmoid, Tanh, ReLu, Leaky ReLu"
    """
    try:
        function = FIGURES[title]
    except KeyError:
        titles = ", ".join(FIGURES)
        raise KeyError(f"no article figure titled {title!r}; the titles are: {titles}") from None
    return function(grid())
