"""Input checking shared by every activation: one place decides what is accepted."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Floating dtypes that keep their dtype; every other accepted input becomes float64.
SUPPORTED_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def as_real_array(x: Any, func_name: str) -> NDArray[np.floating[Any]]:
    """Return ``x`` as a floating array without copying when it already is one.

    Integers and booleans become float64; float16, float32 and float64 keep their
    dtype. Anything that is not a real number (complex, object, strings, None,
    datetimes, long double) raises :class:`TypeError` naming ``func_name``.
    The result may share memory with ``x``: callers must never write into it.

    Examples
    --------
    >>> as_real_array([1, 2], "sigmoid").dtype
    dtype('float64')
    >>> as_real_array(None, "sigmoid")
    Traceback (most recent call last):
    ...
    TypeError: sigmoid() expects real numbers, got NoneType
    """
    if x is None or isinstance(x, str | bytes):
        raise TypeError(f"{func_name}() expects real numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{func_name}() could not make an array from its input: {exc}") from exc
    dtype = arr.dtype
    if dtype in SUPPORTED_FLOATS:
        return arr
    if dtype.kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(
        f"{func_name}() expects real numbers (bool, integer, float16, float32 or float64), "
        f"got {type(x).__name__} with dtype {dtype}"
    )


def check_negative_slope(negative_slope: Any, func_name: str) -> float:
    """Return ``negative_slope`` as a float after checking it is a finite real number.

    Examples
    --------
    >>> check_negative_slope(0.2, "leaky_relu")
    0.2
    >>> check_negative_slope(True, "leaky_relu")
    Traceback (most recent call last):
    ...
    TypeError: leaky_relu() negative_slope must be a real number, not bool
    >>> check_negative_slope(float("inf"), "leaky_relu")
    Traceback (most recent call last):
    ...
    ValueError: leaky_relu() negative_slope must be finite, got inf
    """
    if isinstance(negative_slope, bool | np.bool_) or not isinstance(negative_slope, numbers.Real):
        raise TypeError(
            f"{func_name}() negative_slope must be a real number, not {type(negative_slope).__name__}"
        )
    slope = float(negative_slope)
    if not math.isfinite(slope):
        raise ValueError(f"{func_name}() negative_slope must be finite, got {slope}")
    return slope


#: The values ``approximate`` accepts, as in :func:`torch.nn.functional.gelu`.
GELU_APPROXIMATIONS = ("none", "tanh")


def check_approximate(approximate: Any, func_name: str) -> str:
    """Return ``approximate`` after checking it is ``"none"`` or ``"tanh"``.

    Examples
    --------
    >>> check_approximate("tanh", "gelu")
    'tanh'
    >>> check_approximate("exact", "gelu")
    Traceback (most recent call last):
    ...
    ValueError: gelu() approximate must be 'none' or 'tanh', got 'exact'
    """
    if not isinstance(approximate, str) or approximate not in GELU_APPROXIMATIONS:
        raise ValueError(f"{func_name}() approximate must be 'none' or 'tanh', got {approximate!r}")
    return approximate
