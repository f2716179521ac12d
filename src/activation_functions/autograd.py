r"""The four activations as differentiable PyTorch functions with hand-written backward passes.

Each function (:func:`sigmoid`, :func:`tanh`, :func:`relu`, :func:`leaky_relu`) is
backed by a :class:`torch.autograd.Function` whose ``backward`` evaluates the same
derivative formula as the NumPy package, with torch operations only, so it runs on
any floating dtype and device. The results equal PyTorch's built-ins
(:func:`torch.sigmoid`, :func:`torch.tanh`, :func:`torch.relu`,
:func:`torch.nn.functional.leaky_relu`) in value and in gradient, including the
conventions at 0: :math:`\mathrm{ReLU}'(0) = 0` and :math:`\mathrm{LeakyReLU}'(0) = \gamma`.

float16 and bfloat16 tensors are computed in float32 and rounded once, as PyTorch's
own CPU kernels do. A NaN input gives a NaN output and a NaN gradient.

This is the only module of the package that imports :mod:`torch`.

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

from ._validation import check_negative_slope
from .functions import DEFAULT_NEGATIVE_SLOPE

__all__ = [
    "LeakyReLUFunction",
    "ReLUFunction",
    "SigmoidFunction",
    "TanhFunction",
    "leaky_relu",
    "relu",
    "sigmoid",
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


# ``Function.apply`` is untyped in torch's stubs; these casts state what it returns.
_sigmoid_apply = cast(Callable[[torch.Tensor], torch.Tensor], SigmoidFunction.apply)
_tanh_apply = cast(Callable[[torch.Tensor], torch.Tensor], TanhFunction.apply)
_relu_apply = cast(Callable[[torch.Tensor], torch.Tensor], ReLUFunction.apply)
_leakyrelu_apply = cast(Callable[[torch.Tensor, float], torch.Tensor], LeakyReLUFunction.apply)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    r"""Logistic sigmoid with a hand-written backward pass: :math:`\sigma(x) = 1 / (1 + e^{-x})`.

    Equal to :func:`torch.sigmoid` in value and gradient; backed by :class:`SigmoidFunction`.
    The gradient is :math:`\sigma'(x) = t / (1 + t)^2` with :math:`t = e^{-|x|}`.

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

    Equal to :func:`torch.tanh` in value and gradient; backed by :class:`TanhFunction`.
    The gradient is :math:`\tanh'(x) = 4t / (1 + t)^2` with :math:`t = e^{-2|x|}`.

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
