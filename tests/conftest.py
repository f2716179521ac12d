"""Shared fixtures: float grids and ULP arithmetic.

The references themselves (mpmath and float64 formulas independent of the package)
are in ``reference.py``, one row per activation.

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
from tests.reference import MP_PREC

settings.register_profile("activation-functions", deadline=None, max_examples=60, print_blob=True)
settings.load_profile("activation-functions")

FLOAT_DTYPES = (np.float16, np.float32, np.float64)

F64 = NDArray[np.float64]


# --------------------------------------------------------------------------- ULPs


def _precision(dtype: Any) -> tuple[int, int]:
    """(significand bits including the hidden one, minimum normal exponent)."""
    info = np.finfo(dtype)
    return info.nmant + 1, info.minexp


def mp_ulp_errors(
    y: NDArray[Any],
    x: NDArray[Any],
    exact_fn: Callable[[mpmath.mpf], mpmath.mpf],
    unit: Any = None,
    slope_fn: Callable[[mpmath.mpf], mpmath.mpf] | None = None,
) -> tuple[F64, F64]:
    """ULP errors of ``y = f(x)`` against the 200-bit value of ``f``, and condition numbers.

    The ULP is that of ``unit`` (a dtype), by default ``y``'s dtype. The second array
    is ``|x f'(x) / f(x)|`` when ``slope_fn`` (``f'``) is given, else zeros.
    """
    p, emin = _precision(y.dtype if unit is None else unit)
    errors = np.empty(y.size, dtype=np.float64)
    condition = np.zeros(y.size, dtype=np.float64)
    with mpmath.workprec(MP_PREC):
        for i, (yi, xi) in enumerate(zip(y.ravel().tolist(), x.ravel().tolist(), strict=True)):
            xm = mpmath.mpf(xi)
            exact = exact_fn(xm)
            # |exact| lies in [2**(e - 1), 2**e) with e = frexp(exact)[1]
            binade = emin if exact == 0 else max(int(mpmath.frexp(exact)[1]) - 1, emin)
            ulp = mpmath.ldexp(1, binade - p + 1)
            errors[i] = float(abs(mpmath.mpf(yi) - exact) / ulp)
            if slope_fn is not None and exact != 0:
                condition[i] = float(abs(xm * slope_fn(xm) / exact))
    return errors, condition


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
def mp_ulp_errors_fixture() -> Callable[..., tuple[F64, F64]]:
    return mp_ulp_errors


@pytest.fixture(scope="session", name="f64_ulp_errors")
def f64_ulp_errors_fixture() -> Callable[[NDArray[Any], F64], F64]:
    return f64_ulp_errors


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
