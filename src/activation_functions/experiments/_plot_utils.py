"""Shared figure conventions: one colour, dash pattern and marker per activation.

Each activation keeps the colour and line style of its position in
``activation_functions.ACTIVATIONS`` on every figure of the site, so a reader
who learnt "Sigmoid is the solid blue line" can rely on it, in greyscale too.
"""

from __future__ import annotations

from typing import Any

from ..activation import Activation
from ..functions import ACTIVATIONS
from ..plotting import COLOURS, LINE_STYLES

#: One marker per activation, so curves differ by shape as well as colour and dashes.
MARKERS = ("o", "s", "^", "D", "v", "P")


def style(activation: Activation[Any] | str) -> dict[str, Any]:
    """Line keyword arguments (colour, linestyle, marker, label) for one activation.

    Examples
    --------
    >>> import activation_functions as af
    >>> style(af.tanh)["label"], style("tanh")["color"] == style(af.tanh)["color"]
    ('Tanh', True)
    """
    names = [a.name for a in ACTIVATIONS]
    name = activation if isinstance(activation, str) else activation.name
    i = names.index(name)
    return {
        "color": COLOURS[i],
        "linestyle": LINE_STYLES[i],
        "marker": MARKERS[i],
        "label": ACTIVATIONS[i].display_name,
    }


def extra_style(i: int, label: str) -> dict[str, Any]:
    """Style for a curve that is not one of the four activations (after them in the palette)."""
    j = len(ACTIVATIONS) + i
    return {
        "color": COLOURS[j % len(COLOURS)],
        "linestyle": LINE_STYLES[j % len(LINE_STYLES)],
        "marker": MARKERS[j % len(MARKERS)],
        "label": label,
    }


#: Bar hatches, so bars differ by pattern as well as colour (and in greyscale). Only line
#: hatches: a dotted one ("...") draws a circle path per dot and adds 70-150 KB to an SVG.
HATCHES = ("", "///", "--", "xx", "\\\\", "++")
