"""Experiment 4: what an activation costs to evaluate (the only non-reproducible numbers).

The article says the exponential in sigmoid and tanh is slow. This module times
the article's own NumPy formulas, NumPy's built-ins, this package and PyTorch on
the same large array, and - for scale - the matrix product of a linear layer
that produces as many values. Each time is the median of several repeats
(taken round-robin over the implementations),
reported per element and relative to ``np.maximum(x, 0)`` (ReLU in NumPy).
Timings depend on the machine; ``machine`` records where they were taken.
They are CPU times of this process, so other programs running at the same time
inflate them less than they would inflate wall-clock times. Calls well under a
millisecond still vary between runs (PyTorch's by a factor of several): a fresh
4 MB result may or may not need new pages from the operating system, depending
on the memory allocator's history in the process.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..functions import leaky_relu, relu, sigmoid, tanh

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Timing:
    """One timed implementation."""

    group: str
    activation: str
    code: str
    label: str
    size: int
    median_seconds: float

    @property
    def ns_per_element(self) -> float:
        """Median time divided by the number of elements, in nanoseconds."""
        return self.median_seconds / self.size * 1e9


@dataclass(frozen=True)
class CostResult:
    """All timings, the baseline's key and a description of the machine."""

    timings: tuple[Timing, ...]
    baseline: str
    size: int
    small_size: int
    repeats: int
    machine: dict[str, str]

    def get(self, code: str) -> Timing:
        """The timing whose ``code`` is ``code``."""
        for t in self.timings:
            if t.code == code:
                return t
        raise KeyError(code)

    def relative(self, code: str) -> float:
        """Time per element of ``code`` divided by the baseline's (NumPy ReLU)."""
        return self.get(code).ns_per_element / self.get(self.baseline).ns_per_element


def machine() -> dict[str, str]:
    """CPU, core count and library versions, for the record next to the timings.

    Examples
    --------
    >>> sorted(machine())
    ['cpu', 'cpus', 'numpy', 'python', 'system', 'torch', 'torch threads']
    """
    import torch

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cpus": str(os.cpu_count()),
        "system": f"{platform.system()} {platform.machine()}",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "torch": torch.__version__,
        "torch threads": str(torch.get_num_threads()),
    }


def _interleaved_medians(funcs: list[Callable[[], Any]], repeats: int) -> list[float]:
    """Median CPU time of one call of each function, the repeats taken round-robin.

    The clock is this process's CPU time (``time.process_time``), not wall time:
    while other programs share the CPU (the other pages of a parallel site build,
    say), this process's waiting is not counted. Everything timed runs on one
    thread, so without contention CPU time and wall time agree. Each round times
    every function once, so a burst of cache or memory traffic from elsewhere
    affects all of them alike; the median over rounds ignores such bursts.
    """
    for func in funcs:
        func()  # warm-up: allocation, caches, lazy initialisation
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeats):
        for i, func in enumerate(funcs):
            start = time.process_time()
            func()
            times[i].append(time.process_time() - start)
    return [float(np.median(t)) for t in times]


def run(*, size: int = 1_000_000, small_size: int = 10_000, repeats: int = 7) -> CostResult:
    """Time every implementation; torch runs single-threaded, like the rest of the site.

    ``x`` is ``size`` float64 values uniform in [-10, 10] (the article's range);
    the article's list-comprehension ReLU and LeakyReLU run on the first
    ``small_size`` of them (a Python loop over a million values would take
    about a second). PyTorch runs in float32, the dtype networks train in. The
    linear layer multiplies a ``(n, n)`` float32 batch by an ``(n, n)`` weight
    matrix with ``n * n`` about ``size``: one layer of ``n`` units producing as
    many values as the activation processes.

    Examples
    --------
    >>> r = run(size=4096, small_size=64, repeats=2)
    >>> r.relative("np.maximum(x, 0)")
    1.0
    """
    import torch

    from ._torch_utils import reproducible

    rng = np.random.default_rng(0)
    x = rng.uniform(-10.0, 10.0, size)
    xs = x[:small_size].copy()
    n = round(float(np.sqrt(size)))
    with reproducible(0):
        t = torch.from_numpy(x.astype(np.float32))
        a = torch.randn(n, n)
        w = torch.randn(n, n)
        info = machine()
        f = torch.nn.functional
        article = "NumPy (article)"
        package = "this package"
        pt = "PyTorch float32"
        # (group, activation, code, short label, element count, function)
        cases: list[tuple[str, str, str, str, int, Callable[[], Any]]] = [
            (
                article,
                "sigmoid",
                "1/(1+np.exp(-x))",
                "article's sigmoid",
                size,
                lambda: 1 / (1 + np.exp(-x)),
            ),
            (
                article,
                "tanh",
                "(np.exp(x)-np.exp(-x))/(np.exp(x)+np.exp(-x))",
                "article's tanh (4 exps)",
                size,
                lambda: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),
            ),
            (
                article,
                "relu",
                "np.array([0*item if item<0 else item for item in x])",
                "article's ReLU (list)",
                small_size,
                lambda: np.array([0 * item if item < 0 else item for item in xs]),
            ),
            (
                article,
                "leaky_relu",
                "np.array([0.2*item if item<0 else item for item in x])",
                "article's LeakyReLU (list)",
                small_size,
                lambda: np.array([0.2 * item if item < 0 else item for item in xs]),
            ),
            ("NumPy", "tanh", "np.tanh(x)", "np.tanh", size, lambda: np.tanh(x)),
            (
                "NumPy",
                "relu",
                "np.maximum(x, 0)",
                "np.maximum (ReLU)",
                size,
                lambda: np.maximum(x, 0),
            ),
            (package, "sigmoid", "af.sigmoid(x)", "af.sigmoid", size, lambda: sigmoid(x)),
            (package, "tanh", "af.tanh(x)", "af.tanh", size, lambda: tanh(x)),
            (package, "relu", "af.relu(x)", "af.relu", size, lambda: relu(x)),
            (
                package,
                "leaky_relu",
                "af.leaky_relu(x)",
                "af.leaky_relu",
                size,
                lambda: leaky_relu(x),
            ),
            (pt, "sigmoid", "torch.sigmoid(t)", "torch.sigmoid", size, lambda: torch.sigmoid(t)),
            (pt, "tanh", "torch.tanh(t)", "torch.tanh", size, lambda: torch.tanh(t)),
            (pt, "relu", "torch.relu(t)", "torch.relu", size, lambda: torch.relu(t)),
            (pt, "leaky_relu", "F.leaky_relu(t)", "F.leaky_relu", size, lambda: f.leaky_relu(t)),
            (
                pt,
                "linear",
                f"a @ w ({n}×{n} by {n}×{n})",
                f"linear layer, {n} units",
                n * n,
                lambda: a @ w,
            ),
        ]
        medians = _interleaved_medians([case[-1] for case in cases], repeats)
        timings = tuple(
            Timing(group, act, code, label, count, median)
            for (group, act, code, label, count, _), median in zip(cases, medians, strict=True)
        )
    return CostResult(
        timings=timings,
        baseline="np.maximum(x, 0)",
        size=size,
        small_size=small_size,
        repeats=repeats,
        machine=info,
    )


def plot(result: CostResult) -> Figure:
    """Horizontal bars: time per element relative to NumPy's ReLU, log scale.

    Examples
    --------
    >>> fig = plot(run(size=4096, small_size=64, repeats=2))
    >>> fig.axes[0].get_xscale()
    'log'
    """
    import matplotlib.pyplot as plt

    from ..plotting import INK
    from ._plot_utils import HATCHES, style

    fig, ax = plt.subplots(figsize=(6.4, 5.6), layout="constrained")
    names = ["sigmoid", "tanh", "relu", "leaky_relu"]
    labels = []
    values = []
    colours = []
    hatches = []
    for t in reversed(result.timings):
        labels.append(t.label + ("*" if t.size != result.size else ""))
        values.append(result.relative(t.code))
        if t.activation in names:
            colours.append(style(t.activation)["color"])
            hatches.append(HATCHES[names.index(t.activation)])
        else:
            colours.append("#bbbbbb")
            hatches.append("++")  # not LeakyReLU's "xx"
    positions = np.arange(len(values))
    bars = ax.barh(positions, values, color=colours, hatch=hatches, edgecolor=INK, linewidth=0.6)
    ax.bar_label(bars, labels=[f"{v:.3g}×" for v in values], padding=3, fontsize=9)
    ax.set_yticks(positions, labels, fontsize=9)
    ax.set_xscale("log")
    ax.set_xlim(min(values) / 2, max(values) * 8)
    ax.axvline(1.0, color=INK, linewidth=1)
    ax.set_xlabel("time per element, relative to np.maximum(x, 0)")
    group_ends = [
        i
        for i in range(1, len(result.timings))
        if result.timings[i].group != result.timings[i - 1].group
    ]
    for end in group_ends:
        ax.axhline(len(result.timings) - end - 0.5, color="#888888", linewidth=0.8)
    ax.set_title("Cost per value (median CPU time; machine-dependent)")
    ax.grid(axis="y", visible=False)
    return fig
