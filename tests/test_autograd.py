"""The PyTorch counterparts in activation_functions.autograd: values, gradients, errors."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from tests.reference import ROWS, Row

import activation_functions as af

torch = pytest.importorskip("torch")
ag = pytest.importorskip("activation_functions.autograd")

FLOAT_DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
DTYPE_IDS = ["float16", "bfloat16", "float32", "float64"]
SLOPES = [0.01, 0.2, 0.0, 1.0, -0.5, 3.0]
SMOOTH_ROWS = [row for row in ROWS if not row.exact]


def torch_builtin(row: Row) -> Callable[..., Any]:
    module, _, attribute = row.torch_functional.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def leaky_pair(slope: float) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    return (
        lambda t: ag.leaky_relu(t, negative_slope=slope),
        lambda t: torch.nn.functional.leaky_relu(t, negative_slope=slope),
    )


def bind(func: Callable[..., Any], kwargs: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda t: func(t, **kwargs)


def all_pairs() -> list[tuple[str, Callable[[Any], Any], Callable[[Any], Any], Row]]:
    """(id, ours, PyTorch's built-in, row) for every row and form of the reference table."""
    pairs = []
    for row in ROWS:
        ours, builtin = getattr(ag, row.autograd), torch_builtin(row)
        settings = [dict(form.kwargs) for form in row.forms]
        if row.name == "leaky_relu":
            settings = [{"negative_slope": slope} for slope in SLOPES]
        for kwargs in settings:
            suffix = "".join(str(v) for v in kwargs.values())
            pairs.append((f"{row.name}{suffix}", bind(ours, kwargs), bind(builtin, kwargs), row))
    return pairs


ALL_PAIRS = all_pairs()
PAIR_IDS = [name for name, _, _, _ in ALL_PAIRS]


def grid(dtype: Any) -> Any:
    """Moderate values, 0 and -0, tiny values and extremes up to ±1000 and ±inf."""
    values = np.concatenate(
        [
            np.linspace(-12.0, 12.0, 2401),
            [0.0, -0.0, 1e-30, -1e-30, 1e-7, -1e-7],
            [30.0, -30.0, 100.0, -100.0, 709.0, -709.0, 1000.0, -1000.0, np.inf, -np.inf],
        ]
    )
    if dtype == torch.float16:
        values = values[np.abs(values) <= 65504]  # beyond is inf in float16 anyway
    return torch.tensor(values, dtype=torch.float64).to(dtype)


def value_and_grad(func: Callable[[Any], Any], x: Any) -> tuple[Any, Any]:
    leaf = x.detach().clone().requires_grad_(True)
    out = func(leaf)
    out.backward(torch.ones_like(out))
    return out.detach(), leaf.grad


# --------------------------------------------------------------------------- gradcheck


def gradcheck_input(*, avoid_zero: bool) -> Any:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-6.0, 6.0, 64), [25.0, -25.0, 0.0]])
    if avoid_zero:  # the ReLU family has a kink at 0: finite differences straddling it fail
        x = x[np.abs(x) > 1e-2]
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize(
    ("function", "avoid_zero"),
    [
        (ag.SigmoidFunction.apply, False),
        (ag.TanhFunction.apply, False),
        (ag.ReLUFunction.apply, True),
        (lambda t: ag.LeakyReLUFunction.apply(t, 0.2), True),
        (lambda t: ag.LeakyReLUFunction.apply(t, -0.5), True),
        (lambda t: ag.GELUFunction.apply(t, "none"), False),
        (lambda t: ag.GELUFunction.apply(t, "tanh"), False),
        (ag.SiLUFunction.apply, False),
    ],
    ids=[
        "SigmoidFunction",
        "TanhFunction",
        "ReLUFunction",
        "LeakyReLUFunction0.2",
        "LeakyReLUFunction-0.5",
        "GELUFunction-none",
        "GELUFunction-tanh",
        "SiLUFunction",
    ],
)
def test_gradcheck_functions(function: Callable[[Any], Any], avoid_zero: bool) -> None:
    x = gradcheck_input(avoid_zero=avoid_zero)
    assert torch.autograd.gradcheck(function, (x,), eps=1e-6, atol=1e-9, rtol=1e-6)


@pytest.mark.parametrize(("name", "ours", "builtin", "row"), ALL_PAIRS, ids=PAIR_IDS)
def test_gradcheck(name: str, ours: Any, builtin: Any, row: Row) -> None:
    x = gradcheck_input(avoid_zero=row.kink is not None)
    assert torch.autograd.gradcheck(ours, (x,), eps=1e-6, atol=1e-9, rtol=1e-6)


@pytest.mark.parametrize(
    "function",
    [ag.sigmoid, ag.tanh, ag.gelu, bind(ag.gelu, {"approximate": "tanh"}), ag.silu],
    ids=["sigmoid", "tanh", "gelu", "gelu-tanh", "silu"],
)
def test_gradgradcheck_smooth(function: Callable[[Any], Any]) -> None:
    """The backward passes are built from torch operations, so they differentiate too."""
    x = gradcheck_input(avoid_zero=False)
    assert torch.autograd.gradgradcheck(function, (x,), eps=1e-6, atol=1e-8, rtol=1e-5)


# --------------------------------------------------------------------------- built-ins


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(("name", "ours", "builtin", "row"), ALL_PAIRS, ids=PAIR_IDS)
def test_value_and_gradient_equal_torch_builtins(
    name: str, ours: Callable[[Any], Any], builtin: Callable[[Any], Any], row: Row, dtype: Any
) -> None:
    """Within torch's default tolerances, on [-12, 12], tiny values and up to ±1000.

    ±inf are left out for GELU and SiLU (and for LeakyReLU with slope 0): PyTorch gives
    NaN there (``inf * 0``), this module the limits (tested below).
    """
    x = grid(dtype)
    if name.startswith("leaky_relu0.0") or row.torch_nan_at_inf:
        x = x[torch.isfinite(x)]
    value, grad = value_and_grad(ours, x)
    expected_value, expected_grad = value_and_grad(builtin, x)
    assert value.dtype == grad.dtype == dtype
    assert value.shape == grad.shape == x.shape
    if row.exact:  # piecewise linear: bit-for-bit
        torch.testing.assert_close(value, expected_value, rtol=0, atol=0, equal_nan=True)
        torch.testing.assert_close(grad, expected_grad, rtol=0, atol=0)
    elif dtype in (torch.float16, torch.bfloat16) and not row.torch_textbook_backward:
        # Both compute in float32 and round once; the formulas differ, so a result on
        # a rounding boundary can round either way: one half-precision eps apart.
        eps = torch.finfo(dtype).eps
        torch.testing.assert_close(value, expected_value, rtol=eps, atol=eps)
        torch.testing.assert_close(grad, expected_grad, rtol=eps, atol=eps)
    elif dtype in (torch.float16, torch.bfloat16):
        # The built-ins differentiate from the rounded half-precision output (s (1 - s),
        # 1 - y^2), ours from x in float32: up to about one half-precision eps apart.
        torch.testing.assert_close(value, expected_value, rtol=0, atol=0)
        eps = torch.finfo(dtype).eps
        torch.testing.assert_close(grad, expected_grad, rtol=2 * eps, atol=eps)
    else:  # default tolerances of the dtype (float64: rtol 1e-7, atol 1e-7)
        torch.testing.assert_close(value, expected_value)
        torch.testing.assert_close(grad, expected_grad)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["float16", "bfloat16"])
@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_half_precision_gradients_at_least_as_accurate_as_builtins(name: str, dtype: Any) -> None:
    ours = {"sigmoid": ag.sigmoid, "tanh": ag.tanh}[name]
    builtin = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}[name]
    x = grid(dtype)
    x = x[torch.isfinite(x)]
    exact_fn = {"sigmoid": af.sigmoid.derivative, "tanh": af.tanh.derivative}[name]
    exact = torch.from_numpy(exact_fn(x.to(torch.float64).numpy()))
    ours_error = (value_and_grad(ours, x)[1].to(torch.float64) - exact).abs()
    builtin_error = (value_and_grad(builtin, x)[1].to(torch.float64) - exact).abs()
    # Ours is the float32 value rounded once: within half an ULP (+ float32 error).
    ulp = torch.finfo(dtype).eps * torch.maximum(exact, torch.tensor(torch.finfo(dtype).tiny))
    assert torch.all(ours_error <= 0.5 * ulp * 1.01 + torch.finfo(dtype).smallest_normal)
    assert ours_error.max() <= builtin_error.max()


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_gradients_at_zero_follow_pytorch(zero: float, dtype: Any) -> None:
    x = torch.tensor([zero], dtype=dtype)
    assert value_and_grad(ag.relu, x)[1].tolist() == [0.0]
    assert value_and_grad(ag.sigmoid, x)[1].tolist() == [0.25]
    assert value_and_grad(ag.tanh, x)[1].tolist() == [1.0]
    for row in SMOOTH_ROWS:
        for form in row.forms:
            func = bind(getattr(ag, row.autograd), dict(form.kwargs))
            value, grad = value_and_grad(func, x)
            assert (value.tolist(), grad.tolist()) == ([row.at_zero[0]], [row.at_zero[1]])
    for slope in SLOPES:
        ours, builtin = leaky_pair(slope)
        grad = value_and_grad(ours, x)[1]
        assert grad.tolist() == value_and_grad(builtin, x)[1].tolist()
        assert grad.tolist() == [torch.tensor(slope, dtype=dtype).item()]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
def test_no_overflow_or_nan_for_large_inputs(dtype: Any) -> None:
    x = torch.tensor([-1e4, -1000.0, -100.0, 100.0, 1000.0, 1e4, -np.inf, np.inf]).to(dtype)
    for func in (ag.sigmoid, ag.tanh):
        value, grad = value_and_grad(func, x)
        assert not torch.isnan(value).any()
        assert not torch.isnan(grad).any()
        assert torch.all(grad >= 0)
        assert torch.all(grad <= 4e-43)  # 4 exp(-2 * 100) ~ 5.5e-87 and e^-100 ~ 3.7e-44
        assert torch.all(grad[x.abs() >= 1000] == 0)  # underflow to exactly 0
    sig = value_and_grad(ag.sigmoid, x)[0].tolist()
    assert sig[:2] + sig[3:] == [0, 0, 1, 1, 1, 0, 1]
    assert 0 <= sig[2] <= 4e-44  # e^-100 ~ 3.7e-44: subnormal in float32, 0 in float16
    assert value_and_grad(ag.tanh, x)[0].tolist() == [-1, -1, -1, 1, 1, 1, -1, 1]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("row", SMOOTH_ROWS, ids=[r.name for r in SMOOTH_ROWS])
def test_limits_at_infinity_where_torch_gives_nan(row: Row, dtype: Any) -> None:
    """The limits at ±inf, value and gradient; PyTorch's GELU and SiLU give NaN there."""
    x = torch.tensor([-np.inf, np.inf], dtype=dtype)
    f_low, f_high, d_low, d_high = row.limits
    for form in row.forms:
        kwargs = dict(form.kwargs)
        value, grad = value_and_grad(bind(getattr(ag, row.autograd), kwargs), x)
        assert value.tolist() == [f_low, f_high]
        assert grad.tolist() == [d_low, d_high]
        if row.torch_nan_at_inf:  # the documented difference
            torch_grad = value_and_grad(bind(torch_builtin(row), kwargs), x)[1]
            assert torch.isnan(torch_grad).all()


def test_torch_gelu_is_nan_at_minus_infinity() -> None:
    """What the module notes say: F.gelu(-inf) is NaN (the limit is 0)."""
    minus_inf = torch.tensor([-np.inf])
    assert torch.isnan(torch.nn.functional.gelu(minus_inf)).all()
    assert ag.gelu(minus_inf).tolist() == [0.0]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
def test_gradients_never_exceed_the_maximum_derivative(dtype: Any) -> None:
    """sigma' <= 1/4 and tanh' <= 1 (attained at 0): rounding must not overshoot them."""
    rng = np.random.default_rng(1)
    magnitudes = 10.0 ** rng.uniform(-20.0, 0.0, 50_000)
    x = torch.tensor(np.concatenate([magnitudes, -magnitudes])).to(dtype)
    assert value_and_grad(ag.sigmoid, x)[1].max().item() <= 0.25
    assert value_and_grad(ag.tanh, x)[1].max().item() <= 1.0


# --------------------------------------------------------------------------- package agreement


def test_float64_values_and_gradients_match_the_numpy_package() -> None:
    """Same formulas as the NumPy package: agreement to a few ULP, far tails included.

    Here the built-ins are less accurate: torch.sigmoid(-740.) is 0, not a subnormal.
    """
    x_np = np.concatenate([np.linspace(-745.0, 745.0, 6001), [0.0, 1e-300, -1e-300, 5e-324]])
    x = torch.tensor(x_np)
    pairs: list[tuple[Any, Any, dict[str, Any], float, float]] = [
        (ag.sigmoid, af.sigmoid, {}, 4, 0.0),
        (ag.tanh, af.tanh, {}, 4, 0.0),
        # GELU and SiLU: the same tails, simpler arithmetic (no exact x^2, no series at
        # the derivative's zero): agreement to 1e-12 relative, 1e-16 absolute near zeros.
        (ag.gelu, af.gelu, {"approximate": "none"}, 4500, 1e-16),
        (ag.gelu, af.gelu, {"approximate": "tanh"}, 4500, 1e-16),
        (ag.silu, af.silu, {}, 4500, 1e-16),
    ]
    for ours, package, kwargs, ulps, near_zero in pairs:
        value, grad = value_and_grad(bind(ours, kwargs), x)
        tol = ulps * np.finfo(np.float64).eps
        atol = max(near_zero, 8 * np.finfo(np.float64).smallest_subnormal)
        np.testing.assert_allclose(value.numpy(), package(x_np, **kwargs), rtol=tol, atol=atol)
        np.testing.assert_allclose(
            grad.numpy(), package.derivative(x_np, **kwargs), rtol=tol, atol=atol
        )
    assert value_and_grad(ag.sigmoid, torch.tensor([-740.0], dtype=torch.float64))[0].item() > 0
    # tanh' in its far tail, where (2u)^2 replaces 4t / (1 + t)^2
    tail = np.array([353.0, 354.5, 360.0, 372.0, -360.0])
    grad = value_and_grad(ag.tanh, torch.tensor(tail))[1].numpy()
    np.testing.assert_allclose(grad, af.tanh.derivative(tail), rtol=4 * 2.0**-52, atol=1e-323)
    assert np.all(grad > 0)


def test_tanh_keeps_tiny_values_and_the_sign_of_zero() -> None:
    x = torch.tensor([1e-300, -1e-300, 5e-324, 0.0, -0.0], dtype=torch.float64)
    y = ag.tanh(x)
    assert y.tolist() == x.tolist()
    assert torch.equal(torch.signbit(y), torch.signbit(x))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
def test_nan_gives_nan_value_and_gradient(dtype: Any) -> None:
    """Like the NumPy package: NaN in, NaN out, for the value and the gradient."""
    x = torch.tensor([np.nan, 1.0, -1.0], dtype=dtype)
    funcs = [ours for _, ours, _, _ in ALL_PAIRS]
    for func in funcs:
        value, grad = value_and_grad(func, x)
        assert torch.isnan(value[0])
        assert torch.isnan(grad[0])
        assert not torch.isnan(value[1:]).any()
        assert not torch.isnan(grad[1:]).any()


# --------------------------------------------------------------------------- shapes and errors


@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.tensor(0.5, dtype=torch.float64),
        lambda: torch.empty(0),
        lambda: torch.empty(3, 0, 2),
        lambda: torch.linspace(-3, 3, 24).reshape(2, 3, 4),
        lambda: torch.linspace(-3, 3, 24).reshape(4, 6).T,  # non-contiguous
        lambda: torch.linspace(-3, 3, 24)[::3],
    ],
    ids=["0-d", "empty", "empty-3d", "3d", "transposed", "strided"],
)
@pytest.mark.parametrize(("name", "ours", "builtin", "row"), ALL_PAIRS, ids=PAIR_IDS)
def test_shapes_and_views(
    name: str, ours: Any, builtin: Any, row: Row, make: Callable[[], Any]
) -> None:
    x = make()
    before = x.clone()
    value, grad = value_and_grad(ours, x)
    assert value.shape == x.shape
    assert grad.shape == x.shape
    torch.testing.assert_close(value, builtin(x))
    assert torch.equal(x, before), name


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_grad_fn_is_the_hand_written_function(row: Row) -> None:
    x = torch.tensor([0.5], requires_grad=True)
    activation = getattr(af, row.name)
    class_name = f"{activation.display_name}Function"  # SigmoidFunction, GELUFunction...
    assert class_name in ag.__all__
    assert issubclass(getattr(ag, class_name), torch.autograd.Function)
    func = getattr(ag, row.autograd)
    assert type(func(x).grad_fn).__name__ == f"{class_name}Backward"
    assert func(torch.tensor([0.5])).grad_fn is None  # no graph without requires_grad


def test_default_slope_is_pytorchs() -> None:
    x = torch.tensor([-3.0, 2.0])
    torch.testing.assert_close(ag.leaky_relu(x), torch.nn.functional.leaky_relu(x))
    torch.testing.assert_close(ag.leaky_relu(x), torch.tensor([-0.03, 2.0]))


PUBLIC = [(row.autograd, getattr(ag, row.autograd)) for row in ROWS]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ([1.0, 2.0], "list"),
        (np.array([1.0]), "ndarray"),
        (1.0, "float"),
        (None, "NoneType"),
        (torch.tensor([1, 2]), "torch.int64"),
        (torch.tensor([True]), "torch.bool"),
        (torch.tensor([1 + 1j]), "torch.complex64"),
    ],
)
@pytest.mark.parametrize(("name", "func"), PUBLIC, ids=[n for n, _ in PUBLIC])
def test_non_floating_tensor_input_raises_type_error(
    name: str, func: Callable[[Any], Any], value: Any, text: str
) -> None:
    with pytest.raises(TypeError, match=rf"^{name}\(\)") as info:
        func(value)
    assert text in str(info.value)


@pytest.mark.parametrize(
    ("slope", "error"),
    [
        (True, TypeError),
        ("0.1", TypeError),
        (None, TypeError),
        (torch.tensor(0.1), TypeError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (-float("inf"), ValueError),
    ],
)
def test_negative_slope_validated_like_the_package(slope: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^leaky_relu\(\) negative_slope"):
        ag.leaky_relu(torch.tensor([1.0]), negative_slope=slope)
    with pytest.raises(error, match=r"^leaky_relu\(\) negative_slope"):
        af.leaky_relu([1.0], negative_slope=slope)


@pytest.mark.parametrize("approximate", ["exact", "TANH", None, 1])
def test_approximate_validated_like_the_package(approximate: Any) -> None:
    with pytest.raises(ValueError, match=r"^gelu\(\) approximate must be 'none' or 'tanh'"):
        ag.gelu(torch.tensor([1.0]), approximate=approximate)
