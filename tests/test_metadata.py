"""The facts each Activation states are true: checked against PyTorch and the numerics."""

from __future__ import annotations

import importlib
import inspect
import math
import subprocess
import sys
from typing import Any

import mpmath
import numpy as np
import pytest
from tests.reference import BY_NAME, ROWS

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
    """Site order: the article's four in its order, then the others (GELU, SiLU, ...)."""
    names = [a.name for a in af.ACTIVATIONS]
    assert names[:4] == ["sigmoid", "tanh", "relu", "leaky_relu"]
    assert [a.display_name for a in af.ACTIVATIONS[:4]] == ["Sigmoid", "Tanh", "ReLU", "LeakyReLU"]
    assert {"gelu", "silu"} <= set(names[4:])
    assert len(set(names)) == len(names)
    for activation in af.ACTIVATIONS:
        assert getattr(af, activation.name) is activation
        assert activation.name in af.__all__


def test_article_activations_are_the_four_flagged_in_article() -> None:
    assert (af.sigmoid, af.tanh, af.relu, af.leaky_relu) == af.ARTICLE_ACTIVATIONS
    assert [a.in_article for a in af.ACTIVATIONS] == [True] * 4 + [False] * 2
    assert tuple(a for a in af.ACTIVATIONS if a.in_article) == af.ARTICLE_ACTIVATIONS


def test_reference_table_covers_the_registry() -> None:
    """The tests' reference table has one row per activation, in the registry's order."""
    assert [row.name for row in ROWS] == [a.name for a in af.ACTIVATIONS]
    for row in ROWS:
        activation = getattr(af, row.name)
        # the first form tested is the record's default parameters
        assert dict(row.forms[0].kwargs) == dict(activation.parameters), row.name


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


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_parameters_are_torch_defaults(activation: Any) -> None:
    """Each parameter's default is PyTorch's, in the functional form, the module and the
    package's own function and derivative."""
    functional = resolve(activation.torch_functional)
    module = resolve(activation.torch_module)()
    try:
        torch_parameters = inspect.signature(functional).parameters
    except ValueError:  # a builtin without a signature (F.gelu): its behaviour tells
        torch_parameters = None
    t = torch.linspace(-4.0, 4.0, 81, dtype=torch.float64)
    for name, default in activation.parameters.items():
        if torch_parameters is not None:
            assert torch_parameters[name].default == default, name
        assert torch.equal(functional(t), functional(t, **{name: default})), name
        assert getattr(module, name) == default, name
        for func in (activation.function, activation.derivative):
            assert inspect.signature(func).parameters[name].default == default, name
    assert af.leaky_relu.parameters == {"negative_slope": af.DEFAULT_NEGATIVE_SLOPE}
    assert af.gelu.parameters == {"approximate": "none"}  # a string, not a float


WITH_PARAMETERS = [
    (getattr(af, row.name), dict(kwargs), row.torch_rtol_eps, row.torch_atol_eps)
    for row in ROWS
    for kwargs in [*(form.kwargs for form in row.forms), *row.extra_kwargs]
]


@pytest.mark.parametrize(
    ("activation", "kwargs", "rtol_eps", "atol_eps"),
    WITH_PARAMETERS,
    ids=[f"{a.name}{list(kw.values())}" for a, kw, _, _ in WITH_PARAMETERS],
)
def test_every_torch_form_agrees_with_the_package(
    activation: Any, kwargs: dict[str, Any], rtol_eps: float, atol_eps: float
) -> None:
    """float64, |x| <= 20. PyTorch's GELU computes 1 + erf(x / sqrt 2), which cancels
    for x < 0: there it is only accurate in absolute terms (``atol_eps``)."""
    x = np.concatenate([np.linspace(-20.0, 20.0, 1601), [0.0, -0.0, 1e-300, -1e-300]])
    expected = activation(x, **kwargs)
    tensor = torch.from_numpy(x)
    for form in activation.torch_forms:
        obj: Any = resolve(form)
        # an nn.Module class is constructed with the parameters, then called
        if inspect.isclass(obj):
            layer: Any = obj(**kwargs)
            result = layer(tensor)
        else:
            result = obj(tensor, **kwargs)
        got = result.numpy()
        if rtol_eps == 0:  # piecewise linear: bit for bit
            assert np.array_equal(got, expected), form
        else:
            eps = float(np.finfo(np.float64).eps)
            atol = max(atol_eps * eps, 1e-300)
            np.testing.assert_allclose(got, expected, rtol=rtol_eps * eps, atol=atol, err_msg=form)


# --------------------------------------------------------------------------- facts vs numerics

GRID = np.concatenate([np.linspace(-50.0, 50.0, 2001), [-1e3, -1e6, 1e3, 1e6, 0.0]])
LARGE = np.array([50.0, 100.0, 1e3, 1e6, 1e300])


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_zero_centred_iff_numerically_odd(activation: Any) -> None:
    odd = bool(np.allclose(activation(-GRID), -activation(GRID), rtol=1e-15, atol=0))
    assert activation.zero_centred is odd


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_saturation_iff_derivative_vanishes_at_large_inputs(activation: Any) -> None:
    left = np.abs(activation.derivative(-LARGE))
    right = np.abs(activation.derivative(LARGE))
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
    # The dtype's rounding of the ends: rounding is monotone, so a correctly rounded
    # result never passes the rounded bound (GELU's minimum -0.16997 is -0.17 in float16).
    with np.errstate(over="ignore"):
        low, high = np.array([interval.low, interval.high]).astype(float_dtype)
    assert np.all((y >= low) & (y <= high))


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_output_range_is_tight_and_its_ends_are_right(activation: Any) -> None:
    """The range is not wider than the function's: its ends are limits or values."""
    interval = activation.output_range
    ends = activation(np.array([-np.inf, np.inf]))
    if activation.monotonic:
        assert {float(ends.min()), float(ends.max())} == {interval.low, interval.high}
        # A closed end is attained at a finite input; an open one is not, where float64
        # can tell (beyond |x| = 19 tanh rounds to ±1).
        moderate = np.linspace(-18.0, 18.0, 721)
        values = activation(moderate)
        assert interval.low_closed is bool(np.any(values == interval.low))
        assert interval.high_closed is bool(np.any(values == interval.high))
    else:  # GELU, SiLU: a minimum at the derivative's zero, attained (closed end)
        assert float(ends.max()) == interval.high
        assert interval.low_closed
        exact = BY_NAME[activation.name].forms[0]
        assert exact.mp_function is not None
        assert exact.mp_derivative is not None
        with mpmath.workprec(200):
            zero = mpmath.findroot(exact.mp_derivative, mpmath.mpf(-1.0))
            minimum = exact.mp_function(zero)
        assert interval.low == float(minimum)  # the correctly rounded minimum
        grid = np.linspace(-3.0, 0.0, 30_001)
        assert activation(grid).min() >= interval.low


def test_display_strings_match_the_facts() -> None:
    assert str(af.sigmoid.output_range) == "(0, 1)"
    assert str(af.tanh.output_range) == "(-1, 1)"
    assert str(af.relu.output_range) == "[0, ∞)"
    assert str(af.leaky_relu.output_range) == "(-∞, ∞)"
    assert str(af.gelu.output_range) == "[-0.169971, ∞)"
    assert str(af.silu.output_range) == "[-0.278465, ∞)"
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
        "af.gelu([0.0]); af.silu.derivative([1.0])\n"
        "heavy = sorted(m for m in ('torch', 'matplotlib') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- facts of the record


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_stated_facts_are_consistent(activation: Any) -> None:
    row = BY_NAME[activation.name]
    assert activation.year == activation.papers[0].year
    for paper in activation.papers:
        assert paper.url.startswith("https://"), paper
        assert paper.authors
        assert paper.title
        assert paper.venue
        assert str(paper).startswith(f"{paper.authors} ({paper.year}). {paper.title}.")
    # smooth iff no kink; the kinked ones are exactly the piecewise-linear ones
    assert activation.smoothness == ("continuous, kink at 0" if row.kink == 0.0 else "C∞")
    assert (activation.cost_class == "piecewise linear") is row.exact
    for form in (activation.torch_function, activation.torch_module, activation.torch_functional):
        assert form is None or form.startswith("torch.")


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_max_slope_is_the_largest_derivative(activation: Any) -> None:
    """Against a dense grid of the tests' own float64 derivative (1e6 points)."""
    row = BY_NAME[activation.name]
    if row.exact:  # ReLU, LeakyReLU: slopes 1 and the negative slope
        slope = abs(activation.parameters.get("negative_slope", 0.0))
        assert activation.max_slope == max(1.0, slope)
        return
    reference = row.forms[0].f64_derivative
    assert reference is not None
    x = np.linspace(-20.0, 20.0, 1_000_001)
    sampled = float(np.abs(reference(x)).max())
    assert sampled - 1e-15 <= activation.max_slope <= sampled + 1e-9


def test_max_slope_of_gelu_is_at_sqrt2() -> None:
    """GELU'' = phi(x) (2 - x^2): the largest slope is GELU'(sqrt 2), about 1.129."""
    exact = BY_NAME["gelu"].forms[0].mp_derivative
    assert exact is not None
    with mpmath.workprec(200):
        expected = float(exact(mpmath.sqrt(2)))
    assert af.gelu.max_slope == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_init_gain_is_torchs_calculate_gain_or_the_second_moment_rule(activation: Any) -> None:
    numeric = {k: v for k, v in activation.parameters.items() if not isinstance(v, str)}
    try:
        expected = torch.nn.init.calculate_gain(activation.name, *numeric.values())
    except ValueError:  # PyTorch has no gain for GELU and SiLU
        assert activation.torch_gain is None
        assert activation.init_gain == activation.second_moment_gain()
    else:
        assert activation.torch_gain is not None
        assert activation.init_gain == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_second_moment_gain_against_numerical_integration(activation: Any) -> None:
    """1 / sqrt(E[f(z)^2]), z ~ N(0, 1): mpmath quadrature of the tests' own references."""
    row = BY_NAME[activation.name]
    for form in row.forms:
        exact = form.mp_function
        if exact is None:  # piecewise linear: E[f^2] = (1 + slope^2) / 2 in closed form
            slope = form.kwargs.get("negative_slope", 0.0)
            expected = math.sqrt(2.0 / (1.0 + slope**2))
        else:
            with mpmath.workprec(80):
                second = mpmath.quad(
                    lambda z, f=exact: f(z) ** 2 * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf]
                )
                expected = float(1 / mpmath.sqrt(second))
        gain = activation.second_moment_gain(**form.kwargs)
        assert gain == pytest.approx(expected, rel=1e-12), form.kwargs
    # the rule gives He's sqrt(2) for ReLU, which PyTorch states
    assert af.relu.second_moment_gain() == pytest.approx(math.sqrt(2.0), rel=1e-14)


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=ACTIVATION_IDS)
def test_saturation_points_bound_where_the_gradient_dies(activation: Any) -> None:
    threshold = 0.01
    left, right = activation.saturation_points(threshold)
    assert (left is not None) is activation.saturates_left
    assert (right is not None) is activation.saturates_right
    for edge, side in ((left, -1.0), (right, 1.0)):
        if edge is None:
            continue
        beyond = edge + side * np.linspace(0.0, 200.0, 20_001)
        assert np.all(np.abs(activation.derivative(beyond)) < threshold)
        inside = edge - side * np.linspace(1e-9, 1e-6, 10)
        assert np.any(np.abs(activation.derivative(inside)) >= threshold)


def test_public_constants_have_their_own_documentation() -> None:
    """autodoc reads ``#:`` comments: each public constant has one in the package module."""
    from sphinx.pycode import ModuleAnalyzer

    documented = ModuleAnalyzer.for_module("activation_functions").find_attr_docs()
    for name in ("DEFAULT_NEGATIVE_SLOPE", "ACTIVATIONS", "ARTICLE_ACTIVATIONS"):
        text = " ".join(documented[("", name)])
        assert len(text) > 30, name
        assert "float(x=0" not in text
        assert "Built-in immutable sequence" not in text
    for name in af.__all__:
        obj = getattr(af, name)
        if callable(obj):
            assert obj.__doc__, name
            assert obj.__doc__ != type(obj).__doc__, name
