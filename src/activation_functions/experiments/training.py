"""Experiment 7: the same small network trained with each activation, several seeds.

The article says ReLU "greatly speeds up" SGD and advises trying ReLU first,
then LeakyReLU or tanh, and avoiding the sigmoid in hidden layers. This module
trains one MLP on one synthetic task with each activation, several seeds and a
small grid of learning rates (the same budget for every activation: the sigmoid's
slope is at most 1/4, so one shared learning rate would handicap it). For each
activation it keeps the learning rate that reaches a target loss in the fewest
steps, and reports the steps to that target per seed.
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
    """Loss curves (training loss on all points) per activation and seed, at the tuned rate."""

    widths: tuple[int, ...]
    optimiser: str
    batch: int
    steps: F64
    seeds: tuple[int, ...]
    #: The learning rates tried for every activation.
    learning_rates: tuple[float, ...]
    #: The loss whose first crossing times the training.
    target: float
    #: The learning rate kept for each activation (fewest median steps to ``target``).
    chosen_lr: dict[str, float]
    #: ``losses[name]`` has shape ``(seeds, len(steps))``, at ``chosen_lr[name]``.
    losses: dict[str, F64]
    #: Classification accuracy on held-out points after training, shape ``(seeds,)``.
    accuracy: dict[str, F64]
    #: Steps to ``target`` per seed (``inf``: not reached), shape ``(lrs, seeds)``.
    steps_grid: dict[str, F64]

    def steps_to_target(self, name: str) -> F64:
        """Steps each seed took to reach ``target`` at the chosen learning rate."""
        i = self.learning_rates.index(self.chosen_lr[name])
        return np.asarray(self.steps_grid[name][i], dtype=np.float64)

    def median_steps(self, name: str) -> float:
        """Median over seeds of the steps to ``target`` (``inf`` if most seeds never got there)."""
        return float(np.median(self.steps_to_target(name)))

    def reached(self, name: str) -> int:
        """Number of seeds that reached ``target`` at the chosen learning rate."""
        return int(np.isfinite(self.steps_to_target(name)).sum())

    def speedup(self, fast: str, slow: str) -> float:
        """Median steps of ``slow`` over median steps of ``fast`` (``inf`` if ``slow`` never got there)."""
        return self.median_steps(slow) / self.median_steps(fast)

    def chosen_at_edge(self, name: str) -> bool:
        """True when the kept learning rate is the smallest or largest of the grid."""
        return self.chosen_lr[name] in (self.learning_rates[0], self.learning_rates[-1])

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


def _first_below(curves: F64, steps: F64, target: float) -> F64:
    """Per row: first entry of ``steps`` where the curve is below ``target`` (``inf`` if never)."""
    out = np.full(curves.shape[0], np.inf)
    for i, row in enumerate(curves):
        below = np.flatnonzero(row < target)
        if below.size:
            out[i] = steps[below[0]]
    return out


def run(
    activations: Sequence[Activation[Any]] = ACTIVATIONS,
    *,
    widths: Sequence[int] = (2, 32, 32, 32, 1),
    learning_rates: Sequence[float] = (0.03, 0.1, 0.3, 1.0),
    momentum: float = 0.9,
    batch: int = 64,
    steps: int = 400,
    record_every: int = 20,
    seeds: Sequence[int] = (0, 1, 2, 3),
    n_points: int = 512,
    target: float = 0.2,
) -> TrainingResult:
    """Train the same MLP on two spirals with each activation, seed and learning rate.

    Task: the site's two spirals (1.5 turns; ``n_points`` training points, 1024
    held-out points from another seed), binary cross-entropy. Network: ``widths``,
    weights with PyTorch's recommended gain for the activation, zero biases.
    Optimiser: SGD with momentum. The seed sets a network's initial weights;
    network ``i`` sees the same mini-batches whatever its activation and learning
    rate. Every activation gets the same budget: each learning rate of the grid,
    each seed, ``steps`` steps. All runs of one activation train together as one
    ``Ensemble``. The kept learning rate has the fewest median steps to
    ``target`` (ties: the lower mean final loss).

    Examples
    --------
    >>> import activation_functions as af
    >>> r = run([af.relu], widths=(2, 8, 1), learning_rates=[0.1, 0.3], steps=4,
    ...         record_every=2, seeds=[0, 1], n_points=32, target=10.0)
    >>> r.losses["relu"].shape, r.median_steps("relu")
    ((2, 2), 2.0)
    """
    x_np, y_np = two_spirals(n_points, seed=0)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32)
    hx_np, hy_np = two_spirals(1024, seed=1)
    hx = torch.tensor(hx_np, dtype=torch.float32)
    lrs = tuple(float(v) for v in learning_rates)
    n_lr, n_seeds = len(lrs), len(seeds)
    record_steps = np.arange(record_every, steps + 1, record_every, dtype=np.float64)
    member_lrs = torch.tensor([lr for lr in lrs for _ in seeds], dtype=torch.float32)
    losses: dict[str, F64] = {}
    accuracy: dict[str, F64] = {}
    chosen: dict[str, float] = {}
    grid: dict[str, F64] = {}
    for activation in activations:
        with reproducible(0):
            nets = Ensemble(activation, widths, list(seeds) * n_lr)
            optimiser = SGD(nets.parameters(), lr=member_lrs, momentum=momentum)
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
        curves = np.asarray(curve, dtype=np.float64).T.reshape(n_lr, n_seeds, -1)
        curves = np.where(np.isfinite(curves), curves, np.inf)  # a diverged run never arrives
        acc = ((logits > 0).double().numpy() == hy_np).mean(axis=1).reshape(n_lr, n_seeds)
        to_target = np.stack([_first_below(c, record_steps, target) for c in curves])
        best = min(
            range(n_lr),
            key=lambda i: (float(np.median(to_target[i])), float(curves[i, :, -1].mean())),
        )
        name = activation.name
        grid[name] = to_target
        chosen[name] = lrs[best]
        losses[name] = curves[best]
        accuracy[name] = acc[best]
    return TrainingResult(
        widths=tuple(widths),
        optimiser=f"SGD with momentum {momentum:g}",
        batch=batch,
        steps=record_steps,
        seeds=tuple(seeds),
        learning_rates=lrs,
        target=target,
        chosen_lr=chosen,
        losses=losses,
        accuracy=accuracy,
        steps_grid=grid,
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
