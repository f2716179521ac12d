"""Experiment 2: exploding gradients come from the weights, not from the activation.

Going back through one layer multiplies the gradient by the layer's weight
matrix and by the activation's derivative. The derivatives of all four
activations are at most 1 (the sigmoid's at most 1/4), so the activation alone
can only shrink the gradient; it grows when the weights are large. This module
sweeps the scale of the initial weights of a deep MLP and records the gradient
that reaches the first layer. It also separates the two factors at tanh's
recommended gain, 5/3: the same weights with tanh and with no activation at all
(a linear network), at gain 1 and at gain 5/3.
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
from ..functions import ACTIVATIONS, tanh
from ._torch_utils import forward_recording, mlp, reproducible, rms_row_norm

if TYPE_CHECKING:
    from matplotlib.figure import Figure

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class ExplodingResult:
    """First-layer gradient norms against the weight scale.

    ``scales`` are ``sigma_w``: every weight is drawn from N(0, sigma_w^2 / fan_in).
    ``first_layer[name][i]`` is the root-mean-square (over samples) norm of the
    gradient with respect to the first layer's pre-activations at ``scales[i]``,
    for a loss whose gradient at the output is exactly 1 per sample.
    """

    depth: int
    width: int
    batch: int
    scales: F64
    first_layer: dict[str, F64]
    recommended: dict[str, float]
    derivative_max: dict[str, float]
    #: Gains compared in the tanh study: 1 and tanh's recommended 5/3.
    study_gains: tuple[float, ...] = ()
    #: ``study[(network, gain)]``: first-layer gradient over the output's (geometric mean
    #: over ``study_seeds``), for ``network`` "tanh" or "linear" (no activation), same weights.
    study: dict[tuple[str, float], float] | None = None
    study_seeds: tuple[int, ...] = ()

    def explodes_above(self, name: str) -> float:
        """Smallest weight scale at which the first-layer gradient exceeds the output's (1).

        Interpolated linearly in log-log coordinates; ``inf`` if it never does.
        """
        log_g = np.log(self.first_layer[name])
        above = np.flatnonzero(log_g > 0.0)
        if above.size == 0:
            return float("inf")
        i = int(above[0])
        if i == 0:
            return float(self.scales[0])
        log_s = np.log(self.scales[i - 1 : i + 1])
        t = -log_g[i - 1] / (log_g[i] - log_g[i - 1])
        return float(np.exp(log_s[0] + t * (log_s[1] - log_s[0])))

    def at_recommended(self, name: str) -> float:
        """First-layer gradient at the activation's recommended scale (interpolated in log-log)."""
        log_s = np.log(self.scales)
        log_g = np.log(self.first_layer[name])
        return float(np.exp(np.interp(np.log(self.recommended[name]), log_s, log_g)))

    def growth(self, name: str) -> float:
        """Ratio of the first-layer gradient at the largest scale to that at the smallest."""
        g = self.first_layer[name]
        return float(g[-1] / g[0])


def run(
    activations: Sequence[Activation[Any]] = ACTIVATIONS,
    *,
    depth: int = 16,
    width: int = 64,
    batch: int = 64,
    scales: Sequence[float] | None = None,
    seed: int = 0,
    study_seeds: Sequence[int] = (0, 1, 2),
    study_batch: int = 256,
) -> ExplodingResult:
    """Sweep the initial weight scale of a deep MLP and record the first layer's gradient.

    For each scale and activation the same seed draws the input batch and the
    weights (up to the scale factor, the weights are identical for every
    activation), so only the scale and the activation change.

    The tanh study draws, for each of ``study_seeds``, one set of weights with gain 1
    and the same set scaled by 5/3, and runs it with tanh and with no activation.

    Examples
    --------
    >>> import activation_functions as af
    >>> r = run([af.relu], depth=4, width=8, batch=8, scales=[0.5, 1.0, 4.0])
    >>> bool(np.all(np.diff(r.first_layer["relu"]) > 0))
    True
    """
    grid = np.geomspace(0.25, 32.0, 15) if scales is None else np.asarray(scales, dtype=float)
    first: dict[str, F64] = {}
    for activation in activations:
        values = []
        for scale in grid:
            with reproducible(seed):
                x = torch.randn(batch, width)
                net = mlp(
                    activation, [width] * depth + [1], std_multiplier=float(scale), std_gain=1.0
                )
                out, pre = forward_recording(net, x)
                torch.autograd.backward(out.sum())
                assert pre[0].grad is not None
                values.append(rms_row_norm(pre[0].grad))
        first[activation.name] = np.asarray(values, dtype=np.float64)
    tanh_gain = tanh.init_gain  # torch.nn.init.calculate_gain("tanh"), 5/3
    study_gains = (1.0, tanh_gain)
    study: dict[tuple[str, float], float] = {}
    for network, layer in (("tanh", nn.Tanh()), ("linear", nn.Identity())):
        for g in study_gains:
            ratios = []
            for s in study_seeds:
                with reproducible(s):
                    x = torch.randn(study_batch, width)
                    net = mlp(layer, [width] * depth + [1], std_multiplier=g, std_gain=1.0)
                    out, pre = forward_recording(net, x)
                    torch.autograd.backward(out.sum())
                    assert pre[0].grad is not None
                    assert pre[-1].grad is not None
                    ratios.append(rms_row_norm(pre[0].grad) / rms_row_norm(pre[-1].grad))
            study[(network, g)] = float(np.exp(np.mean(np.log(ratios))))
    return ExplodingResult(
        depth=depth,
        width=width,
        batch=batch,
        scales=grid,
        first_layer=first,
        recommended={a.name: a.init_gain for a in activations},
        derivative_max={a.name: a.max_slope for a in activations},
        study_gains=study_gains,
        study=study,
        study_seeds=tuple(study_seeds),
    )


def plot(result: ExplodingResult) -> Figure:
    """First-layer gradient norm against weight scale, log-log, one line per activation.

    Hollow markers show each activation's recommended scale (PyTorch's gain).

    Examples
    --------
    >>> import activation_functions as af
    >>> r = run([af.tanh], depth=3, width=4, batch=4, scales=[0.5, 2.0])
    >>> ax = plot(r).axes[0]
    >>> ax.get_xscale(), ax.get_yscale()
    ('log', 'log')
    """
    import matplotlib.pyplot as plt

    from ._plot_utils import style

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for name, values in result.first_layer.items():
        s = style(name)
        ax.plot(result.scales, values, markersize=4, **s)
        ax.plot(
            [result.recommended[name]],
            [result.at_recommended(name)],
            marker=s["marker"],
            markersize=11,
            markerfacecolor="white",
            markeredgecolor=s["color"],
            markeredgewidth=2,
            linestyle="none",
        )
    ax.axhline(1.0, color="#1a1a1a", linewidth=1, linestyle=":")
    ax.annotate(
        "gradient at the output",
        (result.scales[0], 1.0),
        xytext=(2, 4),
        textcoords="offset points",
        fontsize=9,
    )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(r"weight scale $\sigma_w$ (weights ~ N(0, $\sigma_w^2$/fan-in))")
    ax.set_ylabel("gradient norm at layer 1")
    ax.set_title(f"{result.depth}-layer MLP; large hollow markers: recommended scale")
    ax.legend(loc="lower right")
    return fig
