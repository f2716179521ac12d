"""Mathematical properties: ranges, monotonicity, symmetries and identities.

Property-based (hypothesis) over arrays of every float dtype, plus exhaustive runs of
consecutive floats for monotonicity and finite-difference checks of the derivatives.
Tolerances follow from the ULP bounds: for values in [0, 1] an error of ``k`` ULP is
at most ``k * eps / 2`` in absolute terms.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray
from tests.reference import ROWS, Row

import activation_functions as af

#: (id, row, kwargs) for every form of every activation in the reference table.
FORMS = [(f"{row.name}{form.suffix}", row, dict(form.kwargs)) for row in ROWS for form in row.forms]
FORM_IDS = [name for name, _, _ in FORMS]
SMOOTH_FORMS = [(name, row, kwargs) for name, row, kwargs in FORMS if not row.exact]
SMOOTH_IDS = [name for name, _, _ in SMOOTH_FORMS]

DTYPES = [np.float16, np.float32, np.float64]
DTYPE_IDS = ["float16", "float32", "float64"]
WIDTH: dict[type[np.floating[Any]], Literal[16, 32, 64]] = {
    np.float16: 16,
    np.float32: 32,
    np.float64: 64,
}

#: The issue's ULP bounds for sigmoid, by dtype; tanh is within 2 ULP everywhere.
SIGMOID_ULP = {np.float16: 1.0, np.float32: 1.0, np.float64: 4.0}
TANH_ULP = 2.0


def eps(dtype: Any) -> float:
    return float(np.finfo(dtype).eps)


def float_arrays(
    dtype: Any,
    *,
    allow_infinity: bool | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> st.SearchStrategy[NDArray[Any]]:
    """Arrays of any small shape (0-d and empty included) of non-NaN floats."""
    elements = st.floats(
        min_value=min_value,
        max_value=max_value,
        allow_nan=False,
        allow_infinity=allow_infinity,
        allow_subnormal=True,
        width=WIDTH[dtype],
    )
    shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=8)
    return hnp.arrays(dtype, shapes, elements=elements)


def as_sorted(x: NDArray[Any]) -> NDArray[Any]:
    """Sorted copy, sorted in float64 (np.sort on float16 is unreliable on some CPUs)."""
    return np.sort(x.astype(np.float64).ravel()).astype(x.dtype)


slopes = st.floats(min_value=-4.0, max_value=4.0, allow_nan=False, allow_subnormal=False)
non_negative_slopes = st.floats(min_value=0.0, max_value=4.0, allow_subnormal=False)


# --------------------------------------------------------------------------- ranges


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_outputs_stay_in_their_closed_ranges(dtype: Any, data: st.DataObject) -> None:
    x = data.draw(float_arrays(dtype))
    s = af.sigmoid(x)
    t = af.tanh(x)
    ds = af.sigmoid.derivative(x)
    dt = af.tanh.derivative(x)
    assert np.all((s >= 0) & (s <= 1))
    assert np.all((t >= -1) & (t <= 1))
    assert np.all((ds >= 0) & (ds <= 0.25))
    assert np.all((dt >= 0) & (dt <= 1))
    assert np.all(af.relu(x) >= 0)
    assert np.all(np.isin(af.relu.derivative(x), [0.0, 1.0]))


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_leaky_relu_keeps_sign_and_derivative_takes_two_values(
    dtype: Any, data: st.DataObject
) -> None:
    x = data.draw(float_arrays(dtype))
    slope = data.draw(non_negative_slopes)
    y = af.leaky_relu(x, negative_slope=slope)
    assert np.array_equal(y[x > 0], x[x > 0])
    assert np.all(y[x <= 0] <= 0)
    d = af.leaky_relu.derivative(x, negative_slope=slope)
    slope_in_dtype = np.asarray(slope if dtype == np.float64 else np.float32(slope), dtype)
    assert np.all(np.where(x > 0, d == 1, d == slope_in_dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_derivatives_never_exceed_their_maximum_near_zero(dtype: Any) -> None:
    """sigma' <= 1/4 and tanh' <= 1, attained at 0: rounding must not overshoot them."""
    rng = np.random.default_rng(99)
    magnitudes = 10.0 ** rng.uniform(-20.0, 0.0, 200_000)
    x = np.concatenate([magnitudes, -magnitudes, rng.uniform(-1e-3, 1e-3, 50_000)])
    x = x.astype(dtype)
    assert af.sigmoid.derivative(x).max() <= 0.25
    assert af.tanh.derivative(x).max() <= 1.0


# --------------------------------------------------------------------------- monotonicity


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_monotone_on_random_arrays(dtype: Any, data: st.DataObject) -> None:
    x = as_sorted(data.draw(float_arrays(dtype)))
    slope = data.draw(non_negative_slopes)
    for y in (af.sigmoid(x), af.tanh(x), af.relu(x), af.leaky_relu(x, negative_slope=slope)):
        assert np.all(y[1:] >= y[:-1])  # not np.diff: inf - inf would warn


#: Points where a monotonicity slip would most likely appear: where the output is
#: rounded hard (near 1 or 0), where the kernel switches formula, and around 0.
MONOTONE_CENTRES = {
    np.float16: [0.0, 0.5, -1.0, 3.0, 7.0, -7.0, -16.0],
    np.float32: [0.0, 1e-6, 0.5, -2.0, 8.0, 16.6, -16.6, -87.3, -103.9],
    np.float64: [0.0, 1e-9, 0.5, -2.0, 18.0, 36.7, -36.7, -708.0, -708.4, -745.1, 19.06],
}


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_sigmoid_and_tanh_monotone_on_runs_of_adjacent_floats(
    dtype: Any, consecutive_floats: Any
) -> None:
    for centre in MONOTONE_CENTRES[dtype]:
        x = consecutive_floats(centre, 3000, dtype)
        assert np.all(np.diff(x.astype(np.float64)) > 0)
        for func in (af.sigmoid, af.tanh):
            y = func(x).astype(np.float64)
            steps = np.diff(y)
            worst = int(np.argmin(steps))
            assert steps[worst] >= 0, (func.name, x[worst], y[worst], y[worst + 1])


@pytest.mark.parametrize(("name", "row", "kwargs"), FORMS, ids=FORM_IDS)
def test_monotone_or_unimodal_over_every_float16(
    name: str, row: Row, kwargs: dict[str, Any], all_finite_float16: Any
) -> None:
    """Monotone activations never decrease; GELU and SiLU fall to their minimum, then rise."""
    x = all_finite_float16  # increasing order by construction
    assert np.all(np.diff(x.astype(np.float64)) >= 0)
    activation = getattr(af, row.name)
    y = activation(x, **kwargs)
    if activation.monotonic:
        assert np.all(y[1:] >= y[:-1]), name
    else:
        lowest = int(np.argmin(y))
        assert np.all(y[1 : lowest + 1] <= y[:lowest]), name
        assert np.all(y[lowest + 1 :] >= y[lowest:-1]), name
        assert -1.5 < float(x[lowest]) < -0.5, name  # the dip: -0.75 (GELU), -1.28 (SiLU)


# --------------------------------------------------------------------------- symmetries


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_sigmoid_of_minus_x_is_one_minus_sigmoid(dtype: Any, data: st.DataObject) -> None:
    x = data.draw(float_arrays(dtype))
    lhs = af.sigmoid(-x).astype(np.float64)
    rhs = 1.0 - af.sigmoid(x).astype(np.float64)  # exact in float64 for float16/32
    # Each side is within SIGMOID_ULP ULP, and an ULP in [0, 1] is at most eps / 2.
    tolerance = SIGMOID_ULP[dtype] * eps(dtype)
    assert np.all(np.abs(lhs - rhs) <= tolerance)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_tanh_is_two_sigmoid_of_two_x_minus_one(dtype: Any, data: st.DataObject) -> None:
    limit = float(np.finfo(dtype).max) / 2  # so that 2x is exact (no overflow)
    x = data.draw(float_arrays(dtype, min_value=-limit, max_value=limit))
    lhs = af.tanh(x).astype(np.float64)
    rhs = 2.0 * af.sigmoid(2 * x).astype(np.float64) - 1.0
    # tanh: 2 ULP <= eps; 2 sigmoid: 2 * SIGMOID_ULP * eps / 2; float64 arithmetic: eps.
    tolerance = (1.0 + SIGMOID_ULP[dtype]) * eps(dtype) + eps(np.float64)
    assert np.all(np.abs(lhs - rhs) <= tolerance)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_tanh_is_exactly_odd(dtype: Any, data: st.DataObject) -> None:
    x = data.draw(float_arrays(dtype))
    assert np.array_equal(af.tanh(-x), -af.tanh(x))
    assert np.array_equal(np.signbit(af.tanh(-x)), ~np.signbit(af.tanh(x)))


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_smooth_derivatives_are_exactly_even(dtype: Any, data: st.DataObject) -> None:
    x = data.draw(float_arrays(dtype))
    assert np.array_equal(af.sigmoid.derivative(-x), af.sigmoid.derivative(x))
    assert np.array_equal(af.tanh.derivative(-x), af.tanh.derivative(x))


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_sigmoid_derivative_is_sigmoid_times_sigmoid_of_minus_x(
    dtype: Any, data: st.DataObject
) -> None:
    """sigma' = sigma(x) sigma(-x), to the ULP bounds (relative, in the normal range)."""
    x = data.draw(float_arrays(dtype))
    d = af.sigmoid.derivative(x).astype(np.float64)
    product = af.sigmoid(x).astype(np.float64) * af.sigmoid(-x).astype(np.float64)
    # relative error of a k-ULP result is at most k * eps; sum of 1 + 1 + 5 ULP bounds.
    rtol = (2 * SIGMOID_ULP[dtype] + 5.0) * eps(dtype)
    atol = 8 * float(np.finfo(dtype).smallest_subnormal)
    assert np.all(np.abs(d - product) <= rtol * product + atol)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_tanh_derivative_is_four_sigmoid_derivative_of_two_x(
    dtype: Any, data: st.DataObject
) -> None:
    limit = float(np.finfo(dtype).max) / 2
    x = data.draw(float_arrays(dtype, min_value=-limit, max_value=limit))
    lhs = af.tanh.derivative(x).astype(np.float64)
    rhs = 4.0 * af.sigmoid.derivative(2 * x).astype(np.float64)
    rtol = 10.0 * eps(dtype)  # two results within 5 ULP each
    atol = 16 * float(np.finfo(dtype).smallest_subnormal)
    assert np.all(np.abs(lhs - rhs) <= rtol * np.maximum(lhs, rhs) + atol)


# --------------------------------------------------------------------------- ReLU identities


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_relu_identities(dtype: Any, data: st.DataObject) -> None:
    x = data.draw(float_arrays(dtype, allow_infinity=False))
    r = af.relu(x)
    assert np.array_equal(r - af.relu(-x), x)  # max(x, 0) - max(-x, 0) = x, exactly
    assert np.array_equal(af.relu(r), r)  # idempotent
    assert np.array_equal(r, np.where(x > 0, x, 0).astype(dtype))
    halves = x / 2  # power-of-two scaling commutes with ReLU (up to underflow)
    assert np.array_equal(2 * af.relu(halves), af.relu(2 * halves))
    assert np.array_equal(af.relu.derivative(x), (x > 0).astype(dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_leaky_relu_identities(dtype: Any, data: st.DataObject) -> None:
    x = data.draw(float_arrays(dtype, allow_infinity=False))
    assert np.array_equal(af.leaky_relu(x, negative_slope=0.0), af.relu(x))
    assert np.array_equal(af.leaky_relu(x, negative_slope=1.0), x)
    slope = data.draw(slopes)
    y = af.leaky_relu(x, negative_slope=slope)
    assert np.array_equal(y[x > 0], x[x > 0])
    # leaky(x) = relu(x) - slope * relu(-x): for float32/64 the product is rounded once.
    if dtype != np.float16:
        s = np.asarray(slope if dtype == np.float64 else np.float32(slope), dtype)
        with np.errstate(over="ignore"):
            expected = af.relu(x) - s * af.relu(-x)
        assert np.array_equal(y, expected)
    # scaling the input by 2 scales the output by 2 (when nothing under- or overflows)
    normal = np.abs(x) >= 4 * np.finfo(dtype).tiny
    small = np.abs(x) <= np.finfo(dtype).max / 8
    x2 = x[normal & small]
    z = af.leaky_relu(x2, negative_slope=slope)
    if dtype != np.float16 and np.all(np.abs(z[x2 <= 0]) >= 4 * np.finfo(dtype).tiny):
        assert np.array_equal(af.leaky_relu(2 * x2, negative_slope=slope), 2 * z)
    d = af.leaky_relu.derivative(x, negative_slope=slope).astype(np.float64)
    r = af.relu.derivative(x).astype(np.float64)
    slope_value = float(np.asarray(slope if dtype == np.float64 else np.float32(slope), dtype))
    assert np.array_equal(d, r + slope_value * (1 - r))


# --------------------------------------------------------------------------- GELU and SiLU


GATED_FORMS = [(name, row, kwargs) for name, row, kwargs in FORMS if row.gated]


@pytest.mark.parametrize(
    ("name", "row", "kwargs"), GATED_FORMS, ids=[name for name, _, _ in GATED_FORMS]
)
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@given(data=st.data())
def test_f_of_x_minus_f_of_minus_x_is_x_for_gated_units(
    name: str, row: Row, kwargs: dict[str, Any], dtype: Any, data: st.DataObject
) -> None:
    """x Phi(x) + x Phi(-x) = x and x sigma(x) + x sigma(-x) = x (also for the tanh form
    and for ReLU): the family "x times a gate g with g(x) + g(-x) = 1"."""
    activation = getattr(af, row.name)
    x = data.draw(float_arrays(dtype, allow_infinity=False))
    lhs = activation(x, **kwargs).astype(np.float64) - activation(-x, **kwargs).astype(np.float64)
    # each side within a few ULP (relative), plus one subnormal spacing each where
    # f(x) ~ x / 2 is rounded in the subnormal range
    spacing = float(np.finfo(dtype).smallest_subnormal)
    tolerance = 24.0 * eps(dtype) * np.abs(x.astype(np.float64)) + 2 * spacing
    assert np.all(np.abs(lhs - x.astype(np.float64)) <= tolerance)


@pytest.mark.parametrize(("name", "row", "kwargs"), FORMS, ids=FORM_IDS)
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_derivative_never_exceeds_the_records_max_slope(
    name: str, row: Row, kwargs: dict[str, Any], dtype: Any
) -> None:
    activation = getattr(af, row.name)
    x = np.linspace(-30.0, 30.0, 600_001).astype(dtype)
    largest = float(np.abs(activation.derivative(x, **kwargs)).max())
    slope = activation.max_slope if kwargs == dict(activation.parameters) else None
    if slope is not None:  # rounding to the dtype may reach, never pass, the rounded value
        assert largest <= float(np.asarray(slope, dtype=dtype)) * (1 + eps(dtype)), name
        assert largest >= slope * (1 - 1e-3), name  # and the maximum is reached


# --------------------------------------------------------------------------- finite differences


@pytest.mark.parametrize(("name", "row", "kwargs"), FORMS, ids=FORM_IDS)
def test_derivative_matches_central_differences(
    name: str, row: Row, kwargs: dict[str, Any]
) -> None:
    """f'(x) ~ (f(x + h) - f(x - h)) / 2h in float64, away from a kink at 0."""
    activation = getattr(af, row.name)
    x = np.linspace(-12.0, 12.0, 4801)
    if row.kink is not None:
        x = x[np.abs(x - row.kink) > 1e-3]
    h = 1e-6
    numeric = (activation(x + h, **kwargs) - activation(x - h, **kwargs)) / (2 * h)
    analytic = activation.derivative(x, **kwargs)
    # Truncation error h^2 |f'''| / 6 <= 1e-12 and rounding error eps / h ~ 2e-10.
    assert np.allclose(analytic, numeric, rtol=1e-7, atol=1e-9)
