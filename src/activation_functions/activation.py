"""The :class:`Activation` record: one object per activation, read by pages, figures and tests.

Besides the function, its derivative and the stated facts (fields), the record
computes the facts that follow from them (properties and methods): the largest
slope, where the gradient dies, and an initialisation gain.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec

import numpy as np
from numpy.typing import ArrayLike, NDArray

P = ParamSpec("P")
FloatArray = NDArray[np.floating[Any]]


def _bound_text(value: float, *, latex: bool) -> str:
    if math.isinf(value):
        symbol = r"\infty" if latex else "∞"
        return symbol if value > 0 else "-" + symbol
    return f"{value:g}"


@dataclass(frozen=True)
class Interval:
    r"""An interval of the real line, such as an activation's output range.

    Examples
    --------
    >>> r = Interval(0.0, 1.0, low_closed=False, high_closed=False)
    >>> str(r)
    '(0, 1)'
    >>> str(Interval(0.0, math.inf, low_closed=True, high_closed=False))
    '[0, ∞)'
    >>> print(Interval(-math.inf, math.inf).latex)
    (-\infty, \infty)
    """

    low: float
    high: float
    low_closed: bool = False
    high_closed: bool = False

    def _render(self, *, latex: bool) -> str:
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        low = _bound_text(self.low, latex=latex)
        high = _bound_text(self.high, latex=latex)
        return f"{left}{low}, {high}{right}"

    def __str__(self) -> str:
        return self._render(latex=False)

    @property
    def latex(self) -> str:
        """The interval in LaTeX, with ``\\infty`` for unbounded ends."""
        return self._render(latex=True)


@dataclass(frozen=True)
class Citation:
    """A published source: who, what, where, when, and a link (DOI or URL).

    Examples
    --------
    >>> c = Citation("Hendrycks, D. and Gimpel, K.", "Gaussian Error Linear Units (GELUs)",
    ...              "arXiv:1606.08415", 2016, "https://arxiv.org/abs/1606.08415")
    >>> str(c)
    'Hendrycks, D. and Gimpel, K. (2016). Gaussian Error Linear Units (GELUs). arXiv:1606.08415.'
    """

    #: Authors, as printed in a reference list.
    authors: str
    #: Title of the paper.
    title: str
    #: Journal, proceedings or preprint server.
    venue: str
    #: Year of publication.
    year: int
    #: Where to read it, a DOI link or the publisher's URL.
    url: str

    def __str__(self) -> str:
        return f"{self.authors} ({self.year}). {self.title}. {self.venue}."


#: Number of Gauss-Hermite nodes for :meth:`Activation.second_moment_gain`: exact for
#: polynomials of degree up to 399, and to about 1e-15 for GELU and SiLU.
_HERMITE_NODES = 200


@dataclass(frozen=True, eq=False)
class Activation(Generic[P]):
    r"""An activation function together with everything the site says about it.

    Calling the object evaluates the function; :attr:`derivative` evaluates its
    derivative with the same arguments. The remaining fields are the facts that
    pages, tables and figures print, so that each is written exactly once.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.sigmoid([0.0])
    array([0.5])
    >>> af.sigmoid.derivative(0.0)
    array(0.25)
    >>> af.sigmoid.display_name, str(af.sigmoid.output_range)
    ('Sigmoid', '(0, 1)')
    >>> print(af.leaky_relu.latex)
    \mathrm{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ \gamma x & x \le 0 \end{cases}
    """

    #: Python name, as in ``activation_functions.<name>``.
    name: str
    #: Name for people, as PyTorch spells the layer ("LeakyReLU").
    display_name: str
    #: LaTeX symbol for the function, such as ``\sigma``.
    symbol: str
    #: LaTeX right-hand side of the definition.
    formula: str
    #: LaTeX right-hand side of the derivative.
    derivative_formula: str
    #: The elementwise function, ``function(x, **parameters)``.
    function: Callable[Concatenate[ArrayLike, P], FloatArray]
    #: Its elementwise derivative, same signature.
    derivative: Callable[Concatenate[ArrayLike, P], FloatArray]
    #: Mathematical range of the function (for the default parameters).
    output_range: Interval
    #: True when outputs are symmetric about zero (an odd function).
    zero_centred: bool
    #: True when the derivative tends to 0 as x tends to -infinity.
    saturates_left: bool
    #: True when the derivative tends to 0 as x tends to +infinity.
    saturates_right: bool
    #: True when the function never decreases (for the default parameters).
    monotonic: bool
    #: What one evaluation costs, in elementary operations.
    cost: str
    #: The cost in one word or two, for grouping, such as "piecewise linear", "one
    #: exponential" or "special function".
    cost_class: str
    #: PyTorch's tensor function, such as ``"torch.sigmoid"``; ``None`` when PyTorch has
    #: none (LeakyReLU, GELU and SiLU are only in ``torch.nn`` and ``torch.nn.functional``).
    torch_function: str | None
    #: PyTorch's layer class, such as ``"torch.nn.Sigmoid"``.
    torch_module: str
    #: PyTorch's functional form, such as ``"torch.nn.functional.sigmoid"``.
    torch_functional: str
    #: True for the four activations of the source article (Sigmoid, Tanh, ReLU,
    #: LeakyReLU); False for those the site adds (GELU, SiLU).
    in_article: bool
    #: How smooth the function is, in words, such as "C∞" or "continuous, kink at 0".
    smoothness: str
    #: Year of the paper that introduced the activation to neural networks (or
    #: made it popular there), that is ``papers[0].year``.
    year: int
    #: The papers to cite for it, the first one first.
    papers: tuple[Citation, ...]
    #: ``torch.nn.init.calculate_gain``'s formula for this activation, as a function of
    #: its parameters; ``None`` where ``calculate_gain`` has none (GELU, SiLU), in which
    #: case :attr:`init_gain` uses the second-moment rule.
    torch_gain: Callable[..., float] | None = None
    #: Keyword parameters and PyTorch's defaults for them (``negative_slope`` is a float,
    #: GELU's ``approximate`` a string).
    parameters: Mapping[str, float | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # help() and the API reference show the function's own docstring.
        object.__setattr__(self, "__doc__", self.function.__doc__)
        object.__setattr__(self, "__wrapped__", self.function)

    def __call__(self, x: ArrayLike, /, *args: P.args, **kwargs: P.kwargs) -> FloatArray:
        return self.function(x, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<activation {self.display_name}>"

    @property
    def latex(self) -> str:
        """The definition, ``symbol(x) = formula``, in LaTeX."""
        return f"{self.symbol}(x) = {self.formula}"

    @property
    def derivative_latex(self) -> str:
        """The derivative, ``symbol'(x) = derivative_formula``, in LaTeX."""
        return f"{self.symbol}'(x) = {self.derivative_formula}"

    @property
    def saturating(self) -> bool:
        """True when the function saturates on both sides (its gradient vanishes for large ``|x|``)."""
        return self.saturates_left and self.saturates_right

    @property
    def torch_forms(self) -> tuple[str, ...]:
        """The PyTorch spellings of this activation, tensor function first."""
        forms = (self.torch_function, self.torch_module, self.torch_functional)
        return tuple(form for form in forms if form is not None)

    # ----------------------------------------------------------------- derived facts

    @functools.cached_property  # computed once: the record is immutable
    def max_slope(self) -> float:
        """The largest ``|f'(x)|`` over the real line, for the default parameters.

        Computed, not stated: a grid over [-20, 20] (every maximum of the six lies
        well inside), then golden-section refinement around the best grid point.

        Examples
        --------
        >>> import activation_functions as af
        >>> af.sigmoid.max_slope, af.relu.max_slope
        (0.25, 1.0)
        >>> round(af.gelu.max_slope, 4), round(af.silu.max_slope, 4)
        (1.1289, 1.0998)
        """
        return _largest_abs(self.derivative, dict(self.parameters))

    def saturation_points(self, threshold: float = 0.01) -> tuple[float | None, float | None]:
        """Where the gradient has died: the ``x`` beyond which ``|f'(x)| < threshold``.

        Returns ``(left, right)``: ``|f'| < threshold`` for every ``x <= left`` and
        every ``x >= right``; ``None`` on a side where the gradient never falls below
        ``threshold``. Found on a grid over [-100, 100] refined by bisection, for the
        default parameters.

        Examples
        --------
        >>> import activation_functions as af
        >>> left, right = af.sigmoid.saturation_points()
        >>> round(left, 2), round(right, 2)
        (-4.58, 4.58)
        >>> af.relu.saturation_points()
        (0.0, None)
        """
        kwargs = dict(self.parameters)
        derivative: Callable[..., FloatArray] = self.derivative

        def alive(x: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, np.dtype[np.bool_]]:
            return np.asarray(np.abs(derivative(x, **kwargs)) >= threshold)

        grid = np.linspace(-100.0, 100.0, 200_001)
        live = np.flatnonzero(alive(grid))
        if live.size == 0:
            return (math.inf, -math.inf)
        left: float | None = None
        right: float | None = None
        if live[0] > 0:
            left = _bisect_edge(alive, float(grid[live[0] - 1]), float(grid[live[0]]))
        if live[-1] < grid.size - 1:
            right = _bisect_edge(alive, float(grid[live[-1] + 1]), float(grid[live[-1]]))
        return (left, right)

    def second_moment_gain(self, **parameters: Any) -> float:
        r"""The gain ``1 / sqrt(E[f(z)^2])`` for ``z ~ N(0, 1)``: the second-moment rule.

        With weights of variance ``gain^2 / fan_in`` and unit-variance
        pre-activations, the next layer's pre-activations again have variance 1:
        :math:`\operatorname{Var}(\sum_i w_i f(z_i)) = \mathrm{fan\_in}\cdot
        \frac{\mathrm{gain}^2}{\mathrm{fan\_in}}\cdot E[f(z)^2]`. For ReLU,
        ``E[relu(z)^2] = 1/2`` gives He's ``sqrt(2)``. Computed with Gauss-Hermite
        quadrature (200 nodes); parameters default to the record's.

        Examples
        --------
        >>> import activation_functions as af
        >>> round(af.relu.second_moment_gain(), 3)
        1.414
        """
        kwargs = {**self.parameters, **parameters}
        function: Callable[..., FloatArray] = self.function
        nodes, weights = np.polynomial.hermite_e.hermegauss(_HERMITE_NODES)
        values = np.asarray(function(nodes, **kwargs), dtype=np.float64)
        second_moment = float(np.dot(weights, values * values)) / math.sqrt(2.0 * math.pi)
        return 1.0 / math.sqrt(second_moment)

    @functools.cached_property  # computed once: the record is immutable
    def init_gain(self) -> float:
        """The initialisation gain, for the default parameters.

        Equal to ``torch.nn.init.calculate_gain`` where PyTorch has one (Sigmoid 1,
        Tanh 5/3, ReLU sqrt(2), LeakyReLU sqrt(2 / (1 + slope^2))); for GELU and SiLU,
        where ``calculate_gain`` raises, the second-moment rule of
        :meth:`second_moment_gain`.

        Examples
        --------
        >>> import activation_functions as af
        >>> af.tanh.init_gain
        1.6666666666666667
        >>> round(af.gelu.init_gain, 3), round(af.silu.init_gain, 3)
        (1.534, 1.677)
        """
        if self.torch_gain is not None:
            numeric = {k: v for k, v in self.parameters.items() if not isinstance(v, str)}
            return float(self.torch_gain(**numeric))
        return self.second_moment_gain()


def _largest_abs(derivative: Callable[..., Any], kwargs: dict[str, Any]) -> float:
    """max |derivative| over the real line: grid on [-20, 20], then golden-section search."""
    grid = np.linspace(-20.0, 20.0, 40_001)
    values = np.abs(np.asarray(derivative(grid, **kwargs), dtype=np.float64))
    best = int(np.argmax(values))
    lo = float(grid[max(best - 1, 0)])
    hi = float(grid[min(best + 1, grid.size - 1)])
    ratio = (math.sqrt(5.0) - 1.0) / 2.0

    def magnitude(x: float) -> float:
        return float(np.abs(derivative(np.array([x]), **kwargs))[0])

    for _ in range(80):  # the bracket shrinks by 0.618 per step: far below float64 spacing
        a = hi - ratio * (hi - lo)
        b = lo + ratio * (hi - lo)
        if magnitude(a) >= magnitude(b):
            hi = b
        else:
            lo = a
    return max(float(values[best]), magnitude(0.5 * (lo + hi)))


def _bisect_edge(alive: Callable[[Any], Any], dead: float, live: float) -> float:
    """The boundary between a point where ``alive`` is False and one where it is True."""
    for _ in range(60):
        middle = 0.5 * (dead + live)
        if bool(alive(np.array([middle]))[0]):
            live = middle
        else:
            dead = middle
    return dead
