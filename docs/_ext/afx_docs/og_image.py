"""Draw the site's link-preview image (Open Graph ``og:image``) at build time.

Loaded only by the published build (``SITE_URL`` set, see the end of conf.py): link
previews want a raster image, so this draws one 1200 x 630 PNG, the sigmoid of the
site's logo beside the site's title, with :mod:`activation_functions` and matplotlib.
It is written to ``<outdir>/../og_image/og-image.png`` and that folder joins
``html_static_path``, so Sphinx serves it as ``_static/og-image.png``. No page loads
it (only link previews do), so it adds nothing to any page's weight. The bytes are
deterministic (no date or software in the PNG's metadata).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

FILENAME = "og-image.png"
#: The size link previews expect (1.91:1), in pixels.
WIDTH, HEIGHT, DPI = 1200, 630, 100
CURVE = "#2b7bd9"
INK = "#1a1a1a"


def draw(title: str) -> bytes:
    import matplotlib as mpl
    import numpy as np
    from matplotlib.figure import Figure

    import activation_functions as af

    with mpl.rc_context({"font.family": "DejaVu Sans"}):
        fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
        curve = fig.add_axes((0.05, 0.15, 0.38, 0.7))
        curve.set_axis_off()
        x = np.linspace(-6.0, 6.0, 241)
        curve.axhline(0.5, color="#7a7a7a", linewidth=2, xmin=0.05, xmax=0.95)
        curve.axvline(0.0, color="#7a7a7a", linewidth=2, ymin=0.05, ymax=0.95)
        curve.plot(x, af.sigmoid(x), color=CURVE, linewidth=10, solid_capstyle="round")
        curve.set_xlim(-6.6, 6.6)
        curve.set_ylim(-0.1, 1.1)
        # One word a line: "Activation / Functions, / Explained" fits beside the curve.
        fig.text(
            0.48,
            0.5,
            "\n".join(title.split()),
            fontsize=56,
            color=INK,
            va="center",
            weight="bold",
            linespacing=1.3,
        )
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def add_og_image(app: Sphinx, config: Config) -> None:
    folder = Path(app.outdir).parent / "og_image"
    target = folder / FILENAME
    data = draw(config.project)
    if not target.exists() or target.read_bytes() != data:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    config.html_static_path = [*config.html_static_path, str(folder)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", add_og_image)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
