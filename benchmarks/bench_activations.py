"""Speed and accuracy of the activations against SciPy, PyTorch and NumPy, in one run.

Run with ``nox -s bench`` (or ``python benchmarks/bench_activations.py``). Every
function and derivative of :mod:`activation_functions` is timed on seeded uniform
arrays of 10^7 float32 and float64 values in [-20, 20], next to three references
timed in the same run: ``scipy.special.expit``, ``torch.sigmoid`` on one thread,
and ``np.maximum(x, 0)``; and each activation against its own PyTorch functional
form on one thread (``torch.nn.functional.gelu`` for both forms of GELU,
``torch.nn.functional.silu`` for SiLU...), read from the records. Timings are medians of interleaved repeats (each repeat
runs every candidate once), after a warm-up, so that a change in machine load hits
all candidates alike. The table prints ratios to the references and whether the
project's targets are met; it also measures the maximum ULP error of the sigmoids
against an 80-bit long double (or mpmath) reference.

Benchmarks are reports: the script always exits 0, and prints a missed target as
``MISSED``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
from numpy.typing import NDArray
from scipy.special import expit

import activation_functions as af

# Optional: without torch the table marks the torch column n/a.
torch: Any
try:
    import torch
except ImportError:
    torch = None

#: Target ratios from the issue: (function, reference, at most).
TARGETS = [("sigmoid", "expit", 2.0), ("relu", "np.maximum", 1.2)]

#: Parameter settings timed besides the defaults (the records hold the defaults).
EXTRA_FORMS: dict[str, list[dict[str, Any]]] = {"gelu": [{"approximate": "tanh"}]}

Candidate = Callable[[NDArray[Any]], object]


def forms() -> list[tuple[str, Any, dict[str, Any]]]:
    """(label, activation, kwargs) for every activation of the registry and extra form."""
    result = []
    for activation in af.ACTIVATIONS:
        for kwargs in [{}, *EXTRA_FORMS.get(activation.name, [])]:
            suffix = "".join(f"[{v}]" for v in kwargs.values())
            result.append((f"{activation.name}{suffix}", activation, kwargs))
    return result


def bind(func: Callable[..., Any], kwargs: dict[str, Any]) -> Candidate:
    return lambda x: func(x, **kwargs)


def torch_counterpart(activation: Any, kwargs: dict[str, Any]) -> Candidate:
    """The activation's PyTorch functional form, as a NumPy-in, NumPy-out candidate."""
    module_name, _, attribute = activation.torch_functional.rpartition(".")
    module = __import__(module_name, fromlist=[attribute])
    func = getattr(module, attribute)
    return lambda x: func(torch.from_numpy(x), **kwargs).numpy()


def machine_report() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    torch_version = torch.__version__ if torch is not None else "not installed"
    lines = [
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}",
        f"CPU: {cpu}; {os.cpu_count()} logical CPUs, {usable} usable by this process",
        (
            f"numpy {np.__version__}, scipy {scipy.__version__}, torch {torch_version}, "
            f"activation_functions {af.__version__}"
        ),
    ]
    if torch is not None:
        default_threads = torch.get_num_threads()
        lines.append(f"torch threads: {default_threads} by default, set to 1 for the comparison")
    return "\n".join(lines)


def candidates() -> dict[str, Candidate]:
    """Every function timed, package first, references last."""
    funcs: dict[str, Candidate] = {}
    for label, activation, kwargs in forms():
        funcs[label] = bind(activation, kwargs)
        funcs[f"{label}'"] = bind(activation.derivative, kwargs)
    funcs["expit"] = expit
    if torch is not None:
        # .numpy() shares memory with the tensor: it costs nothing measurable
        funcs["torch.sigmoid"] = lambda x: torch.sigmoid(torch.from_numpy(x)).numpy()
        for label, activation, kwargs in forms():
            funcs[f"torch:{label}"] = torch_counterpart(activation, kwargs)
    funcs["np.maximum"] = lambda x: np.maximum(x, 0)
    return funcs


def time_interleaved(
    funcs: dict[str, Candidate], x: NDArray[Any], repeats: int
) -> dict[str, list[float]]:
    """Wall times of each candidate; each repeat runs every candidate once."""
    for func in funcs.values():  # warm-up: page in memory, JIT-free but cache-warm
        func(x)
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            start = time.perf_counter()
            func(x)
            samples[name].append(time.perf_counter() - start)
    return samples


# --------------------------------------------------------------------------- accuracy


def reference_sigmoid(x: NDArray[Any]) -> tuple[NDArray[Any], str]:
    """Sigmoid of ``x`` to far more than float64 precision, and the reference's name."""
    if np.finfo(np.longdouble).nmant >= 63:  # x86 80-bit extended: 11 extra bits
        xl = x.astype(np.longdouble)
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-xl)), "80-bit long double"
    try:
        import mpmath
    except ImportError:
        return np.full(x.shape, np.nan), "none available"
    mpmath.mp.prec = 120
    exact = [1 / (1 + mpmath.exp(-mpmath.mpf(float(v)))) for v in x[:20_000]]
    return np.array([float(e) for e in exact], dtype=np.float64), "mpmath (120 bits)"


def ulp_errors(y: NDArray[Any], reference: NDArray[Any], dtype: Any) -> NDArray[Any]:
    """|y - reference| in ULPs of ``dtype`` at the reference (subnormal spacing included)."""
    info = np.finfo(dtype)
    _, exponent = np.frexp(np.abs(reference))
    binade = np.where(reference == 0, info.minexp, np.maximum(exponent - 1, info.minexp))
    ulp = np.ldexp(np.ones_like(reference), (binade - info.nmant).astype(np.int32))
    return np.asarray(np.abs(y.astype(reference.dtype) - reference) / ulp)


def accuracy_rows(dtype: Any, funcs: dict[str, Candidate]) -> tuple[list[list[str]], str]:
    rng = np.random.default_rng(2024)
    limit = 110.0 if dtype == np.float32 else 750.0  # whole range up to underflow to 0
    x = np.concatenate([rng.uniform(-20, 20, 200_000), rng.uniform(-limit, limit, 200_000)])
    x = x.astype(dtype)
    reference, name = reference_sigmoid(x)
    x = x[: reference.size]
    middle = np.abs(x) <= 20
    rows = []
    for label in ("sigmoid", "expit", "torch.sigmoid"):
        if label not in funcs:
            continue
        y = np.asarray(funcs[label](x))
        errors = ulp_errors(y, reference, dtype)
        rows.append([label, f"{float(errors[middle].max()):.2f}", f"{float(errors.max()):.4g}"])
    return rows, name


# --------------------------------------------------------------------------- report


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def fmt(cells: list[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in pairs)

    line = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(header), line, *(fmt(r) for r in rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000, help="elements per array")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats (>= 5)")
    args = parser.parse_args(argv)
    repeats = max(args.repeats, 5)

    print(machine_report())
    if torch is not None:
        torch.set_num_threads(1)  # NumPy and SciPy ufuncs run on one thread too
    print(
        f"\nMedian of {repeats} interleaved repeats after a warm-up, arrays of "
        f"{args.size:,} values uniform in [-20, 20] (seeded).\n"
    )
    funcs = candidates()
    rng = np.random.default_rng(12345)
    base = rng.uniform(-20.0, 20.0, args.size)
    refs = ["expit", "torch.sigmoid", "np.maximum"]
    verdicts = []
    for dtype in (np.float32, np.float64):
        x = base.astype(dtype)
        samples = time_interleaved(funcs, x, repeats)
        times = {name: statistics.median(values) for name, values in samples.items()}
        best = {name: min(values) for name, values in samples.items()}
        rows = []
        for name, seconds in times.items():
            ratios = [f"{seconds / times[ref]:.2f}x" if ref in times else "n/a" for ref in refs]
            rows.append([name, f"{seconds * 1e3:.1f}", *ratios])
        header = [np.dtype(dtype).name, "ms", "/ expit", "/ torch.sigmoid(1 thr)", "/ np.maximum"]
        print(table(header, rows))
        print()
        if torch is not None:
            own = [
                [
                    label,
                    f"{times[label] * 1e3:.1f}",
                    f"{times['torch:' + label] * 1e3:.1f}",
                    f"{times[label] / times['torch:' + label]:.2f}x",
                ]
                for label, _, _ in forms()
            ]
            header = [
                f"{np.dtype(dtype).name}: package / its torch form",
                "ms",
                "torch ms",
                "ratio",
            ]
            print(table(header, own))
            print()
        for name, ref, limit in TARGETS:
            ratio = times[name] / times[ref]
            status = "met" if ratio <= limit else "MISSED"
            verdicts.append(
                f"  {name} <= {limit:g}x {ref} ({np.dtype(dtype).name}): {ratio:.2f}x  {status}"
                f"  (fastest runs: {best[name] / best[ref]:.2f}x)"
            )

    print("Targets")
    print("\n".join(verdicts))
    print()
    for dtype in (np.float32, np.float64):
        rows, name = accuracy_rows(dtype, funcs)
        print(f"Sigmoid accuracy, {np.dtype(dtype).name}: max ULP error against {name}")
        print(table(["", "|x| <= 20", "whole range"], rows))
        print()
    print(
        "Whole range: float32 |x| <= 110, float64 |x| <= 750, where exact results are\n"
        "subnormal; expit and torch.sigmoid flush them to 0, the package does not.\n"
        "Ratios from a shared or busy machine vary by a few tens of percent; compare\n"
        "ratios, not absolute times."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
