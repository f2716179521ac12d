r"""The activations as differentiable PyTorch functions with hand-written backward passes.

Each function (:func:`sigmoid`, :func:`tanh`, :func:`relu`, :func:`leaky_relu`,
:func:`gelu`, :func:`silu`) is backed by a :class:`torch.autograd.Function` whose
``backward`` evaluates the same derivative formula as the NumPy package, with torch
operations only, so it runs on any floating dtype and device.

How they compare with PyTorch's built-ins (:func:`torch.sigmoid`, :func:`torch.tanh`,
:func:`torch.relu`, :func:`torch.nn.functional.leaky_relu`,
:func:`torch.nn.functional.gelu`, :func:`torch.nn.functional.silu`):

- ReLU and LeakyReLU: equal bit for bit, value and gradient, including the
  conventions at 0: :math:`\mathrm{ReLU}'(0) = 0` and :math:`\mathrm{LeakyReLU}'(0) = \gamma`.
- Sigmoid and Tanh: the values agree to a few ULP. The gradients agree within
  torch's default tolerances (float32: rtol 1.3e-6, atol 1e-5), and to a few ULP
  wherever the output is not saturated, but *not* in the saturated tails. PyTorch's
  autograd uses the textbook derivatives computed from the saved output,
  :math:`\sigma' = y\,(1 - y)` and :math:`\tanh' = 1 - y^2`: once ``y`` rounds to 1
  (float32: sigmoid from x = 16.6, tanh from x = 9.01) they give exactly 0, and
  slightly before that they have only a few correct digits. The backward passes here
  compute the derivative from ``x`` instead (``t / (1 + t)^2`` with ``t = e^{-|x|}``),
  so they stay accurate: at float32 ``x = 20`` torch's sigmoid gradient is 0, this
  module's is 2.06e-9. For training this rarely matters (such gradients are tiny
  either way); for measuring vanishing gradients it does.
- GELU (both forms) and SiLU: values and gradients agree within torch's default
  tolerances wherever torch is accurate. They differ in the tails: PyTorch gives NaN
  for ``gelu(-inf)`` and NaN gradients at ±inf for GELU and SiLU (``inf * 0`` inside
  its formulas), and computes the exact GELU as ``x (1 + erf(x / sqrt 2)) / 2``, whose
  ``1 + erf`` cancels for x < 0, so that its values and gradients lose their relative
  accuracy there and flush to 0 long before the true results underflow. Here the
  limits are returned at ±inf (0 and inf; gradients 0 and 1) and the negative tails
  are computed without cancellation (``erfcx``, and ``x * sigmoid(2u)`` for the tanh
  form).

float16 and bfloat16 tensors are computed in float32 and rounded once, as PyTorch's
own CPU kernels do. A NaN input gives a NaN output and a NaN gradient.

Of the library's modules it is the only one that imports :mod:`torch` (the site's
companion modules, ``pages`` and ``experiments``, import it too).

Examples
--------
>>> import torch
>>> from activation_functions import autograd
>>> x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
>>> autograd.relu(x).sum().backward()
>>> x.grad
tensor([0., 0., 1.])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol, cast

import torch
from torch.autograd.function import FunctionCtx

from ._validation import check_approximate, check_negative_slope
from .functions import DEFAULT_NEGATIVE_SLOPE

__all__ = [
    "GELUFunction",
    "LeakyReLUFunction",
    "ReLUFunction",
    "SiLUFunction",
    "SigmoidFunction",
    "TanhFunction",
    "gelu",
    "leaky_relu",
    "relu",
    "sigmoid",
    "silu",
    "tanh",
]


class _SavedInput(Protocol):
    """What a backward pass reads from its context (torch's FunctionCtx stub omits it)."""

    @property
    def saved_tensors(self) -> tuple[torch.Tensor, ...]: ...


class _LeakyContext(_SavedInput, Protocol):
    """The LeakyReLU context: the saved input plus the slope, a plain float."""

    negative_slope: float

    def save_for_backward(self, *tensors: torch.Tensor | None) -> None: ...


class _GELUContext(_SavedInput, Protocol):
    """The GELU context: the saved input plus the form, "none" or "tanh"."""

    approximate: str

    def save_for_backward(self, *tensors: torch.Tensor | None) -> None: ...


def _check_tensor(x: object, func_name: str) -> torch.Tensor:
    """Return ``x`` if it is a floating-point tensor, else raise TypeError naming the function."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{func_name}() expects a torch.Tensor, got {type(x).__name__}")
    if not torch.is_floating_point(x):
        raise TypeError(f"{func_name}() expects a floating-point tensor, got dtype {x.dtype}")
    return x


def _compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """float32 for the half-precision types, else the dtype itself (PyTorch's "opmath")."""
    return torch.promote_types(dtype, torch.float32)


def _tanh_tail(dtype: torch.dtype) -> float:
    """Above this ``|x|``, ``t = exp(-2|x|)`` would be subnormal in ``dtype``.

    There ``(1 + t)^2`` is 1 to far more than the dtype's precision and the tanh
    derivative is computed as ``(2u)^2`` with ``u = exp(-|x|)``, which stays normal.
    """
    return -0.5 * math.log(torch.finfo(dtype).tiny) - 2.0


def _sigmoid_forward(x: torch.Tensor) -> torch.Tensor:
    """``1 / (1 + t)`` for x >= 0 and ``t / (1 + t)`` for x < 0, with ``t = exp(-|x|)``."""
    t = torch.exp(-x.abs())
    return torch.where(x >= 0, 1.0 / (1.0 + t), t / (1.0 + t))


def _sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    """``t / (1 + t)^2`` with ``t = exp(-|x|)``: no cancellation, exactly even."""
    t = torch.exp(-x.abs())
    # Rounding can overshoot the maximum 1/4 by an ULP near x = 0; the exact value cannot.
    return (t / (1.0 + t).square()).clamp_max(0.25)


def _tanh_forward(x: torch.Tensor) -> torch.Tensor:
    """``sign(x) * (-m) / (2 + m)`` with ``m = expm1(-2|x|)``, so that tiny x keeps its digits."""
    m = torch.expm1(-2.0 * x.abs())
    return torch.copysign(-m / (2.0 + m), x)


def _tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    """``4t / (1 + t)^2`` with ``t = exp(-2|x|)``; in the far tail ``(2u)^2``, ``u = exp(-|x|)``."""
    ax = x.abs()
    t = torch.exp(-2.0 * ax)
    near = (4.0 * t / (1.0 + t).square()).clamp_max(1.0)  # never above the maximum, 1
    far = (2.0 * torch.exp(-ax)).square()
    return torch.where(ax > _tanh_tail(x.dtype), far, near)


def _step(x: torch.Tensor, below: float) -> torch.Tensor:
    """1 for x > 0, ``below`` for x <= 0, NaN for NaN: the ReLU-family derivatives."""
    # Tensors in x's dtype: torch.where on two Python floats would round ``below`` to float32.
    step = torch.where(x > 0, torch.ones_like(x), torch.full_like(x, below))
    return torch.where(torch.isnan(x), x, step)


# ----------------------------------------------------------------- GELU and SiLU helpers
#
# The same devices as the NumPy kernels (see ``_kernels``): a product whose last factor
# would be subnormal is written ``(a * e) * e`` with ``e`` normal, so that it is rounded
# once; inputs are clamped where the result is saturated, so that ``inf * 0`` never
# gives NaN at ±inf. ``torch.sigmoid`` (accurate, and differentiable everywhere, which
# the ``|x|`` inside ``_sigmoid_forward`` is not at 0) serves inside the formulas, so
# that the backward passes can themselves be differentiated (gradgradcheck).

_CLAMP = 1e10
_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_PI_OVER_2 = math.sqrt(math.pi / 2.0)
_K = 2.0 * math.sqrt(2.0 / math.pi)  # 2u = x (K + K c x^2), c = 0.044715
_KC = _K * 0.044715


def _log_tiny(dtype: torch.dtype) -> float:
    """Below this, ``exp`` of it is subnormal in ``dtype``: the scaled tail takes over."""
    return math.log(torch.finfo(dtype).tiny)


def _gelu_forward(x: torch.Tensor) -> torch.Tensor:
    """``x Phi(x)``: ``erfc`` for x >= 0; for x < 0 ``erfcx(z) exp(-x^2/2) / 2``, scaled."""
    xc = x.clamp_min(-_CLAMP)
    z = xc / -_SQRT2
    positive = 0.5 * xc * torch.special.erfc(z)
    quarter = torch.exp(-0.25 * xc * xc)  # exp(-x^2/2) = quarter^2, quarter stays normal
    negative = (0.5 * xc * torch.special.erfcx(z) * quarter) * quarter
    return torch.where(x < 0, negative, positive)


def _gelu_derivative(x: torch.Tensor) -> torch.Tensor:
    """``Phi(x) + x phi(x)``; below x = -1, ``phi(x) (x + M(x))`` with the Mills ratio ``M``."""
    xc = x.clamp(-_CLAMP, _CLAMP)
    z = xc / -_SQRT2
    quarter = torch.exp(-0.25 * xc * xc)
    middle = 0.5 * torch.special.erfc(z) + (xc * _INV_SQRT_2PI * quarter) * quarter
    mills = _SQRT_PI_OVER_2 * torch.special.erfcx(z)
    tail = ((xc + mills) * _INV_SQRT_2PI * quarter) * quarter
    return torch.where(x < -1.0, tail, middle)


def _gelu_tanh_forward(x: torch.Tensor) -> torch.Tensor:
    """``0.5 x (1 + tanh u) = x sigmoid(2u)``; scaled where ``sigmoid(2u)`` is subnormal."""
    xc = x.clamp_min(-_CLAMP)
    two_u = xc * (_K + _KC * xc * xc)
    near = xc * torch.sigmoid(two_u)
    half = torch.exp(0.5 * two_u)
    far = (xc * half) * half
    return torch.where(two_u < _log_tiny(x.dtype), far, near)


def _gelu_tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    """``sigmoid(2u) (1 + v sigmoid(-2u))`` with ``v = 2 x u'(x)``; scaled in the far tail."""
    xc = x.clamp(-_CLAMP, _CLAMP)
    two_u = xc * (_K + _KC * xc * xc)
    v = xc * (_K + 3.0 * _KC * xc * xc)
    near = torch.sigmoid(two_u) * (1.0 + v * torch.sigmoid(-two_u))
    half = torch.exp(0.5 * two_u)
    far = (half * (1.0 + v)) * half
    return torch.where(two_u < _log_tiny(x.dtype), far, near)


def _silu_forward(x: torch.Tensor) -> torch.Tensor:
    """``x sigmoid(x)``; ``(x e^{x/2}) e^{x/2}`` where ``sigmoid(x)`` is subnormal."""
    xc = x.clamp_min(-_CLAMP)
    half = torch.exp(0.5 * xc)
    return torch.where(xc < _log_tiny(x.dtype), (xc * half) * half, xc * torch.sigmoid(xc))


def _silu_derivative(x: torch.Tensor) -> torch.Tensor:
    """``sigmoid(x) (1 + x sigmoid(-x))``; ``(e^{x/2} (1 + x)) e^{x/2}`` in the far tail."""
    xc = x.clamp(-_CLAMP, _CLAMP)
    near = torch.sigmoid(xc) * (1.0 + xc * torch.sigmoid(-xc))
    half = torch.exp(0.5 * xc)
    return torch.where(xc < _log_tiny(x.dtype), (half * (1.0 + xc)) * half, near)


_GELU_FORMS = {
    "none": (_gelu_forward, _gelu_derivative),
    "tanh": (_gelu_tanh_forward, _gelu_tanh_derivative),
}


class SigmoidFunction(torch.autograd.Function):
    r"""Autograd function for the logistic sigmoid, with a hand-written backward pass.

    .. math::

        \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad
        \sigma'(x) = \frac{t}{(1 + t)^2} \text{ with } t = e^{-|x|}

    The forward pass evaluates :math:`1 / (1 + t)` for :math:`x \ge 0` and
    :math:`t / (1 + t)` for :math:`x < 0`: :math:`t \le 1` never overflows.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions.autograd import SigmoidFunction
    >>> x = torch.tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    >>> y = SigmoidFunction.apply(x)
    >>> y
    tensor([0.0000, 0.5000, 1.0000], grad_fn=<SigmoidFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0.0000, 0.2500, 0.0000])
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: torch.Tensor) -> torch.Tensor:
        """Evaluate the sigmoid and save ``x`` for the backward pass."""
        ctx.save_for_backward(x)
        return _sigmoid_forward(x.to(_compute_dtype(x.dtype))).to(x.dtype)

    @staticmethod
    def backward(ctx: _SavedInput, grad_output: torch.Tensor) -> torch.Tensor:
        """Multiply ``grad_output`` by :math:`\\sigma'(x) = t / (1 + t)^2`."""
        (x,) = ctx.saved_tensors
        compute = _compute_dtype(x.dtype)
        derivative = _sigmoid_derivative(x.to(compute))
        return (grad_output.to(compute) * derivative).to(x.dtype)


class TanhFunction(torch.autograd.Function):
    r"""Autograd function for the hyperbolic tangent, with a hand-written backward pass.

    .. math::

        \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}, \qquad
        \tanh'(x) = \frac{4t}{(1 + t)^2} \text{ with } t = e^{-2|x|}

    The forward pass evaluates :math:`\operatorname{sign}(x)\,(-m) / (2 + m)` with
    :math:`m = \operatorname{expm1}(-2|x|)`: no overflow for large :math:`|x|` and full
    relative accuracy for tiny :math:`|x|`. Where :math:`t` would be subnormal the
    derivative is :math:`(2u)^2` with :math:`u = e^{-|x|}`.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions.autograd import TanhFunction
    >>> x = torch.tensor([-1000.0, 0.0, 0.5], requires_grad=True)
    >>> y = TanhFunction.apply(x)
    >>> y
    tensor([-1.0000,  0.0000,  0.4621], grad_fn=<TanhFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0.0000, 1.0000, 0.7864])
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: torch.Tensor) -> torch.Tensor:
        """Evaluate tanh and save ``x`` for the backward pass."""
        ctx.save_for_backward(x)
        return _tanh_forward(x.to(_compute_dtype(x.dtype))).to(x.dtype)

    @staticmethod
    def backward(ctx: _SavedInput, grad_output: torch.Tensor) -> torch.Tensor:
        """Multiply ``grad_output`` by :math:`\\tanh'(x) = 4t / (1 + t)^2`."""
        (x,) = ctx.saved_tensors
        compute = _compute_dtype(x.dtype)
        derivative = _tanh_derivative(x.to(compute))
        return (grad_output.to(compute) * derivative).to(x.dtype)


class ReLUFunction(torch.autograd.Function):
    r"""Autograd function for the rectified linear unit, with a hand-written backward pass.

    .. math::

        \mathrm{ReLU}(x) = \max(0, x), \qquad
        \mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}

    The derivative at 0 is 0, as in PyTorch's autograd.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions.autograd import ReLUFunction
    >>> x = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> y = ReLUFunction.apply(x)
    >>> y
    tensor([0., 0., 3.], grad_fn=<ReLUFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0., 0., 1.])
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: torch.Tensor) -> torch.Tensor:
        """Evaluate ``max(0, x)`` (NaN stays NaN) and save ``x`` for the backward pass."""
        ctx.save_for_backward(x)
        return torch.where(x <= 0, torch.zeros_like(x), x)

    @staticmethod
    def backward(ctx: _SavedInput, grad_output: torch.Tensor) -> torch.Tensor:
        """Multiply ``grad_output`` by 1 where ``x > 0`` and by 0 elsewhere."""
        (x,) = ctx.saved_tensors
        return grad_output * _step(x, 0.0)


class LeakyReLUFunction(torch.autograd.Function):
    r"""Autograd function for the leaky ReLU, with a hand-written backward pass.

    .. math::

        \mathrm{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ \gamma x & x \le 0 \end{cases},
        \qquad
        \mathrm{LeakyReLU}'(x) = \begin{cases} 1 & x > 0 \\ \gamma & x \le 0 \end{cases}

    with :math:`\gamma` = ``negative_slope``. The derivative at 0 is :math:`\gamma`, as
    in PyTorch's autograd. ``negative_slope`` is a float and gets no gradient.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions.autograd import LeakyReLUFunction
    >>> x = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> y = LeakyReLUFunction.apply(x, 0.1)
    >>> y
    tensor([-0.2000,  0.0000,  3.0000], grad_fn=<LeakyReLUFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0.1000, 0.1000, 1.0000])
    """

    @staticmethod
    def forward(ctx: _LeakyContext, x: torch.Tensor, negative_slope: float) -> torch.Tensor:
        """Evaluate the leaky ReLU and save ``x`` and the slope for the backward pass."""
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        compute = _compute_dtype(x.dtype)
        scaled = (x.to(compute) * negative_slope).to(x.dtype)
        return torch.where(x > 0, x, scaled)

    @staticmethod
    def backward(ctx: _LeakyContext, grad_output: torch.Tensor) -> tuple[torch.Tensor, None]:
        """Multiply ``grad_output`` by 1 where ``x > 0`` and by the slope elsewhere."""
        (x,) = ctx.saved_tensors
        compute = _compute_dtype(x.dtype)
        derivative = _step(x.to(compute), ctx.negative_slope)
        return (grad_output.to(compute) * derivative).to(x.dtype), None


class GELUFunction(torch.autograd.Function):
    r"""Autograd function for GELU (exact or tanh form), with a hand-written backward pass.

    .. math::

        \mathrm{GELU}(x) = x\,\Phi(x), \qquad
        \mathrm{GELU}'(x) = \Phi(x) + x\,\varphi(x)

    or, with ``approximate="tanh"``, PyTorch's
    :math:`\tfrac12 x (1 + \tanh u)` with :math:`u = \sqrt{2/\pi}(x + 0.044715 x^3)`,
    evaluated as :math:`x\,\sigma(2u)` (no ``1 + tanh`` cancellation for u < 0).
    ``approximate`` is a string and gets no gradient. See the module notes for where
    this differs from :func:`torch.nn.functional.gelu` (the tails and ±inf).

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions.autograd import GELUFunction
    >>> x = torch.tensor([-float("inf"), -1.0, 0.0, 1.0], requires_grad=True)
    >>> y = GELUFunction.apply(x, "none")
    >>> y
    tensor([-0.0000, -0.1587,  0.0000,  0.8413], grad_fn=<GELUFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([-0.0000, -0.0833,  0.5000,  1.0833])
    """

    @staticmethod
    def forward(ctx: _GELUContext, x: torch.Tensor, approximate: str) -> torch.Tensor:
        """Evaluate GELU and save ``x`` and the form for the backward pass."""
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        forward, _ = _GELU_FORMS[approximate]
        return forward(x.to(_compute_dtype(x.dtype))).to(x.dtype)

    @staticmethod
    def backward(ctx: _GELUContext, grad_output: torch.Tensor) -> tuple[torch.Tensor, None]:
        """Multiply ``grad_output`` by GELU' (of the saved form) at the saved ``x``."""
        (x,) = ctx.saved_tensors
        compute = _compute_dtype(x.dtype)
        _, derivative = _GELU_FORMS[ctx.approximate]
        return (grad_output.to(compute) * derivative(x.to(compute))).to(x.dtype), None


class SiLUFunction(torch.autograd.Function):
    r"""Autograd function for SiLU (Swish), with a hand-written backward pass.

    .. math::

        \mathrm{SiLU}(x) = x\,\sigma(x), \qquad
        \mathrm{SiLU}'(x) = \sigma(x)\,\bigl(1 + x\,(1 - \sigma(x))\bigr)

    with :math:`1 - \sigma(x)` computed as :math:`\sigma(-x)` (no cancellation).
    See the module notes for where this differs from :func:`torch.nn.functional.silu`
    (NaN gradients at ±inf there).

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions.autograd import SiLUFunction
    >>> x = torch.tensor([-float("inf"), -1.0, 0.0, float("inf")], requires_grad=True)
    >>> y = SiLUFunction.apply(x)
    >>> y
    tensor([-0.0000, -0.2689,  0.0000,     inf], grad_fn=<SiLUFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([-0.0000, 0.0723, 0.5000, 1.0000])
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: torch.Tensor) -> torch.Tensor:
        """Evaluate SiLU and save ``x`` for the backward pass."""
        ctx.save_for_backward(x)
        return _silu_forward(x.to(_compute_dtype(x.dtype))).to(x.dtype)

    @staticmethod
    def backward(ctx: _SavedInput, grad_output: torch.Tensor) -> torch.Tensor:
        """Multiply ``grad_output`` by SiLU' at the saved ``x``."""
        (x,) = ctx.saved_tensors
        compute = _compute_dtype(x.dtype)
        derivative = _silu_derivative(x.to(compute))
        return (grad_output.to(compute) * derivative).to(x.dtype)


# ``Function.apply`` is untyped in torch's stubs; these casts state what it returns.
_sigmoid_apply = cast(Callable[[torch.Tensor], torch.Tensor], SigmoidFunction.apply)
_tanh_apply = cast(Callable[[torch.Tensor], torch.Tensor], TanhFunction.apply)
_relu_apply = cast(Callable[[torch.Tensor], torch.Tensor], ReLUFunction.apply)
_leakyrelu_apply = cast(Callable[[torch.Tensor, float], torch.Tensor], LeakyReLUFunction.apply)
_gelu_apply = cast(Callable[[torch.Tensor, str], torch.Tensor], GELUFunction.apply)
_silu_apply = cast(Callable[[torch.Tensor], torch.Tensor], SiLUFunction.apply)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    r"""Logistic sigmoid with a hand-written backward pass: :math:`\sigma(x) = 1 / (1 + e^{-x})`.

    Backed by :class:`SigmoidFunction`. The gradient is :math:`\sigma'(x) = t / (1 + t)^2`
    with :math:`t = e^{-|x|}`, computed from ``x``. The value equals :func:`torch.sigmoid`'s
    to a few ULP; the gradient equals autograd's within torch's default tolerances,
    but not in the saturated tails, where autograd's textbook :math:`y\,(1 - y)` rounds
    to 0 (float32 ``x = 20``: autograd 0, this 2.06e-9; see the module notes).

    Parameters
    ----------
    x : torch.Tensor
        Floating-point tensor of any shape, on any device.

    Returns
    -------
    torch.Tensor
        Same shape, dtype and device as ``x``, values in [0, 1].

    Raises
    ------
    TypeError
        If ``x`` is not a tensor or not of a floating-point dtype.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions import autograd
    >>> x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    >>> y = autograd.sigmoid(x)
    >>> y
    tensor([0.2689, 0.5000, 0.7311], grad_fn=<SigmoidFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0.1966, 0.2500, 0.1966])
    """
    return _sigmoid_apply(_check_tensor(x, "sigmoid"))


def tanh(x: torch.Tensor) -> torch.Tensor:
    r"""Hyperbolic tangent with a hand-written backward pass: :math:`\tanh(x) = 2\sigma(2x) - 1`.

    Backed by :class:`TanhFunction`. The gradient is :math:`\tanh'(x) = 4t / (1 + t)^2`
    with :math:`t = e^{-2|x|}`, computed from ``x``. The value equals :func:`torch.tanh`'s
    to a few ULP; the gradient equals autograd's within torch's default tolerances,
    but not in the saturated tails, where autograd's textbook :math:`1 - y^2` rounds to
    0 (float32 from ``x = 9.01``; see the module notes).

    Parameters
    ----------
    x : torch.Tensor
        Floating-point tensor of any shape, on any device.

    Returns
    -------
    torch.Tensor
        Same shape, dtype and device as ``x``, values in [-1, 1].

    Raises
    ------
    TypeError
        If ``x`` is not a tensor or not of a floating-point dtype.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions import autograd
    >>> x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    >>> y = autograd.tanh(x)
    >>> y
    tensor([-0.7616,  0.0000,  0.7616], grad_fn=<TanhFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0.4200, 1.0000, 0.4200])
    """
    return _tanh_apply(_check_tensor(x, "tanh"))


def relu(x: torch.Tensor) -> torch.Tensor:
    r"""ReLU with a hand-written backward pass: :math:`\mathrm{ReLU}(x) = \max(0, x)`.

    Equal to :func:`torch.relu` in value and gradient, including the gradient 0 at
    ``x = 0``; backed by :class:`ReLUFunction`.

    Parameters
    ----------
    x : torch.Tensor
        Floating-point tensor of any shape, on any device.

    Returns
    -------
    torch.Tensor
        Same shape, dtype and device as ``x``, values in [0, inf].

    Raises
    ------
    TypeError
        If ``x`` is not a tensor or not of a floating-point dtype.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions import autograd
    >>> x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> y = autograd.relu(x)
    >>> y
    tensor([0., 0., 2.], grad_fn=<ReLUFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0., 0., 1.])
    """
    return _relu_apply(_check_tensor(x, "relu"))


def leaky_relu(x: torch.Tensor, negative_slope: float = DEFAULT_NEGATIVE_SLOPE) -> torch.Tensor:
    r"""Leaky ReLU with a hand-written backward pass: x if x > 0, else ``negative_slope * x``.

    .. math::

        \mathrm{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ \gamma x & x \le 0 \end{cases}

    Equal to :func:`torch.nn.functional.leaky_relu` in value and gradient, including
    the gradient :math:`\gamma` at ``x = 0``; backed by :class:`LeakyReLUFunction`.

    Parameters
    ----------
    x : torch.Tensor
        Floating-point tensor of any shape, on any device.
    negative_slope : float, default 0.01
        Finite real slope :math:`\gamma` used for ``x <= 0`` (PyTorch's default).

    Returns
    -------
    torch.Tensor
        Same shape, dtype and device as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not a floating-point tensor, or ``negative_slope`` is not a real
        number (``bool`` included).
    ValueError
        If ``negative_slope`` is NaN or infinite.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions import autograd
    >>> x = torch.tensor([-10.0, 0.0, 5.0], requires_grad=True)
    >>> y = autograd.leaky_relu(x, negative_slope=0.2)
    >>> y
    tensor([-2.,  0.,  5.], grad_fn=<LeakyReLUFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0.2000, 0.2000, 1.0000])
    """
    slope = check_negative_slope(negative_slope, "leaky_relu")
    return _leakyrelu_apply(_check_tensor(x, "leaky_relu"), slope)


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    r"""GELU with a hand-written backward pass: :math:`\mathrm{GELU}(x) = x\,\Phi(x)`.

    ``approximate="tanh"`` selects PyTorch's tanh form. Equal to
    :func:`torch.nn.functional.gelu` in value and gradient within torch's default
    tolerances wherever torch is accurate; at ±inf this returns the limits (0 and
    inf, gradients 0 and 1) where torch returns NaN, and in the negative tail it keeps
    the relative accuracy that torch's ``1 + erf`` loses. Backed by :class:`GELUFunction`.

    Parameters
    ----------
    x : torch.Tensor
        Floating-point tensor of any shape, on any device.
    approximate : {"none", "tanh"}, default "none"
        The exact form or PyTorch's tanh approximation.

    Returns
    -------
    torch.Tensor
        Same shape, dtype and device as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not a tensor or not of a floating-point dtype.
    ValueError
        If ``approximate`` is neither ``"none"`` nor ``"tanh"``.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions import autograd
    >>> x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    >>> y = autograd.gelu(x, approximate="tanh")
    >>> y
    tensor([-0.1588,  0.0000,  0.8412], grad_fn=<GELUFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([-0.0830,  0.5000,  1.0830])
    """
    form = check_approximate(approximate, "gelu")
    return _gelu_apply(_check_tensor(x, "gelu"), form)


def silu(x: torch.Tensor) -> torch.Tensor:
    r"""SiLU (Swish) with a hand-written backward pass: :math:`\mathrm{SiLU}(x) = x\,\sigma(x)`.

    Equal to :func:`torch.nn.functional.silu` in value and gradient within torch's
    default tolerances wherever torch is accurate; at ±inf the gradient is the limit
    (0 and 1) where torch's is NaN, and subnormal results keep their digits. Backed by
    :class:`SiLUFunction`.

    Parameters
    ----------
    x : torch.Tensor
        Floating-point tensor of any shape, on any device.

    Returns
    -------
    torch.Tensor
        Same shape, dtype and device as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not a tensor or not of a floating-point dtype.

    Shape
    -----
    - Input: :math:`(*)`, any number of dimensions.
    - Output: :math:`(*)`, same shape as the input.

    Examples
    --------
    >>> import torch
    >>> from activation_functions import autograd
    >>> x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    >>> y = autograd.silu(x)
    >>> y
    tensor([-0.2689,  0.0000,  0.7311], grad_fn=<SiLUFunctionBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0.0723, 0.5000, 0.9277])
    """
    return _silu_apply(_check_tensor(x, "silu"))
