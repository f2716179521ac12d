"""What the functions accept, what they return, and that they never touch their input."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

import activation_functions as af

#: (qualified name, callable) for every function and derivative.
CALLABLES: list[tuple[str, Callable[..., NDArray[Any]]]] = [
    (name, func)
    for a in af.ACTIVATIONS
    for name, func in ((a.name, a), (f"{a.name}.derivative", a.derivative))
]
IDS = [name for name, _ in CALLABLES]
LEAKY = [
    ("leaky_relu", af.leaky_relu),
    ("leaky_relu.derivative", af.leaky_relu.derivative),
]


@pytest.fixture(params=CALLABLES, ids=IDS)
def named_callable(request: pytest.FixtureRequest) -> tuple[str, Callable[..., NDArray[Any]]]:
    return request.param


# --------------------------------------------------------------------------- dtypes


def test_floating_dtypes_are_kept(named_callable: Any, float_dtype: Any) -> None:
    _, func = named_callable
    x = np.linspace(-3, 3, 7).astype(float_dtype)
    assert func(x).dtype == float_dtype
    assert func(float_dtype(0.5)).dtype == float_dtype  # NumPy scalar


@pytest.mark.parametrize(
    "dtype",
    [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64],
)
def test_integer_and_bool_arrays_give_float64(named_callable: Any, dtype: Any) -> None:
    _, func = named_callable
    x = np.array([0, 1, 1, 0], dtype=dtype)
    y = func(x)
    assert y.dtype == np.float64
    assert np.array_equal(y, func(x.astype(np.float64)))


@pytest.mark.parametrize("value", [True, 3, -2, 0, 2.5, [1, 2], [True, False], [[1.5], [2]]])
def test_python_scalars_and_lists_give_float64(named_callable: Any, value: Any) -> None:
    _, func = named_callable
    y = func(value)
    assert isinstance(y, np.ndarray)
    assert y.dtype == np.float64
    assert y.shape == np.shape(value)
    assert np.array_equal(y, func(np.asarray(value, dtype=np.float64)))


def test_large_integers_are_converted_to_float64(named_callable: Any) -> None:
    _, func = named_callable
    x = np.array([2**62, -(2**62)], dtype=np.int64)
    assert np.array_equal(func(x), func(x.astype(np.float64)))


@pytest.mark.parametrize(
    ("value", "type_text"),
    [
        (1 + 2j, "complex"),
        (np.array([1 + 0j, 2]), "complex"),
        (np.array([1.0, 2.0], dtype=np.complex64), "complex64"),
        (np.array([1.0, None]), "object"),
        (np.array([1.0, 2.0], dtype=object), "object"),
        ([1.0, None], "object"),
        ("1.0", "str"),
        (b"1.0", "bytes"),
        (np.array(["1.0"]), "<U3"),
        (None, "NoneType"),
        (np.array(["2024-01-01"], dtype="datetime64[D]"), "datetime64"),
    ],
)
def test_non_real_inputs_raise_type_error_naming_function_and_type(
    named_callable: Any, value: Any, type_text: str
) -> None:
    name, func = named_callable
    with pytest.raises(TypeError, match=rf"^{name}\(\)") as info:
        func(value)
    assert type_text in str(info.value)


def test_long_double_is_refused(named_callable: Any) -> None:
    """Documented: long double would be silently rounded, so it is refused."""
    if np.finfo(np.longdouble).nmant == np.finfo(np.float64).nmant:
        pytest.skip("long double is float64 on this platform")
    name, func = named_callable
    with pytest.raises(TypeError, match=rf"^{name}\(\).*longdouble|float128|float96"):
        func(np.array([1.0], dtype=np.longdouble))


def test_ragged_input_raises_value_error(named_callable: Any) -> None:
    name, func = named_callable
    with pytest.raises(ValueError, match=rf"^{name}\(\)"):
        func([[1.0, 2.0], [3.0]])


# --------------------------------------------------------------------------- negative_slope


@pytest.mark.parametrize(
    "slope", [True, False, np.bool_(True), "0.1", None, 0.1 + 0j, [0.1], np.array(0.1), Decimal(1)]
)
@pytest.mark.parametrize(("name", "func"), LEAKY, ids=[n for n, _ in LEAKY])
def test_negative_slope_of_wrong_type_raises_type_error(
    name: str, func: Callable[..., Any], slope: Any
) -> None:
    with pytest.raises(TypeError, match=rf"^{name}\(\) negative_slope"):
        func([1.0, -1.0], negative_slope=slope)


@pytest.mark.parametrize("slope", [math.nan, math.inf, -math.inf, np.float32(np.inf)])
@pytest.mark.parametrize(("name", "func"), LEAKY, ids=[n for n, _ in LEAKY])
def test_non_finite_negative_slope_raises_value_error(
    name: str, func: Callable[..., Any], slope: Any
) -> None:
    with pytest.raises(ValueError, match=rf"^{name}\(\) negative_slope must be finite"):
        func([1.0, -1.0], negative_slope=slope)


@pytest.mark.parametrize(
    ("slope", "expected"),
    [
        (0.25, -0.5),
        (1, -2.0),
        (np.int64(2), -4.0),
        (np.float32(0.5), -1.0),
        (Fraction(1, 4), -0.5),
        (-0.5, 1.0),
        (0, 0.0),
    ],
)
def test_any_finite_real_negative_slope_is_accepted(slope: Any, expected: float) -> None:
    assert af.leaky_relu([-2.0, 3.0], negative_slope=slope).tolist() == [expected, 3.0]
    assert af.leaky_relu.derivative([-2.0, 3.0], negative_slope=slope).tolist() == [
        float(slope),
        1.0,
    ]


# --------------------------------------------------------------------------- shapes and views


def views_of(base: NDArray[Any]) -> dict[str, NDArray[Any]]:
    """Non-contiguous, reversed, transposed, broadcast and read-only views of ``base``."""
    matrix = base[:60].reshape(6, 10)
    read_only = base.copy()
    read_only.flags.writeable = False
    return {
        "strided": base[::3],
        "reversed": base[::-1],
        "transposed": matrix.T,
        "column": matrix[:, 3],
        "fortran": np.asfortranarray(matrix),
        "broadcast": np.broadcast_to(base[:7], (4, 7)),
        "read_only": read_only,
        "read_only_strided": read_only[1::2],
        "zero_d": base[5, ...],
        "empty": base[:0],
        "empty_2d": base[:0].reshape(0, 3),
        "empty_3d": np.empty((3, 0, 2), dtype=base.dtype),
        "4d": base[:120].reshape(2, 3, 4, 5),
    }


@pytest.mark.parametrize(
    "view",
    [
        "strided",
        "reversed",
        "transposed",
        "column",
        "fortran",
        "broadcast",
        "read_only",
        "read_only_strided",
        "zero_d",
        "empty",
        "empty_2d",
        "empty_3d",
        "4d",
    ],
)
def test_views_give_same_shape_and_values_as_contiguous_copies(
    named_callable: Any, float_dtype: Any, view: str
) -> None:
    _, func = named_callable
    base = np.linspace(-8, 8, 241).astype(float_dtype)
    x = views_of(base)[view]
    before = x.copy()
    y = func(x)
    assert isinstance(y, np.ndarray)
    assert y.shape == x.shape
    assert y.dtype == float_dtype
    assert y.flags.writeable
    assert not np.shares_memory(y, x)
    expected = func(x.copy(order="C"))  # np.ascontiguousarray would make 0-d arrays 1-d
    assert np.array_equal(y, expected)
    # and elementwise, one value at a time
    for index in list(np.ndindex(x.shape))[:20]:
        assert y[index] == func(x[index])
    assert np.array_equal(x, before)


def test_zero_d_input_gives_zero_d_array(named_callable: Any, float_dtype: Any) -> None:
    _, func = named_callable
    for x in (np.array(1.5, dtype=float_dtype), float_dtype(1.5), 1.5, 2):
        y = func(x)
        assert type(y) is np.ndarray
        assert y.shape == ()


def test_results_are_new_arrays(named_callable: Any, float_dtype: Any) -> None:
    _, func = named_callable
    x = np.linspace(-2, 2, 9).astype(float_dtype)
    y1 = func(x)
    y2 = func(x)
    assert not np.shares_memory(y1, x)
    assert not np.shares_memory(y1, y2)


def test_input_never_modified(named_callable: Any, float_dtype: Any, special_values: Any) -> None:
    _, func = named_callable
    x = np.concatenate([special_values(float_dtype), np.linspace(-9, 9, 50).astype(float_dtype)])
    snapshot = x.tobytes()  # bit-exact: catches a lost sign of zero or NaN payload
    as_list = x.tolist()
    list_snapshot = list(as_list)
    func(x)
    func(x[::2])
    func(as_list)
    assert x.tobytes() == snapshot
    assert as_list == list_snapshot or all(
        (a == b) or (math.isnan(a) and math.isnan(b))
        for a, b in zip(as_list, list_snapshot, strict=True)
    )


@pytest.mark.parametrize("size", [8191, 8192, 8193, 3 * 8192 + 17])
def test_chunk_boundaries_do_not_mix_elements(
    named_callable: Any, float_dtype: Any, size: int
) -> None:
    """The float64 kernels work in chunks: results must not depend on the position."""
    _, func = named_callable
    rng = np.random.default_rng(size)
    x = rng.uniform(-30, 30, size).astype(float_dtype)
    x[::997] = np.nan
    y = func(x)
    pieces = np.concatenate([func(x[:1000]), func(x[1000:5000]), func(x[5000:])])
    assert np.array_equal(y, pieces, equal_nan=True)
    assert np.array_equal(func(x[::-1])[::-1], y, equal_nan=True)
    assert np.array_equal(func(x.reshape(-1, 1)).ravel(), y, equal_nan=True)


# --------------------------------------------------------------------------- approximate

GELU_CALLABLES = [("gelu", af.gelu), ("gelu.derivative", af.gelu.derivative)]


@pytest.mark.parametrize("approximate", ["exact", "TANH", "None", "", " tanh", None, 1, True])
@pytest.mark.parametrize(("name", "func"), GELU_CALLABLES, ids=[n for n, _ in GELU_CALLABLES])
def test_bad_approximate_raises_value_error_naming_the_accepted_values(
    name: str, func: Callable[..., Any], approximate: Any
) -> None:
    with pytest.raises(ValueError, match=rf"^{name}\(\) approximate must be 'none' or 'tanh'"):
        func([1.0, -1.0], approximate=approximate)


@pytest.mark.parametrize(("name", "func"), GELU_CALLABLES, ids=[n for n, _ in GELU_CALLABLES])
def test_approximate_is_checked_before_the_input(name: str, func: Callable[..., Any]) -> None:
    """A bad form is reported even when the input is bad too (one clear error)."""
    with pytest.raises(ValueError, match="approximate"):
        func(None, approximate="exact")


@pytest.mark.parametrize(("name", "func"), GELU_CALLABLES, ids=[n for n, _ in GELU_CALLABLES])
def test_both_forms_accepted_and_they_differ(name: str, func: Callable[..., Any]) -> None:
    x = np.linspace(-3.0, 3.0, 61)
    exact = func(x)
    assert np.array_equal(exact, func(x, approximate="none"))
    difference = np.abs(func(x, approximate="tanh") - exact)
    assert 0 < difference.max() < 2e-3, name  # the tanh form is close, not equal
