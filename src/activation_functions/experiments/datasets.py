"""Synthetic data sets, generated in code from a seed (nothing is downloaded).

NumPy only; the experiments turn the arrays into tensors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]


def two_spirals(
    n: int = 512, *, turns: float = 1.5, noise: float = 0.08, seed: int = 0
) -> tuple[F64, F64]:
    """Two interleaved spirals in the plane: points ``(n, 2)`` and labels ``(n,)`` in {0, 1}.

    Each class has ``n // 2`` points along one arm (the other arm is the same arm
    turned by half a circle), with radius growing from 0.1 to 1 over ``turns``
    turns, plus Gaussian noise of standard deviation ``noise``. A classic
    non-linear task: no straight line separates the classes.

    Examples
    --------
    >>> x, y = two_spirals(8, seed=0)
    >>> x.shape, y.tolist()
    ((8, 2), [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])
    >>> bool(np.array_equal(two_spirals(8, seed=0)[0], x))
    True
    """
    rng = np.random.default_rng(seed)
    half = n // 2
    t = np.sqrt(rng.uniform(0.0, 1.0, half))  # uniform along the arm's length
    angle = 2.0 * np.pi * turns * t
    radius = 0.1 + 0.9 * t
    arm = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    points = np.concatenate([arm, -arm]) + rng.normal(0.0, noise, (2 * half, 2))
    labels = np.concatenate([np.zeros(half), np.ones(half)])
    return points.astype(np.float64), labels


def shifted_gaussian(
    n: int, dim: int, *, mean: float, std: float, seed: int = 0
) -> NDArray[np.floating[Any]]:
    """``(n, dim)`` normal samples with the given mean and standard deviation.

    Stands for raw features that were not normalised (large scale, shifted mean).

    Examples
    --------
    >>> x = shifted_gaussian(1000, 3, mean=4.0, std=8.0)
    >>> x.shape, bool(abs(x.mean() - 4.0) < 1.0)
    ((1000, 3), True)
    """
    rng = np.random.default_rng(seed)
    return rng.normal(mean, std, (n, dim))


def plot_two_spirals(points: F64, labels: F64) -> Any:
    """Scatter plot of a two-spirals data set, one marker and colour per class; returns the figure.

    Examples
    --------
    >>> fig = plot_two_spirals(*two_spirals(16))
    >>> len(fig.axes[0].collections)
    2
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3.4, 3.4))
    for label, marker, colour in ((0, "o", "#0072B2"), (1, "^", "#D55E00")):
        chosen = points[labels == label]
        ax.scatter(
            chosen[:, 0], chosen[:, 1], s=9, marker=marker, color=colour, label=f"class {label}"
        )
    ax.set_aspect("equal")
    ax.set_title("The two-spirals task")
    return fig
