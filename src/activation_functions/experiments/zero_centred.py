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

Since ``tanh(x) = 2 sigmoid(2x) - 1``, ``sigmoid(x) - 1/2 = tanh(x/2) / 2``: a
network of ``sigmoid - 1/2`` units *is* a tanh network whose weights are rescaled
(inputs halved, outputs halved). Two more variants show it: ``sigmoid - 1/2`` with
the weights of the equivalent tanh network, and with those weights and the
matching per-layer learning rates, which retraces tanh's training exactly.

Summing a gradient over a mini-batch mixes signs only when the layer's inputs
vary between examples: ``sum_s delta_s h_s`` is about ``mean(h) * sum_s delta_s``
when every ``h_s`` is close to ``mean(h)``. The sign measurement therefore also
records how much the inputs vary within a mini-batch, and repeats it for a
sigmoid layer with large weights (inputs that vary a lot) as a contrast.
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
    """One hidden activation of the experiment.

    ``base`` is "sigmoid" or "tanh", ``shift`` is added to its output, ``first_gain``
    multiplies the first layer's initial weights (all layers start with standard
    deviation ``1 / sqrt(fan_in)``).
    ``matched`` is "" (the shared initial weights), "weights" (``sigmoid - 1/2``
    with the weights of the equivalent tanh network: see :data:`MATCHED_SCALES`) or
    "weights+lr" (those weights and the learning rates that make SGD take the same
    steps as tanh's).
    """

    key: str
    label: str
    base: str
    shift: float
    first_gain: float = 1.0
    matched: str = ""

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

#: ``sigmoid - 1/2`` rescaled into the tanh network it is equivalent to.
MATCHED = (
    Variant("centred_weights", "Sigmoid − ½, tanh's weights", "sigmoid", -0.5, matched="weights"),
    Variant(
        "centred_matched",
        "Sigmoid − ½, tanh's weights and steps",
        "sigmoid",
        -0.5,
        matched="weights+lr",
    ),
)

#: First-layer weight factors for the contrast: the larger, the more the sigmoid outputs
#: that feed the second layer vary between examples.
SPREAD_GAINS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)

#: (non-centred, centred) keys of the two matched pairs.
PAIRS = (("sigmoid", "sigmoid_centred"), ("tanh_shifted", "tanh"))


def matched_scales(layers: int) -> tuple[list[float], list[float]]:
    """Factors (weights, biases) that turn a tanh network into its ``sigmoid - 1/2`` twin.

    ``sigmoid(z) - 1/2 = tanh(z/2) / 2``: the twin's pre-activations are twice
    tanh's and its outputs half of them. So the first layer's weights and biases
    are doubled, a middle layer's weights multiplied by 4 (its inputs are halved
    and its outputs must be doubled) and biases by 2, the output layer's weights
    doubled and its bias kept. A parameter ``c`` times larger needs a learning rate
    ``c**2`` times larger for SGD to take the same steps.

    Examples
    --------
    >>> matched_scales(3)
    ([2.0, 4.0, 2.0], [2.0, 2.0, 1.0])
    """
    weights = [2.0] + [4.0] * (layers - 2) + [2.0]
    biases = [2.0] * (layers - 1) + [1.0]
    return weights, biases


@dataclass(frozen=True)
class SignStats:
    """Single-sign shares of weight-gradient rows, and how much the rows' inputs vary."""

    #: Share of rows (unit, example) whose entries all have one sign.
    per_example: float
    #: Share of rows summed over a mini-batch whose entries all have one sign.
    per_batch: float
    #: Mean of the inputs ``h`` of the measured layers.
    input_mean: float
    #: Spread of each input within a mini-batch: its standard deviation over the
    #: batch's examples divided by its mean over them, averaged over inputs and batches.
    input_spread: float
    #: How far the summed row is from ``mean(h) * sum(delta)``: the norm of the
    #: difference over the norm of the row, median over rows.
    off_mean: float


@dataclass(frozen=True)
class ZeroCentredResult:
    """Single-sign gradient shares and training curves of the variants."""

    widths: tuple[int, ...]
    learning_rate: float
    batch: int
    steps: F64
    seeds: tuple[int, ...]
    #: Sign statistics at initialisation, for the four variants.
    signs: dict[str, SignStats]
    #: The sigmoid's sign statistics with the first layer's weights multiplied by each gain.
    spread_sweep: dict[float, SignStats]
    #: Full-data loss after each entry of ``steps``, shape ``(seeds, len(steps))``.
    losses: dict[str, F64]

    def mean_loss(self, key: str) -> F64:
        """Per-seed average of the loss over the whole run (area under the curve)."""
        return np.asarray(self.losses[key].mean(axis=1), dtype=np.float64)

    def run_loss(self, key: str) -> float:
        """Average loss over the run and the seeds."""
        return float(self.mean_loss(key).mean())

    def max_curve_gap(self, a: str, b: str) -> float:
        """Largest absolute difference between two variants' loss curves (any seed, any step)."""
        return float(np.max(np.abs(self.losses[a] - self.losses[b])))

    def centring_wins(self, pair: tuple[str, str]) -> int:
        """Seeds where the zero-centred member of ``pair`` has the lower average loss."""
        shifted, centred = pair
        return int(np.sum(self.mean_loss(centred) < self.mean_loss(shifted)))

    def centring_gain(self, pair: tuple[str, str]) -> float:
        """Relative reduction of the average loss by centring, averaged over seeds."""
        shifted, centred = pair
        return float(np.mean(1.0 - self.mean_loss(centred) / self.mean_loss(shifted)))


def _same_sign(rows: torch.Tensor) -> torch.Tensor:
    """Per row (last axis): True when its entries are all > 0 or all < 0."""
    return (rows > 0).all(dim=-1) | (rows < 0).all(dim=-1)


def _sign_stats(
    nets: Ensemble, x: torch.Tensor, y: torch.Tensor, batch: int, order: torch.Generator
) -> SignStats:
    """Sign statistics of the weight-gradient rows of the second layer.

    The second layer is the first whose inputs ``h`` are outputs of the activation.

    Per example, the row of unit ``j`` is ``delta[j] * h`` (``h``: the layer's input);
    per mini-batch it is the sum of those over ``batch`` examples drawn at random
    (one random partition of the data), as autograd gives it for a mini-batch.
    """
    xs = x.expand(nets.size, *x.shape)
    ys = y.expand(nets.size, *y.shape)
    out, pre = nets.forward_recording(xs)
    bce = nn.functional.binary_cross_entropy_with_logits
    torch.autograd.backward(bce(out.squeeze(-1), ys, reduction="sum"))
    n = (x.shape[0] // batch) * batch
    perm = torch.randperm(x.shape[0], generator=order)[:n]
    h = forward(nets.activation, pre[0]).detach().double()  # (models, examples, inputs)
    delta = pre[1].grad  # (models, examples, units)
    assert delta is not None
    delta = delta.double()
    nets.zero_grad()
    per_example = _same_sign(delta[..., :, None] * h[..., None, :]).double().mean()
    gh = h[:, perm].reshape(nets.size, -1, batch, h.shape[-1])  # (models, batches, ex, in)
    gd = delta[:, perm].reshape(nets.size, -1, batch, delta.shape[-1])
    rows = torch.einsum("mbsu,mbsi->mbui", gd, gh)  # summed over each mini-batch
    flat = gh.mean(dim=2)[:, :, None, :] * gd.sum(dim=2)[..., None]  # mean(h) * sum(delta)
    return SignStats(
        per_example=float(per_example),
        per_batch=float(_same_sign(rows).double().mean()),
        input_mean=float(h.mean()),
        input_spread=float((gh.std(dim=2) / gh.mean(dim=2).abs()).mean()),
        off_mean=float(((rows - flat).norm(dim=-1) / rows.norm(dim=-1)).median()),
    )


def _nets(variant: Variant, widths: Sequence[int], seeds: Sequence[int]) -> Ensemble:
    nets = Ensemble(variant.module(), widths, seeds, std_gain=1.0)
    with torch.no_grad():
        nets.weights[0].mul_(variant.first_gain)
    if variant.matched:
        weight_scales, bias_scales = matched_scales(len(widths) - 1)
        with torch.no_grad():
            for w, b, cw, cb in zip(
                nets.weights, nets.biases, weight_scales, bias_scales, strict=True
            ):
                w.mul_(cw)
                b.mul_(cb)
    return nets


def _lr_scales(variant: Variant, nets: Ensemble) -> list[float] | None:
    """Per-parameter learning-rate factors, in the order of ``nets.parameters()``."""
    if variant.matched != "weights+lr":
        return None
    weight_scales, bias_scales = matched_scales(len(nets.weights))
    return [c * c for c in weight_scales] + [c * c for c in bias_scales]


def run(
    *,
    widths: Sequence[int] = (2, 32, 32, 32, 1),
    learning_rate: float = 0.5,
    batch: int = 32,
    steps: int = 300,
    record_every: int = 20,
    seeds: Sequence[int] = (0, 1, 2),
    n_points: int = 512,
) -> ZeroCentredResult:
    """Measure single-sign gradient rows at initialisation, then train each variant.

    Data: the site's two spirals (``datasets.two_spirals``, 1.5 turns, seed 0).
    For each seed every variant starts from the *same* weights (drawn with gain 1;
    the matched variants rescale them), sees the *same* mini-batches and uses the
    *same* optimiser (plain SGD, ``learning_rate``, binary cross-entropy); only the
    hidden activation differs. The loss on all points is recorded every
    ``record_every`` steps.

    Examples
    --------
    >>> r = run(widths=(2, 4, 4, 1), steps=4, record_every=2, seeds=[0], n_points=16, batch=4)
    >>> r.signs["sigmoid"].per_example
    1.0
    >>> r.losses["tanh"].shape
    (1, 2)
    """
    x_np, y_np = two_spirals(n_points, seed=0)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32)
    signs: dict[str, SignStats] = {}
    losses: dict[str, F64] = {}
    sweep: dict[float, SignStats] = {}
    for g in SPREAD_GAINS:
        with reproducible(0):
            nets = _nets(Variant("sigmoid", "", "sigmoid", 0.0, first_gain=g), widths, seeds)
            sweep[g] = _sign_stats(nets, x, y, batch, torch.Generator().manual_seed(1))
    for variant in (*VARIANTS, *MATCHED):
        with reproducible(0):
            nets = _nets(variant, widths, seeds)
            if not variant.matched:
                partition = torch.Generator().manual_seed(1)
                signs[variant.key] = _sign_stats(nets, x, y, batch, partition)
            optimiser = SGD(
                nets.parameters(), lr=learning_rate, lr_scales=_lr_scales(variant, nets)
            )
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
        signs=signs,
        spread_sweep=sweep,
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
        "centred_weights": extra_style(2, ""),
        # retraces tanh exactly: drawn as markers only, so the tanh line stays visible
        "centred_matched": {**extra_style(3, ""), "linestyle": "none"},
    }
    fig, (bars, curves) = plt.subplots(
        2, 1, figsize=(6.4, 7.8), gridspec_kw={"height_ratios": [1, 1.3]}, layout="constrained"
    )
    positions = np.arange(len(VARIANTS))
    width = 0.38
    sample_values = [result.signs[v.key].per_example for v in VARIANTS]
    batch_values = [result.signs[v.key].per_batch for v in VARIANTS]
    sample_bars = bars.bar(
        positions - width / 2, sample_values, width, color="#0072B2", label="one example"
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
    for v in (*VARIANTS, *MATCHED):
        if v.key not in result.losses:
            continue
        s = dict(styles[v.key])
        s["label"] = v.label
        every = max(1, len(result.steps) // 8)
        plot_mean_and_band(
            curves, result.steps, result.losses[v.key], s, markevery=every, alpha=0.1
        )
    curves.set_xlabel("SGD step")
    curves.set_ylabel("training loss (all points)")
    curves.set_title(f"Same weights, data and SGD (lr {result.learning_rate:g})")
    top = max(float(v.max()) for v in result.losses.values())
    curves.set_ylim(top=top * 1.35)
    curves.legend(loc="upper center", ncols=2, fontsize=8)
    return fig
