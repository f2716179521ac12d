"""Experiment 4: what an activation costs to evaluate (the only non-reproducible numbers).

The article says the exponential in sigmoid and tanh is slow. This module times,
for every activation of the registry, the article's own NumPy formula (where the
article has one), the NumPy one-liner most readers would write (where there is
one), this package and PyTorch, on the same large array in float32 (the dtype
networks train in) and in float64, and - for scale - the matrix product of a
linear layer that produces as many values. Each time is the median of several
repeats (taken round-robin over the implementations), reported per element and
relative to ``np.maximum(x, 0)`` in float32 (ReLU in NumPy).
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
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import article
from ..activation import Activation
from ..functions import ACTIVATIONS

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
    dtype: str
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

    def get(self, code: str, dtype: str = "float32") -> Timing:
        """The timing of ``code`` in ``dtype``."""
        for t in self.timings:
            if t.code == code and t.dtype == dtype:
                return t
        raise KeyError(f"{code} [{dtype}]")

    def of(self, group: str, activation: str, dtype: str = "float32") -> Timing:
        """The timing of ``activation`` in ``group`` ("PyTorch", "NumPy", ...) and ``dtype``."""
        for t in self.timings:
            if (t.group, t.activation, t.dtype) == (group, activation, dtype):
                return t
        raise KeyError(f"{activation} in {group} [{dtype}]")

    def codes(self) -> list[str]:
        """Every timed ``code`` once, in the order timed."""
        return list(dict.fromkeys(t.code for t in self.timings))

    def relative(self, code: str, dtype: str = "float32") -> float:
        """Time per element of ``code`` in ``dtype`` over the baseline's (NumPy ReLU, float32)."""
        return self.get(code, dtype).ns_per_element / self.get(self.baseline).ns_per_element


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


#: The NumPy one-liner most readers would write, per activation (none for the sigmoid:
#: NumPy has no sigmoid, and its one-liner is the article's formula).
NUMPY_FORMS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "tanh": ("np.tanh(x)", np.tanh),
    "relu": ("np.maximum(x, 0)", lambda x: np.maximum(x, 0)),
    "leaky_relu": ("np.where(x > 0, x, 0.01 * x)", lambda x: np.where(x > 0, x, 0.01 * x)),
}

#: The article's code, as written, per activation (``activation_functions.article``).
ARTICLE_CODE = {
    "sigmoid": "1/(1+np.exp(-x))",
    "tanh": "(np.exp(x)-np.exp(-x))/(np.exp(x)+np.exp(-x))",
    "relu": "np.array([0*item if item<0 else item for item in x])",
    "leaky_relu": "np.array([0.2*item if item<0 else item for item in x])",
}

#: The article's ReLU and LeakyReLU loop in Python: timed on ``small_size`` values only.
LOOPED = ("relu", "leaky_relu")


def run(
    activations: tuple[Activation[Any], ...] = ACTIVATIONS,
    *,
    size: int = 1_000_000,
    small_size: int = 10_000,
    repeats: int = 7,
) -> CostResult:
    """Time every implementation in float32 and float64; torch runs single-threaded.

    ``x`` is ``size`` values uniform in [-10, 10] (the article's range); the
    article's list-comprehension ReLU and LeakyReLU run on the first
    ``small_size`` of them (a Python loop over a million values would take
    about a second). The linear layer multiplies an ``(n, n)`` batch by an
    ``(n, n)`` weight matrix with ``n * n`` about ``size``: one layer of ``n``
    units producing as many values as the activation processes.

    Examples
    --------
    >>> r = run(size=4096, small_size=64, repeats=2)
    >>> r.relative("np.maximum(x, 0)")
    1.0
    >>> r.get("af.relu(x)", "float64").size
    4096
    """
    import torch

    from ._torch_utils import activation_module, reproducible

    rng = np.random.default_rng(0)
    x64 = rng.uniform(-10.0, 10.0, size)
    xs = {"float32": x64.astype(np.float32), "float64": x64}
    n = round(float(np.sqrt(size)))
    with reproducible(0):
        ts = {"float32": torch.from_numpy(xs["float32"]), "float64": torch.from_numpy(x64)}
        a64, w64 = torch.randn(n, n, dtype=torch.float64), torch.randn(n, n, dtype=torch.float64)
        mats = {"float32": (a64.float(), w64.float()), "float64": (a64, w64)}
        info = machine()
        # (group, activation, code, label, element count, {dtype: function})
        cases: list[tuple[str, str, str, str, int, dict[str, Callable[[], Any]]]] = []

        def add(
            group: str, name: str, code: str, label: str, *, count: int, inputs: Any, func: Any
        ) -> None:
            """One case, timed in both dtypes: ``func(inputs[dtype][:count])``."""
            by_dtype: dict[str, Callable[[], Any]] = {
                d: partial(func, inputs[d] if count == size else inputs[d][:count].copy())
                for d in xs
            }
            cases.append((group, name, code, label, count, by_dtype))

        for act in activations:
            formula = getattr(article, act.name, None)
            if act.name in ARTICLE_CODE and formula is not None:
                looped = act.name in LOOPED
                count = small_size if looped else size
                add(
                    "NumPy (article)",
                    act.name,
                    ARTICLE_CODE[act.name],
                    f"article's {act.display_name}" + (" (list)" if looped else ""),
                    count=count,
                    inputs=xs,
                    func=formula,
                )
        for act in activations:
            if act.name in NUMPY_FORMS:
                code, func = NUMPY_FORMS[act.name]
                add(
                    "NumPy",
                    act.name,
                    code,
                    code.split("(")[0] + f" ({act.display_name})",
                    count=size,
                    inputs=xs,
                    func=func,
                )
        for act in activations:
            add(
                "this package",
                act.name,
                f"af.{act.name}(x)",
                f"af.{act.name}",
                count=size,
                inputs=xs,
                func=act,
            )
        for act in activations:
            module = activation_module(act)
            add(
                "PyTorch",
                act.name,
                f"{act.torch_module}()(t)",
                act.torch_module.removeprefix("torch."),
                count=size,
                inputs=ts,
                func=module,
            )
        matmuls: dict[str, Callable[[], Any]] = {d: partial(torch.matmul, *mats[d]) for d in xs}
        code = f"a @ w ({n}×{n} by {n}×{n})"
        cases.append(("PyTorch", "linear", code, f"linear layer, {n} units", n * n, matmuls))
        funcs = [f for case in cases for f in case[-1].values()]
        medians = iter(_interleaved_medians(funcs, repeats))
        timings = tuple(
            Timing(group, act_name, code, label, count, dtype, next(medians))
            for group, act_name, code, label, count, by_dtype in cases
            for dtype in by_dtype
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

    shown = [t for t in result.timings if t.dtype == "float32"]
    fig, ax = plt.subplots(figsize=(6.4, 1.2 + 0.3 * len(shown)), layout="constrained")
    names = [a.name for a in ACTIVATIONS]
    labels = []
    values = []
    colours = []
    hatches = []
    for t in reversed(shown):
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
    ax.set_xlabel("time per element (float32), relative to np.maximum(x, 0)")
    group_ends = [i for i in range(1, len(shown)) if shown[i].group != shown[i - 1].group]
    for end in group_ends:
        ax.axhline(len(shown) - end - 0.5, color="#888888", linewidth=0.8)
    ax.set_title("Cost per value in float32 (median CPU time; machine-dependent)")
    ax.grid(axis="y", visible=False)
    return fig
