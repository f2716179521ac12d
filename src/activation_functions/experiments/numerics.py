"""Experiment 8: the tanh-sigmoid identity and the article's formulas in floating point.

The article writes ``tanh(x) = 2 sigmoid(2x) - 1`` and evaluates the functions
with textbook formulas: ``1/(1+np.exp(-x))`` and
``(np.exp(x)-np.exp(-x))/(np.exp(x)+np.exp(-x))``; derivatives are usually
written ``s*(1-s)`` and ``1-t**2``. Mathematically all of this is exact; in
floating point ``exp`` overflows beyond ``x`` of about 709.8 (float64) or 88.7
(float32), and ``1 - s`` loses every digit once ``s`` rounds to 1. NumPy only:
no torch needed. Every formula runs under ``np.errstate(all="ignore")``, so the
overflows are measured, not printed as warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .. import article
from ..functions import sigmoid, tanh

if TYPE_CHECKING:
    from matplotlib.figure import Figure

F64 = NDArray[np.float64]
FloatArray = NDArray[np.floating[Any]]


def naive_sigmoid(x: FloatArray) -> FloatArray:
    """The article's formula, ``1/(1+np.exp(-x))``, warnings silenced.

    Examples
    --------
    >>> naive_sigmoid(np.array([0.0, -1000.0]))
    array([0.5, 0. ])
    """
    with np.errstate(all="ignore"):
        result: FloatArray = article.sigmoid(x)  # type: ignore[arg-type]
    return result


def naive_tanh(x: FloatArray) -> FloatArray:
    """The article's formula, ``(e^x - e^-x) / (e^x + e^-x)`` with four exps, warnings silenced.

    Examples
    --------
    >>> naive_tanh(np.array([0.5, 710.0]))
    array([0.46211716,        nan])
    """
    with np.errstate(all="ignore"):
        result: FloatArray = article.tanh(x)  # type: ignore[arg-type]
    return result


def naive_sigmoid_derivative(x: FloatArray) -> FloatArray:
    """The textbook ``s * (1 - s)`` with ``s = 1/(1+np.exp(-x))``.

    Examples
    --------
    >>> naive_sigmoid_derivative(np.array([0.0, 40.0]))
    array([0.25, 0.  ])
    """
    s = naive_sigmoid(x)
    with np.errstate(all="ignore"):
        result: FloatArray = s * (1 - s)
    return result


def naive_tanh_derivative(x: FloatArray) -> FloatArray:
    """The textbook ``1 - t**2`` with ``t = np.tanh(x)``.

    Examples
    --------
    >>> naive_tanh_derivative(np.array([0.0, 20.0]))
    array([1., 0.])
    """
    with np.errstate(all="ignore"):
        t = np.tanh(x)
        result: FloatArray = 1 - t * t
    return result


def relative_error(approx: FloatArray, exact: FloatArray) -> F64:
    """``|approx - exact| / |exact|`` in float64; inf/NaN results count as error 1 or more.

    Examples
    --------
    >>> relative_error(np.array([0.0, 1.5]), np.array([1e-20, 1.0]))
    array([1. , 0.5])
    """
    a = approx.astype(np.float64)
    e = exact.astype(np.float64)
    with np.errstate(all="ignore"):
        err = np.abs(a - e) / np.abs(e)
    return np.where(np.isfinite(a), err, np.inf)


@dataclass(frozen=True)
class NumericsResult:
    """Identity deviations, overflow thresholds and tail errors of the naive formulas."""

    #: Max |tanh(x) - (2 sigmoid(2x) - 1)| over the grid, per dtype name.
    identity_max_abs: dict[str, float]
    #: Machine epsilon per dtype name, for scale.
    eps: dict[str, float]
    identity_limit: float
    #: Smallest |x| on the scan grid where the naive tanh returns NaN, per dtype name.
    naive_tanh_nan_from: dict[str, float]
    #: Smallest x on the scan grid where exp(x) overflows to inf, per dtype name.
    exp_overflow_from: dict[str, float]
    #: Grid for the derivative tails (float64), and the relative errors there.
    tail_x: F64
    sigmoid_derivative_error: F64
    tanh_derivative_error: F64
    #: True value of the sigmoid's derivative where the naive one first returns exactly 0.
    sigmoid_derivative_zero_from: float
    sigmoid_derivative_true_there: float
    tanh_derivative_zero_from: float
    tanh_derivative_true_there: float

    def first_error_above(self, which: str, threshold: float) -> float:
        """Smallest ``x`` of the tail grid where the naive derivative's relative error > threshold."""
        errors = self.sigmoid_derivative_error if which == "sigmoid" else self.tanh_derivative_error
        above = np.flatnonzero(errors > threshold)
        return float(self.tail_x[above[0]]) if above.size else float("inf")


def binned_max(x: F64, values: F64, width: float = 0.5) -> tuple[F64, F64]:
    """Bin centres and the largest value in each bin of ``width`` along ``x``.

    Examples
    --------
    >>> binned_max(np.array([0.0, 0.2, 0.6, 0.9]), np.array([1.0, 3.0, 2.0, 0.0]))
    (array([0.25, 0.75]), array([3., 2.]))
    """
    count = max(1, int(np.ceil((x[-1] - x[0]) / width)))
    index = np.minimum(np.floor((x - x[0]) / width).astype(np.int64), count - 1)
    worst = np.full(count, -np.inf)
    np.maximum.at(worst, index, values)
    centres = x[0] + (np.arange(count) + 0.5) * width
    return centres, worst


def _first(mask: NDArray[np.bool_], grid: F64) -> float:
    hits = np.flatnonzero(mask)
    return float(grid[hits[0]]) if hits.size else float("inf")


def run(*, identity_limit: float = 20.0, num: int = 200_001) -> NumericsResult:
    """Check the identity in float32 and float64 and measure where the naive formulas fail.

    Examples
    --------
    >>> r = run(num=2001)
    >>> r.naive_tanh_nan_from["float32"] < r.naive_tanh_nan_from["float64"]
    True
    """
    identity: dict[str, float] = {}
    eps: dict[str, float] = {}
    nan_from: dict[str, float] = {}
    overflow: dict[str, float] = {}
    scan = np.arange(0.0, 800.0, 0.01)
    for dtype in (np.dtype(np.float32), np.dtype(np.float64)):
        name = dtype.name
        x: FloatArray = np.linspace(-identity_limit, identity_limit, num).astype(dtype)
        # 2 sigmoid(2x) - 1, every step in the dtype (doubling and the subtraction are exact).
        via_sigmoid = (2 * sigmoid(2 * x) - 1).astype(dtype)
        deviation = np.abs(np.tanh(x).astype(np.float64) - via_sigmoid.astype(np.float64))
        identity[name] = float(deviation.max())
        eps[name] = float(np.finfo(dtype).eps)
        xs: FloatArray = scan.astype(dtype)
        nan_from[name] = _first(np.isnan(naive_tanh(xs)), scan)
        with np.errstate(all="ignore"):
            overflow[name] = _first(np.isinf(np.exp(xs)), scan)
    tail = np.linspace(0.0, 40.0, 4001)
    true_s = sigmoid.derivative(tail)
    true_t = tanh.derivative(tail)
    naive_s = naive_sigmoid_derivative(tail)
    naive_t = naive_tanh_derivative(tail)
    s_zero = _first(naive_s == 0.0, tail)
    t_zero = _first(naive_t == 0.0, tail)
    return NumericsResult(
        identity_max_abs=identity,
        eps=eps,
        identity_limit=identity_limit,
        naive_tanh_nan_from=nan_from,
        exp_overflow_from=overflow,
        tail_x=tail,
        sigmoid_derivative_error=relative_error(naive_s, true_s),
        tanh_derivative_error=relative_error(naive_t, true_t),
        sigmoid_derivative_zero_from=s_zero,
        sigmoid_derivative_true_there=float(sigmoid.derivative(s_zero)),
        tanh_derivative_zero_from=t_zero,
        tanh_derivative_true_there=float(tanh.derivative(t_zero)),
    )


def plot(result: NumericsResult) -> Figure:
    """Relative error of the textbook derivatives against the package's, log scale.

    Examples
    --------
    >>> fig = plot(run(num=2001))
    >>> fig.axes[0].get_yscale()
    'log'
    """
    import matplotlib.pyplot as plt

    from ._plot_utils import style

    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    floor = 1e-17  # exact results (error 0) are drawn on the floor of the log axis
    centres, _ = binned_max(result.tail_x, result.sigmoid_derivative_error)
    for name, errors, formula in (
        ("sigmoid", result.sigmoid_derivative_error, "s·(1 − s)"),
        ("tanh", result.tanh_derivative_error, "1 − t²"),
    ):
        _, worst = binned_max(result.tail_x, errors)
        s = {**style(name), "label": f"{style(name)['label']}: {formula}"}
        ax.plot(centres, np.clip(worst, floor, 1.0), markersize=4, **s)
    ax.axhline(result.eps["float64"], color="#1a1a1a", linestyle=":", linewidth=1)
    ax.annotate(
        "float64 machine epsilon",
        (float(result.tail_x[-1]), result.eps["float64"]),
        xytext=(0, 4),
        textcoords="offset points",
        ha="right",
        fontsize=9,
    )
    ax.set_yscale("log")
    ax.set_ylim(floor, 3.0)
    ax.set_xlabel("$x$")
    ax.set_ylabel("worst relative error\nin each 0.5-wide bin")
    ax.set_title("Textbook derivative formulas in float64")
    ax.legend(loc="upper left")
    return fig
