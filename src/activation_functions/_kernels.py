"""Numerically careful elementwise kernels.

Each smooth function is evaluated in float64 on cache-sized chunks and rounded once
to the caller's dtype. For float16 and float32 inputs that gives (almost always)
the correctly rounded result and never a subnormal flushed to zero; for float64 the
formulas below are chosen so that every step is either exact or a single rounding
of a well-conditioned quantity. The textbook forms ``s * (1 - s)`` and
``1 - tanh(x)**2`` are avoided on purpose: both cancel catastrophically in the tails.

GELU needs the error function, which NumPy lacks. It comes from SciPy
(``scipy.special.erfc`` and ``erfcx``), a runtime dependency, rather than from an
implementation of our own: SciPy's are accurate to a few ULP and long tested, and
the accuracy that matters is decided by how they are used (below), not by the last
ULP of erfc. Measured on the project machine against mpmath at 200 bits (the tests'
grids, ``tests/test_accuracy.py``): float64 GELU at most 6.3 ULP and its derivative
7.8 ULP over the whole range, subnormal tail included, where the plain
``0.5 * x * erfc(-x / sqrt(2))`` is about x**2 ULP off in the negative tail (1571 ULP
near x = -37) and loses subnormal results entirely; float16 and float32 results are
correctly rounded on every input tested. Speed, 10**6 float64 values on one (busy)
thread: ``af.gelu`` 3.5 times ``torch.nn.functional.gelu`` and 2.1 times the plain
erfc formula (``nox -s bench`` reports the ratios in the same run).

Every kernel runs under ``np.errstate(all="ignore")``: overflow of ``exp`` to inf
or underflow to zero is part of the algorithm and must not reach the caller, even
inside ``np.errstate(all="raise")``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special  # type: ignore[import-untyped,unused-ignore]  # no stubs

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


# --------------------------------------------------------------------------- GELU and SiLU
#
# The kernels below share three devices:
#
# * Tails are written as a product ``(a * e) * e`` with ``e = exp(y / 2)`` where the
#   exact result is ``a * exp(y)``: ``exp(y)`` alone would be subnormal (few significant
#   bits) before the multiplication by ``a``; ``e`` is normal, so only the last product
#   rounds into the subnormal range, once.
# * ``x**2`` is split exactly into ``h + l`` (Dekker), so ``exp(-x**2 / 2)`` is
#   ``exp(-h / 2) * (1 - l / 2)`` to full precision: the Gaussian factor costs no
#   accuracy in the tails.
# * Inputs are clamped to ``±INPUT_CLAMP`` where the result is already saturated (0 or
#   1), so that ``inf * 0`` never produces NaN at ±inf.

#: Beyond this magnitude every GELU/SiLU result and derivative is saturated in float64.
INPUT_CLAMP = 1e10

#: Dekker's splitting constant for float64, ``2**27 + 1``.
_SPLIT = 134217729.0
_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_PI_OVER_2 = math.sqrt(math.pi / 2.0)
#: PyTorch's tanh approximation: ``u = sqrt(2/pi) * (x + 0.044715 * x**3)``.
GELU_TANH_COEFFICIENT = 0.044715
_TWO_SQRT_2_OVER_PI = 2.0 * math.sqrt(2.0 / math.pi)
#: Below this ``2u`` (or ``x`` for SiLU) ``1 + exp(2u)`` equals 1 in float64 and
#: ``exp(2u)`` nears the subnormal range: the scaled tail product takes over.
LOGISTIC_TAIL = -708.0


def _exact_square(x: F64) -> tuple[F64, F64]:
    """``(h, l)`` with ``h + l == x * x`` exactly (for ``|x| <= INPUT_CLAMP``)."""
    h = x * x
    c = _SPLIT * x
    hi = c - (c - x)
    lo = x - hi
    low = ((hi * hi - h) + 2.0 * hi * lo) + lo * lo
    return h, low


def _gaussian_quarter(x: F64) -> tuple[F64, F64]:
    """``(e, c)`` with ``exp(-x**2 / 2) = e * e * c``: ``e`` stays normal, ``c`` is near 1."""
    h, low = _exact_square(x)
    return np.exp(-0.25 * h), 1.0 - 0.5 * low


def gelu_kernel(x: F64, out: F64, work: F64) -> None:
    """``x * Phi(x)``.

    For x < -1, ``Phi(x) = erfcx(z) * exp(-x**2 / 2) / 2`` with ``z = -x / sqrt(2)``:
    the scaled complementary error function ``erfcx`` is well conditioned, so the
    rounding of ``z`` costs nothing, and the Gaussian factor is exact to a rounding
    (see the module notes). For x >= -1, ``Phi(x) = erfc(-x / sqrt(2)) / 2``: no
    cancellation, and SciPy's erfc is more accurate than erfcx there.
    """
    del work
    negative = x < -1.0  # above -1, erfc(z) = 1 - erf(z) is as accurate and cheaper
    if not negative.any():  # also the path of NaN-only chunks
        np.multiply(x, 0.5, out=out)
        np.multiply(out, special.erfc(x / -_SQRT2), out=out)
        return
    # Each special function only where it is used: erfc and erfcx cost most of the time.
    rest = ~negative
    xp = x[rest]
    out[rest] = (0.5 * xp) * special.erfc(xp / -_SQRT2)
    xn = np.maximum(x[negative], -INPUT_CLAMP)
    e, c = _gaussian_quarter(xn)
    out[negative] = ((0.5 * xn * special.erfcx(xn / -_SQRT2)) * c * e) * e


#: The zero of GELU's derivative, ``x0 = -0.75179...``, as a double-double ``HI + LO``:
#: the root of ``x + M(x)`` with ``M`` the Mills ratio below (computed with mpmath at
#: 200 bits; ``tests`` check it).
GELU_DERIVATIVE_ZERO_HI = -0.7517915246935645
GELU_DERIVATIVE_ZERO_LO = 1.4956759177009883e-17
#: Within this distance of ``x0`` GELU' uses the Taylor series of ``x + M(x)``.
GELU_DERIVATIVE_ZERO_RADIUS = 0.25


def _mills_taylor_coefficients(terms: int = 17) -> tuple[float, ...]:
    """Taylor coefficients of ``g(x) = x + M(x)`` about its zero ``x0``, from ``g(x0) = 0``.

    ``M = Phi / phi`` solves ``M' = 1 + x M``, so its coefficients ``m_k`` about ``x0``
    follow ``(k + 1) m_{k+1} = [k = 0] + x0 m_k + m_{k-1}`` from ``m_0 = -x0``.
    Returned without the constant term (0): ``g = d * (c1 + c2 d + ...)``, ``d = x - x0``.
    16 terms reach 2**-56 relative for ``|d| <= 0.25``.
    """
    x0 = GELU_DERIVATIVE_ZERO_HI
    m = [-x0, 1.0 + x0 * -x0]
    for k in range(1, terms):
        m.append((x0 * m[k] + m[k - 1]) / (k + 1))
    return (1.0 + m[1], *m[2:])


_GELU_DERIVATIVE_TAYLOR = _mills_taylor_coefficients()


def gelu_derivative_kernel(x: F64, out: F64, work: F64) -> None:
    """``Phi(x) + x * phi(x)``; for x < -1 ``phi(x) * (x + M(x))`` with ``M = Phi / phi``.

    The Mills ratio ``M(x) = sqrt(pi / 2) * erfcx(-x / sqrt(2))`` keeps the negative
    tail free of cancellation: ``x + M`` only cancels at the derivative's zero
    (x = -0.7518), where the condition number is infinite anyway.
    """
    del work
    xc = np.clip(x, -INPUT_CLAMP, INPUT_CLAMP)
    e, c = _gaussian_quarter(xc)
    negative = x < -1.0  # the Taylor series below covers [-1, -0.5]
    rest = ~negative
    xr = xc[rest]
    er = e[rest]
    out[rest] = 0.5 * special.erfc(xr / -_SQRT2) + ((xr * _INV_SQRT_2PI) * c[rest] * er) * er
    if negative.any():
        xn = xc[negative]
        mills = _SQRT_PI_OVER_2 * special.erfcx(xn / -_SQRT2)
        en = e[negative]
        out[negative] = (((xn + mills) * _INV_SQRT_2PI) * c[negative] * en) * en
    # Near the zero, x + M(x) cancels and any error of erfcx is magnified; the Taylor
    # series of x + M(x) about the double-double zero keeps a relative error of a few
    # ULP down to the zero itself.
    near = np.abs(x - GELU_DERIVATIVE_ZERO_HI) < GELU_DERIVATIVE_ZERO_RADIUS
    if near.any():
        xz = x[near]
        d = (xz - GELU_DERIVATIVE_ZERO_HI) - GELU_DERIVATIVE_ZERO_LO  # first step exact
        poly = np.full_like(d, _GELU_DERIVATIVE_TAYLOR[-1])
        for coefficient in _GELU_DERIVATIVE_TAYLOR[-2::-1]:
            poly *= d
            poly += coefficient
        out[near] = (d * poly) * (_INV_SQRT_2PI * c[near] * e[near] * e[near])


def _gelu_tanh_2u(x: F64) -> F64:
    """``2u = 2 sqrt(2/pi) (x + 0.044715 x**3)``, as ``x * (k + k * 0.044715 * x**2)``."""
    return x * (_TWO_SQRT_2_OVER_PI + (_TWO_SQRT_2_OVER_PI * GELU_TANH_COEFFICIENT) * (x * x))


def gelu_tanh_kernel(x: F64, out: F64, work: F64) -> None:
    """``0.5 x (1 + tanh(u)) = x * sigmoid(2u)``: no ``1 + tanh`` cancellation for u < 0.

    Where ``2u < -708`` the sigmoid is ``exp(2u)`` and the product is scaled:
    ``(x * exp(u)) * exp(u)``.
    """
    xc = np.maximum(x, -INPUT_CLAMP)
    two_u = _gelu_tanh_2u(xc)
    np.negative(two_u, out=work)
    np.maximum(work, 2.0 * LOGISTIC_TAIL, out=work)  # exp(-2u) never overflows
    np.exp(work, out=work)
    work += 1.0
    np.divide(xc, work, out=out)
    tail = two_u < LOGISTIC_TAIL
    if tail.any():
        half = np.exp(0.5 * two_u[tail])
        out[tail] = (xc[tail] * half) * half


def gelu_tanh_derivative_kernel(x: F64, out: F64, work: F64) -> None:
    """``sigma(2u) * (1 + v * sigma(-2u))`` with ``v = 2 x u'(x)``.

    For u < 0 this is ``t * (1 + t + v) / (1 + t)**2`` with ``t = exp(2u)``, and in the
    far tail ``(exp(u) * (1 + v)) * exp(u)``.
    """
    del work
    xc = np.clip(x, -INPUT_CLAMP, INPUT_CLAMP)
    two_u = _gelu_tanh_2u(xc)
    v = xc * (_TWO_SQRT_2_OVER_PI + (3.0 * _TWO_SQRT_2_OVER_PI * GELU_TANH_COEFFICIENT) * (xc * xc))
    t = np.exp(-np.abs(two_u))  # in (0, 1]: exp(-2u) for u >= 0, exp(2u) for u < 0
    one_plus_t = 1.0 + t
    # u >= 0: (1 + t + v t) / (1 + t)^2; the term v t -> 0 (t underflows before v overflows).
    np.multiply(v, t, out=out)
    out += one_plus_t
    out /= one_plus_t * one_plus_t
    negative = two_u < 0
    if negative.any():
        tn = t[negative]
        opt = one_plus_t[negative]
        out[negative] = tn * ((opt + v[negative]) / (opt * opt))
    tail = two_u < LOGISTIC_TAIL
    if tail.any():
        half = np.exp(0.5 * two_u[tail])
        out[tail] = (half * (1.0 + v[tail])) * half


def silu_kernel(x: F64, out: F64, work: F64) -> None:
    """``x / (1 + exp(-x))``; below -708, ``(x * exp(x / 2)) * exp(x / 2)``."""
    xc = np.maximum(x, -INPUT_CLAMP)
    np.negative(xc, out=work)
    np.minimum(work, -LOGISTIC_TAIL, out=work)  # exp never overflows
    np.exp(work, out=work)
    work += 1.0
    np.divide(xc, work, out=out)
    if np.fmin.reduce(x, initial=0.0) < LOGISTIC_TAIL:
        tail = xc < LOGISTIC_TAIL
        half = np.exp(0.5 * xc[tail])
        out[tail] = (xc[tail] * half) * half


def silu_derivative_kernel(x: F64, out: F64, work: F64) -> None:
    """``sigma(x) * (1 + x * sigma(-x))``, arranged so that nothing cancels but the zero.

    With ``t = exp(-|x|)``: ``(1 + t + x t) / (1 + t)**2`` for x >= 0 and
    ``t (1 + x + t) / (1 + t)**2`` for x < 0, where ``1 + x`` is exact near the zero
    of the derivative (x = -1.2785); below -708, ``(exp(x/2) * (1 + x)) * exp(x/2)``.
    """
    xc = np.clip(x, -INPUT_CLAMP, INPUT_CLAMP)
    np.abs(xc, out=work)
    np.negative(work, out=work)
    np.exp(work, out=work)  # t
    one_plus_t = 1.0 + work
    denominator = one_plus_t * one_plus_t
    positive = xc >= 0
    # x >= 0 numerator 1 + t + x t; x < 0 numerator t (1 + x + t)
    numerator = np.where(positive, one_plus_t + xc * work, work * ((1.0 + xc) + work))
    np.divide(numerator, denominator, out=out)
    if np.fmin.reduce(x, initial=0.0) < LOGISTIC_TAIL:
        tail = xc < LOGISTIC_TAIL
        half = np.exp(0.5 * xc[tail])
        out[tail] = (half * (1.0 + xc[tail])) * half
