"""Agreement with PyTorch: values of the built-ins and gradients from autograd.

PyTorch is an independent implementation. Where it is less accurate than the package
(float32 sigmoid below -87 flushes subnormal results to 0; ``s * (1 - s)`` in the
backward pass cancels in the tails) the comparison is limited to where it is right, or
uses an absolute tolerance of the size of that cancellation.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from tests.reference import ROWS, Form, Row

import activation_functions as af

torch = pytest.importorskip("torch")

#: (id, row, form) for every smooth form of the reference table.
SMOOTH_FORMS = [
    (f"{row.name}{form.suffix}", row, form) for row in ROWS if not row.exact for form in row.forms
]
SMOOTH_IDS = [name for name, _, _ in SMOOTH_FORMS]


def torch_builtin(row: Row, form: Form) -> Callable[[Any], Any]:
    module, _, attribute = row.torch_functional.rpartition(".")
    func = getattr(importlib.import_module(module), attribute)
    kwargs = dict(form.kwargs)
    return lambda t: func(t, **kwargs)


TORCH_DTYPE = {np.float16: torch.float16, np.float32: torch.float32, np.float64: torch.float64}
SLOPES = [0.01, 0.2, 1.0 / 3.0, 1.0, -0.5, 3.0]


def torch_leaky(slope: float) -> Callable[[Any], Any]:
    return lambda t: torch.nn.functional.leaky_relu(t, negative_slope=slope)


def autograd_derivative(func: Callable[[Any], Any], x: NDArray[np.float64]) -> NDArray[Any]:
    """d func / dx elementwise, from autograd: backward of the sum."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    func(t).sum().backward()
    assert t.grad is not None
    return np.asarray(t.grad.numpy())


def derivative_grid() -> NDArray[np.float64]:
    rng = np.random.default_rng(5)
    return np.concatenate(
        [
            np.linspace(-40.0, 40.0, 8001),
            [0.0, -0.0, 1e-300, -1e-300, 5e-324, -5e-324],
            [700.0, -700.0, 745.0, -745.0, 1000.0, -1000.0, 1e300, -1e300, np.inf, -np.inf],
            rng.uniform(-1e-6, 1e-6, 500),
        ]
    )


# --------------------------------------------------------------------------- gradients


@pytest.mark.parametrize(("name", "row", "form"), SMOOTH_FORMS, ids=SMOOTH_IDS)
def test_smooth_derivatives_match_autograd(name: str, row: Row, form: Form) -> None:
    x = derivative_grid()
    x = x[np.abs(x) <= row.torch_accurate_below[np.float64]]
    expected = autograd_derivative(torch_builtin(row, form), x)
    got = getattr(af, row.name).derivative(x, **form.kwargs)
    # Autograd uses s * (1 - s) and 1 - tanh^2: absolute errors up to about eps/2 where
    # s is near 1, which is a large relative error in the tails; PyTorch's GELU uses
    # 1 + erf, which cancels for x < 0 (absolute errors of a few eps). Elsewhere both
    # agree to a few ULP.
    eps = float(np.finfo(np.float64).eps)
    torch.testing.assert_close(
        torch.from_numpy(got),
        torch.from_numpy(expected),
        rtol=max(1e-14, row.torch_rtol_eps * eps),
        atol=max(5e-16, row.torch_atol_eps * eps),
    )
    # where the derivative is not small, a few ULP
    middle = (np.abs(x) <= 1.0) & (np.abs(got) >= 0.1)
    torch.testing.assert_close(
        torch.from_numpy(got[middle]),
        torch.from_numpy(expected[middle]),
        rtol=max(1e-15, row.torch_rtol_eps * eps),
        atol=0.0,
    )


def test_relu_derivative_matches_autograd_exactly() -> None:
    x = derivative_grid()
    expected = autograd_derivative(torch.relu, x)
    assert np.array_equal(af.relu.derivative(x), expected)
    assert np.all(expected[x == 0] == 0.0)  # PyTorch's choice at the kink


@pytest.mark.parametrize("slope", [*SLOPES, 0.0])
def test_leaky_relu_derivative_matches_autograd_exactly(slope: float) -> None:
    x = derivative_grid()
    expected = autograd_derivative(torch_leaky(slope), x)
    assert np.array_equal(af.leaky_relu.derivative(x, negative_slope=slope), expected)
    assert np.all(expected[x == 0] == slope)


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_derivatives_at_zero_equal_autograd(zero: float) -> None:
    x = np.array([zero])
    assert af.sigmoid.derivative(x).tolist() == autograd_derivative(torch.sigmoid, x).tolist()
    assert af.tanh.derivative(x).tolist() == autograd_derivative(torch.tanh, x).tolist()
    for _, row, form in SMOOTH_FORMS:
        expected = autograd_derivative(torch_builtin(row, form), x).tolist()
        assert getattr(af, row.name).derivative(x, **form.kwargs).tolist() == expected
    assert af.relu.derivative(x).tolist() == autograd_derivative(torch.relu, x).tolist() == [0.0]
    for slope in SLOPES:
        expected = autograd_derivative(torch_leaky(slope), x).tolist()
        assert af.leaky_relu.derivative(x, negative_slope=slope).tolist() == expected == [slope]


# --------------------------------------------------------------------------- values


def value_grid(dtype: Any, random_floats: Any, all_finite_float16: Any) -> NDArray[Any]:
    if dtype == np.float16:
        return np.asarray(all_finite_float16)
    specials = np.array([0.0, -0.0, np.inf, -np.inf], dtype=dtype)
    return np.concatenate(
        [random_floats(dtype, 50_000, 6), np.linspace(-30, 30, 6001, dtype=dtype), specials]
    )


def test_relu_equals_torch_exactly(
    float_dtype: Any, random_floats: Any, all_finite_float16: Any
) -> None:
    x = value_grid(float_dtype, random_floats, all_finite_float16)
    expected = torch.relu(torch.from_numpy(x.copy())).numpy()
    assert np.array_equal(af.relu(x), expected)


@pytest.mark.parametrize("slope", SLOPES)
def test_leaky_relu_equals_torch_exactly(
    slope: float, float_dtype: Any, random_floats: Any, all_finite_float16: Any
) -> None:
    """Bit-for-bit, float16 included: the slope is rounded as PyTorch rounds it."""
    x = value_grid(float_dtype, random_floats, all_finite_float16)
    expected = torch.nn.functional.leaky_relu(torch.from_numpy(x.copy()), slope).numpy()
    got = af.leaky_relu(x, negative_slope=slope)
    mismatch = ~((got == expected) | (np.isnan(got) & np.isnan(expected)))
    assert not mismatch.any(), (x[mismatch][:5], got[mismatch][:5], expected[mismatch][:5])


def test_leaky_relu_with_zero_slope_equals_torch_except_minus_infinity(
    float_dtype: Any, random_floats: Any, all_finite_float16: Any
) -> None:
    """PyTorch computes -inf * 0 = NaN; the package returns ReLU's 0 (documented)."""
    x = value_grid(float_dtype, random_floats, all_finite_float16)
    x = x[np.isfinite(x)]
    expected = torch.nn.functional.leaky_relu(torch.from_numpy(x.copy()), 0.0).numpy()
    assert np.array_equal(af.leaky_relu(x, negative_slope=0.0), expected)


@pytest.mark.parametrize(("name", "row", "form"), SMOOTH_FORMS, ids=SMOOTH_IDS)
def test_smooth_values_close_to_torch(  # noqa: PLR0917 -- parameters and fixtures
    name: str,
    row: Row,
    form: Form,
    float_dtype: Any,
    random_floats: Any,
    all_finite_float16: Any,
) -> None:
    """Where PyTorch is accurate (``row.torch_accurate_below``: float32 sigmoid returns 0
    below -87 for subnormal results, float64 exp(-x) overflows below -709...)."""
    x = value_grid(float_dtype, random_floats, all_finite_float16)
    x = x[np.abs(x) <= row.torch_accurate_below[float_dtype]]
    expected = torch_builtin(row, form)(torch.from_numpy(x.copy()))
    got = torch.from_numpy(getattr(af, row.name)(x, **form.kwargs))
    info = np.finfo(float_dtype)
    eps = float(info.eps)
    # Both within a few ULP of the exact value where torch does not cancel.
    torch.testing.assert_close(
        got,
        expected,
        rtol=row.torch_rtol_eps * eps,
        atol=max(float(info.tiny), row.torch_atol_eps * eps),
    )


def test_module_forms_in_float32_agree_with_the_package() -> None:
    x32 = np.linspace(-10, 10, 2001, dtype=np.float32)
    t = torch.from_numpy(x32)
    assert np.array_equal(torch.nn.ReLU()(t).numpy(), af.relu(x32))
    assert np.array_equal(
        torch.nn.LeakyReLU(0.2)(t).numpy(), af.leaky_relu(x32, negative_slope=0.2)
    )
    np.testing.assert_allclose(torch.nn.Sigmoid()(t).numpy(), af.sigmoid(x32), rtol=3e-7)
    np.testing.assert_allclose(torch.nn.Tanh()(t).numpy(), af.tanh(x32), rtol=3e-7, atol=1e-38)
    np.testing.assert_allclose(torch.nn.SiLU()(t).numpy(), af.silu(x32), rtol=5e-7, atol=1e-38)
    for approximate in ("none", "tanh"):
        np.testing.assert_allclose(
            torch.nn.GELU(approximate)(t).numpy(),
            af.gelu(x32, approximate=approximate),
            rtol=2e-6,
            atol=2e-6,
        )
