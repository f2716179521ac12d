"""Special inputs: NaN, zeros, infinities, extremes and subnormals, in every dtype.

Expected values come from the mathematics (limits, values at 0, ``tanh(x) = x`` for
tiny ``x``) and, at 0, from PyTorch autograd's documented choices.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from tests.reference import ROWS, Row

import activation_functions as af

SLOPES = [0.01, 0.2, 0.0, 1.0, -0.5, 3.0]
ROW_IDS = [row.name for row in ROWS]


def every_callable() -> Iterator[tuple[str, Callable[..., NDArray[Any]], dict[str, Any]]]:
    """Every function and derivative of the registry, in every form of the reference table."""
    for row in ROWS:
        activation = getattr(af, row.name)
        for kwargs in [{}, *(form.kwargs for form in row.forms), *row.extra_kwargs]:
            yield activation.name, activation, dict(kwargs)
            yield f"{activation.name}.derivative", activation.derivative, dict(kwargs)


CALLABLES = list(every_callable())
CALLABLE_IDS = [
    f"{name}{''.join(f'[{v}]' for v in kwargs.values())}" for name, _, kwargs in CALLABLES
]


@pytest.mark.parametrize(("name", "func", "kwargs"), CALLABLES, ids=CALLABLE_IDS)
def test_nan_in_nan_out(
    name: str, func: Callable[..., NDArray[Any]], kwargs: dict[str, float], float_dtype: Any
) -> None:
    nan = np.array(np.nan, dtype=float_dtype)
    negative_nan = -nan
    x = np.array([1.0, np.nan, -2.0, 0.0, np.nan, np.inf, -np.inf], dtype=float_dtype)
    x[4] = negative_nan
    y = func(x, **kwargs)
    assert np.isnan(y[[1, 4]]).all(), name
    assert not np.isnan(y[[0, 2, 3]]).any(), name
    assert np.isnan(func(nan, **kwargs)), name
    assert np.isnan(func(float("nan"), **kwargs)), name


@pytest.mark.parametrize(("name", "func", "kwargs"), CALLABLES, ids=CALLABLE_IDS)
def test_no_warning_or_floating_point_error_even_when_raising(
    name: str,
    func: Callable[..., NDArray[Any]],
    kwargs: dict[str, float],
    *,
    float_dtype: Any,
    special_values: Any,
    random_floats: Any,
) -> None:
    """±0, ±inf, NaN, ±max, ±tiny, subnormals and random bit patterns under errstate raise."""
    specials = special_values(float_dtype)
    x = np.concatenate([specials, random_floats(float_dtype, 20_000, 9)])
    as_list = x.tolist()
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        y = func(x, **kwargs)
        func(as_list, **kwargs)
        for value in specials:
            func(value, **kwargs)
    assert y.shape == x.shape, name


@pytest.mark.parametrize(("name", "func", "kwargs"), CALLABLES, ids=CALLABLE_IDS)
def test_finite_in_finite_out(
    name: str,
    func: Callable[..., NDArray[Any]],
    kwargs: dict[str, float],
    float_dtype: Any,
    random_floats: Any,
) -> None:
    """No overflow to inf and no NaN from finite inputs (ReLU family: up to the slope)."""
    x = np.concatenate(
        [random_floats(float_dtype, 20_000, 10), np.finfo(float_dtype).max * np.ones(1)]
    ).astype(float_dtype)
    x = np.concatenate([x, -x])
    y = func(x, **kwargs)
    slope = abs(kwargs.get("negative_slope", 0.01))
    if "negative_slope" not in kwargs or slope <= 1:
        assert np.isfinite(y).all(), (name, x[~np.isfinite(y)])
    else:  # a slope above 1 may legitimately overflow: only NaN is wrong
        assert not np.isnan(y).any(), name


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_limits_at_infinity(row: Row, float_dtype: Any) -> None:
    """f(-inf), f(inf), f'(-inf), f'(inf) are the limits (not NaN, as in PyTorch's GELU)."""
    activation = getattr(af, row.name)
    inf = np.array([-np.inf, np.inf], dtype=float_dtype)
    f_low, f_high, d_low, d_high = row.limits
    for form in row.forms:
        assert activation(inf, **form.kwargs).tolist() == [f_low, f_high], form.kwargs
        d = activation.derivative(inf, **form.kwargs).tolist()
        assert d[1] == d_high, form.kwargs
        if "negative_slope" not in form.kwargs:  # LeakyReLU: the slope, checked below
            assert d[0] == d_low, form.kwargs


def test_leaky_relu_limits_at_infinity(float_dtype: Any) -> None:
    inf = np.array([np.inf, -np.inf], dtype=float_dtype)
    assert af.leaky_relu(inf).tolist() == [np.inf, -np.inf]
    assert af.leaky_relu(inf, negative_slope=0.2).tolist() == [np.inf, -np.inf]
    assert af.leaky_relu(inf, negative_slope=-0.5).tolist() == [np.inf, np.inf]
    slope = float(np.asarray(np.float32(0.01), dtype=float_dtype))
    if float_dtype == np.float64:
        slope = 0.01
    assert af.leaky_relu.derivative(inf).tolist() == [1.0, slope]


def test_leaky_relu_with_zero_slope_is_relu_at_minus_infinity(float_dtype: Any) -> None:
    """With slope 0 LeakyReLU is ReLU: -inf gives 0, not -inf * 0 = NaN."""
    x = np.array([-np.inf, -1.0, np.inf], dtype=float_dtype)
    assert af.leaky_relu(x, negative_slope=0.0).tolist() == [0.0, 0.0, np.inf]


@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_extreme_finite_inputs_saturate(row: Row, float_dtype: Any) -> None:
    """At ±max the results are already the limits at ±inf (where those are finite)."""
    activation = getattr(af, row.name)
    big = np.finfo(float_dtype).max
    x = np.array([-big, big], dtype=float_dtype)
    f_low, f_high, d_low, d_high = row.limits
    for form in row.forms:
        y = activation(x, **form.kwargs).tolist()
        d = activation.derivative(x, **form.kwargs).tolist()
        if np.isfinite(f_low):
            assert y[0] == f_low, form.kwargs
        if np.isfinite(f_high):
            assert y[1] == f_high, form.kwargs
        else:  # growing like x: f(max) = max for ReLU, GELU and SiLU
            assert y[1] == float(big), form.kwargs
        assert d[1] == d_high, form.kwargs
        if "negative_slope" not in form.kwargs:
            assert d[0] == d_low, form.kwargs


@pytest.mark.parametrize("zero", [0.0, -0.0])
@pytest.mark.parametrize("row", ROWS, ids=ROW_IDS)
def test_values_at_zero(row: Row, zero: float, float_dtype: Any) -> None:
    activation = getattr(af, row.name)
    x = np.array(zero, dtype=float_dtype)
    value, slope = row.at_zero
    for form in row.forms:
        assert activation(x, **form.kwargs) == value
        if "negative_slope" not in form.kwargs:  # LeakyReLU'(0): below, per dtype
            assert activation.derivative(x, **form.kwargs) == slope
    assert np.signbit(af.tanh(x)) == np.signbit(x)  # tanh is odd: tanh(-0) = -0


@pytest.mark.parametrize("zero", [0.0, -0.0])
@pytest.mark.parametrize("slope", SLOPES)
def test_derivatives_at_zero_follow_pytorch_autograd(
    zero: float, slope: float, float_dtype: Any
) -> None:
    """PyTorch's autograd gives ReLU'(0) = 0 and LeakyReLU'(0) = negative_slope."""
    x = np.array([zero], dtype=float_dtype)
    assert af.relu.derivative(x).tolist() == [0.0]
    expected = np.asarray(slope if float_dtype == np.float64 else np.float32(slope), float_dtype)
    assert af.leaky_relu.derivative(x, negative_slope=slope).tolist() == [float(expected)]
    assert af.leaky_relu.derivative(zero, negative_slope=slope).tolist() == slope


@pytest.mark.parametrize("row", [r for r in ROWS if not r.exact], ids=lambda r: r.name)
def test_smooth_functions_are_linear_at_subnormal_inputs(row: Row, float_dtype: Any) -> None:
    """For subnormal x, f(x) is the correctly rounded value and f'(x) = f'(0).

    So subnormal inputs are neither flushed to zero nor turned into NaN by the kernels.
    (At such x, f(x) = f(0) + f'(0) x + O(x^2): for float16 the x^2 term decides ties.)
    """
    activation = getattr(af, row.name)
    info = np.finfo(float_dtype)
    tiny = np.array(
        [info.smallest_subnormal, 3 * info.smallest_subnormal, info.tiny / 2, info.tiny],
        dtype=float_dtype,
    )
    x = np.concatenate([tiny, -tiny])
    _, slope = row.at_zero
    for form in row.forms:
        assert form.f64_function is not None
        rounded = form.f64_function(x.astype(np.float64)).astype(float_dtype)
        assert np.array_equal(activation(x, **form.kwargs), rounded), form.kwargs
        assert np.all(activation.derivative(x, **form.kwargs) == slope), form.kwargs


def test_subnormal_inputs_are_not_flushed(float_dtype: Any) -> None:
    """tanh(x) rounds to x for tiny x, subnormals included; ReLU keeps them too."""
    info = np.finfo(float_dtype)
    tiny = np.array(
        [info.smallest_subnormal, 3 * info.smallest_subnormal, info.tiny / 2, info.tiny],
        dtype=float_dtype,
    )
    x = np.concatenate([tiny, -tiny])
    assert np.array_equal(af.tanh(x), x)
    assert np.array_equal(af.relu(x), np.where(x > 0, x, 0).astype(float_dtype))
    assert np.all(af.relu(tiny) > 0)
    assert np.all(af.sigmoid(x) == 0.5)
    assert np.all(af.sigmoid.derivative(x) == 0.25)
    assert np.all(af.tanh.derivative(x) == 1)


def test_subnormal_outputs_are_not_flushed(float_dtype: Any) -> None:
    """Just beyond the normal range the outputs are subnormal, not zero."""
    info = np.finfo(float_dtype)
    # sigmoid(x) ~ e^x and tanh'(x) ~ 4 e^(-2|x|): pick x where they are about tiny / 8.
    x_sigmoid = np.log(float(info.tiny) / 8)
    x_tanh = -0.5 * np.log(float(info.tiny) / 32)
    sig = af.sigmoid(np.array(x_sigmoid, dtype=float_dtype))
    dsig = af.sigmoid.derivative(np.array(x_sigmoid, dtype=float_dtype))
    dtanh = af.tanh.derivative(np.array([x_tanh, -x_tanh], dtype=float_dtype))
    for value in (sig, dsig, *dtanh):
        assert 0 < value < info.tiny, value
        assert value == pytest.approx(float(info.tiny) / 8, rel=0.1)
