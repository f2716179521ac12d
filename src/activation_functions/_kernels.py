"""Numerically careful elementwise kernels.

Each smooth function is evaluated in float64 on cache-sized chunks and rounded once
to the caller's dtype. For float16 and float32 inputs that gives (almost always)
the correctly rounded result and never a subnormal flushed to zero; for float64 the
formulas below are chosen so that every step is either exact or a single rounding
of a well-conditioned quantity. The textbook forms ``s * (1 - s)`` and
``1 - tanh(x)**2`` are avoided on purpose: both cancel catastrophically in the tails.

Every kernel runs under ``np.errstate(all="ignore")``: overflow of ``exp`` to inf
or underflow to zero is part of the algorithm and must not reach the caller, even
inside ``np.errstate(all="raise")``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]
F64 = NDArray[np.float64]

#: Elements per chunk: three float64 buffers of this size stay inside L2 cache.
CHUNK = 1 << 13

#: Below this input ``exp(-x)`` would overflow, so sigmoid switches to ``exp(x)``;
#: there ``1 + exp(-x)`` equals ``exp(-x)`` to far more than float64 precision.
SIGMOID_EXP_SWITCH = -708.0

#: Above this ``|x|`` the tanh derivative ``4t/(1+t)^2`` would use a subnormal ``t``;
#: there ``(1+t)^2`` is exactly 1, so ``(2u)^2`` with ``u = exp(-|x|)`` is used instead.
TANH_DERIVATIVE_TAIL = 350.0

Kernel = Callable[[F64, F64, F64], None]


def map_float64(kernel: Kernel, x: FloatArray) -> FloatArray:
    """Apply a float64 ``kernel(x, out, work)`` to ``x`` chunk by chunk.

    The result has ``x``'s shape and dtype; ``x`` is only read. Chunking keeps the
    float64 temporaries in cache and bounds extra memory to a few chunks, whatever
    the size of ``x``.
    """
    out = np.empty(x.shape, dtype=x.dtype)
    flat_in = x.reshape(-1)  # a view for contiguous input, else one temporary copy
    flat_out = out.reshape(-1)
    size = flat_in.size
    is_f64 = x.dtype == np.float64
    width = min(size, CHUNK)
    in_buf = np.empty(width, dtype=np.float64)
    out_buf = np.empty(width, dtype=np.float64)
    work = np.empty(width, dtype=np.float64)
    with np.errstate(all="ignore"):
        for start in range(0, size, CHUNK):
            stop = min(start + CHUNK, size)
            n = stop - start
            if is_f64:
                kernel(flat_in[start:stop], flat_out[start:stop], work[:n])  # type: ignore[arg-type]
            else:
                np.copyto(in_buf[:n], flat_in[start:stop])
                kernel(in_buf[:n], out_buf[:n], work[:n])
                np.copyto(flat_out[start:stop], out_buf[:n], casting="same_kind")
    return out


def sigmoid_kernel(x: F64, out: F64, work: F64) -> None:
    """``1 / (1 + exp(-x))``: every step is monotone, so the result is monotone in x.

    For x < 0 ``exp(-x)`` is large and ``1 + exp(-x)`` loses nothing that matters
    (relative error stays one rounding); only where it would overflow does the
    kernel switch to ``exp(x)``, which there equals sigmoid(x) to full precision
    and keeps subnormal results.
    """
    np.maximum(x, SIGMOID_EXP_SWITCH, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.add(out, 1.0, out=out)
    np.divide(1.0, out, out=out)
    if np.fmin.reduce(x, initial=0.0) < SIGMOID_EXP_SWITCH:
        tail = x < SIGMOID_EXP_SWITCH
        out[tail] = np.exp(x[tail])
    del work


def sigmoid_derivative_kernel(x: F64, out: F64, work: F64) -> None:
    """``t / (1 + t)^2`` with ``t = exp(-|x|)``: exact symmetry, no cancellation."""
    np.abs(x, out=work)
    np.negative(work, out=work)
    np.exp(work, out=work)  # t
    np.add(work, 1.0, out=out)
    np.multiply(out, out, out=out)
    np.divide(work, out, out=out)
    # Near x = 0 the three roundings can land one ULP above the maximum 1/4; the exact
    # value never exceeds it, so clamping only moves a result closer to the truth.
    np.minimum(out, 0.25, out=out)


def tanh_kernel(x: F64, out: F64, work: F64) -> None:
    """NumPy's float64 tanh is accurate to about one ULP, subnormals included."""
    np.tanh(x, out=out)
    del work


def tanh_derivative_kernel(x: F64, out: F64, work: F64) -> None:
    """``sech(x)^2 = 4t / (1 + t)^2`` with ``t = exp(-2|x|)``; ``(2u)^2`` in the far tail."""
    np.abs(x, out=work)
    np.multiply(work, -2.0, out=work)
    np.exp(work, out=work)  # t
    np.add(work, 1.0, out=out)
    np.multiply(out, out, out=out)
    np.multiply(work, 4.0, out=work)
    np.divide(work, out, out=out)
    np.minimum(out, 1.0, out=out)  # as for the sigmoid: never above the maximum, 1
    if np.fmax.reduce(np.abs(x), initial=0.0) > TANH_DERIVATIVE_TAIL:
        tail = np.abs(x) > TANH_DERIVATIVE_TAIL
        two_u = 2.0 * np.exp(-np.abs(x[tail]))
        out[tail] = two_u * two_u


def relu(x: FloatArray) -> FloatArray:
    """``max(x, 0)`` in the input's dtype; NaN propagates.

    ``out=`` makes a 0-d input give a 0-d array, not a NumPy scalar, like every
    other function of the package.
    """
    return np.maximum(x, 0, out=np.empty_like(x))


def relu_derivative(x: FloatArray) -> FloatArray:
    """1 for x > 0, 0 for x <= 0 (PyTorch's choice at 0), NaN for NaN."""
    # Boolean mask then masked copy: streaming passes only (np.heaviside and
    # np.where with scalar branches are several times slower on large arrays).
    out = np.greater(x, 0, out=np.empty(x.shape, dtype=bool)).astype(x.dtype)
    np.copyto(out, x, where=np.isnan(x))
    return out


def slope_in_dtype(negative_slope: float, dtype: np.dtype[Any]) -> np.floating[Any]:
    """The slope as PyTorch applies it: rounded to float32 for float16 and float32."""
    if dtype == np.float64:
        return np.float64(negative_slope)
    rounded: np.floating[Any] = dtype.type(np.float32(negative_slope))
    return rounded


def leaky_relu(x: FloatArray, negative_slope: float) -> FloatArray:
    """``x`` for x > 0, else ``negative_slope * x``, rounded exactly as PyTorch does."""
    if x.dtype == np.float16:
        # PyTorch multiplies half values in float32 and rounds the product once to half.
        wide = x.astype(np.float32) * np.float32(negative_slope)
        scaled = np.asarray(wide).astype(np.float16)
    else:
        scaled = np.multiply(x, slope_in_dtype(negative_slope, x.dtype), out=np.empty_like(x))
    applied_slope = negative_slope if x.dtype == np.float64 else np.float32(negative_slope)
    if applied_slope == 0:
        # With a zero slope LeakyReLU is ReLU: -inf maps to 0, not to -inf * 0 = NaN.
        # That includes a tiny slope such as 1e-50, which is 0 once rounded to float32.
        return relu(x)
    if 0 < applied_slope <= 1:
        # For 0 < slope <= 1, max(x, slope * x) selects exactly the same element as the
        # definition (rounding is monotone, so fl(slope * x) >= x for x < 0), and
        # np.maximum streams several times faster than a masked select.
        return np.maximum(x, scaled, out=scaled)
    return np.where(x > 0, x, scaled)


def leaky_relu_derivative(x: FloatArray, negative_slope: float) -> FloatArray:
    """1 for x > 0, ``negative_slope`` for x <= 0 (PyTorch's choice at 0), NaN for NaN."""
    slope = slope_in_dtype(negative_slope, x.dtype)
    if 0 <= slope <= 1:
        # The 0/1 step, raised to the slope where it is 0: exact and streaming.
        out = relu_derivative(x)
        return np.maximum(out, slope, out=out)  # NaN stays NaN
    out = np.where(x > 0, x.dtype.type(1), slope)
    # x > 0 is False for NaN, which must stay NaN rather than take the slope.
    np.copyto(out, x, where=np.isnan(x))
    return out
