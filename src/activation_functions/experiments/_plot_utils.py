"""Shared figure conventions: one colour, dash pattern and marker per activation.

Each activation keeps its colour, dash pattern and marker, looked up by name in
``activation_functions.plotting.STYLES``, on every figure of the site, so a reader
who learnt "Sigmoid is the solid blue line" can rely on it, in greyscale too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..activation import Activation
from ..functions import ACTIVATIONS
from ..plotting import STYLES

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def style(activation: Activation[Any] | str) -> dict[str, Any]:
    """Line keyword arguments (colour, linestyle, marker, label) for one activation.

    Examples
    --------
    >>> import activation_functions as af
    >>> style(af.tanh)["label"], style("tanh")["color"] == style(af.tanh)["color"]
    ('Tanh', True)
    """
    by_name = {a.name: a for a in ACTIVATIONS}
    record = by_name[activation] if isinstance(activation, str) else activation
    return {**STYLES[record.name].kwargs(), "label": record.display_name}


#: Colours, dashes and markers for curves that are not activations of the registry
#: (variants such as "sigmoid - 1/2"). A palette of its own, so it never repeats an
#: activation's style however many activations the registry holds. Each colour has a
#: contrast of at least 4.5 to 1 on white.
EXTRA_COLOURS = ("#1a1a1a", "#8c510a", "#6a3d9a", "#767676")
EXTRA_LINE_STYLES = ((0, (6, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (8, 2, 2, 2)), (0, (2, 1)))
EXTRA_MARKERS = ("X", "*", "p", "h")


def extra_style(i: int, label: str) -> dict[str, Any]:
    """Style number ``i`` for a curve that is not an activation of the registry.

    Examples
    --------
    >>> extra_style(0, "a")["color"] in [style(a)["color"] for a in ACTIVATIONS]
    False
    """
    n = len(EXTRA_COLOURS)
    return {
        "color": EXTRA_COLOURS[i % n],
        "linestyle": EXTRA_LINE_STYLES[i % n],
        "marker": EXTRA_MARKERS[i % n],
        "label": label,
    }


#: Bar hatches, so bars differ by pattern as well as colour (and in greyscale). Only line
#: hatches: a dotted one ("...") draws a circle path per dot and adds 70-150 KB to an SVG.
HATCHES = ("", "///", "--", "xx", "\\\\", "++")


def plot_mean_and_band(
    ax: Axes,
    x: NDArray[np.float64],
    runs: NDArray[np.float64],
    line_style: dict[str, Any],
    *,
    markevery: int,
    alpha: float,
) -> None:
    """Draw the mean of ``runs`` (one row per seed) as a line and their min-max as a band.

    The band takes the line's colour, so the pair reads as one curve.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> runs = np.array([[1.0, 0.5], [3.0, 1.5]])
    >>> plot_mean_and_band(ax, np.array([0.0, 1.0]), runs, style("relu"), markevery=1, alpha=0.2)
    >>> ax.lines[0].get_ydata().tolist()
    [2.0, 1.0]
    >>> plt.close(fig)
    """
    ax.plot(x, runs.mean(axis=0), markevery=markevery, markersize=5, **line_style)
    ax.fill_between(
        x, runs.min(axis=0), runs.max(axis=0), color=line_style["color"], alpha=alpha, linewidth=0
    )
