r"""The activations and their derivatives, as NumPy functions, and their records.

The article's four (Sigmoid, Tanh, ReLU, LeakyReLU) come first, then GELU and SiLU.

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
from ._validation import as_real_array, check_approximate, check_negative_slope
from .activation import Activation, Citation, Interval

FloatArray = NDArray[np.floating[Any]]

#: PyTorch's default for ``negative_slope`` (``torch.nn.LeakyReLU``).
DEFAULT_NEGATIVE_SLOPE = 0.01

#: The minimum of GELU, at the zero of its derivative x = -0.7518 (mpmath, checked in tests).
GELU_MINIMUM = -0.16997120747990366
#: The minimum of SiLU, ``1 + x0`` at the zero ``x0 = -1.2785`` of its derivative.
SILU_MINIMUM = -0.2784645427610738

_GELU_KERNELS = {"none": _kernels.gelu_kernel, "tanh": _kernels.gelu_tanh_kernel}
_GELU_DERIVATIVE_KERNELS = {
    "none": _kernels.gelu_derivative_kernel,
    "tanh": _kernels.gelu_tanh_derivative_kernel,
}


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


def _gelu(x: ArrayLike, approximate: str = "none") -> FloatArray:
    r"""Gaussian error linear unit, elementwise: :math:`\mathrm{GELU}(x) = x\,\Phi(x)`.

    :math:`\Phi` is the standard normal CDF. ``approximate="tanh"`` gives PyTorch's
    approximation :math:`\tfrac12 x\,(1 + \tanh(\sqrt{2/\pi}\,(x + 0.044715\,x^3)))`,
    as in :func:`torch.nn.functional.gelu`. Within 1 ULP in float16 and float32 and
    within 10 ULP plus twice the condition number in float64 (both forms), over the
    whole float range: the negative tail is computed without cancellation and keeps
    subnormal results; ``gelu(-inf) = 0`` and ``gelu(inf) = inf``.

    Parameters
    ----------
    x : array_like
        Real input of any shape.
    approximate : {"none", "tanh"}, default "none"
        The exact form or PyTorch's tanh approximation.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Raises
    ------
    ValueError
        If ``approximate`` is neither ``"none"`` nor ``"tanh"``.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.gelu([-1.0, 0.0, 1.0])
    array([-0.15865525,  0.        ,  0.84134475])
    >>> af.gelu([-1.0, 1.0], approximate="tanh")
    array([-0.15880801,  0.84119199])
    >>> af.gelu(-38.0)  # subnormal, not flushed to zero
    array(-1.09646278e-314)
    """
    form = check_approximate(approximate, "gelu")
    arr = as_real_array(x, "gelu")
    return _kernels.map_float64(_GELU_KERNELS[form], arr)


def _gelu_derivative(x: ArrayLike, approximate: str = "none") -> FloatArray:
    r"""Derivative of GELU: :math:`\mathrm{GELU}'(x) = \Phi(x) + x\,\varphi(x)`.

    :math:`\varphi` is the standard normal density. With ``approximate="tanh"``, the
    derivative of PyTorch's tanh form. Negative below its zero at
    :math:`x \approx -0.7518` (GELU dips below 0 and rises again); its maximum is
    about 1.129, at :math:`x = \sqrt 2`. Computed without cancellation in the tails
    and accurate near its zero (a Taylor series about the zero there).

    Examples
    --------
    >>> import activation_functions as af
    >>> af.gelu.derivative([0.0, 3.0])
    array([0.5       , 1.01194565])
    >>> af.gelu.derivative([0.0, 3.0], approximate="tanh")
    array([0.5       , 1.01158417])
    """
    form = check_approximate(approximate, "gelu.derivative")
    arr = as_real_array(x, "gelu.derivative")
    return _kernels.map_float64(_GELU_DERIVATIVE_KERNELS[form], arr)


def _silu(x: ArrayLike) -> FloatArray:
    r"""Sigmoid linear unit (Swish), elementwise: :math:`\mathrm{SiLU}(x) = x\,\sigma(x)`.

    As :func:`torch.nn.functional.silu`. Within 1 ULP in float16 and float32 and
    4 ULP in float64 over the whole float range, subnormal results included (below
    :math:`x = -708` the product is scaled so that it is rounded once);
    ``silu(-inf) = 0`` and ``silu(inf) = inf``.

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
    >>> af.silu([-1.0, 0.0, 1.0])
    array([-0.26894142,  0.        ,  0.73105858])
    >>> af.silu(-740.0)  # x * sigmoid(x) is subnormal here; it keeps its digits
    array(-3.09967e-319)
    """
    arr = as_real_array(x, "silu")
    return _kernels.map_float64(_kernels.silu_kernel, arr)


def _silu_derivative(x: ArrayLike) -> FloatArray:
    r"""Derivative of SiLU: :math:`\mathrm{SiLU}'(x) = \sigma(x)\,\bigl(1 + x\,(1 - \sigma(x))\bigr)`.

    Negative below its zero at :math:`x \approx -1.2785`; its maximum is about
    1.0998, at :math:`x \approx 2.3994`. Evaluated without cancellation except at
    the zero itself.

    Examples
    --------
    >>> import activation_functions as af
    >>> af.silu.derivative([0.0, 2.0])
    array([0.5       , 1.09078425])
    """
    arr = as_real_array(x, "silu.derivative")
    return _kernels.map_float64(_kernels.silu_derivative_kernel, arr)


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
    cost_class="one exponential",
    torch_function="torch.sigmoid",
    torch_module="torch.nn.Sigmoid",
    torch_functional="torch.nn.functional.sigmoid",
    in_article=True,
    smoothness="C∞",
    year=1986,
    papers=(
        Citation(
            "Rumelhart, D. E., Hinton, G. E. and Williams, R. J.",
            "Learning representations by back-propagating errors",
            "Nature 323, 533-536",
            1986,
            "https://doi.org/10.1038/323533a0",
        ),
    ),
    torch_gain=lambda: 1.0,
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
    cost_class="one exponential",
    torch_function="torch.tanh",
    torch_module="torch.nn.Tanh",
    torch_functional="torch.nn.functional.tanh",
    in_article=True,
    smoothness="C∞",
    year=1998,
    papers=(
        Citation(
            "LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R.",
            "Efficient BackProp",
            "Neural Networks: Tricks of the Trade, LNCS 1524, 9-50",
            1998,
            "https://doi.org/10.1007/3-540-49430-8_2",
        ),
    ),
    torch_gain=lambda: 5.0 / 3.0,
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
    cost_class="piecewise linear",
    torch_function="torch.relu",
    torch_module="torch.nn.ReLU",
    torch_functional="torch.nn.functional.relu",
    in_article=True,
    smoothness="continuous, kink at 0",
    year=2010,
    papers=(
        Citation(
            "Nair, V. and Hinton, G. E.",
            "Rectified Linear Units Improve Restricted Boltzmann Machines",
            "Proceedings of the 27th International Conference on Machine Learning (ICML), 807-814",
            2010,
            "https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf",
        ),
    ),
    torch_gain=lambda: math.sqrt(2.0),
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
    cost_class="piecewise linear",
    torch_function=None,
    torch_module="torch.nn.LeakyReLU",
    torch_functional="torch.nn.functional.leaky_relu",
    in_article=True,
    smoothness="continuous, kink at 0",
    year=2013,
    papers=(
        Citation(
            "Maas, A. L., Hannun, A. Y. and Ng, A. Y.",
            "Rectifier Nonlinearities Improve Neural Network Acoustic Models",
            "ICML Workshop on Deep Learning for Audio, Speech and Language Processing",
            2013,
            "https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf",
        ),
    ),
    torch_gain=lambda negative_slope: math.sqrt(2.0 / (1.0 + negative_slope**2)),
    parameters={"negative_slope": DEFAULT_NEGATIVE_SLOPE},
)

gelu = Activation(
    name="gelu",
    display_name="GELU",
    symbol=r"\mathrm{GELU}",
    formula=r"x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt 2}\right)",
    derivative_formula=r"\Phi(x) + x\,\varphi(x)",
    function=_gelu,
    derivative=_gelu_derivative,
    output_range=Interval(GELU_MINIMUM, math.inf, low_closed=True),
    zero_centred=False,
    saturates_left=True,
    saturates_right=False,
    monotonic=False,
    cost="one error function (erfc), a few multiplications",
    cost_class="special function",
    torch_function=None,
    torch_module="torch.nn.GELU",
    torch_functional="torch.nn.functional.gelu",
    in_article=False,
    smoothness="C∞",
    year=2016,
    papers=(
        Citation(
            "Hendrycks, D. and Gimpel, K.",
            "Gaussian Error Linear Units (GELUs)",
            "arXiv:1606.08415",
            2016,
            "https://arxiv.org/abs/1606.08415",
        ),
    ),
    parameters={"approximate": "none"},
)

silu = Activation(
    name="silu",
    display_name="SiLU",
    symbol=r"\mathrm{SiLU}",
    formula=r"x\,\sigma(x) = \frac{x}{1 + e^{-x}}",
    derivative_formula=r"\sigma(x)\,\bigl(1 + x\,(1 - \sigma(x))\bigr)",
    function=_silu,
    derivative=_silu_derivative,
    output_range=Interval(SILU_MINIMUM, math.inf, low_closed=True),
    zero_centred=False,
    saturates_left=True,
    saturates_right=False,
    monotonic=False,
    cost="one exponential and one division",
    cost_class="one exponential",
    torch_function=None,
    torch_module="torch.nn.SiLU",
    torch_functional="torch.nn.functional.silu",
    in_article=False,
    smoothness="C∞",
    year=2017,
    papers=(
        Citation(
            "Elfwing, S., Uchibe, E. and Doya, K.",
            "Sigmoid-Weighted Linear Units for Neural Network Function Approximation "
            "in Reinforcement Learning",
            "Neural Networks 107, 3-11 (2018); arXiv:1702.03118",
            2017,
            "https://arxiv.org/abs/1702.03118",
        ),
        Citation(
            "Ramachandran, P., Zoph, B. and Le, Q. V.",
            "Searching for Activation Functions",
            "arXiv:1710.05941",
            2017,
            "https://arxiv.org/abs/1710.05941",
        ),
    ),
)

#: Every activation of the package, in the site's order, the article's four first, then
#: GELU and SiLU.
ACTIVATIONS: tuple[Activation[Any], ...] = (sigmoid, tanh, relu, leaky_relu, gelu, silu)

#: The four activations of the source article, in its order.
ARTICLE_ACTIVATIONS: tuple[Activation[Any], ...] = tuple(a for a in ACTIVATIONS if a.in_article)
