"""The facts each Activation states are true: checked against PyTorch and the numerics."""

from __future__ import annotations

import importlib
import inspect
import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import activation_functions as af

torch = pytest.importorskip("torch")

ACTIVATION_IDS = [a.name for a in af.ACTIVATIONS]


def resolve(dotted: str) -> Any:
    """Import the longest importable module prefix of ``dotted``, then follow attributes."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            obj = getattr(obj, attribute)  # AttributeError: the form does not exist
        return obj
    raise ImportError(dotted)


def test_order_and_names() -> None:
    assert [a.display_name for a in af.ACTIVATIONS] == ["Sigmoid", "Tanh", "ReLU", "LeakyReLU"]
    assert [a.name for a in af.ACTIVATIONS] == ["sigmoid", "tanh", "relu", "leaky_relu"]
    for activation in af.ACTIVATIONS:
        assert getattr(af, activation.name) is activation
        assert activation.name in af.__all__


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_torch_forms_resolve_to_real_torch_objects(activation: Any) -> None:
    forms = activation.torch_forms
    assert forms, activation.name
    assert forms[0] == (activation.torch_function or activation.torch_module)
    for form in forms:
        assert form.startswith("torch."), form
        assert callable(resolve(form)), form
    module = resolve(activation.torch_module)
    assert inspect.isclass(module)
    assert issubclass(module, torch.nn.Module)
    assert module.__name__ == activation.display_name  # "LeakyReLU", as PyTorch spells it


def test_leaky_relu_has_no_tensor_function_in_torch() -> None:
    """``torch_function`` is None for LeakyReLU because torch has no ``torch.leaky_relu``."""
    assert af.leaky_relu.torch_function is None
    assert not hasattr(torch, "leaky_relu")
    assert not hasattr(torch.Tensor, "leaky_relu")


def test_parameters_are_torch_defaults() -> None:
    assert af.leaky_relu.parameters == {"negative_slope": af.DEFAULT_NEGATIVE_SLOPE}
    default = inspect.signature(torch.nn.functional.leaky_relu).parameters["negative_slope"]
    assert default.default == af.DEFAULT_NEGATIVE_SLOPE
    assert torch.nn.LeakyReLU().negative_slope == af.DEFAULT_NEGATIVE_SLOPE
    for activation in (af.sigmoid, af.tanh, af.relu):
        assert activation.parameters == {}


WITH_PARAMETERS = [(a, dict(a.parameters)) for a in af.ACTIVATIONS] + [
    (af.leaky_relu, {"negative_slope": 0.2}),
    (af.leaky_relu, {"negative_slope": 0.0}),
]


@pytest.mark.parametrize(
    ("activation", "kwargs"),
    WITH_PARAMETERS,
    ids=[f"{a.name}{kw.get('negative_slope', '')}" for a, kw in WITH_PARAMETERS],
)
def test_every_torch_form_agrees_with_the_package(
    activation: Any, kwargs: dict[str, float]
) -> None:
    x = np.concatenate([np.linspace(-20.0, 20.0, 1601), [0.0, -0.0, 1e-300, -1e-300]])
    expected = activation(x, **kwargs)
    tensor = torch.from_numpy(x)
    for form in activation.torch_forms:
        obj = resolve(form)
        # an nn.Module class is constructed with the parameters, then called
        result = obj(**kwargs)(tensor) if inspect.isclass(obj) else obj(tensor, **kwargs)
        got = result.numpy()
        if activation.name in ("relu", "leaky_relu"):
            assert np.array_equal(got, expected), form
        else:
            np.testing.assert_allclose(got, expected, rtol=4e-16, atol=0, err_msg=form)


# --------------------------------------------------------------------------- facts vs numerics

GRID = np.concatenate([np.linspace(-50.0, 50.0, 2001), [-1e3, -1e6, 1e3, 1e6, 0.0]])
LARGE = np.array([50.0, 100.0, 1e3, 1e6, 1e300])


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_zero_centred_iff_numerically_odd(activation: Any) -> None:
    odd = bool(np.allclose(activation(-GRID), -activation(GRID), rtol=1e-15, atol=0))
    assert activation.zero_centred is odd


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_saturation_iff_derivative_vanishes_at_large_inputs(activation: Any) -> None:
    left = activation.derivative(-LARGE)
    right = activation.derivative(LARGE)
    # Saturating: the derivative decays (non-increasing in |x|) to below 1e-20.
    left_vanishes = bool(np.all(np.diff(left) <= 0) and left[-1] < 1e-20 and left[0] < 1e-20)
    right_vanishes = bool(np.all(np.diff(right) <= 0) and right[-1] < 1e-20 and right[0] < 1e-20)
    assert activation.saturates_left is left_vanishes
    assert activation.saturates_right is right_vanishes
    assert activation.saturating is (left_vanishes and right_vanishes)


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_monotonic_iff_non_decreasing_on_a_grid(activation: Any) -> None:
    x = np.sort(np.concatenate([GRID, -np.logspace(-300, 300, 601), np.logspace(-300, 300, 601)]))
    y = activation(x)
    assert activation.monotonic is bool(np.all(y[1:] >= y[:-1]))
    # and the derivative agrees: a monotone function has a non-negative derivative
    assert activation.monotonic is bool(np.all(activation.derivative(x) >= 0))


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_outputs_inside_the_closure_of_output_range(
    activation: Any, float_dtype: Any, special_values: Any
) -> None:
    x = special_values(float_dtype)
    grid = GRID[np.abs(GRID) <= np.finfo(float_dtype).max].astype(float_dtype)
    x = np.concatenate([x[~np.isnan(x)], grid])
    y = activation(x)
    interval = activation.output_range
    assert np.all((y >= interval.low) & (y <= interval.high))


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_output_range_is_tight_and_its_ends_are_right(activation: Any) -> None:
    """The range is not wider than the function's: its ends are limits or values."""
    interval = activation.output_range
    ends = activation(np.array([-np.inf, np.inf]))
    assert {float(ends.min()), float(ends.max())} == {interval.low, interval.high}
    # A closed end is attained at a finite input; an open one is not, where float64 can
    # tell (beyond |x| = 19 tanh rounds to ±1).
    moderate = np.linspace(-18.0, 18.0, 721)
    values = activation(moderate)
    assert interval.low_closed is bool(np.any(values == interval.low))
    assert interval.high_closed is bool(np.any(values == interval.high))


def test_display_strings_match_the_facts() -> None:
    assert str(af.sigmoid.output_range) == "(0, 1)"
    assert str(af.tanh.output_range) == "(-1, 1)"
    assert str(af.relu.output_range) == "[0, ∞)"
    assert str(af.leaky_relu.output_range) == "(-∞, ∞)"
    assert math.isinf(af.relu.output_range.high)
    for activation in af.ACTIVATIONS:
        assert activation.latex.startswith(activation.symbol + "(x) = ")
        assert activation.derivative_latex.startswith(activation.symbol + "'(x) = ")
        assert activation.__doc__ == activation.function.__doc__
        assert repr(activation) == f"<activation {activation.display_name}>"


def test_importing_the_package_does_not_import_torch_or_matplotlib() -> None:
    code = (
        "import sys, activation_functions as af\n"
        "af.sigmoid([0.0]); af.leaky_relu.derivative([1.0])\n"
        "heavy = sorted(m for m in ('torch', 'matplotlib', 'scipy') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
