"""Experiment 5: saturation, and batch normalisation keeping inputs out of it.

A sigmoid or tanh unit is *saturated* when its input is so far from 0 that its
derivative is tiny: it then passes almost no gradient back. Here a unit counts as
saturated when its derivative is below 1 % of the derivative's maximum,
``f'(x) < 0.01 * max f'``; that is ``|x|`` above about 6 for the sigmoid and
about 3 for tanh. Inputs with a large scale or a shifted mean (raw, unnormalised
features) push many units past that point. Batch normalisation (``BatchNorm1d``
between the linear layer and the activation) rescales each unit's input over
the batch to mean 0 and variance 1 before the activation sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from ..activation import Activation
from ..functions import sigmoid, tanh
from ._torch_utils import forward, reproducible
from .datasets import shifted_gaussian

if TYPE_CHECKING:
    from matplotlib.figure import Figure

F64 = NDArray[np.float64]

#: A unit is saturated when its derivative is below this share of the derivative's maximum.
SATURATION_SHARE = 0.01


def saturation_cutoff(activation: Activation[Any], share: float = SATURATION_SHARE) -> float:
    """Smallest ``|x|`` (to 1e-4) at which ``activation.derivative`` falls below ``share`` of its max.

    Examples
    --------
    >>> import activation_functions as af
    >>> round(saturation_cutoff(af.sigmoid), 2), round(saturation_cutoff(af.tanh), 2)
    (5.99, 2.99)
    """
    grid = np.arange(0.0, 50.0, 1e-4)
    small = activation.derivative(grid) < share * activation.max_slope
    return float(grid[np.argmax(small)])


def saturated_fraction(
    activation: Activation[Any], x: F64, share: float = SATURATION_SHARE
) -> float:
    """Share of the entries of ``x`` where the derivative is below ``share`` of its maximum.

    Examples
    --------
    >>> import activation_functions as af
    >>> saturated_fraction(af.sigmoid, np.array([0.0, 1.0, 7.0, -9.0]))
    0.5
    """
    limit = share * activation.max_slope
    return float(np.mean(activation.derivative(x) < limit))


@dataclass(frozen=True)
class BatchNormResult:
    """Activation inputs of a deep MLP fed unnormalised data, with and without BatchNorm.

    ``saturated[(name, with_bn)]`` holds the saturated fraction for each hidden
    layer; ``first_layer[(name, with_bn)]`` the first layer's activation inputs
    (all samples and units, flattened).
    """

    depth: int
    width: int
    batch: int
    input_mean: float
    input_std: float
    cutoff: dict[str, float]
    saturated: dict[tuple[str, bool], F64]
    first_layer: dict[tuple[str, bool], F64]


def _activation_inputs(net: nn.Sequential, x: torch.Tensor) -> list[F64]:
    """The input of every activation layer (after BatchNorm when present)."""
    inputs = []
    out = x
    with torch.no_grad():
        for layer in net:
            if not isinstance(layer, nn.Linear | nn.BatchNorm1d):
                inputs.append(out.double().numpy().ravel())
            out = forward(layer, out)
    return inputs


def run(
    activations: Sequence[Activation[Any]] = (sigmoid, tanh),
    *,
    depth: int = 4,
    width: int = 64,
    batch: int = 512,
    input_mean: float = 4.0,
    input_std: float = 8.0,
    seed: int = 0,
) -> BatchNormResult:
    """Feed a batch of unnormalised inputs through MLPs with and without BatchNorm.

    The input has ``width`` features with mean ``input_mean`` and standard
    deviation ``input_std``. Each network has ``depth`` hidden layers, weights
    with PyTorch's recommended gain, zero biases, and BatchNorm (in training
    mode, as during training: batch statistics, scale 1 and shift 0 at
    initialisation) before every activation when enabled. The same seed gives the
    same weights with and without BatchNorm.

    Examples
    --------
    >>> import activation_functions as af
    >>> r = run([af.tanh], depth=2, width=8, batch=64)
    >>> bool(r.saturated[("tanh", True)][0] < r.saturated[("tanh", False)][0])
    True
    """
    from ._torch_utils import mlp

    data = torch.tensor(
        shifted_gaussian(batch, width, mean=input_mean, std=input_std, seed=seed),
        dtype=torch.float32,
    )
    saturated: dict[tuple[str, bool], F64] = {}
    first: dict[tuple[str, bool], F64] = {}
    for activation in activations:
        for with_bn in (False, True):
            with reproducible(seed):
                net = mlp(activation, [width] * (depth + 1) + [1], batchnorm=with_bn)
                net.train()
                inputs = _activation_inputs(net, data)
            key = (activation.name, with_bn)
            saturated[key] = np.array([saturated_fraction(activation, z) for z in inputs])
            first[key] = inputs[0]
    return BatchNormResult(
        depth=depth,
        width=width,
        batch=batch,
        input_mean=input_mean,
        input_std=input_std,
        cutoff={a.name: saturation_cutoff(a) for a in activations},
        saturated=saturated,
        first_layer=first,
    )


def plot(result: BatchNormResult) -> Figure:
    """Left: first-layer activation inputs with and without BatchNorm (tanh network).

    Right: saturated share per layer, sigmoid and tanh, with and without BatchNorm.

    Examples
    --------
    >>> r = run(depth=2, width=8, batch=64)
    >>> len(plot(r).axes)
    2
    """
    import matplotlib.pyplot as plt

    from ._plot_utils import style

    names = list(result.cutoff)
    fig, (hist, lines) = plt.subplots(2, 1, figsize=(6.4, 7.0), layout="constrained")
    shown = names[0]
    cut = result.cutoff[shown]
    without = result.first_layer[(shown, False)]
    limit = float(np.ceil(np.abs(without).max()))
    bins = np.arange(-limit, limit + 0.5, 0.5)
    for sign in (-1, 1):
        hist.axvspan(
            sign * cut,
            sign * limit,
            facecolor="#eeeeee",
            hatch="//",  # line hatch: dots would add ~100 KB of paths to the SVG
            edgecolor="#b0b0b0",
            linewidth=0,
        )
    hist.hist(without, bins=bins, density=True, color="#555555", label="without BatchNorm")
    hist.hist(
        result.first_layer[(shown, True)],
        bins=bins,
        density=True,
        histtype="step",
        color="#0072B2",
        linewidth=2,
        label="with BatchNorm",
    )
    hist.set_xlim(-limit, limit)
    hist.text(
        0.98,
        0.97,
        f"hatched: saturated\n(|x| > {cut:.1f})",
        transform=hist.transAxes,
        ha="right",
        va="top",
        fontsize=9,
    )
    hist.set_xlabel("input of the activation, layer 1")
    hist.set_ylabel("density")
    hist.set_title(f"{style(shown)['label']} network, layer 1")
    hist.legend(loc="upper left", fontsize=9)
    layers = np.arange(1, result.depth + 1)
    for name in names:
        s = style(name)
        for with_bn in (False, True):
            line = {**s, "label": f"{s['label']}, {'with' if with_bn else 'without'} BatchNorm"}
            if with_bn:
                line["markerfacecolor"] = "white"
            lines.plot(layers, result.saturated[(name, with_bn)], markersize=7, **line)
    lines.set_xticks(layers)
    lines.set_ylim(-0.03, 1.03)
    lines.set_xlabel("hidden layer")
    lines.set_ylabel("saturated share of\n(unit, example) pairs")
    lines.set_title("Saturation: f′(x) < 1 % of its maximum")
    lines.legend(loc="upper right", fontsize=9)
    return fig
