"""Experiment 6: dying ReLU units after large updates, and what the alternatives change.

A ReLU unit whose pre-activation is negative for every input outputs 0 and has
derivative 0 for every input: no gradient reaches its incoming weights, so SGD
never moves them again. Such a unit is *dead*. A large learning rate makes this
likely: one big step can push a unit's weights and bias far into the negative
region. LeakyReLU keeps a slope ``negative_slope`` there, and GELU and SiLU a small
slope that fades with distance, so a unit that is negative on every input still
receives a gradient. The units compared are every activation of the registry that is
unbounded above (the bounded sigmoid and tanh saturate instead of dying), plus
LeakyReLU with the article's slope.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from ..activation import Activation
from ..article import ARTICLE_SLOPE
from ..functions import ACTIVATIONS
from ._torch_utils import SGD, Ensemble, activation_module, binary_losses, reproducible, train
from .datasets import two_spirals

if TYPE_CHECKING:
    from matplotlib.figure import Figure

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Unit:
    """A hidden activation compared here: a key, a label, its record and parameters."""

    key: str
    label: str
    activation: Activation[Any]
    #: Overrides of the record's default parameters (the article's slope).
    parameters: Mapping[str, float | str] = field(default_factory=dict)

    def module(self) -> nn.Module:
        """The PyTorch layer, such as ``nn.ReLU()`` or ``nn.LeakyReLU(0.2)``."""
        return activation_module(self.activation, **self.parameters)


def units(activations: Sequence[Activation[Any]] = ACTIVATIONS) -> tuple[Unit, ...]:
    """The units compared: each activation unbounded above, LeakyReLU also at slope 0.2.

    Examples
    --------
    >>> [u.key for u in units()]
    ['relu', 'leaky_relu', 'leaky_relu_0.2', 'gelu', 'silu']
    """
    found: list[Unit] = []
    for activation in activations:
        if activation.output_range.high < math.inf:
            continue  # sigmoid and tanh saturate rather than die (exp-batchnorm)
        slope = activation.parameters.get("negative_slope")
        label = activation.display_name + (f" (slope {slope:g})" if slope is not None else "")
        found.append(Unit(activation.name, label, activation))
        if slope is not None:
            article = Unit(
                f"{activation.name}_{ARTICLE_SLOPE:g}",
                f"{activation.display_name} (slope {ARTICLE_SLOPE:g})",
                activation,
                {"negative_slope": ARTICLE_SLOPE},
            )
            found.append(article)
    return tuple(found)


#: The units compared, in the registry's order.
UNITS = units()


def column_stat(values: F64, stat: Callable[[F64], Any]) -> F64:
    """``stat`` of the finite entries of each column; NaN for a column without any.

    Examples
    --------
    >>> column_stat(np.array([[1.0, np.nan], [3.0, np.nan]]), np.mean)
    array([ 2., nan])
    """
    out = np.full(values.shape[1], np.nan)
    for j in range(values.shape[1]):
        column = values[:, j]
        finite = column[np.isfinite(column)]
        if finite.size:
            out[j] = float(stat(finite))
    return out


@dataclass(frozen=True)
class DyingResult:
    """Fractions of hidden units that are negative on every probe input, and what follows."""

    widths: tuple[int, ...]
    learning_rates: F64
    steps: int
    seeds: tuple[int, ...]
    probe_size: int
    #: Fraction at initialisation, per seed (the same weights for every unit type).
    at_init: F64
    #: ``fraction[key]`` has shape ``(seeds, learning rates)``; NaN where training diverged.
    fraction: dict[str, F64]
    #: Learning rate of the large-update phase examined afterwards.
    recovery_from: float
    recovery_learning_rate: float
    recovery_steps: int
    #: Mean gradient-norm of the incoming weights of all-negative units over that of
    #: the other hidden units (loss on the probe batch), after the large updates.
    gradient_ratio: dict[str, float]
    #: (all-negative units after the large updates, of those no longer all-negative
    #: after ``recovery_steps`` more steps), pooled over the seeds that did not diverge.
    recovery: dict[str, tuple[int, int]]

    def mean_fraction(self, key: str) -> F64:
        """Mean over the seeds that did not diverge, per learning rate (NaN if all did)."""
        return column_stat(self.fraction[key], np.mean)

    def fraction_at(self, key: str, learning_rate: float) -> float:
        """Mean all-negative fraction at one of the learning rates."""
        index = int(np.flatnonzero(self.learning_rates == learning_rate)[0])
        return float(self.mean_fraction(key)[index])

    def diverged(self, key: str) -> int:
        """Number of (seed, learning rate) runs whose weights became inf or NaN."""
        return int(np.isnan(self.fraction[key]).sum())

    def recovered_share(self, key: str) -> float:
        """Share of the all-negative units that recovered (NaN when there were none)."""
        start, back = self.recovery[key]
        return back / start if start else math.nan


def _all_negative(nets: Ensemble, probe: torch.Tensor) -> torch.Tensor:
    """``(models, hidden units)`` mask: pre-activation <= 0 for every probe input."""
    with torch.no_grad():
        _, pre = nets.forward_recording(probe.expand(nets.size, *probe.shape))
    return torch.cat([(z <= 0).all(dim=1) for z in pre[:-1]], dim=1)


def _gradient_ratios(
    nets: Ensemble, data: tuple[torch.Tensor, torch.Tensor], mask: torch.Tensor
) -> list[float]:
    """Per member: mean incoming-weight gradient norm of masked units over the others'."""
    x, y = data
    nets.zero_grad()
    losses = binary_losses(nets, x.expand(nets.size, *x.shape), y.expand(nets.size, *y.shape))
    torch.autograd.backward(losses.sum())
    rows = []
    for w in list(nets.weights)[:-1]:
        assert w.grad is not None
        rows.append(w.grad.norm(dim=2))
    norms = torch.cat(rows, dim=1)
    nets.zero_grad()
    ratios = []
    for m in range(nets.size):
        if bool(mask[m].any()) and not bool(mask[m].all()):
            ratios.append(float(norms[m][mask[m]].mean() / norms[m][~mask[m]].mean()))
        else:
            ratios.append(math.nan)
    return ratios


def run(
    *,
    widths: Sequence[int] = (2, 64, 64, 1),
    learning_rates: Sequence[float] = (0.1, 0.3, 1.0, 2.0, 3.0, 4.0),
    steps: int = 50,
    batch: int = 32,
    seeds: Sequence[int] = (0, 1, 2),
    recovery_from: float = 3.0,
    recovery_learning_rate: float = 0.1,
    recovery_steps: int = 200,
    n_points: int = 512,
    probe_size: int = 1024,
) -> DyingResult:
    """Train briefly with plain SGD at each learning rate; count all-negative hidden units.

    Data: the site's two spirals (1.5 turns, ``n_points`` points, binary cross-entropy). Probe
    batch: ``probe_size`` other points of the same distribution (another seed).
    For every seed, all unit types and learning rates start from the same weights
    (He initialisation, zero biases) and see the same mini-batches. The networks
    trained at ``recovery_from`` are examined further: the gradient their
    all-negative units receive, and whether those units come back during
    ``recovery_steps`` more steps at ``recovery_learning_rate``. All (seed,
    learning rate) pairs train together as one ensemble.

    Examples
    --------
    >>> r = run(widths=(2, 8, 1), learning_rates=[0.1, 8.0], steps=5, seeds=[0],
    ...         recovery_from=8.0, recovery_steps=2, n_points=32, probe_size=32)
    >>> r.fraction["relu"].shape
    (1, 2)
    """
    if recovery_from not in learning_rates:
        raise ValueError("recovery_from must be one of the learning rates")
    x_np, y_np = two_spirals(n_points, seed=0)
    data = (torch.tensor(x_np, dtype=torch.float32), torch.tensor(y_np, dtype=torch.float32))
    p_np, q_np = two_spirals(probe_size, seed=1)
    probe = (torch.tensor(p_np, dtype=torch.float32), torch.tensor(q_np, dtype=torch.float32))
    n_lr = len(learning_rates)
    member_seeds = [seed for seed in seeds for _ in learning_rates]
    member_lrs = torch.tensor(list(learning_rates) * len(seeds), dtype=torch.float32)
    examined = [i * n_lr + list(learning_rates).index(recovery_from) for i in range(len(seeds))]
    at_init: list[float] = []
    fraction: dict[str, F64] = {}
    ratios: dict[str, float] = {}
    recovery: dict[str, tuple[int, int]] = {}
    for unit in UNITS:
        with reproducible(0):
            nets = Ensemble(unit.module(), widths, member_seeds, std_gain=math.sqrt(2.0))
            if not at_init:
                start = _all_negative(nets, probe[0]).double().mean(dim=1)
                at_init = [float(start[i * n_lr]) for i in range(len(seeds))]
            order = torch.Generator().manual_seed(0)
            sgd = SGD(nets.parameters(), lr=member_lrs)  # each member its own learning rate
            train(nets, sgd, data, batch=batch, steps=steps, generator=order)
            finite = nets.member_finite()
            mask = _all_negative(nets, probe[0])
            share = mask.double().mean(dim=1).masked_fill(~finite, math.nan)
            fraction[unit.key] = share.numpy().reshape(len(seeds), n_lr)
            member_ratios = _gradient_ratios(nets, probe, mask)
            ratios[unit.key] = _finite_mean([member_ratios[m] for m in examined if finite[m]])
            recovery_lrs = torch.full_like(member_lrs, recovery_learning_rate)
            recovery_sgd = SGD(nets.parameters(), lr=recovery_lrs)
            train(nets, recovery_sgd, data, batch=batch, steps=recovery_steps, generator=order)
            still = _all_negative(nets, probe[0])
            dead = sum(int(mask[m].sum()) for m in examined if finite[m])
            back = sum(int((mask[m] & ~still[m]).sum()) for m in examined if finite[m])
            recovery[unit.key] = (dead, back)
    return DyingResult(
        widths=tuple(widths),
        learning_rates=np.asarray(learning_rates, dtype=np.float64),
        steps=steps,
        seeds=tuple(seeds),
        probe_size=probe_size,
        at_init=np.asarray(at_init, dtype=np.float64),
        fraction=fraction,
        recovery_from=recovery_from,
        recovery_learning_rate=recovery_learning_rate,
        recovery_steps=recovery_steps,
        gradient_ratio=ratios,
        recovery=recovery,
    )


def _finite_mean(values: Sequence[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def plot(result: DyingResult) -> Figure:
    """Left: all-negative fraction against learning rate. Right: gradient those units get.

    Examples
    --------
    >>> r = run(widths=(2, 8, 1), learning_rates=[0.1, 8.0], steps=5, seeds=[0],
    ...         recovery_from=8.0, recovery_steps=2, n_points=32, probe_size=32)
    >>> [ax.get_xscale() for ax in plot(r).axes]
    ['log', 'linear']
    """
    import matplotlib.pyplot as plt

    from ._plot_utils import HATCHES, extra_style, style

    styles = [
        style(u.activation) if not u.parameters else extra_style(i, "") for i, u in enumerate(UNITS)
    ]
    fig, (left, right) = plt.subplots(
        2, 1, figsize=(6.4, 7.0), layout="constrained", gridspec_kw={"height_ratios": [1.3, 1]}
    )
    for unit, unit_style in zip(UNITS, styles, strict=True):
        s = {**unit_style, "label": unit.label}
        values = result.fraction[unit.key]
        left.plot(result.learning_rates, result.mean_fraction(unit.key), markersize=5, **s)
        left.fill_between(
            result.learning_rates,
            column_stat(values, np.min),
            column_stat(values, np.max),
            color=s["color"],
            alpha=0.15,
            linewidth=0,
        )
    left.axhline(
        float(result.at_init.mean()),
        color="#1a1a1a",
        linewidth=1,
        linestyle=":",
        label="at initialisation",
    )
    left.set_xscale("log")
    left.set_xlabel(f"learning rate of {result.steps} SGD steps")
    left.set_ylabel("share of hidden units negative\non every probe input")
    left.set_ylim(-0.02, 1.02)
    left.set_title("Units pushed negative by large steps")
    left.legend(loc="upper left", fontsize=9)
    positions = np.arange(len(UNITS))
    ratios = [result.gradient_ratio[u.key] for u in UNITS]
    bars = right.bar(
        positions,
        np.nan_to_num(ratios),
        color=[s["color"] for s in styles],
        edgecolor="#1a1a1a",
        hatch=HATCHES[: len(UNITS)],
    )
    # How many units each bar averages over: a bar of one unit is an anecdote, not a rate.
    counts = [result.recovery[u.key][0] for u in UNITS]
    labels = [f"{r:.3f}\n{n} unit{'s' * (n != 1)}" for r, n in zip(ratios, counts, strict=True)]
    right.bar_label(bars, labels=labels, padding=2, fontsize=9)
    right.set_xticks(positions, [u.label.replace(" (", "\n(") for u in UNITS], fontsize=9)
    right.set_ylim(0, max([1.0] + [1.35 * r for r in ratios if math.isfinite(r)]))
    right.set_ylabel("gradient received,\nrelative to other units")
    right.set_title(f"Gradient reaching those units after learning rate {result.recovery_from:g}")
    return fig
