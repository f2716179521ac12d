"""Experiment 3: why zero-centred outputs help the next layer learn.

A unit of the next layer computes ``w · h + b``; the gradient of the loss with
respect to its weights is ``delta * h`` (one sample). When every component of
``h`` is positive, as sigmoid outputs are, all components of that gradient have
the sign of the scalar ``delta``: the weights of one unit can only all grow or all
shrink together, and reaching a target with mixed signs takes a zig-zag path.

This module measures how often a gradient row has a single sign, and trains the
same network with four hidden activations that pair up the effect of the
*mean* of the output with the effect of the *slope*:

* sigmoid and ``sigmoid - 1/2`` have the same slope (at most 1/4), means 1/2 and 0;
* ``tanh + 1`` and tanh have the same slope (at most 1), means 1 and 0.

Since ``tanh(x) = 2 sigmoid(2x) - 1``, tanh is a zero-centred sigmoid with four
times the slope at 0; the pairs separate those two differences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from ._torch_utils import SGD, Ensemble, forward, reproducible, train
from .datasets import two_spirals

if TYPE_CHECKING:
    from matplotlib.figure import Figure

F64 = NDArray[np.float64]


class Shifted(nn.Module):
    """``function(x) + shift``: a parameter-free activation layer.

    Examples
    --------
    >>> Shifted(torch.sigmoid, -0.5)(torch.zeros(2))
    tensor([0., 0.])
    """

    def __init__(self, function: Callable[[torch.Tensor], torch.Tensor], shift: float) -> None:
        super().__init__()
        self.function = function
        self.shift = shift

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the function and add the shift."""
        return self.function(x) + self.shift


@dataclass(frozen=True)
class Variant:
    """One hidden activation of the experiment: a name, a label and its output mean shift."""

    key: str
    label: str
    base: str
    shift: float

    def module(self) -> Shifted:
        """The activation layer."""
        function = torch.sigmoid if self.base == "sigmoid" else torch.tanh
        return Shifted(function, self.shift)


#: The four activations compared, as two pairs (same slope, different mean).
VARIANTS = (
    Variant("sigmoid", "Sigmoid (mean ½)", "sigmoid", 0.0),
    Variant("sigmoid_centred", "Sigmoid − ½ (mean 0)", "sigmoid", -0.5),
    Variant("tanh_shifted", "Tanh + 1 (mean 1)", "tanh", 1.0),
    Variant("tanh", "Tanh (mean 0)", "tanh", 0.0),
)

#: (non-centred, centred) keys of the two matched pairs.
PAIRS = (("sigmoid", "sigmoid_centred"), ("tanh_shifted", "tanh"))


@dataclass(frozen=True)
class ZeroCentredResult:
    """Single-sign gradient fractions and training curves of the four variants."""

    widths: tuple[int, ...]
    learning_rate: float
    batch: int
    steps: F64
    seeds: tuple[int, ...]
    #: Fraction of weight-gradient rows whose components share one sign, per sample.
    same_sign_per_sample: dict[str, float]
    #: The same for mini-batch gradients (``batch`` samples summed).
    same_sign_batch: dict[str, float]
    #: Full-data loss after each entry of ``steps``, shape ``(seeds, len(steps))``.
    losses: dict[str, F64]

    def mean_loss(self, key: str) -> F64:
        """Per-seed average of the loss over the whole run (area under the curve)."""
        return np.asarray(self.losses[key].mean(axis=1), dtype=np.float64)

    def centring_wins(self, pair: tuple[str, str]) -> int:
        """Seeds where the zero-centred member of ``pair`` has the lower average loss."""
        shifted, centred = pair
        return int(np.sum(self.mean_loss(centred) < self.mean_loss(shifted)))

    def centring_gain(self, pair: tuple[str, str]) -> float:
        """Relative reduction of the average loss by centring, averaged over seeds."""
        shifted, centred = pair
        return float(np.mean(1.0 - self.mean_loss(centred) / self.mean_loss(shifted)))


def _same_sign(rows: torch.Tensor) -> float:
    """Fraction of rows (last axis) whose entries are all > 0 or all < 0."""
    positive = (rows > 0).all(dim=-1)
    negative = (rows < 0).all(dim=-1)
    return float((positive | negative).double().mean())


def _sign_fractions(
    nets: Ensemble, x: torch.Tensor, y: torch.Tensor, batch: int
) -> tuple[float, float]:
    """Single-sign shares of the weight-gradient rows of every layer after the first.

    Per sample, the row of unit ``j`` is ``delta[j] * h`` (``h``: the layer's input);
    per mini-batch it is the sum of those over ``batch`` samples, as autograd gives it.
    """
    xs = x.expand(nets.size, *x.shape)
    ys = y.expand(nets.size, *y.shape)
    out, pre = nets.forward_recording(xs)
    bce = nn.functional.binary_cross_entropy_with_logits
    torch.autograd.backward(bce(out.squeeze(-1), ys, reduction="sum"))
    per_sample = []
    batch_rows = []
    for k in range(1, len(pre)):
        h = forward(nets.activation, pre[k - 1]).detach()  # (models, samples, inputs)
        delta = pre[k].grad  # (models, samples, units)
        assert delta is not None
        per_sample.append(_same_sign(delta[..., :, None] * h[..., None, :]))
        n = (x.shape[0] // batch) * batch
        grouped_h = h[:, :n].reshape(nets.size, -1, batch, h.shape[-1])
        grouped_d = delta[:, :n].reshape(nets.size, -1, batch, delta.shape[-1])
        # sum over the samples of each mini-batch: (models, batches, units, inputs)
        batch_rows.append(_same_sign(torch.einsum("mbsu,mbsi->mbui", grouped_d, grouped_h)))
    nets.zero_grad()
    return float(np.mean(per_sample)), float(np.mean(batch_rows))


def run(
    *,
    widths: Sequence[int] = (2, 32, 32, 32, 1),
    learning_rate: float = 0.2,
    batch: int = 32,
    steps: int = 600,
    record_every: int = 20,
    seeds: Sequence[int] = (0, 1, 2),
    n_points: int = 512,
) -> ZeroCentredResult:
    """Measure single-sign gradient rows at initialisation, then train each variant.

    Data: two spirals (one turn, ``datasets.two_spirals``).
    For each seed every variant starts from the *same* weights (drawn with gain 1),
    sees the *same* mini-batches and uses the *same* optimiser (plain SGD,
    ``learning_rate``, binary cross-entropy); only the hidden activation differs.
    The loss on all points is recorded every ``record_every`` steps.

    Examples
    --------
    >>> r = run(widths=(2, 4, 1), steps=4, record_every=2, seeds=[0], n_points=16, batch=4)
    >>> r.same_sign_per_sample["sigmoid"]
    1.0
    >>> r.losses["tanh"].shape
    (1, 2)
    """
    x_np, y_np = two_spirals(n_points, turns=1.0, seed=0)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32)
    per_sample: dict[str, float] = {}
    per_batch: dict[str, float] = {}
    losses: dict[str, F64] = {}
    for variant in VARIANTS:
        with reproducible(0):
            nets = Ensemble(variant.module(), widths, seeds, std_gain=1.0)
            per_sample[variant.key], per_batch[variant.key] = _sign_fractions(nets, x, y, batch)
            optimiser = SGD(nets.parameters(), lr=learning_rate)
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
        losses[variant.key] = np.asarray(curve, dtype=np.float64).T
    return ZeroCentredResult(
        widths=tuple(widths),
        learning_rate=learning_rate,
        batch=batch,
        steps=np.arange(record_every, steps + 1, record_every, dtype=np.float64),
        seeds=tuple(seeds),
        same_sign_per_sample=per_sample,
        same_sign_batch=per_batch,
        losses=losses,
    )


def plot(result: ZeroCentredResult) -> Figure:
    """Left: single-sign gradient rows per variant. Right: mean loss curves with seed range.

    Examples
    --------
    >>> r = run(widths=(2, 4, 1), steps=4, record_every=2, seeds=[0], n_points=16, batch=4)
    >>> len(plot(r).axes)
    2
    """
    import matplotlib.pyplot as plt

    from ._plot_utils import extra_style, plot_mean_and_band, style

    styles = {
        "sigmoid": style("sigmoid"),
        "sigmoid_centred": extra_style(0, ""),
        "tanh_shifted": extra_style(1, ""),
        "tanh": style("tanh"),
    }
    fig, (bars, curves) = plt.subplots(
        2, 1, figsize=(6.4, 7.2), gridspec_kw={"height_ratios": [1, 1.3]}, layout="constrained"
    )
    positions = np.arange(len(VARIANTS))
    width = 0.38
    sample_values = [result.same_sign_per_sample[v.key] for v in VARIANTS]
    batch_values = [result.same_sign_batch[v.key] for v in VARIANTS]
    sample_bars = bars.bar(
        positions - width / 2, sample_values, width, color="#0072B2", label="one sample"
    )
    batch_bars = bars.bar(
        positions + width / 2,
        batch_values,
        width,
        color="white",
        edgecolor="#1a1a1a",
        hatch="///",
        label=f"batch of {result.batch}",
    )
    for group in (sample_bars, batch_bars):
        bars.bar_label(group, fmt="%.2f", padding=2, fontsize=9)
    bars.set_xticks(positions, [v.label.split(" (")[0] for v in VARIANTS])
    bars.set_ylim(0, 1.35)
    bars.set_yticks(np.linspace(0.0, 1.0, 6))
    bars.set_ylabel("fraction of gradient rows\nwith a single sign")
    bars.set_title("Gradient signs at initialisation")
    bars.legend(loc="upper center", ncols=2)
    for v in VARIANTS:
        s = dict(styles[v.key])
        s["label"] = v.label
        every = max(1, len(result.steps) // 8)
        plot_mean_and_band(
            curves, result.steps, result.losses[v.key], s, markevery=every, alpha=0.15
        )
    curves.set_xlabel("SGD step")
    curves.set_ylabel("training loss (all points)")
    curves.set_title(f"Same weights, data and SGD (lr {result.learning_rate:g})")
    top = max(float(v.max()) for v in result.losses.values())
    curves.set_ylim(top=top * 1.35)
    curves.legend(loc="upper center", ncols=2, fontsize=9)
    return fig
