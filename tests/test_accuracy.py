"""Accuracy in ULP against the exact value, over the whole float range of each dtype.

float64 results are compared with mpmath at 200 bits; float16 and float32 results with
float64 closed forms from SciPy and libm (checked against mpmath below). Grids reach
the far tails where outputs are subnormal or round to zero, and include subnormal
inputs. ReLU and LeakyReLU are checked for exact equality with exact arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import activation_functions as af

FUNCTIONS: dict[str, Callable[[Any], NDArray[Any]]] = {
    "sigmoid": af.sigmoid,
    "tanh": af.tanh,
    "sigmoid.derivative": af.sigmoid.derivative,
    "tanh.derivative": af.tanh.derivative,
}

#: Maximum ULP errors required by the issue, per function and dtype.
BOUNDS: dict[str, dict[Any, float]] = {
    "sigmoid": {np.float16: 1.0, np.float32: 1.0, np.float64: 4.0},
    "tanh": {np.float16: 2.0, np.float32: 2.0, np.float64: 2.0},
    "sigmoid.derivative": {np.float16: 5.0, np.float32: 5.0, np.float64: 5.0},
    "tanh.derivative": {np.float16: 5.0, np.float32: 5.0, np.float64: 5.0},
}

#: Where each function's float64 result becomes subnormal and then zero, or switches
#: formula inside the kernel: dense runs of consecutive floats are placed there.
F64_HOT_SPOTS: dict[str, list[float]] = {
    "sigmoid": [-708.0, -708.3964, -709.7827, -744.44, -745.1332, 36.7368, 0.0, -1.0],
    "tanh": [19.0615, -19.0615, 0.0, 0.55, -0.55, 1e-8],
    "sigmoid.derivative": [708.3964, -708.3964, 745.1332, -745.1332, 36.7368, 0.0, 1e-8],
    "tanh.derivative": [350.0, -350.0, 354.1982, -354.1982, 372.5, -372.5, 0.0, 1e-8],
}

#: Far tails of each function in float64 (outputs subnormal or rounding to zero or one).
F64_TAILS: dict[str, list[tuple[float, float]]] = {
    "sigmoid": [(-745.2, -700.0), (-40.0, 40.0), (30.0, 40.0)],
    "tanh": [(-20.0, 20.0), (15.0, 22.0), (-22.0, -15.0)],
    "sigmoid.derivative": [(-745.2, -700.0), (700.0, 745.2), (-40.0, 40.0)],
    "tanh.derivative": [(340.0, 375.0), (-375.0, -340.0), (-20.0, 20.0)],
}


def float64_grid(name: str, random_floats: Any, consecutive_floats: Any) -> NDArray[np.float64]:
    rng = np.random.default_rng(20240613)
    parts = [
        random_floats(np.float64, 1500, 1),  # whole range, every binade
        rng.uniform(-2.0, 2.0, 600),
        rng.choice([-1.0, 1.0], 400) * 10.0 ** rng.uniform(-320.0, -3.0, 400),  # tiny
        rng.uniform(-1.0, 1.0, 200) * np.finfo(np.float64).tiny,  # subnormal inputs
    ]
    parts += [rng.uniform(lo, hi, 700) for lo, hi in F64_TAILS[name]]
    parts += [consecutive_floats(x0, 60, np.float64) for x0 in F64_HOT_SPOTS[name]]
    return np.concatenate(parts)


def float32_grid(name: str, random_floats: Any, consecutive_floats: Any) -> NDArray[np.float32]:
    rng = np.random.default_rng(7)
    tails = {
        # float32 sigmoid: subnormal below -87.34, zero below -103.97; rounds to 1 above 16.6
        "sigmoid": [(-104.5, -86.5), (15.0, 18.0)],
        "tanh": [(8.0, 10.0), (-10.0, -8.0)],
        "sigmoid.derivative": [(-104.5, -86.5), (86.5, 104.5)],
        # float32 tanh': subnormal beyond |x| = 43.7, zero beyond 52.4
        "tanh.derivative": [(43.0, 53.0), (-53.0, -43.0)],
    }[name]
    hot_spots = {
        "sigmoid": [0.0, -87.33655, -103.97282, 16.635532, -1.0, 2.0],
        "tanh": [0.0, 9.010913, -9.010913, 0.55, 1e-4],
        "sigmoid.derivative": [0.0, 87.33655, -103.97282, 1.0],
        "tanh.derivative": [0.0, 43.668274, -51.98641, 1.0],
    }[name]
    parts = [
        random_floats(np.float32, 100_000, 2),
        np.linspace(-110.0, 110.0, 100_001, dtype=np.float32),
        rng.uniform(-1.0, 1.0, 5000).astype(np.float32) * np.finfo(np.float32).tiny,
    ]
    parts += [rng.uniform(lo, hi, 50_000).astype(np.float32) for lo, hi in tails]
    parts += [consecutive_floats(x0, 2000, np.float32) for x0 in hot_spots]
    return np.concatenate(parts)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_float64_within_bound_of_mpmath(
    name: str, mp_ulp_errors: Any, random_floats: Any, consecutive_floats: Any
) -> None:
    x = float64_grid(name, random_floats, consecutive_floats)
    y = FUNCTIONS[name](x)
    assert y.dtype == np.float64
    errors = mp_ulp_errors(y, x, name)
    worst = int(np.argmax(errors))
    bound = BOUNDS[name][np.float64]
    assert errors[worst] <= bound, (
        f"{name}({x[worst]!r}) = {y[worst]!r} is {errors[worst]:.3f} ULP from the exact value"
    )


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_float32_within_bound(
    name: str,
    f64_ulp_errors: Any,
    f64_reference: Any,
    random_floats: Any,
    consecutive_floats: Any,
) -> None:
    x = float32_grid(name, random_floats, consecutive_floats)
    y = FUNCTIONS[name](x)
    assert y.dtype == np.float32
    errors = f64_ulp_errors(y, f64_reference[name](x.astype(np.float64)))
    worst = int(np.argmax(errors))
    assert errors[worst] <= BOUNDS[name][np.float32], (
        f"{name}(float32({x[worst]!r})) = {y[worst]!r} is {errors[worst]:.3f} ULP off"
    )


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_every_finite_float16_within_bound(
    name: str, f64_ulp_errors: Any, f64_reference: Any, all_finite_float16: Any
) -> None:
    x = all_finite_float16
    y = FUNCTIONS[name](x)
    assert y.dtype == np.float16
    errors = f64_ulp_errors(y, f64_reference[name](x.astype(np.float64)))
    worst = int(np.argmax(errors))
    assert errors[worst] <= BOUNDS[name][np.float16], (
        f"{name}(float16({x[worst]!r})) = {y[worst]!r} is {errors[worst]:.3f} ULP off"
    )


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_float32_spot_check_against_mpmath(
    name: str, mp_ulp_errors: Any, random_floats: Any, consecutive_floats: Any
) -> None:
    """A direct mpmath check of float32 results, independent of the float64 references."""
    grid = float32_grid(name, random_floats, consecutive_floats)
    x = np.random.default_rng(3).choice(grid, 1500, replace=False)
    y = FUNCTIONS[name](x)
    errors = mp_ulp_errors(y, x, name)
    assert errors.max() <= BOUNDS[name][np.float32], x[np.argmax(errors)]


@pytest.mark.parametrize("dtype", [np.float16, np.float32], ids=["float16", "float32"])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_float64_references_are_trustworthy(
    name: str, dtype: Any, mp_ulp_errors: Any, f64_reference: Any, random_floats: Any
) -> None:
    """The float64 references are within 1e-6 ULP of the exact value, in the target dtype.

    So an error measured against them is the true error to within 1e-6 ULP.
    """
    rng = np.random.default_rng(11)
    limit = 120.0 if dtype == np.float32 else 66000.0
    x = np.concatenate(
        [
            random_floats(dtype, 600, 4).astype(np.float64),
            rng.uniform(-limit, limit, 300),
            rng.uniform(-30.0, 30.0, 300),
        ]
    )
    reference = f64_reference[name](x)
    errors = mp_ulp_errors(reference, x, name, dtype)
    assert errors.max() <= 1e-6, x[np.argmax(errors)]


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
