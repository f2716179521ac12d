"""The :class:`Activation` record: one object per activation, read by pages, figures and tests."""

from __future__ import annotations

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
    #: PyTorch's tensor function (``None`` when there is none), module and functional form.
    torch_function: str | None
    torch_module: str
    torch_functional: str
    #: Keyword parameters and PyTorch's defaults for them.
    parameters: Mapping[str, float] = field(default_factory=dict)

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
