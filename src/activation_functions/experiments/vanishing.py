"""Experiment 1: vanishing gradients in a deep network at initialisation.

Backpropagation multiplies the gradient, layer by layer, by the activation's
derivative. The sigmoid's derivative is at most 1/4, so in a deep sigmoid
network the gradient that reaches the first layers is many times smaller than
the one at the output. This module measures, for every layer of a deep
multilayer perceptron (MLP), the norm of the gradient with respect to that
layer's pre-activations: the signal backpropagation carries from layer to
layer, from which the layer's weight gradient is formed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from numpy.typing import NDArray

from ..activation import Activation
from ..functions import ACTIVATIONS
from ._torch_utils import activation_module, one_thread, rms_row_norms

if TYPE_CHECKING:
    from matplotlib.figure import Figure

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class VanishingResult:
    """Per-layer gradient norms of deep MLPs at initialisation.

    ``grad_norms[name]`` has shape ``(seeds, layers)``: for each ``Linear`` layer,
    input layer first, the root mean square over samples of the norm of the
    gradient with respect to that layer's output (its pre-activations). The
    last entry, at the output, is 1 for every network.
    """

    depth: int
    width: int
    batch: int
    seeds: tuple[int, ...]
    grad_norms: dict[str, F64]
    derivative_max: dict[str, float]
    #: The initialisation gain each network used (the record's ``init_gain``).
    gains: dict[str, float]
    #: Activations PyTorch recommends no gain for (their ``init_gain`` is the
    #: second-moment rule, :meth:`~activation_functions.Activation.second_moment_gain`).
    without_recommendation: tuple[str, ...] = ()

    def typical(self, name: str) -> F64:
        """Geometric mean over seeds of the per-layer gradient norms."""
        return np.asarray(np.exp(np.mean(np.log(self.grad_norms[name]), axis=0)), dtype=np.float64)

    def first_to_last(self, name: str) -> float:
        """Gradient norm of the first layer divided by that of the last (typical values)."""
        norms = self.typical(name)
        return float(norms[0] / norms[-1])

    def per_layer_factor(self, name: str) -> float:
        """Average factor by which the gradient norm changes per layer, going back."""
        return float(self.first_to_last(name) ** (1.0 / (self.depth - 1)))


def run(
    activations: Sequence[Activation[Any]] = ACTIVATIONS,
    *,
    depth: int = 16,
    width: int = 64,
    batch: int = 256,
    seeds: Sequence[int] = (0, 1, 2),
    weight_scale: float = 1.0,
) -> VanishingResult:
    """Measure each layer's backpropagated gradient in a deep MLP at initialisation.

    The network has ``depth`` linear layers of ``width`` units (the activation
    after every hidden layer), weights drawn from N(0, (gain / sqrt(width))²) with
    the record's :attr:`~activation_functions.Activation.init_gain`, and zero biases. Its
    input is a standard normal batch and the loss is the sum of its single
    output over the batch, so every network receives exactly the gradient 1 per
    sample at the output and only the layers in between differ.
    ``weight_scale`` multiplies every weight's standard deviation (1: the gain).

    Examples
    --------
    >>> import activation_functions as af
    >>> r = run([af.sigmoid, af.relu], depth=4, width=8, batch=16, seeds=[0])
    >>> r.grad_norms["sigmoid"].shape
    (1, 4)
    >>> r.first_to_last("sigmoid") < r.first_to_last("relu")
    True
    """
    norms = {
        a.name: _pre_activation_norms(
            a, depth=depth, width=width, batch=batch, seeds=tuple(seeds), weight_scale=weight_scale
        )
        for a in activations
    }
    return VanishingResult(
        depth=depth,
        width=width,
        batch=batch,
        seeds=tuple(seeds),
        grad_norms=norms,
        derivative_max={a.name: a.max_slope for a in activations},
        gains={a.name: a.init_gain for a in activations},
        without_recommendation=tuple(a.name for a in activations if a.torch_gain is None),
    )


def _pre_activation_norms(
    activation: Activation[Any],
    *,
    depth: int,
    width: int,
    batch: int,
    seeds: tuple[int, ...],
    weight_scale: float,
) -> F64:
    """``(seeds, depth)``: per layer, the RMS over samples of the pre-activation gradient's norm.

    Every seed's network is drawn from its own generator (the input batch, then each
    layer's weights, input layer first) and all seeds run as one batched network: a
    ``(seeds, batch, width)`` input through ``(seeds, width, width)`` weights. The
    biases are zero, so they are left out. Only the pre-activations' gradients are
    asked of autograd (the weights need none), which with the batching makes this
    several times faster than one ``torch.nn`` network per seed; the explorer's grid
    runs it 40 times.
    """
    layer = activation_module(activation)
    std = weight_scale * activation.init_gain / math.sqrt(width)
    fan_outs = [width] * (depth - 1) + [1]
    inputs, networks = [], []
    for seed in seeds:
        generator = torch.Generator().manual_seed(seed)
        inputs.append(torch.randn(batch, width, generator=generator))
        networks.append([torch.randn(n, width, generator=generator) * std for n in fan_outs])
    weights = [
        torch.stack(layer_of_each_seed) for layer_of_each_seed in zip(*networks, strict=True)
    ]
    with one_thread():
        h = torch.stack(inputs).requires_grad_()
        pre = []
        for i, w in enumerate(weights):
            z = torch.matmul(h, w.mT)
            pre.append(z)
            h = z if i == depth - 1 else layer(z)
        grads = torch.autograd.grad(h.sum(), pre)
        return torch.stack([rms_row_norms(g) for g in grads], dim=1).numpy()


def plot(result: VanishingResult) -> Figure:
    """Gradient norm against layer (log scale), one line per activation.

    Examples
    --------
    >>> import activation_functions as af
    >>> fig = plot(run([af.tanh], depth=3, width=4, batch=4, seeds=[0]))
    >>> fig.axes[0].get_yscale()
    'log'
    """
    import matplotlib.pyplot as plt

    from ._plot_utils import style

    fig, ax = plt.subplots()
    layers = np.arange(1, result.depth + 1)
    for name, rows in result.grad_norms.items():
        ax.plot(layers, result.typical(name), markersize=4, **style(name))
        if rows.shape[0] > 1:
            ax.fill_between(layers, rows.min(axis=0), rows.max(axis=0), alpha=0.15, **_fill(name))
    ax.set_yscale("log")
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("gradient norm (per sample)")
    ax.set_title(f"Gradient norm per layer, {result.depth}-layer MLP at initialisation")
    ax.legend(loc="best", ncols=2)
    return fig


def _fill(name: str) -> dict[str, Any]:
    from ._plot_utils import style

    return {"color": style(name)["color"], "linewidth": 0}
