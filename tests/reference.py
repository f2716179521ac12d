"""The one reference table of the tests: one row per activation of ``af.ACTIVATIONS``.

Every test module that checks something for each activation iterates :data:`ROWS`
(or :data:`CASES`, its rows expanded into one case per parameter setting). A new
activation needs one new :class:`Row` here and nothing else in ``tests/``;
``test_reference_table_covers_the_registry`` fails until it is added.

The references never call :mod:`activation_functions`:

* ``mp_function`` / ``mp_derivative``: the stated formula in mpmath, with exact
  constants (``0.044715`` is the decimal number, not its float64 rounding), at the
  working precision the caller sets (200 bits in the tests). Forms are chosen so that
  200 bits are plenty: ``1 + tanh(u)`` is written ``2 / (1 + exp(-2u))``, and GELU'
  for x < 0 as ``phi(x) (x + M(x))`` with the Mills ratio ``M``, which only cancels at
  the derivative's zero.
* ``f64_function`` / ``f64_derivative``: float64 formulas from other libraries (SciPy's
  ``expit`` and ``ndtr``, libm's ``tanh``), used for float16 and float32 results where
  their error (a few float64 ULP) is below 1e-6 of the target's ULP; inside
  ``mp_windows`` (where the float64 formula cancels, around a derivative's zero) they
  call mpmath instead. ``test_accuracy.py`` checks that claim against mpmath.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, ndtr

F64 = NDArray[np.float64]
MpFunction = Callable[[mpmath.mpf], mpmath.mpf]

#: Precision of the mpmath references, in bits: far beyond float64's 53.
MP_PREC = 200

FLOAT16, FLOAT32, FLOAT64 = np.float16, np.float32, np.float64


# --------------------------------------------------------------------------- mpmath formulas


def _mp_sigmoid(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


def _mp_sigmoid_derivative(x: mpmath.mpf) -> mpmath.mpf:
    # sigma(x) * sigma(-x): no cancellation, unlike s * (1 - s) at any finite precision.
    return 1 / ((1 + mpmath.exp(-x)) * (1 + mpmath.exp(x)))


def _mp_tanh_derivative(x: mpmath.mpf) -> mpmath.mpf:
    return mpmath.sech(x) ** 2


def _mp_phi(x: mpmath.mpf) -> mpmath.mpf:
    return mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)


def _mp_mills(x: mpmath.mpf) -> mpmath.mpf:
    """Mills ratio ``M(x) = Phi(x) / phi(x)`` for x < 0.

    Beyond x = -1000 (where mpmath's erfc cannot take its argument) the asymptotic
    series ``(1 / |x|) * sum (-1)^k (2k - 1)!! / x^(2k)``, 40 terms: its error is below
    ``79!! / 1000^80``, about 1e-180 relative.
    """
    if x < -1000:
        total, term = mpmath.mpf(0), mpmath.mpf(1)
        for k in range(40):
            total += term
            term *= -(2 * k + 1) / (x * x)
        return total / -x
    z = -x / mpmath.sqrt(2)
    return mpmath.sqrt(mpmath.pi / 2) * mpmath.erfc(z) * mpmath.exp(z * z)


def _mp_gelu(x: mpmath.mpf) -> mpmath.mpf:
    if x >= 0:
        return x * mpmath.erfc(-x / mpmath.sqrt(2)) / 2
    return x * _mp_phi(x) * _mp_mills(x)  # Phi = phi * M


def _mp_gelu_derivative(x: mpmath.mpf) -> mpmath.mpf:
    if x >= 0:
        return mpmath.erfc(-x / mpmath.sqrt(2)) / 2 + x * _mp_phi(x)
    return _mp_phi(x) * (x + _mp_mills(x))


_TANH_C = mpmath.mpf("0.044715")


def _mp_u(x: mpmath.mpf) -> mpmath.mpf:
    return mpmath.sqrt(2 / mpmath.pi) * (x + _TANH_C * x**3)


def _mp_gelu_tanh(x: mpmath.mpf) -> mpmath.mpf:
    # 0.5 x (1 + tanh u) = x / (1 + exp(-2u)), exactly
    return x * _mp_sigmoid(2 * _mp_u(x))


def _mp_gelu_tanh_derivative(x: mpmath.mpf) -> mpmath.mpf:
    # d/dx [0.5 x (1 + tanh u)] = 0.5 (1 + tanh u) + 0.5 x sech^2(u) u'
    w = 2 * _mp_u(x)
    du = mpmath.sqrt(2 / mpmath.pi) * (1 + 3 * _TANH_C * x**2)
    return _mp_sigmoid(w) * (1 + 2 * x * du * _mp_sigmoid(-w))


def _mp_silu(x: mpmath.mpf) -> mpmath.mpf:
    return x * _mp_sigmoid(x)


def _mp_silu_derivative(x: mpmath.mpf) -> mpmath.mpf:
    return _mp_sigmoid(x) * (1 + x * _mp_sigmoid(-x))


# --------------------------------------------------------------------------- float64 formulas

_libm_tanh = np.frompyfunc(math.tanh, 1, 1)


def _f64_tanh(x: F64) -> F64:
    return np.asarray(_libm_tanh(x), dtype=np.float64)


def _f64_tanh_derivative(x: F64) -> F64:
    with np.errstate(over="ignore"):  # cosh(x) = inf gives the right limit, 0
        c = np.cosh(x)
        return np.asarray(1.0 / (c * c), dtype=np.float64)


def _f64_sigmoid_derivative(x: F64) -> F64:
    return np.asarray(expit(x) * expit(-x), dtype=np.float64)


def _f64_phi(x: F64) -> F64:
    with np.errstate(under="ignore"):
        return np.asarray(np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi), dtype=np.float64)


def _f64_gelu(x: F64) -> F64:
    return np.asarray(x * ndtr(x), dtype=np.float64)


def _f64_gelu_derivative(x: F64) -> F64:
    return np.asarray(ndtr(x) + x * _f64_phi(x), dtype=np.float64)


def _f64_two_u(x: F64) -> F64:
    return np.asarray(2 * math.sqrt(2 / math.pi) * (x + 0.044715 * x**3), dtype=np.float64)


def _f64_gelu_tanh(x: F64) -> F64:
    with np.errstate(over="ignore"):  # x**3 = inf for |x| > 5.6e102: expit gives 0 or 1
        return np.asarray(x * expit(_f64_two_u(x)), dtype=np.float64)


def _f64_gelu_tanh_derivative(x: F64) -> F64:
    with np.errstate(over="ignore", invalid="ignore"):
        w = _f64_two_u(x)
        v = 2 * x * math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x * x)
        return np.asarray(expit(w) * (1 + v * expit(-w)), dtype=np.float64)


def _f64_silu(x: F64) -> F64:
    return np.asarray(x * expit(x), dtype=np.float64)


def _f64_silu_derivative(x: F64) -> F64:
    return np.asarray(expit(x) * (1 + x * expit(-x)), dtype=np.float64)


def with_mp_windows(
    f64: Callable[[F64], F64], exact: MpFunction, windows: Sequence[tuple[float, float]]
) -> Callable[[F64], F64]:
    """``f64``, except inside ``windows`` where mpmath computes the value (cancellation)."""
    if not windows:
        return f64

    def reference(x: F64) -> F64:
        out = f64(x)
        inside = np.zeros(x.shape, dtype=bool)
        for lo, hi in windows:
            inside |= (x >= lo) & (x <= hi)
        with mpmath.workprec(MP_PREC):
            out[inside] = [float(exact(mpmath.mpf(v))) for v in x[inside].tolist()]
        return out

    return reference


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Bound:
    """A ULP bound: ``ulps`` plus ``condition`` times the condition number ``|x f'(x) / f(x)|``."""

    ulps: float
    condition: float = 0.0


@dataclass(frozen=True)
class Form:
    """One parameter setting of an activation, with its exact and float64 references.

    ``mp_function`` is None for the piecewise-linear activations, which are tested for
    exact equality instead of ULP bounds.
    """

    kwargs: Mapping[str, Any]
    mp_function: MpFunction | None = None
    mp_derivative: MpFunction | None = None
    f64_function: Callable[[F64], F64] | None = None
    f64_derivative: Callable[[F64], F64] | None = None
    #: ULP bounds per dtype, for the function and for the derivative.
    function_bound: Mapping[Any, Bound] = field(default_factory=dict)
    derivative_bound: Mapping[Any, Bound] = field(default_factory=dict)
    #: Dense runs of consecutive floats: formula switches, zeros of the derivative,
    #: onset of subnormal results; per dtype (float32 and float64).
    hot_spots: Mapping[Any, Sequence[float]] = field(default_factory=dict)
    #: Intervals sampled densely: tails where results become subnormal or zero.
    tails: Mapping[Any, Sequence[tuple[float, float]]] = field(default_factory=dict)

    @property
    def suffix(self) -> str:
        """How the form is named in test ids: ``""``, ``"[tanh]"``, ``"[0.2]"``."""
        return "".join(f"[{value}]" for value in self.kwargs.values())


@dataclass(frozen=True)
class Row:
    """Everything the tests need to know about one activation, from outside the package."""

    name: str
    #: The forms tested: the first uses PyTorch's defaults.
    forms: tuple[Form, ...]
    #: PyTorch's functional counterpart, called as ``torch_functional(t, **kwargs)``.
    torch_functional: str
    #: The name of the hand-written counterpart in ``activation_functions.autograd``.
    autograd: str
    #: (f(-inf), f(+inf), f'(-inf), f'(+inf)) for the default parameters.
    limits: tuple[float, float, float, float]
    #: f(0) and f'(0) for the default parameters (PyTorch's choice at a kink).
    at_zero: tuple[float, float]
    #: Below this ``|x|`` (per dtype) PyTorch's built-in is accurate; beyond it the
    #: comparisons with torch stop (torch flushes subnormals, returns NaN at -inf...).
    torch_accurate_below: Mapping[Any, float]
    #: Relative tolerance (in eps of the dtype) for values and gradients against torch.
    torch_rtol_eps: float
    #: Absolute tolerance (in eps of the dtype) against torch, for built-ins that cancel
    #: (PyTorch's GELU computes ``1 + erf(x / sqrt 2)``, which loses relative accuracy
    #: for x < 0).
    torch_atol_eps: float = 0.0
    #: Piecewise linear: compared bit for bit with torch.
    exact: bool = False
    #: Where the kink is (finite differences must avoid it), if any.
    kink: float | None = None
    #: Extra parameter settings for the input/special-value tests.
    extra_kwargs: tuple[Mapping[str, Any], ...] = ()
    #: ``f(x) = x g(x)`` with a gate ``g(x) + g(-x) = 1`` (ReLU, GELU, SiLU), so that
    #: ``f(x) - f(-x) = x``.
    gated: bool = False
    #: PyTorch's autograd differentiates the saved output with the textbook formula
    #: (``y (1 - y)``, ``1 - y^2``): in half precision it is a rounding step behind.
    torch_textbook_backward: bool = False
    #: PyTorch's gradient is NaN at ±inf (``inf * 0`` in its formula); the package's
    #: is the limit.
    torch_nan_at_inf: bool = False


def _smooth_bounds(f16_32: float, f64: Bound) -> dict[Any, Bound]:
    return {FLOAT16: Bound(f16_32), FLOAT32: Bound(f16_32), FLOAT64: f64}


#: "within 10 ULP plus twice its condition number" (GELU, and GELU'/SiLU').
CONDITIONED = Bound(10.0, 2.0)

_GELU_ZERO, _GELU_TANH_ZERO, _SILU_ZERO = (
    -0.7517915246935645,
    -0.7524614220710163,
    -1.2784645427610737,
)

ROWS: tuple[Row, ...] = (
    Row(
        name="sigmoid",
        forms=(
            Form(
                kwargs={},
                mp_function=_mp_sigmoid,
                mp_derivative=_mp_sigmoid_derivative,
                f64_function=lambda x: np.asarray(expit(x), dtype=np.float64),
                f64_derivative=_f64_sigmoid_derivative,
                function_bound=_smooth_bounds(1.0, Bound(4.0)),
                derivative_bound=_smooth_bounds(5.0, Bound(5.0)),
                hot_spots={
                    FLOAT64: [
                        -708.0,
                        -708.3964,
                        -709.7827,
                        -744.44,
                        -745.1332,
                        36.7368,
                        0.0,
                        -1.0,
                        708.3964,
                        745.1332,
                    ],
                    FLOAT32: [0.0, -87.33655, -103.97282, 16.635532, -1.0, 2.0, 87.33655],
                },
                tails={
                    FLOAT64: [(-745.2, -700.0), (-40.0, 40.0), (700.0, 745.2)],
                    FLOAT32: [(-104.5, -86.5), (15.0, 18.0), (86.5, 104.5)],
                },
            ),
        ),
        torch_functional="torch.sigmoid",
        autograd="sigmoid",
        limits=(0.0, 1.0, 0.0, 0.0),
        at_zero=(0.5, 0.25),
        torch_accurate_below={FLOAT16: math.inf, FLOAT32: 87.0, FLOAT64: 700.0},
        torch_rtol_eps=4.0,
        torch_textbook_backward=True,
    ),
    Row(
        name="tanh",
        forms=(
            Form(
                kwargs={},
                mp_function=mpmath.tanh,
                mp_derivative=_mp_tanh_derivative,
                f64_function=_f64_tanh,
                f64_derivative=_f64_tanh_derivative,
                function_bound=_smooth_bounds(2.0, Bound(2.0)),
                derivative_bound=_smooth_bounds(5.0, Bound(5.0)),
                hot_spots={
                    FLOAT64: [19.0615, -19.0615, 0.0, 0.55, -0.55, 1e-8, 350.0, -354.1982, 372.5],
                    FLOAT32: [0.0, 9.010913, -9.010913, 0.55, 1e-4, 43.668274, -51.98641],
                },
                tails={
                    FLOAT64: [(-20.0, 20.0), (15.0, 22.0), (340.0, 375.0), (-375.0, -340.0)],
                    FLOAT32: [(8.0, 10.0), (-10.0, -8.0), (43.0, 53.0), (-53.0, -43.0)],
                },
            ),
        ),
        torch_functional="torch.tanh",
        autograd="tanh",
        limits=(-1.0, 1.0, 0.0, 0.0),
        at_zero=(0.0, 1.0),
        torch_accurate_below={FLOAT16: math.inf, FLOAT32: math.inf, FLOAT64: math.inf},
        torch_rtol_eps=4.0,
        torch_textbook_backward=True,
    ),
    Row(
        name="relu",
        forms=(Form(kwargs={}),),
        torch_functional="torch.relu",
        autograd="relu",
        limits=(0.0, math.inf, 0.0, 1.0),
        at_zero=(0.0, 0.0),
        torch_accurate_below={FLOAT16: math.inf, FLOAT32: math.inf, FLOAT64: math.inf},
        torch_rtol_eps=0.0,
        exact=True,
        kink=0.0,
        gated=True,
    ),
    Row(
        name="leaky_relu",
        forms=(Form(kwargs={"negative_slope": 0.01}), Form(kwargs={"negative_slope": 0.2})),
        torch_functional="torch.nn.functional.leaky_relu",
        autograd="leaky_relu",
        limits=(-math.inf, math.inf, 0.0, 1.0),  # f'(-inf) is the slope: checked apart
        at_zero=(0.0, 0.01),
        torch_accurate_below={FLOAT16: math.inf, FLOAT32: math.inf, FLOAT64: math.inf},
        torch_rtol_eps=0.0,
        exact=True,
        kink=0.0,
        extra_kwargs=tuple({"negative_slope": s} for s in (0.0, 1.0, -0.5, 3.0)),
    ),
    Row(
        name="gelu",
        forms=(
            Form(
                kwargs={"approximate": "none"},
                mp_function=_mp_gelu,
                mp_derivative=_mp_gelu_derivative,
                f64_function=_f64_gelu,
                f64_derivative=with_mp_windows(
                    _f64_gelu_derivative, _mp_gelu_derivative, [(-0.757, -0.747)]
                ),
                function_bound=_smooth_bounds(1.0, CONDITIONED),
                derivative_bound=_smooth_bounds(2.0, CONDITIONED),
                hot_spots={
                    FLOAT64: [
                        _GELU_ZERO,
                        -0.5017915,
                        -1.0017915,
                        -1.0,
                        -1.4,
                        0.0,
                        1.4142,
                        -37.617,
                        -38.58,
                        -8.0,
                    ],
                    FLOAT32: [_GELU_ZERO, -1.0, 0.0, -13.1466, -14.3564, -13.3422, -14.5414],
                },
                tails={
                    FLOAT64: [(-39.0, -35.0), (-3.0, 3.0), (-1.05, -0.45)],
                    FLOAT32: [(-15.0, -12.0), (-1.05, -0.45)],
                },
            ),
            Form(
                kwargs={"approximate": "tanh"},
                mp_function=_mp_gelu_tanh,
                mp_derivative=_mp_gelu_tanh_derivative,
                f64_function=_f64_gelu_tanh,
                f64_derivative=with_mp_windows(
                    _f64_gelu_tanh_derivative, _mp_gelu_tanh_derivative, [(-0.758, -0.747)]
                ),
                function_bound=_smooth_bounds(1.0, CONDITIONED),
                derivative_bound=_smooth_bounds(2.0, CONDITIONED),
                hot_spots={
                    FLOAT64: [_GELU_TANH_ZERO, 0.0, -21.1769, -21.5475, -21.4, -21.59, -5.0],
                    FLOAT32: [_GELU_TANH_ZERO, 0.0, -10.1009, -10.7710, -10.2351, -10.8948],
                },
                tails={
                    FLOAT64: [(-22.0, -19.0), (-3.0, 3.0)],
                    FLOAT32: [(-11.0, -8.0), (-1.05, -0.45)],
                },
            ),
        ),
        torch_functional="torch.nn.functional.gelu",
        autograd="gelu",
        limits=(0.0, math.inf, 0.0, 1.0),
        at_zero=(0.0, 0.5),
        # float32 erfc in torch is accurate while results are normal (x > -13);
        # F.gelu(-inf) is NaN and so are its gradients at ±inf.
        torch_accurate_below={FLOAT16: math.inf, FLOAT32: 13.0, FLOAT64: 30.0},
        torch_rtol_eps=16.0,
        torch_atol_eps=32.0,
        gated=True,
        torch_nan_at_inf=True,
    ),
    Row(
        name="silu",
        forms=(
            Form(
                kwargs={},
                mp_function=_mp_silu,
                mp_derivative=_mp_silu_derivative,
                f64_function=_f64_silu,
                f64_derivative=with_mp_windows(
                    _f64_silu_derivative, _mp_silu_derivative, [(-1.284, -1.273)]
                ),
                function_bound=_smooth_bounds(1.0, Bound(4.0)),
                derivative_bound=_smooth_bounds(2.0, CONDITIONED),
                hot_spots={
                    FLOAT64: [_SILU_ZERO, 0.0, -708.0, -714.97, -745.13, -751.78, 2.3994, 36.7],
                    FLOAT32: [_SILU_ZERO, 0.0, -91.859, -108.662, -87.3, 16.6],
                },
                tails={
                    FLOAT64: [(-752.0, -700.0), (-3.0, 3.0), (30.0, 40.0)],
                    FLOAT32: [(-110.0, -85.0), (-1.5, -1.0)],
                },
            ),
        ),
        torch_functional="torch.nn.functional.silu",
        autograd="silu",
        limits=(0.0, math.inf, 0.0, 1.0),
        at_zero=(0.0, 0.5),
        torch_accurate_below={FLOAT16: math.inf, FLOAT32: 87.0, FLOAT64: 700.0},
        torch_rtol_eps=8.0,
        gated=True,
        torch_nan_at_inf=True,
    ),
)

#: The rows by activation name.
BY_NAME: dict[str, Row] = {row.name: row for row in ROWS}


@dataclass(frozen=True)
class Case:
    """One callable to check: a form's function or derivative."""

    id: str
    row: Row
    form: Form
    derivative: bool

    @property
    def mp(self) -> MpFunction | None:
        return self.form.mp_derivative if self.derivative else self.form.mp_function

    @property
    def mp_slope(self) -> MpFunction | None:
        """The derivative of :attr:`mp` (for the condition number), where it is known."""
        if not self.derivative:
            return self.form.mp_derivative
        exact = self.form.mp_derivative
        if exact is None:
            return None

        def second(x: mpmath.mpf) -> mpmath.mpf:
            h = mpmath.ldexp(1, -120) * max(1, abs(x))
            with mpmath.extraprec(260):
                return (exact(x + h) - exact(x - h)) / (2 * h)

        return second

    @property
    def f64(self) -> Callable[[F64], F64] | None:
        return self.form.f64_derivative if self.derivative else self.form.f64_function

    def bound(self, dtype: Any) -> Bound:
        bounds = self.form.derivative_bound if self.derivative else self.form.function_bound
        return bounds[dtype]


def _cases(*, smooth_only: bool) -> list[Case]:
    cases = []
    for row in ROWS:
        if smooth_only and row.exact:
            continue
        for form in row.forms:
            for derivative in (False, True):
                label = f"{row.name}{'.derivative' if derivative else ''}{form.suffix}"
                cases.append(Case(label, row, form, derivative))
    return cases


#: Every smooth function and derivative, in every form, with mpmath references.
SMOOTH_CASES: list[Case] = _cases(smooth_only=True)
