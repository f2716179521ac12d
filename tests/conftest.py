"""Shared fixtures: float grids, ULP arithmetic and references independent of the package.

The references never call :mod:`activation_functions`:

* ``mp_exact``: mpmath at 200 bits, for float64 (and spot checks of float32);
* ``f64_reference``: float64 closed forms from other libraries (SciPy's ``expit``,
  libm's ``tanh`` through :mod:`math`, ``1 / cosh(x)**2``), for float16 and float32,
  where their error (a few float64 ULP) is below 1e-7 of a float32 ULP. That claim is
  itself tested against mpmath in ``test_accuracy.py``.

ULP errors are measured against the exact value: the unit is the gap between the two
floats of the target dtype that bracket the exact value, so a result is within
0.5 ULP exactly when it is the correctly rounded value, and subnormal results are
measured in the subnormal spacing (nothing is flushed to zero).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import settings
from numpy.typing import NDArray
from scipy.special import expit

settings.register_profile("activation-functions", deadline=None, max_examples=60, print_blob=True)
settings.load_profile("activation-functions")

FLOAT_DTYPES = (np.float16, np.float32, np.float64)

#: Precision of the mpmath references, in bits: far beyond float64's 53.
MP_PREC = 200

F64 = NDArray[np.float64]


# --------------------------------------------------------------------------- references


def _mp_sigmoid(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


def _mp_sigmoid_derivative(x: mpmath.mpf) -> mpmath.mpf:
    # sigma(x) * sigma(-x): no cancellation, unlike s * (1 - s) at any finite precision.
    return 1 / ((1 + mpmath.exp(-x)) * (1 + mpmath.exp(x)))


def _mp_tanh(x: mpmath.mpf) -> mpmath.mpf:
    return mpmath.tanh(x)


def _mp_tanh_derivative(x: mpmath.mpf) -> mpmath.mpf:
    return mpmath.sech(x) ** 2


#: Exact (200-bit) values of the smooth functions, keyed like ``SMOOTH_NAMES``.
MP_EXACT: dict[str, Callable[[mpmath.mpf], mpmath.mpf]] = {
    "sigmoid": _mp_sigmoid,
    "tanh": _mp_tanh,
    "sigmoid.derivative": _mp_sigmoid_derivative,
    "tanh.derivative": _mp_tanh_derivative,
}

_libm_tanh = np.frompyfunc(math.tanh, 1, 1)


def _f64_tanh(x: F64) -> F64:
    return np.asarray(_libm_tanh(x), dtype=np.float64)


def _f64_tanh_derivative(x: F64) -> F64:
    with np.errstate(over="ignore"):  # cosh(x) = inf gives the right limit, 0
        c = np.cosh(x)
        return np.asarray(1.0 / (c * c), dtype=np.float64)


def _f64_sigmoid_derivative(x: F64) -> F64:
    return np.asarray(expit(x) * expit(-x), dtype=np.float64)


#: Float64 references built from other libraries, for float16 and float32 outputs.
F64_REFERENCE: dict[str, Callable[[F64], F64]] = {
    "sigmoid": lambda x: np.asarray(expit(x), dtype=np.float64),
    "tanh": _f64_tanh,
    "sigmoid.derivative": _f64_sigmoid_derivative,
    "tanh.derivative": _f64_tanh_derivative,
}


# --------------------------------------------------------------------------- ULPs


def _precision(dtype: Any) -> tuple[int, int]:
    """(significand bits including the hidden one, minimum normal exponent)."""
    info = np.finfo(dtype)
    return info.nmant + 1, info.minexp


def mp_ulp_errors(y: NDArray[Any], x: NDArray[Any], name: str, unit: Any = None) -> F64:
    """ULP errors of ``y = f(x)`` against the 200-bit value of ``f``.

    The ULP is that of ``unit`` (a dtype), by default ``y``'s dtype.
    """
    p, emin = _precision(y.dtype if unit is None else unit)
    exact_fn = MP_EXACT[name]
    errors = np.empty(y.size, dtype=np.float64)
    with mpmath.workprec(MP_PREC):
        for i, (yi, xi) in enumerate(zip(y.ravel().tolist(), x.ravel().tolist(), strict=True)):
            exact = exact_fn(mpmath.mpf(xi))
            # |exact| lies in [2**(e - 1), 2**e) with e = frexp(exact)[1]
            binade = emin if exact == 0 else max(int(mpmath.frexp(exact)[1]) - 1, emin)
            ulp = mpmath.ldexp(1, binade - p + 1)
            errors[i] = float(abs(mpmath.mpf(yi) - exact) / ulp)
    return errors


def f64_ulp_errors(y: NDArray[Any], reference: F64) -> F64:
    """ULP errors of ``y`` (float16 or float32) against a float64 ``reference``."""
    p, emin = _precision(y.dtype)
    _, exponent = np.frexp(np.abs(reference))
    binade = np.where(reference == 0, emin, np.maximum(exponent - 1, emin))
    ulp = np.ldexp(1.0, binade - p + 1)
    return np.asarray(np.abs(y.astype(np.float64) - reference) / ulp, dtype=np.float64)


# --------------------------------------------------------------------------- grids


def consecutive_floats(x0: float, n: int, dtype: Any) -> NDArray[Any]:
    """``2n + 1`` consecutive floats of ``dtype`` centred on ``x0``, built with nextafter."""
    centre = np.asarray(x0, dtype=dtype)
    up = [centre]
    down = [centre]
    hi = np.asarray(np.inf, dtype=dtype)
    lo = np.asarray(-np.inf, dtype=dtype)
    for _ in range(n):
        up.append(np.nextafter(up[-1], hi))
        down.append(np.nextafter(down[-1], lo))
    return np.array(down[:0:-1] + up, dtype=dtype)


def all_finite_float16() -> NDArray[np.float16]:
    """Every finite float16 (both zeros), in increasing order, from bit patterns.

    Built from bit patterns rather than sorted: np.sort on float16 is unreliable on
    some AVX-512 machines.
    """
    positive = np.arange(0, 0x7C00, dtype=np.uint16).view(np.float16)
    negative = (np.arange(0x7BFF, -1, -1, dtype=np.int32).astype(np.uint16) | 0x8000).view(
        np.float16
    )
    return np.concatenate([negative, positive])


def random_floats(dtype: Any, n: int, seed: int) -> NDArray[Any]:
    """``n`` finite floats of ``dtype`` with uniformly random bit patterns, both signs.

    Every binade (subnormals included) is equally likely, so the whole range is covered.
    """
    info = {np.float16: (np.uint16, 0x7C00), np.float32: (np.uint32, 0x7F800000)}
    rng = np.random.default_rng(seed)
    if dtype == np.float64:
        bits = rng.integers(0, 0x7FF0000000000000, n, dtype=np.int64).view(np.float64)
    else:
        utype, stop = info[dtype]
        bits = rng.integers(0, stop, n, dtype=np.int64).astype(utype).view(dtype)
    signs = rng.choice(np.array([-1, 1], dtype=dtype), n)
    return np.asarray(bits * signs, dtype=dtype)


def special_values(dtype: Any) -> NDArray[Any]:
    """Zeros, infinities, NaN, extremes, subnormals and overflow thresholds of ``dtype``."""
    info = np.finfo(dtype)
    log_max = math.log(float(info.max))
    magnitudes = [
        0.0,
        np.inf,
        float(info.max),
        float(info.tiny),
        float(info.smallest_subnormal),
        float(info.tiny) / 3,
        float(info.eps),
        1.0,
        0.5,
        2.0,
        log_max,
        log_max / 2,
        -math.log(float(info.smallest_subnormal)),
    ]
    values = np.array(magnitudes, dtype=np.float64)
    with np.errstate(all="ignore"):  # tiny / 3 is inexact in the narrower dtypes
        both = np.concatenate([values, -values]).astype(dtype)
    return np.concatenate([both, np.array([np.nan], dtype=dtype)])


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(params=FLOAT_DTYPES, ids=lambda d: np.dtype(d).name, scope="session")
def float_dtype(request: pytest.FixtureRequest) -> Any:
    """Each floating dtype the package keeps: float16, float32, float64."""
    return request.param


@pytest.fixture(scope="session", name="mp_ulp_errors")
def mp_ulp_errors_fixture() -> Callable[..., F64]:
    return mp_ulp_errors


@pytest.fixture(scope="session", name="f64_ulp_errors")
def f64_ulp_errors_fixture() -> Callable[[NDArray[Any], F64], F64]:
    return f64_ulp_errors


@pytest.fixture(scope="session", name="f64_reference")
def f64_reference_fixture() -> dict[str, Callable[[F64], F64]]:
    return F64_REFERENCE


@pytest.fixture(scope="session", name="consecutive_floats")
def consecutive_floats_fixture() -> Callable[[float, int, Any], NDArray[Any]]:
    return consecutive_floats


@pytest.fixture(scope="session", name="all_finite_float16")
def all_finite_float16_fixture() -> NDArray[np.float16]:
    values = all_finite_float16()
    values.flags.writeable = False
    return values


@pytest.fixture(scope="session", name="random_floats")
def random_floats_fixture() -> Callable[[Any, int, int], NDArray[Any]]:
    return random_floats


@pytest.fixture(scope="session", name="special_values")
def special_values_fixture() -> Callable[[Any], NDArray[Any]]:
    return special_values
