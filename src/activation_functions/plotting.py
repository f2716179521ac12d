"""Figures drawn from the :class:`~activation_functions.Activation` objects.

Titles, legend labels and curves all come from the object passed in, so a figure
cannot show one function under another's name (the source article's "Sigmoid"
figure plots tanh). Each activation has its own line style, keyed by its name in
:data:`STYLES`: a colour (the Okabe-Ito palette, safe for the common colour-vision
deficiencies), a dash pattern and a marker, all three different from every other
activation's, so figures stay readable in greyscale. Figures are drawn on a white card with dark text, which
reads the same on the site's light and dark themes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import matplotlib as mpl
import matplotlib.style
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .activation import Activation
from .functions import ACTIVATIONS

DashPattern = str | tuple[int, tuple[int, ...]]


@dataclass(frozen=True)
class LineStyle:
    """How one activation's curve is drawn: colour, dash pattern and marker."""

    #: Line colour, from Okabe & Ito (2008).
    colour: str
    #: Matplotlib line style, a name such as ``"--"`` or ``(offset, (on, off, ...))``.
    dash: DashPattern
    #: Matplotlib marker, drawn on every :data:`MARKER_EVERY`-th point.
    marker: str

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :meth:`matplotlib.axes.Axes.plot`."""
        return {"color": self.colour, "linestyle": self.dash, "marker": self.marker}


#: Each activation's line style, keyed by its ``name``: no two share a colour, a dash
#: pattern or a marker (``tests/test_plotting.py`` checks this for the whole registry).
STYLES: dict[str, LineStyle] = {
    "sigmoid": LineStyle("#0072B2", "-", "o"),
    "tanh": LineStyle("#D55E00", "--", "s"),
    "relu": LineStyle("#009E73", "-.", "^"),
    "leaky_relu": LineStyle("#CC79A7", ":", "v"),
    # Okabe-Ito's orange and sky blue, darkened: the originals have less than 3:1 contrast
    # on the white figure card (WCAG's minimum for the parts of a graphic).
    "gelu": LineStyle("#A66F00", (0, (5, 1, 1, 1, 1, 1)), "D"),
    "silu": LineStyle("#2980B9", (0, (1, 2)), "P"),
}

#: A marker on every this-many points of a curve, enough to tell curves apart.
MARKER_EVERY = 100

#: The colours of :data:`STYLES`, in the registry's order (kept for pages that index them).
COLOURS = tuple(STYLES[a.name].colour for a in ACTIVATIONS)
#: The dash patterns of :data:`STYLES`, in the registry's order.
LINE_STYLES = tuple(STYLES[a.name].dash for a in ACTIVATIONS)


def style_of(activation: Activation[Any]) -> LineStyle:
    """The line style of ``activation``, looked up by its name.

    Examples
    --------
    >>> import activation_functions as af
    >>> style_of(af.gelu).marker
    'D'
    """
    try:
        return STYLES[activation.name]
    except KeyError:
        raise KeyError(
            f"no line style for activation {activation.name!r}: add one to plotting.STYLES"
        ) from None


#: Dark grey for text and axes, with a contrast above 12 to 1 on the white figure card.
INK = "#1a1a1a"

#: Matplotlib settings for the site, with deterministic SVG output and legible sizes.
SITE_RCPARAMS: dict[str, Any] = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.titlecolor": INK,
    "axes.grid": True,
    "grid.color": "#c8c8c8",
    "grid.linewidth": 0.6,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    # Reproducible SVG: a fixed hash salt gives stable element ids, no creation date.
    "svg.hashsalt": "activation-functions",
    "svg.fonttype": "path",
}


def use_site_style(figure_format: Literal["svg", "png"] = "svg") -> None:
    """Apply the site's matplotlib style and, inside IPython, its figure format.

    Called by the hidden first cell of every page. SVG keeps figures sharp on
    high-density screens; the fixed ``svg.hashsalt`` and the removed date make
    two builds byte-identical.

    Examples
    --------
    >>> use_site_style()
    >>> mpl.rcParams["svg.hashsalt"]
    'activation-functions'
    """
    mpl.style.use(SITE_RCPARAMS)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing more to configure
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    # matplotlib_inline ships no type hints.
    set_matplotlib_formats(figure_format, metadata={"Date": None, "Creator": None})  # type: ignore[no-untyped-call]


def default_grid(num: int = 801) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The x values figures use unless told otherwise: [-6, 6], fine enough for kinks.

    Examples
    --------
    >>> x = default_grid()
    >>> float(x[0]), float(x[-1]), 0.0 in x
    (-6.0, 6.0, True)
    """
    return np.linspace(-6.0, 6.0, num)


def _new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots()
    return new_ax


def _finish(ax: Axes, title: str) -> None:
    ax.set_title(title)
    ax.set_xlabel("$x$")
    ax.axhline(0.0, color=INK, linewidth=0.8)
    ax.axvline(0.0, color=INK, linewidth=0.8)
    ax.legend(loc="best")


def plot_activation(
    activation: Activation[Any],
    ax: Axes | None = None,
    *,
    x: ArrayLike | None = None,
    **parameters: float,
) -> Axes:
    """Draw an activation (solid) and its derivative (dashed) on one axes.

    The title is the activation's display name and the legend shows its symbol,
    both read from ``activation``; ``parameters`` (such as ``negative_slope``)
    are passed to the function and the derivative and named in the title.

    Parameters
    ----------
    activation : Activation
        What to draw, for example ``af.sigmoid``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure is made when omitted.
    x : array_like, optional
        Inputs to evaluate at; :func:`default_grid` when omitted.
    **parameters : float
        Keyword parameters of the activation.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import activation_functions as af
    >>> ax = plot_activation(af.sigmoid)
    >>> ax.get_title()
    'Sigmoid'
    >>> [line.get_label() for line in ax.get_lines()[:2]]
    ['$\\\\sigma(x)$', "$\\\\sigma'(x)$"]
    >>> plot_activation(af.leaky_relu, negative_slope=0.2).get_title()
    'LeakyReLU (negative_slope = 0.2)'
    """
    xs = default_grid() if x is None else np.asarray(x, dtype=float)
    ax = _new_axes(ax)
    symbol = activation.symbol
    ax.plot(
        xs,
        activation(xs, **parameters),
        color=COLOURS[0],
        linestyle=LINE_STYLES[0],
        label=f"${symbol}(x)$",
    )
    ax.plot(
        xs,
        activation.derivative(xs, **parameters),
        color=COLOURS[1],
        linestyle=LINE_STYLES[1],
        label=f"${symbol}'(x)$",
    )
    settings = ", ".join(f"{name} = {value:g}" for name, value in parameters.items())
    _finish(ax, f"{activation.display_name} ({settings})" if settings else activation.display_name)
    return ax


def plot_comparison(
    activations: Iterable[Activation[Any]],
    what: Literal["function", "derivative"] = "function",
    ax: Axes | None = None,
    *,
    x: ArrayLike | None = None,
) -> Axes:
    """Draw several activations, or their derivatives, on one axes.

    Each curve gets its activation's own colour, dash pattern *and* marker
    (:func:`style_of`), labelled with the activation's display name, so the figure
    survives greyscale printing.

    Examples
    --------
    >>> import activation_functions as af
    >>> ax = plot_comparison(af.ACTIVATIONS, "derivative")
    >>> [line.get_label() for line in ax.get_lines()[:6]]
    ['Sigmoid', 'Tanh', 'ReLU', 'LeakyReLU', 'GELU', 'SiLU']
    >>> ax.get_title()
    'Derivatives'
    """
    if what not in ("function", "derivative"):
        raise ValueError(f"plot_comparison() what must be 'function' or 'derivative', got {what!r}")
    xs = default_grid() if x is None else np.asarray(x, dtype=float)
    ax = _new_axes(ax)
    for i, activation in enumerate(activations):
        evaluate = activation if what == "function" else activation.derivative
        ax.plot(
            xs,
            evaluate(xs),
            # markers staggered so that they do not sit on top of each other
            markevery=(i * MARKER_EVERY // 7 % MARKER_EVERY, MARKER_EVERY),
            markersize=5,
            label=activation.display_name,
            **style_of(activation).kwargs(),
        )
    _finish(ax, "Activation functions" if what == "function" else "Derivatives")
    return ax


def figure_of(ax: Axes | Sequence[Axes]) -> Figure:
    """The figure an axes belongs to (handy to close or save it in a page cell).

    Examples
    --------
    >>> import activation_functions as af
    >>> isinstance(figure_of(plot_activation(af.relu)), Figure)
    True
    """
    first = ax[0] if isinstance(ax, Sequence) else ax
    fig = first.get_figure()
    if not isinstance(fig, Figure):
        raise TypeError("figure_of() expects axes that belong to a matplotlib Figure")
    return fig
