"""Accuracy in ULP against the exact value, over the whole float range of each dtype.

One test per smooth case of the reference table (``reference.SMOOTH_CASES``: every
function and derivative of every smooth activation, in every form). float64 results
are compared with mpmath at 200 bits; float16 and float32 results with float64
formulas from SciPy and libm (checked against mpmath below), every finite float16
included. Grids reach the far tails where outputs are subnormal or round to zero, and
include subnormal inputs. ReLU and LeakyReLU are checked for exact equality with exact
arithmetic.

A bound is ``ulps + condition * kappa(x)`` with ``kappa = |x f'(x) / f(x)|`` (the issue's
"10 ULP plus twice the condition number" for GELU in float64); kappa is computed with
mpmath only where a result exceeds the flat part of its bound.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from tests.reference import SMOOTH_CASES, Case

import activation_functions as af

CASE_IDS = [case.id for case in SMOOTH_CASES]


def evaluate(case: Case, x: NDArray[Any]) -> NDArray[Any]:
    activation = getattr(af, case.row.name)
    func = activation.derivative if case.derivative else activation
    return np.asarray(func(x, **case.form.kwargs))


def float64_grid(case: Case, random_floats: Any, consecutive_floats: Any) -> NDArray[np.float64]:
    rng = np.random.default_rng(20240613)
    parts = [
        random_floats(np.float64, 1500, 1),  # whole range, every binade
        rng.uniform(-2.0, 2.0, 600),
        rng.choice([-1.0, 1.0], 400) * 10.0 ** rng.uniform(-320.0, -3.0, 400),  # tiny
        rng.uniform(-1.0, 1.0, 200) * np.finfo(np.float64).tiny,  # subnormal inputs
    ]
    parts += [rng.uniform(lo, hi, 700) for lo, hi in case.form.tails[np.float64]]
    parts += [consecutive_floats(x0, 60, np.float64) for x0 in case.form.hot_spots[np.float64]]
    return np.concatenate(parts)


def float32_grid(case: Case, random_floats: Any, consecutive_floats: Any) -> NDArray[np.float32]:
    rng = np.random.default_rng(7)
    parts = [
        random_floats(np.float32, 100_000, 2),
        np.linspace(-110.0, 110.0, 100_001, dtype=np.float32),
        rng.uniform(-1.0, 1.0, 5000).astype(np.float32) * np.finfo(np.float32).tiny,
    ]
    parts += [
        rng.uniform(lo, hi, 50_000).astype(np.float32) for lo, hi in case.form.tails[np.float32]
    ]
    parts += [consecutive_floats(x0, 2000, np.float32) for x0 in case.form.hot_spots[np.float32]]
    return np.concatenate(parts)


def assert_within_bound(  # noqa: PLR0917 -- the arrays and what they were measured with
    case: Case,
    x: NDArray[Any],
    y: NDArray[Any],
    errors: NDArray[Any],
    dtype: Any,
    mp_ulp_errors: Any,
) -> None:
    """``errors <= ulps + condition * kappa``, kappa from mpmath where it matters."""
    bound = case.bound(dtype)
    allowed = np.full(errors.shape, bound.ulps)
    over = errors > bound.ulps
    if over.any() and bound.condition > 0:
        _, kappa = mp_ulp_errors(y[over], x[over], case.mp, None, case.mp_slope)
        allowed[over] += bound.condition * kappa
    excess = errors - allowed
    worst = int(np.argmax(excess))
    assert excess[worst] <= 0, (
        f"{case.id}({np.dtype(dtype).name}({x[worst]!r})) = {y[worst]!r} is "
        f"{errors[worst]:.3f} ULP from the exact value; allowed {allowed[worst]:.3f}"
    )


@pytest.mark.parametrize("case", SMOOTH_CASES, ids=CASE_IDS)
def test_float64_within_bound_of_mpmath(
    case: Case, mp_ulp_errors: Any, random_floats: Any, consecutive_floats: Any
) -> None:
    x = float64_grid(case, random_floats, consecutive_floats)
    y = evaluate(case, x)
    assert y.dtype == np.float64
    errors, _ = mp_ulp_errors(y, x, case.mp)
    assert_within_bound(case, x, y, errors, np.float64, mp_ulp_errors)


@pytest.mark.parametrize("case", SMOOTH_CASES, ids=CASE_IDS)
def test_float32_within_bound(
    case: Case, f64_ulp_errors: Any, random_floats: Any, consecutive_floats: Any
) -> None:
    x = float32_grid(case, random_floats, consecutive_floats)
    y = evaluate(case, x)
    assert y.dtype == np.float32
    assert case.f64 is not None, f"{case.id} has no float64 reference"
    errors = f64_ulp_errors(y, case.f64(x.astype(np.float64)))
    worst = int(np.argmax(errors))
    assert errors[worst] <= case.bound(np.float32).ulps, (
        f"{case.id}(float32({x[worst]!r})) = {y[worst]!r} is {errors[worst]:.3f} ULP off"
    )


@pytest.mark.parametrize("case", SMOOTH_CASES, ids=CASE_IDS)
def test_every_finite_float16_within_bound(
    case: Case, f64_ulp_errors: Any, all_finite_float16: Any
) -> None:
    x = all_finite_float16
    y = evaluate(case, x)
    assert y.dtype == np.float16
    assert case.f64 is not None, f"{case.id} has no float64 reference"
    errors = f64_ulp_errors(y, case.f64(x.astype(np.float64)))
    worst = int(np.argmax(errors))
    assert errors[worst] <= case.bound(np.float16).ulps, (
        f"{case.id}(float16({x[worst]!r})) = {y[worst]!r} is {errors[worst]:.3f} ULP off"
    )


@pytest.mark.parametrize("case", SMOOTH_CASES, ids=CASE_IDS)
def test_float32_spot_check_against_mpmath(
    case: Case, mp_ulp_errors: Any, random_floats: Any, consecutive_floats: Any
) -> None:
    """A direct mpmath check of float32 results, independent of the float64 references.

    The sample includes the 21 floats nearest each hot spot (zeros of derivatives,
    subnormal onsets), where a float64 reference would be least trustworthy.
    """
    grid = float32_grid(case, random_floats, consecutive_floats)
    hot = [consecutive_floats(x0, 10, np.float32) for x0 in case.form.hot_spots[np.float32]]
    x = np.concatenate([np.random.default_rng(3).choice(grid, 1200, replace=False), *hot])
    y = evaluate(case, x)
    errors, _ = mp_ulp_errors(y, x, case.mp)
    assert errors.max() <= case.bound(np.float32).ulps, x[np.argmax(errors)]


@pytest.mark.parametrize("dtype", [np.float16, np.float32], ids=["float16", "float32"])
@pytest.mark.parametrize("case", SMOOTH_CASES, ids=CASE_IDS)
def test_float64_references_are_trustworthy(
    case: Case, dtype: Any, mp_ulp_errors: Any, random_floats: Any, consecutive_floats: Any
) -> None:
    """The float64 references are within 1e-6 ULP of the exact value, in the target dtype.

    So an error measured against them is the true error to within 1e-6 ULP.
    """
    rng = np.random.default_rng(11)
    limit = 120.0 if dtype == np.float32 else 66000.0
    hot = [consecutive_floats(x0, 5, dtype) for x0 in case.form.hot_spots[np.float32]]
    x = np.concatenate(
        [
            random_floats(dtype, 600, 4).astype(np.float64),
            rng.uniform(-limit, limit, 300),
            rng.uniform(-30.0, 30.0, 300),
            *(h.astype(np.float64) for h in hot),
        ]
    )
    assert case.f64 is not None, f"{case.id} has no float64 reference"
    reference = case.f64(x)
    errors, _ = mp_ulp_errors(reference, x, case.mp, dtype)
    assert errors.max() <= 1e-6, x[np.argmax(errors)]


def test_gelu_derivative_zero_constant_is_the_zero() -> None:
    """The double-double zero of GELU' used by the kernel is right to about 1e-32."""
    import mpmath
    from tests.reference import BY_NAME

    from activation_functions import _kernels

    exact = BY_NAME["gelu"].forms[0].mp_derivative
    assert exact is not None
    with mpmath.workprec(200):
        zero = mpmath.findroot(exact, mpmath.mpf(-0.75))
        stored = mpmath.mpf(_kernels.GELU_DERIVATIVE_ZERO_HI) + _kernels.GELU_DERIVATIVE_ZERO_LO
        assert abs(stored - zero) < mpmath.mpf(2) ** -100


# --------------------------------------------------------------------------- ReLU family


def exact_product(x: NDArray[np.float64], slope: float) -> NDArray[np.float64]:
    """``x * slope`` correctly rounded to float64, with exact rational arithmetic."""
    products = []
    for xi in x.tolist():
        exact = Fraction(xi) * Fraction(slope)
        try:
            products.append(float(exact))  # int / int true division rounds correctly
        except OverflowError:  # raised only when the rounded result is infinite
            products.append(float("inf") if exact > 0 else float("-inf"))
    return np.array(products, dtype=np.float64)


def finite_grid(dtype: Any, random_floats: Any) -> NDArray[Any]:
    return np.concatenate(
        [
            random_floats(dtype, 3000, 5),
            np.linspace(-3, 3, 601).astype(dtype),
            np.array([0.0, -0.0, 1.0, -1.0], dtype=dtype),
        ]
    )


def test_relu_exact(float_dtype: Any, random_floats: Any) -> None:
    x = finite_grid(float_dtype, random_floats)
    y = af.relu(x)
    assert y.dtype == float_dtype
    positive = x > 0
    assert np.array_equal(y[positive], x[positive])
    assert np.all(y[~positive] == 0)
    assert np.array_equal(af.relu.derivative(x), positive.astype(float_dtype))


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.0 / 3.0, 1e-300, 2.5, -0.5])
def test_leaky_relu_float64_is_the_correctly_rounded_product(
    slope: float, random_floats: Any
) -> None:
    x = finite_grid(np.float64, random_floats)
    y = af.leaky_relu(x, negative_slope=slope)
    expected = np.where(x > 0, x, exact_product(x, slope))
    assert np.array_equal(y, expected)


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.0 / 3.0, 2.5, -0.5])
def test_leaky_relu_float32_rounds_the_float32_slope_product_once(
    slope: float, random_floats: Any
) -> None:
    """As PyTorch: the slope is a float32, the product is rounded once to float32.

    A float32 times a float32 is exact in float64 (48 significant bits), so rounding
    the exact product to float32 is one ``astype``.
    """
    x = finite_grid(np.float32, random_floats)
    slope32 = float(np.float32(slope))
    exact = exact_product(x.astype(np.float64), slope32)
    with np.errstate(over="ignore"):
        expected = np.where(x > 0, x, exact.astype(np.float32))
    assert np.array_equal(af.leaky_relu(x, negative_slope=slope), expected)


@pytest.mark.parametrize("slope", [0.01, 0.2, 0.0, 2.5, -0.5])
def test_leaky_relu_derivative_exact(slope: float, float_dtype: Any, random_floats: Any) -> None:
    x = finite_grid(float_dtype, random_floats)
    d = af.leaky_relu.derivative(x, negative_slope=slope)
    assert d.dtype == float_dtype
    assert np.all(d[x > 0] == 1)
    # The slope as the dtype holds it (PyTorch keeps it as float32 below float64).
    slope_in_dtype = float(np.float32(slope)) if float_dtype != np.float64 else slope
    assert np.all(d[x <= 0] == np.asarray(slope_in_dtype, dtype=float_dtype))
