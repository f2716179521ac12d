"""PyTorch plumbing shared by the experiments: reproducibility, layers and networks.

Only the experiment modules import this one, so ``import activation_functions``
never imports torch.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from ..activation import Activation


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread; restore the previous count on exit.

    With one thread, floating-point reductions run in the same order on every run.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@contextmanager
def reproducible(seed: int) -> Iterator[None]:
    """Seed torch's generator and use one thread; restore both on exit.

    One thread makes floating-point reductions run in the same order on every
    run, so two runs give bit-identical numbers. ``torch.use_deterministic_algorithms``
    is deliberately not called: every CPU operation used here is already
    deterministic, and in torch 2.13 that call imports the inductor compiler,
    which costs a second or more per notebook kernel.

    Examples
    --------
    >>> with reproducible(0):
    ...     a = torch.randn(2)
    >>> with reproducible(0):
    ...     b = torch.randn(2)
    >>> bool(torch.equal(a, b))
    True
    """
    rng_state = torch.get_rng_state()
    # The CPU generator only: torch.manual_seed also queues seeds for CUDA and other
    # devices, recording a Python stack trace each time (a tenth of a millisecond,
    # paid hundreds of times per page).
    torch.default_generator.manual_seed(seed)
    try:
        with one_thread():
            yield
    finally:
        torch.set_rng_state(rng_state)


def activation_module(activation: Activation[Any], **parameters: float | str) -> nn.Module:
    """The PyTorch layer named by ``activation.torch_module``, with the record's defaults.

    ``parameters`` override the defaults (``negative_slope=0.2``).

    Examples
    --------
    >>> import activation_functions as af
    >>> activation_module(af.leaky_relu)
    LeakyReLU(negative_slope=0.01)
    """
    prefix = "torch.nn."
    if not activation.torch_module.startswith(prefix):
        raise ValueError(f"not a torch.nn layer: {activation.torch_module!r}")
    layer_type = getattr(nn, activation.torch_module.removeprefix(prefix))
    module = layer_type(**{**activation.parameters, **parameters})
    if not isinstance(module, nn.Module):
        raise TypeError(f"{activation.torch_module} is not a torch.nn.Module")
    return module


def mlp(
    activation: Activation[Any] | nn.Module,
    widths: Sequence[int],
    *,
    std_multiplier: float = 1.0,
    batchnorm: bool = False,
    std_gain: float | None = None,
) -> nn.Sequential:
    """A fully connected network ``widths[0] -> ... -> widths[-1]``, initialised explicitly.

    Every hidden layer is ``Linear`` (then ``BatchNorm1d`` when asked) then the
    activation; the last layer is linear. Weights are drawn from
    N(0, (std_multiplier * gain / sqrt(fan_in))^2), with the record's
    :attr:`~activation_functions.Activation.init_gain` unless ``std_gain`` is given; biases start at 0. The draw
    uses torch's global generator, so call it inside ``reproducible``.

    Examples
    --------
    >>> import activation_functions as af
    >>> with reproducible(0):
    ...     net = mlp(af.relu, [3, 4, 1])
    >>> net
    Sequential(
      (0): Linear(in_features=3, out_features=4, bias=True)
      (1): ReLU()
      (2): Linear(in_features=4, out_features=1, bias=True)
    )
    """
    if len(widths) < 2:
        raise ValueError("mlp() needs at least an input and an output width")
    if isinstance(activation, nn.Module):
        shared: nn.Module = activation  # parameter-free, so one instance can be reused
        base_gain = 1.0 if std_gain is None else std_gain
    else:
        shared = activation_module(activation)
        base_gain = activation.init_gain if std_gain is None else std_gain
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(widths)):
        linear = nn.Linear(fan_in, fan_out)
        with torch.no_grad():
            linear.weight.normal_(0.0, std_multiplier * base_gain / math.sqrt(fan_in))
            linear.bias.zero_()
        layers.append(linear)
        if i < len(widths) - 2:
            if batchnorm:
                layers.append(nn.BatchNorm1d(fan_out))
            layers.append(shared)
    return nn.Sequential(*layers)


def linear_layers(model: nn.Module) -> list[nn.Linear]:
    """The ``Linear`` layers of ``model``, input first.

    Examples
    --------
    >>> import activation_functions as af
    >>> len(linear_layers(mlp(af.tanh, [2, 3, 3, 1])))
    3
    """
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def forward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``model(x)`` with a checked return type (``Module.__call__`` returns ``Any``)."""
    out = model(x)
    if not isinstance(out, torch.Tensor):
        raise TypeError("the model did not return a tensor")
    return out


def forward_recording(
    model: nn.Sequential, x: torch.Tensor
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Run ``model`` on ``x`` and also return the output of every ``Linear`` layer.

    Those pre-activations keep their gradient after ``backward()`` (``retain_grad``),
    which is the signal backpropagation carries from layer to layer.
    """
    pre_activations = []
    out = x
    for layer in model:
        out = layer(out)
        if isinstance(layer, nn.Linear):
            if out.requires_grad:
                out.retain_grad()
            pre_activations.append(out)
    return out, pre_activations


def rms_row_norms(t: torch.Tensor) -> torch.Tensor:
    """Root mean square over the rows (samples) of the rows' Euclidean norms, in float64.

    Over the last two axes: ``(..., samples, features)`` gives ``(...)``.
    """
    return t.detach().double().pow(2).sum(dim=-1).mean(dim=-1).sqrt()


def rms_row_norm(t: torch.Tensor) -> float:
    """:func:`rms_row_norms` of one ``(samples, features)`` matrix."""
    return float(rms_row_norms(t))


class Ensemble(nn.Module):
    """Several independent MLPs of the same shape, evaluated together.

    Model ``m`` has the weights that ``mlp`` draws inside ``reproducible(seeds[m])``,
    so an ensemble member is exactly the network a one-model experiment would
    build. Inputs have shape ``(models, batch, features)`` and every layer is one
    batched matrix product (``torch.baddbmm``), which costs about as much Python
    overhead as a single small network: training five seeds together is close to
    five times faster than one after another. Summing the members' losses keeps
    their gradients separate, since no parameter is shared.

    Examples
    --------
    >>> import activation_functions as af
    >>> ens = Ensemble(af.tanh, [2, 3, 1], seeds=[0, 1])
    >>> x = torch.randn(5, 2)
    >>> with reproducible(1):
    ...     single = mlp(af.tanh, [2, 3, 1])
    >>> bool(torch.allclose(ens(x.expand(2, 5, 2))[1], single(x)))
    True
    """

    def __init__(
        self,
        activation: Activation[Any] | nn.Module,
        widths: Sequence[int],
        seeds: Sequence[int],
        *,
        std_gain: float | None = None,
    ) -> None:
        super().__init__()
        models = []
        for seed in seeds:
            with reproducible(seed):
                models.append(mlp(activation, widths, std_gain=std_gain))
        layers = [linear_layers(m) for m in models]
        self.weights = nn.ParameterList(
            nn.Parameter(torch.stack([m[i].weight.detach() for m in layers]))
            for i in range(len(widths) - 1)
        )
        self.biases = nn.ParameterList(
            nn.Parameter(torch.stack([m[i].bias.detach() for m in layers])[:, None, :])
            for i in range(len(widths) - 1)
        )
        self.activation = (
            activation if isinstance(activation, nn.Module) else activation_module(activation)
        )
        self.size = len(seeds)

    def forward_recording(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Output ``(models, batch, out)`` and every layer's pre-activations (gradients kept)."""
        pre = []
        h = x
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = torch.baddbmm(b, h, w.transpose(1, 2))
            if z.requires_grad:
                z.retain_grad()
            pre.append(z)
            h = z if i == len(self.weights) - 1 else forward(self.activation, z)
        return h, pre

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Output of every member: ``(models, batch, out)``."""
        return self.forward_recording(x)[0]

    def member_finite(self) -> torch.Tensor:
        """Boolean per member: all its parameters are finite."""
        ok = torch.ones(self.size, dtype=torch.bool)
        for p in self.parameters():
            ok &= torch.isfinite(p.detach()).reshape(self.size, -1).all(dim=1)
        return ok


def binary_losses(model: Ensemble, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy (with logits) of each member on ``(models, batch, ...)`` data."""
    logits = forward(model, x).squeeze(-1)
    per_sample = nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none")
    return per_sample.mean(dim=1)


def full_data_losses(model: Ensemble, x: torch.Tensor, y: torch.Tensor) -> list[float]:
    """Each member's loss on all of ``x`` (shape ``(n, features)``), without gradients."""
    with torch.no_grad():
        losses = binary_losses(
            model, x.expand(model.size, *x.shape), y.expand(model.size, *y.shape)
        )
    return [float(v) for v in losses]


def sample_batches(n: int, models: int, batch: int, generator: torch.Generator) -> torch.Tensor:
    """Indices ``(models, batch)`` drawn with replacement: one mini-batch per member."""
    return torch.randint(0, n, (models, batch), generator=generator)


class SGD:
    """Stochastic gradient descent with optional momentum, computed as ``torch.optim.SGD`` does.

    ``buffer = momentum * buffer + grad`` (``buffer = grad`` on the first step), then
    ``param -= lr * buffer``; no dampening, weight decay or Nesterov. Written out
    here because creating a ``torch.optim`` optimiser imports the torch compiler
    stack, seconds of start-up per notebook kernel. ``lr`` may be a tensor of one
    learning rate per ``Ensemble`` member (``(models,)``), broadcast over
    each parameter's leading axis. ``lr_scales`` (one factor per parameter)
    multiplies the learning rate of each parameter.

    Examples
    --------
    >>> p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    >>> opt = SGD([p], lr=0.5, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (p * p).sum().backward()
    ...     opt.step()
    >>> p.detach()
    tensor([-0.9000, -1.8000])
    """

    def __init__(
        self,
        params: Iterable[nn.Parameter],
        lr: float | torch.Tensor,
        momentum: float = 0.0,
        lr_scales: Sequence[float] | None = None,
    ) -> None:
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.lr_scales = [1.0] * len(self.params) if lr_scales is None else list(lr_scales)
        if len(self.lr_scales) != len(self.params):
            raise ValueError(
                f"lr_scales has {len(self.lr_scales)} factors for {len(self.params)} parameters"
            )
        self.buffers: list[torch.Tensor | None] = [None] * len(self.params)

    def zero_grad(self) -> None:
        """Forget the gradients of the previous step."""
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """Update every parameter that has a gradient."""
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            update = p.grad
            if self.momentum:
                buffer = self.buffers[i]
                if buffer is None:
                    buffer = update.clone()
                else:
                    buffer.mul_(self.momentum).add_(update)
                self.buffers[i] = buffer
                update = buffer
            lr = self.lr
            if isinstance(lr, torch.Tensor):
                lr = lr.view(-1, *([1] * (p.dim() - 1)))
            p.sub_(lr * self.lr_scales[i] * update)


def train(
    nets: Ensemble,
    optimiser: SGD,
    data: tuple[torch.Tensor, torch.Tensor],
    *,
    batch: int,
    steps: int,
    generator: torch.Generator,
    record_every: int = 0,
) -> list[list[float]]:
    """Mini-batch training of every member at once; the experiments' one training loop.

    Each step draws one mini-batch per member (``sample_batches`` with ``generator``),
    back-propagates the sum of the members' mean losses (so each member gets its own
    gradient) and lets ``optimiser`` update. With ``record_every`` > 0, each member's
    loss on all of ``data`` is recorded after every ``record_every`` steps.

    Returns the records, one list of ``nets.size`` losses per record.

    Examples
    --------
    >>> import activation_functions as af
    >>> nets = Ensemble(af.relu, (2, 4, 1), seeds=[0, 1])
    >>> x, y = torch.randn(16, 2), (torch.arange(16) % 2).float()
    >>> order = torch.Generator().manual_seed(0)
    >>> opt = SGD(nets.parameters(), lr=0.1)
    >>> records = train(nets, opt, (x, y), batch=4, steps=6, generator=order, record_every=3)
    >>> [len(r) for r in records]
    [2, 2]
    """
    x, y = data
    records = []
    for step in range(1, steps + 1):
        idx = sample_batches(x.shape[0], nets.size, batch, generator)
        optimiser.zero_grad()
        torch.autograd.backward(binary_losses(nets, x[idx], y[idx]).sum())
        optimiser.step()
        if record_every and step % record_every == 0:
            records.append(full_data_losses(nets, x, y))
    return records
