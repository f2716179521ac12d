r"""The four activations of the article and their derivatives, as NumPy functions.

Every function takes a real array-like (Python scalar, nested list, NumPy array of
any shape, view or read-only) and returns a new NumPy array of the same shape.
float16, float32 and float64 keep their dtype; bool and integer inputs give
float64. Complex, object, string and ``None`` inputs raise :class:`TypeError`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _kernels
from ._validation import as_real_array, check_negative_slope
from .activation import Activation, Interval

FloatArray = NDArray[np.floating[Any]]

#: PyTorch's default for ``negative_slope`` (``torch.nn.LeakyReLU``).
DEFAULT_NEGATIVE_SLOPE = 0.01


def _sigmoid(x: ArrayLike) -> FloatArray:
    r"""Logistic sigmoid, elementwise: :math:`\sigma(x) = 1 / (1 + e^{-x})`.

    Accurate to 1 ULP in float16 and float32 and a few ULP in float64 over the
    whole float range, including subnormal results for very negative ``x``; it
    never overflows and never warns. The result is monotone in ``x``.

    Parameters
    ----------
    x : array_like
        Real input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, values in [0, 1].

    Examples
    --------
    >>> import activation_functions as af
    >>> af.sigmoid([-1.0, 0.0, 1.0])
    array([0.26894142, 0.5       , 0.73105858])
    >>> af.sigmoid(-800.0)  # exp(800) overflows, the sigmoid does not
    array(0.)
    >>> af.sigmoid(-740.0)  # a subnormal result, not flushed to zero
    array(4.2e-322)
    """
    arr = as_real_array(x, "sigmoid")
    return _kernels.map_float64(_kernels.sigmoid_kernel, arr)


def _sigmoid_derivative(x: ArrayLike) -> FloatArray:
    r"""Derivative of the sigmoid: :math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`.

    Evaluated as :math:`t / (1 + t)^2` with :math:`t = e^{-|x|}`, which keeps full
    relative accuracy in both tails (the textbook ``s * (1 - s)`` returns 0 once
    ``s`` rounds to 1). The maximum is 1/4, at ``x = 0``.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.sigmoid.derivative([0.0, 40.0])
    array([2.50000000e-01, 4.24835426e-18])
    """
    arr = as_real_array(x, "sigmoid.derivative")
    return _kernels.map_float64(_kernels.sigmoid_derivative_kernel, arr)


def _tanh(x: ArrayLike) -> FloatArray:
    r"""Hyperbolic tangent, elementwise: :math:`\tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x})`.

    Equal to :math:`2\sigma(2x) - 1`; odd, with values in [-1, 1].

    Parameters
    ----------
    x : array_like
        Real input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.tanh([-1.0, 0.0, 1.0])
    array([-0.76159416,  0.        ,  0.76159416])
    >>> af.tanh(1000.0)  # no inf / inf
    array(1.)
    """
    arr = as_real_array(x, "tanh")
    return _kernels.map_float64(_kernels.tanh_kernel, arr)


def _tanh_derivative(x: ArrayLike) -> FloatArray:
    r"""Derivative of tanh: :math:`\tanh'(x) = 1 - \tanh^2(x) = \operatorname{sech}^2(x)`.

    Evaluated as :math:`4t / (1 + t)^2` with :math:`t = e^{-2|x|}`, accurate in the
    tails where ``1 - tanh(x)**2`` cancels to 0. The maximum is 1, at ``x = 0``.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.tanh.derivative([0.0, 20.0])
    array([1.0000000e+00, 1.6993417e-17])
    """
    arr = as_real_array(x, "tanh.derivative")
    return _kernels.map_float64(_kernels.tanh_derivative_kernel, arr)


def _relu(x: ArrayLike) -> FloatArray:
    r"""Rectified linear unit, elementwise: :math:`\mathrm{ReLU}(x) = \max(0, x)`.

    Exact in every dtype; NaN stays NaN.

    Parameters
    ----------
    x : array_like
        Real input of any shape.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, values in [0, inf].

    Examples
    --------
    >>> import activation_functions as af
    >>> af.relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    >>> af.relu(np.array([-1, 2], dtype=np.float32))
    array([0., 2.], dtype=float32)
    """
    arr = as_real_array(x, "relu")
    with np.errstate(all="ignore"):
        return _kernels.relu(arr)


def _relu_derivative(x: ArrayLike) -> FloatArray:
    r"""Derivative of ReLU: 1 for ``x > 0``, 0 for ``x <= 0``.

    At ``x = 0`` the derivative does not exist; like PyTorch's autograd this
    returns 0 there.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.relu.derivative([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    arr = as_real_array(x, "relu.derivative")
    with np.errstate(all="ignore"):
        return _kernels.relu_derivative(arr)


def _leaky_relu(x: ArrayLike, negative_slope: float = DEFAULT_NEGATIVE_SLOPE) -> FloatArray:
    r"""Leaky ReLU, elementwise: ``x`` for ``x > 0``, ``negative_slope * x`` otherwise.

    ``negative_slope`` (:math:`\gamma`) is a small *positive* constant, 0.01 by
    default as in :class:`torch.nn.LeakyReLU`; negative inputs keep a gradient
    of :math:`\gamma` instead of 0. The product is rounded exactly as PyTorch
    rounds it (in float32 for float16 and float32 inputs).

    Parameters
    ----------
    x : array_like
        Real input of any shape.
    negative_slope : float, default 0.01
        Finite real slope used for ``x <= 0``.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.leaky_relu([-10.0, 0.0, 5.0])
    array([-0.1,  0. ,  5. ])
    >>> af.leaky_relu([-10.0, 5.0], negative_slope=0.2)
    array([-2.,  5.])
    """
    slope = check_negative_slope(negative_slope, "leaky_relu")
    arr = as_real_array(x, "leaky_relu")
    with np.errstate(all="ignore"):
        return _kernels.leaky_relu(arr, slope)


def _leaky_relu_derivative(
    x: ArrayLike, negative_slope: float = DEFAULT_NEGATIVE_SLOPE
) -> FloatArray:
    r"""Derivative of Leaky ReLU: 1 for ``x > 0``, ``negative_slope`` for ``x <= 0``.

    At ``x = 0`` this returns ``negative_slope``, as PyTorch's autograd does.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.leaky_relu.derivative([-1.0, 0.0, 2.0], negative_slope=0.2)
    array([0.2, 0.2, 1. ])
    """
    slope = check_negative_slope(negative_slope, "leaky_relu.derivative")
    arr = as_real_array(x, "leaky_relu.derivative")
    with np.errstate(all="ignore"):
        return _kernels.leaky_relu_derivative(arr, slope)


sigmoid = Activation(
    name="sigmoid",
    display_name="Sigmoid",
    symbol=r"\sigma",
    formula=r"\frac{1}{1 + e^{-x}}",
    derivative_formula=r"\sigma(x)\,\bigl(1 - \sigma(x)\bigr)",
    function=_sigmoid,
    derivative=_sigmoid_derivative,
    output_range=Interval(0.0, 1.0),
    zero_centred=False,
    saturates_left=True,
    saturates_right=True,
    monotonic=True,
    cost="one exponential and one division",
    torch_function="torch.sigmoid",
    torch_module="torch.nn.Sigmoid",
    torch_functional="torch.nn.functional.sigmoid",
)

tanh = Activation(
    name="tanh",
    display_name="Tanh",
    symbol=r"\tanh",
    formula=r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    derivative_formula=r"1 - \tanh^{2}(x)",
    function=_tanh,
    derivative=_tanh_derivative,
    output_range=Interval(-1.0, 1.0),
    zero_centred=True,
    saturates_left=True,
    saturates_right=True,
    monotonic=True,
    cost="one exponential and one division",
    torch_function="torch.tanh",
    torch_module="torch.nn.Tanh",
    torch_functional="torch.nn.functional.tanh",
)

relu = Activation(
    name="relu",
    display_name="ReLU",
    symbol=r"\mathrm{ReLU}",
    formula=r"\max(0, x)",
    derivative_formula=r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
    function=_relu,
    derivative=_relu_derivative,
    output_range=Interval(0.0, math.inf, low_closed=True),
    zero_centred=False,
    saturates_left=True,
    saturates_right=False,
    monotonic=True,
    cost="one comparison",
    torch_function="torch.relu",
    torch_module="torch.nn.ReLU",
    torch_functional="torch.nn.functional.relu",
)

leaky_relu = Activation(
    name="leaky_relu",
    display_name="LeakyReLU",
    symbol=r"\mathrm{LeakyReLU}",
    formula=r"\begin{cases} x & x > 0 \\ \gamma x & x \le 0 \end{cases}",
    derivative_formula=r"\begin{cases} 1 & x > 0 \\ \gamma & x \le 0 \end{cases}",
    function=_leaky_relu,
    derivative=_leaky_relu_derivative,
    output_range=Interval(-math.inf, math.inf),
    zero_centred=False,
    saturates_left=False,
    saturates_right=False,
    monotonic=True,
    cost="one comparison and one multiplication",
    torch_function=None,
    torch_module="torch.nn.LeakyReLU",
    torch_functional="torch.nn.functional.leaky_relu",
    parameters={"negative_slope": DEFAULT_NEGATIVE_SLOPE},
)

#: The four activations in the article's order.
ACTIVATIONS: tuple[Activation[Any], ...] = (sigmoid, tanh, relu, leaky_relu)
