"""Experiment 7: the same small network trained with each activation, several seeds.

The article advises trying ReLU first, then LeakyReLU or tanh, and avoiding the
sigmoid in hidden layers. This module trains one MLP on one synthetic task with
each activation and several seeds, records the loss curves, and compares the
final losses against their spread over seeds.
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
from ._torch_utils import SGD, Ensemble, forward, reproducible, train
from .datasets import two_spirals

if TYPE_CHECKING:
    from matplotlib.figure import Figure

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class TrainingResult:
    """Loss curves (training loss on all points), per activation and seed."""

    widths: tuple[int, ...]
    optimiser: str
    batch: int
    steps: F64
    seeds: tuple[int, ...]
    #: ``losses[name]`` has shape ``(seeds, len(steps))``.
    losses: dict[str, F64]
    #: Classification accuracy on held-out points after training, shape ``(seeds,)``.
    accuracy: dict[str, F64]

    def final(self, name: str) -> F64:
        """Final loss of each seed."""
        return self.losses[name][:, -1]

    def final_mean(self, name: str) -> float:
        """Mean final loss over seeds."""
        return float(self.final(name).mean())

    def final_std(self, name: str) -> float:
        """Standard deviation of the final loss over seeds (ddof=1)."""
        return float(self.final(name).std(ddof=1)) if len(self.seeds) > 1 else 0.0

    def ranking(self) -> list[str]:
        """Activation names from lowest to highest mean final loss."""
        return sorted(self.losses, key=self.final_mean)

    def within_noise(self, a: str, b: str) -> bool:
        """True when the mean final losses differ by less than the sum of their standard deviations.

        That is: the bands mean ± one standard deviation over seeds overlap, so
        these seeds cannot tell the two apart.
        """
        gap = abs(self.final_mean(a) - self.final_mean(b))
        return gap < self.final_std(a) + self.final_std(b)

    def steps_to(self, name: str, threshold: float) -> float:
        """First recorded step at which the mean loss over seeds is below ``threshold``."""
        mean = self.losses[name].mean(axis=0)
        below = np.flatnonzero(mean < threshold)
        return float(self.steps[below[0]]) if below.size else math.inf


def run(
    activations: Sequence[Activation[Any]] = ACTIVATIONS,
    *,
    widths: Sequence[int] = (2, 32, 32, 32, 1),
    learning_rate: float = 0.05,
    momentum: float = 0.9,
    batch: int = 64,
    steps: int = 800,
    record_every: int = 20,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    n_points: int = 512,
) -> TrainingResult:
    """Train the same MLP on two spirals with each activation and each seed.

    Task: two spirals of 1.5 turns (``n_points`` training points, 1024 held-out
    points from another seed), binary cross-entropy. Network: ``widths``, weights
    with PyTorch's recommended gain for the activation, zero biases. Optimiser:
    SGD with momentum. The seed sets a network's initial weights; network ``i``
    sees the same mini-batches whatever its activation. All seeds train together
    as one ``Ensemble``.

    Examples
    --------
    >>> import activation_functions as af
    >>> r = run([af.relu], widths=(2, 8, 1), steps=4, record_every=2, seeds=[0, 1], n_points=32)
    >>> r.losses["relu"].shape
    (2, 2)
    """
    x_np, y_np = two_spirals(n_points, turns=1.5, seed=0)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32)
    hx_np, hy_np = two_spirals(1024, turns=1.5, seed=1)
    hx = torch.tensor(hx_np, dtype=torch.float32)
    losses: dict[str, F64] = {}
    accuracy: dict[str, F64] = {}
    for activation in activations:
        with reproducible(0):
            nets = Ensemble(activation, widths, seeds)
            optimiser = SGD(nets.parameters(), lr=learning_rate, momentum=momentum)
            order = torch.Generator().manual_seed(0)
            curve = train(
                nets,
                optimiser,
                (x, y),
                batch=batch,
                steps=steps,
                generator=order,
                record_every=record_every,
            )
            with torch.no_grad():
                logits = forward(nets, hx.expand(nets.size, *hx.shape)).squeeze(-1)
        losses[activation.name] = np.asarray(curve, dtype=np.float64).T
        accuracy[activation.name] = ((logits > 0).double().numpy() == hy_np).mean(axis=1)
    return TrainingResult(
        widths=tuple(widths),
        optimiser=f"SGD (learning rate {learning_rate:g}, momentum {momentum:g})",
        batch=batch,
        steps=np.arange(record_every, steps + 1, record_every, dtype=np.float64),
        seeds=tuple(seeds),
        losses=losses,
        accuracy=accuracy,
    )


def plot(result: TrainingResult) -> Figure:
    """Mean loss over seeds per activation, with the min-max band over seeds (log scale).

    Examples
    --------
    >>> import activation_functions as af
    >>> r = run([af.relu], widths=(2, 8, 1), steps=4, record_every=2, seeds=[0, 1], n_points=32)
    >>> plot(r).axes[0].get_yscale()
    'log'
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, NullFormatter

    from ._plot_utils import plot_mean_and_band, style

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    every = max(1, len(result.steps) // 10)
    for name, curves in result.losses.items():
        plot_mean_and_band(ax, result.steps, curves, style(name), markevery=every, alpha=0.18)
    ax.set_yscale("log")
    low = min(float(c.min()) for c in result.losses.values())
    high = max(float(c.max()) for c in result.losses.values())
    ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 2.0) if low <= t <= high]
    ax.set_yticks(ticks)
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("SGD step")
    ax.set_ylabel("training loss (all points)")
    ax.set_title(f"Two spirals, {len(result.seeds)} seeds: mean and min–max band")
    ax.legend(loc="lower left")
    return fig
