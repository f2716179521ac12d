"""Draw the site's favicon and logo with matplotlib at build time.

No image file is committed under ``docs/``: both icons are SVG drawings of the
sigmoid, made with :mod:`activation_functions` itself, written next to the build
output and handed to Sphinx as ``html_favicon`` and ``html_logo``, which copies
them to ``_static/`` at the site root. Every page's template context gets the logo's
size in CSS pixels (``site_logo_size``) for the ``<img>``'s width and height.

Sphinx checks that those files exist in a ``config-inited`` handler of priority
800, so the drawing happens in an earlier ``config-inited`` handler (priority
700). The output is byte-for-byte deterministic (fixed SVG hash salt, no date),
and a file is only rewritten when its bytes change.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from afx_docs.files import write_if_changed

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: A mid-tone blue: at least 3:1 against both furo's white and its near-black background.
CURVE = "#2b7bd9"
AXES = "#7a7a7a"
#: The logo's side in inches (matplotlib writes the SVG 72 pt = 96 CSS px per inch).
LOGO_INCHES = 1.6


def _svg(draw: Any, size: float) -> bytes:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    import activation_functions as af

    with mpl.rc_context({"svg.hashsalt": "activation-functions", "svg.fonttype": "path"}):
        fig = Figure(figsize=(size, size), dpi=100)
        fig.patch.set_alpha(0.0)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_axis_off()
        ax.patch.set_alpha(0.0)
        draw(ax, af)
        buffer = io.BytesIO()
        fig.savefig(
            buffer, format="svg", transparent=True, metadata={"Date": None, "Creator": None}
        )
    return buffer.getvalue()


def _draw_favicon(ax: Any, af: Any) -> None:
    import numpy as np
    from matplotlib.patches import FancyBboxPatch

    # A white rounded tile keeps the curve visible on light and dark browser tabs.
    tile = FancyBboxPatch(
        (0.04, 0.04),
        0.92,
        0.92,
        boxstyle="round,pad=0,rounding_size=0.18",
        transform=ax.transAxes,
        facecolor="white",
        edgecolor=CURVE,
        linewidth=2.5,
    )
    ax.add_patch(tile)
    x = np.linspace(-6.0, 6.0, 121)
    ax.plot(
        (x + 7.0) / 14.0,
        0.16 + 0.68 * af.sigmoid(x),
        color=CURVE,
        linewidth=5.0,
        solid_capstyle="round",
        transform=ax.transAxes,
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)


def _draw_logo(ax: Any, af: Any) -> None:
    import numpy as np

    x = np.linspace(-6.0, 6.0, 241)
    ax.axhline(0.5, color=AXES, linewidth=1.5, xmin=0.05, xmax=0.95)
    ax.axvline(0.0, color=AXES, linewidth=1.5, ymin=0.05, ymax=0.95)
    ax.plot(x, af.sigmoid(x), color=CURVE, linewidth=6.0, solid_capstyle="round")
    ax.set_xlim(-6.6, 6.6)
    ax.set_ylim(-0.1, 1.1)


def draw_icons(app: Sphinx, config: Config) -> None:
    """Draw the icons into ``<outdir>/../site_icons`` and point the config at them."""
    folder = Path(app.outdir).parent / "site_icons"
    favicon = folder / "favicon.svg"
    logo = folder / "logo.svg"
    write_if_changed(favicon, _svg(_draw_favicon, 0.64))
    write_if_changed(logo, _svg(_draw_logo, LOGO_INCHES))
    # Absolute paths: Sphinx joins them to the conf directory, which leaves them as they are.
    config.html_favicon = str(favicon)
    config.html_logo = str(logo)


def logo_size(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The logo's size in CSS px, for its width/height in _templates/sidebar/brand.html."""
    side = round(LOGO_INCHES * 96)
    context["site_logo_size"] = (side, side)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", draw_icons, priority=700)
    app.connect("html-page-context", logo_size)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
