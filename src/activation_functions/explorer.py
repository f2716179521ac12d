r"""Explorable figures: the data and the first view of the site's interactive explorers.

A companion module of the website, like :mod:`activation_functions.pages`: the core
package never imports it. A page shows an explorer with one line in a code cell,
right after its static figure::

    from activation_functions.explorer import probe; probe("sigmoid")

Every number an explorer shows comes from here, computed by the package in the
build and written into the page as inline JSON (no fetch: a page opened from
``file://`` works). The explorer's markup is drawn here too, in its initial state,
so that it takes its final size at first paint; ``docs/_static/explorer.js`` then
makes it interactive and ``explorer.css`` hides it without JavaScript and in print,
where the static figure stands alone.

Parameters are handled from each record's ``parameters`` mapping: a float
parameter gets a slider (its range declared in :data:`SLIDERS`), a str parameter
a switch (its choices declared in :data:`CHOICES`). For an activation with a
float parameter, the JavaScript evaluates the closed form (:data:`CLOSED_FORMS`
names them; a browser test compares it with the package at 1,000+ points).

Examples
--------
>>> from activation_functions.explorer import probe
>>> html = probe("sigmoid")._repr_html_()
>>> 'data-explorer="sigmoid"' in html, 'aria-live="polite"' in html
(True, True)
>>> probe("leaky_relu").data["sliders"]["negative_slope"]["max"]
0.3
"""

from __future__ import annotations

import html
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .activation import Activation
from .functions import ACTIVATIONS

F64 = NDArray[np.float64]
MINUS = "\u2212"  # a true minus sign, as activation_functions.pages writes it

#: The probe's x grid: x = k / X_DENOMINATOR for k in X_RANGE (step 0.05 on [-6, 6]).
#: Integers over a power-free denominator give the same doubles in Python and in
#: JavaScript (both round k / 20 correctly), and the same as the slider's value.
X_DENOMINATOR = 20
X_RANGE = range(-120, 121)
X_START = 0.0  # the probe opens at x = 0


@dataclass(frozen=True)
class Slider:
    """A float parameter's slider: its range, step, marked values and readout name."""

    low: float
    high: float
    step: float
    label: str
    #: Values marked under the slider (``<datalist>``), e.g. PyTorch's default.
    marks: tuple[float, ...] = ()
    #: The readout carries the value as ``data-<attribute>``.
    attribute: str = "slope"


@dataclass(frozen=True)
class Choice:
    """A str parameter's switch: its options in order and their labels."""

    options: tuple[str, ...]
    label: str
    option_labels: tuple[str, ...] = ()


#: Sliders of the float parameters. 0.01 is PyTorch's default, 0.2 the article's slope.
SLIDERS: dict[str, Slider] = {
    "negative_slope": Slider(0.0, 0.3, 0.01, "negative slope γ", marks=(0.01, 0.2)),
}
#: Switches of the str parameters (GELU's exact and tanh forms).
CHOICES: dict[str, Choice] = {
    "approximate": Choice(("none", "tanh"), "form", ("exact (erf)", "tanh approximation")),
}
#: Activations whose float parameters explorer.js evaluates in closed form.
CLOSED_FORMS = frozenset({"leaky_relu"})

# Plot geometry, in SVG user units (the CSS scales the whole drawing).
WIDTH, HEIGHT = 400.0, 240.0
LEFT, RIGHT, TOP, BOTTOM = 40.0, 10.0, 10.0, 24.0
# SVG presentation attributes, overridden by explorer.css: without the site's CSS (in a
# downloaded notebook) lines stay lines and text stays visible.
PLAIN = 'fill="none" stroke="currentColor"'
INK = 'fill="currentColor" stroke="none"'


def _json(data: Any) -> str:
    """JSON for a <script> element: '</' cannot end the element early."""
    return json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def display_number(value: float) -> str:
    """A number as the explorers show it (explorer.js ``fmt`` writes the same).

    >>> display_number(0.25), display_number(1532.36), display_number(-2.4e-7)
    ('0.2500', '1532', '−2.40e-7')
    """
    value = float(value)
    if value == 0:
        return "0"
    fixed = f"{value:#.4g}"
    if 1e-3 <= abs(value) < 1e4 and "e" not in fixed:
        return fixed.removesuffix(".").replace("-", MINUS)
    mantissa, _, exponent = f"{value:.2e}".partition("e")
    return f"{mantissa.replace('-', MINUS)}e{int(exponent)}"


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values inside [low, high]."""
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    return [round(k * step, 10) for k in range(first, math.floor(high / step + 1e-9) + 1)]


def _tick_text(value: float) -> str:
    return f"{value:g}".replace("-", "\u2212")


@dataclass(frozen=True)
class _Frame:
    """Maps data coordinates to the SVG's user units."""

    x0: float
    x1: float
    y0: float
    y1: float
    left: float = LEFT  # room for the y tick labels

    @property
    def geometry(self) -> list[float]:
        """What explorer.js needs to map data to the drawing: width, height and margins."""
        return [WIDTH, HEIGHT, self.left, RIGHT, TOP, BOTTOM]

    def sx(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * (WIDTH - self.left - RIGHT)

    def sy(self, y: float) -> float:
        return TOP + (self.y1 - y) / (self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM)

    def path(self, xs: Iterable[float], ys: Iterable[float]) -> str:
        points = (f"{self.sx(x):.2f},{self.sy(y):.2f}" for x, y in zip(xs, ys, strict=True))
        return "M" + "L".join(points)

    def axes(self, xticks: Sequence[float], yticks: Sequence[float], xlabel: str) -> str:
        """Frame, zero lines, ticks and tick labels (static: they never change)."""
        left, right = self.left, WIDTH - RIGHT
        top, bottom = TOP, HEIGHT - BOTTOM
        frame = f'x="{left}" y="{top}" width="{right - left}" height="{bottom - top}"'
        parts = [f'<rect class="af-frame" {frame}/>']
        for y in yticks:
            py = self.sy(y)
            parts.append(
                f'<line class="af-gridline" x1="{left}" x2="{right}" y1="{py:.2f}" y2="{py:.2f}"/>'
            )
            parts.append(
                f'<text class="af-tick" {INK} x="{left - 4}" y="{py + 4:.2f}" '
                f'text-anchor="end">{_tick_text(y)}</text>'
            )
        for x in xticks:
            px = self.sx(x)
            parts.append(
                f'<line class="af-gridline" x1="{px:.2f}" x2="{px:.2f}" y1="{top}" y2="{bottom}"/>'
            )
            parts.append(
                f'<text class="af-tick" {INK} x="{px:.2f}" y="{bottom + 14}" '
                f'text-anchor="middle">{_tick_text(x)}</text>'
            )
        parts.append(
            f'<text class="af-tick" {INK} x="{right}" y="{bottom - 4}" '
            f'text-anchor="end">{html.escape(xlabel)}</text>'
        )
        return "".join(parts)


class Explorer:
    """An explorer's markup and data; a notebook cell displays it as HTML."""

    def __init__(self, kind: str, data: dict[str, Any], markup: str) -> None:
        self.kind = kind
        self.data = data
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"<explorer {self.kind}>"


# --- the probe: one activation, a point moving along its curve ------------------------------


def x_grid() -> F64:
    """The probe's x values (step 0.05 on [-6, 6]).

    >>> xs = x_grid()
    >>> len(xs), float(xs[0]), float(xs[-1]), float(xs[127])
    (241, -6.0, 6.0, 0.35)
    """
    return np.array(X_RANGE, dtype=np.float64) / X_DENOMINATOR


def _activation(activation: Activation[Any] | str) -> Activation[Any]:
    if isinstance(activation, Activation):
        return activation
    for candidate in ACTIVATIONS:
        if candidate.name == activation:
            return candidate
    names = ", ".join(a.name for a in ACTIVATIONS)
    raise ValueError(f"no activation named {activation!r}; the registry has: {names}")


def _parameter_specs(
    activation: Activation[Any],
) -> tuple[dict[str, Slider], dict[str, Choice]]:
    """Split the record's parameters into sliders and switches; refuse what has neither."""
    sliders: dict[str, Slider] = {}
    choices: dict[str, Choice] = {}
    # object, not the record's declared value type: a str parameter (GELU's) must work too.
    parameters: Mapping[str, object] = activation.parameters
    for name, default in parameters.items():
        if isinstance(default, str):
            if name not in CHOICES:
                raise ValueError(
                    f"{activation.name}: str parameter {name!r} has no switch; "
                    "declare its choices in explorer.CHOICES"
                )
            if default not in CHOICES[name].options:
                raise ValueError(
                    f"{activation.name}: default {default!r} of {name!r} is not one of "
                    f"explorer.CHOICES[{name!r}].options {CHOICES[name].options}"
                )
            choices[name] = CHOICES[name]
        elif isinstance(default, float | int) and not isinstance(default, bool):
            if name not in SLIDERS:
                raise ValueError(
                    f"{activation.name}: float parameter {name!r} has no slider; "
                    "declare its range in explorer.SLIDERS"
                )
            slider = SLIDERS[name]
            if not slider.low <= default <= slider.high:
                raise ValueError(
                    f"{activation.name}: default {default!r} of {name!r} lies outside its "
                    f"slider [{slider.low}, {slider.high}]"
                )
            sliders[name] = slider
        else:
            raise TypeError(
                f"{activation.name}: parameter {name!r} has default {default!r} of type "
                f"{type(default).__name__}; explorers handle float and str parameters"
            )
    if sliders and activation.name not in CLOSED_FORMS:
        raise ValueError(
            f"{activation.name} has float parameters {sorted(sliders)} but explorer.js has no "
            "closed form for it: add one there and its name to explorer.CLOSED_FORMS"
        )
    return sliders, choices


def _slider_values(slider: Slider) -> F64:
    count = round((slider.high - slider.low) / slider.step)
    return np.array([slider.low + k * slider.step for k in range(count + 1)], dtype=np.float64)


def table_key(settings: Mapping[str, str]) -> str:
    """Key of a table of values for a combination of str parameters ("" without any).

    >>> table_key({"approximate": "tanh"}), table_key({})
    ('approximate=tanh', '')
    """
    return "&".join(f"{name}={settings[name]}" for name in sorted(settings))


def probe(activation: Activation[Any] | str) -> Explorer:
    """A probe for ``activation``: a slider moves x; f(x), f'(x), the point and its tangent.

    The values at every grid point, for every choice of each str parameter, come
    from ``activation`` and ``activation.derivative``. Float parameters (at their
    defaults here) are moved by sliders; the page computes them in closed form.
    """
    act = _activation(activation)
    sliders, choices = _parameter_specs(act)
    defaults = dict(act.parameters)
    xs = x_grid()

    def evaluate(settings: Mapping[str, Any]) -> tuple[F64, F64]:
        kwargs = {**defaults, **settings}
        f = np.asarray(act(xs, **kwargs), dtype=np.float64)
        df = np.asarray(act.derivative(xs, **kwargs), dtype=np.float64)
        return f, df

    tables: dict[str, dict[str, list[float]]] = {}
    combos = [
        dict(zip(choices, combo, strict=True))
        for combo in itertools.product(*(c.options for c in choices.values()))
    ]
    for settings in combos:
        f, df = evaluate(settings)
        if not (np.all(np.isfinite(f)) and np.all(np.isfinite(df))):
            raise ValueError(f"{act.name}: non-finite values on the probe's grid for {settings}")
        tables[table_key(settings)] = {"f": f.tolist(), "df": df.tolist()}

    # The y range covers every table and every slider position, so the axes never move.
    ys = [np.array(t["f"]) for t in tables.values()]
    for name, slider in sliders.items():
        for value in _slider_values(slider):
            ys.append(evaluate({name: float(value)})[0])
    low = float(min(y.min() for y in ys))
    high = float(max(y.max() for y in ys))
    pad = 0.06 * (high - low)
    frame = _Frame(float(xs[0]), float(xs[-1]), low - pad, high + pad)

    start = int(np.flatnonzero(xs == X_START)[0])
    initial = tables[table_key({n: str(defaults[n]) for n in choices})]
    data: dict[str, Any] = {
        "kind": "probe",
        "name": act.name,
        "display": act.display_name,
        "x": xs.tolist(),
        "xDenominator": X_DENOMINATOR,
        "tables": tables,
        "closedForm": bool(sliders),
        "sliders": {
            name: {
                "min": s.low,
                "max": s.high,
                "step": s.step,
                "value": float(defaults[name]),
                "attribute": s.attribute,
            }
            for name, s in sliders.items()
        },
        "choices": {
            name: {"options": list(c.options), "value": defaults[name]}
            for name, c in choices.items()
        },
        "frame": [frame.x0, frame.x1, frame.y0, frame.y1],
        "geometry": frame.geometry,
    }
    markup = _probe_markup(
        act,
        data=data,
        frame=frame,
        initial=initial,
        start=start,
        sliders=sliders,
        choices=choices,
        defaults=defaults,
    )
    return Explorer(act.name, data, markup)


def tangent_segment(
    frame: _Frame, x: float, f: float, df: float
) -> tuple[float, float, float, float]:
    """End points (data units) of the tangent at (x, f): the frame's width, centred on x."""
    half = (frame.x1 - frame.x0) / 4
    return x - half, f - df * half, x + half, f + df * half


def _probe_markup(
    act: Activation[Any],
    *,
    data: dict[str, Any],
    frame: _Frame,
    initial: Mapping[str, list[float]],
    start: int,
    sliders: Mapping[str, Slider],
    choices: Mapping[str, Choice],
    defaults: Mapping[str, Any],
) -> str:
    uid = f"af-explorer-{act.name}"
    xs = data["x"]
    x, f, df = xs[start], initial["f"][start], initial["df"][start]
    ax, ay, bx, by = tangent_segment(frame, x, f, df)
    xticks = _nice_ticks(frame.x0, frame.x1, 6)
    yticks = _nice_ticks(frame.y0, frame.y1, 4)
    description = (
        f"Plot of {act.display_name} for x from {_tick_text(frame.x0)} to "
        f"{_tick_text(frame.x1)}, with a point on the curve and its tangent line; "
        "the values are in the readout below."
    )
    svg = (
        f'<svg class="af-plot" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" {PLAIN} role="img" '
        f'aria-label="{html.escape(description)}">'
        f'<defs><clipPath id="{uid}-clip"><rect x="{frame.left}" y="{TOP}" '
        f'width="{WIDTH - frame.left - RIGHT}" height="{HEIGHT - TOP - BOTTOM}"/></clipPath></defs>'
        + frame.axes(xticks, yticks, "x")
        + f'<g clip-path="url(#{uid}-clip)">'
        f'<path class="af-curve af-s0" d="{frame.path(xs, initial["f"])}"/>'
        f'<line class="af-tangent af-s1" x1="{frame.sx(ax):.2f}" y1="{frame.sy(ay):.2f}" '
        f'x2="{frame.sx(bx):.2f}" y2="{frame.sy(by):.2f}"/>'
        "</g>"
        f'<circle class="af-point" {INK} r="5" cx="{frame.sx(x):.2f}" cy="{frame.sy(f):.2f}"/>'
        "</svg>"
    )
    step = 1 / X_DENOMINATOR
    controls = [
        _range(f"{uid}-x", "x", "x", low=xs[0], high=xs[-1], step=step, value=x),
    ]
    readout_attrs = {"data-x": repr(x), "data-f": repr(f), "data-df": repr(df)}
    for name, slider in sliders.items():
        value = float(defaults[name])
        controls.append(
            _range(
                f"{uid}-{name}",
                name,
                slider.label,
                low=slider.low,
                high=slider.high,
                step=slider.step,
                value=value,
                marks=slider.marks,
            )
        )
        readout_attrs[f"data-{slider.attribute}"] = repr(value)
    for name, choice in choices.items():
        labels = choice.option_labels or choice.options
        radios = "".join(
            f'<label><input type="radio" name="{uid}-{name}" data-param="{name}" '
            f'value="{html.escape(option)}"{" checked" if option == defaults[name] else ""}> '
            f"{html.escape(label)}</label>"
            for option, label in zip(choice.options, labels, strict=True)
        )
        controls.append(
            f'<fieldset class="af-switch"><legend>{html.escape(choice.label)}</legend>'
            f"{radios}</fieldset>"
        )
        readout_attrs[f"data-{name}"] = str(defaults[name])
    attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in readout_attrs.items())
    readout = (
        f'<p class="af-readout" aria-live="polite"{attrs}>'
        f'<span>x = <output data-show="x">{display_number(x)}</output></span> '
        f'<span>f(x) = <output data-show="f">{display_number(f)}</output></span> '
        f'<span>f′(x) = <output data-show="df">{display_number(df)}</output></span></p>'
    )
    return _root(
        act.name,
        uid,
        f"Explore {act.display_name}: move x along the curve (dashed: the tangent)",
        data,
        svg + '<div class="af-controls">' + "".join(controls) + "</div>" + readout,
    )


def _range(
    uid: str,
    param: str,
    label: str,
    *,
    low: float,
    high: float,
    step: float,
    value: float,
    marks: Sequence[float] = (),
    text: str | None = None,
) -> str:
    """A labelled native range input; ``marks`` become a <datalist> of ticks."""
    listed = ""
    if marks:
        options = "".join(f'<option value="{m:g}"></option>' for m in marks)
        listed = f' list="{uid}-marks"'
        options = f'<datalist id="{uid}-marks">{options}</datalist>'
    else:
        options = ""
    valuetext = f' aria-valuetext="{html.escape(text)}"' if text else ""
    shown = text or f"{value:g}".replace("-", MINUS)
    return (
        f'<div class="af-control"><label for="{uid}">{html.escape(label)}</label>'
        f'<input type="range" id="{uid}" data-param="{param}" min="{low:g}" max="{high:g}" '
        f'step="{step:g}" value="{value:g}"{listed}{valuetext}>'
        f'<output for="{uid}" data-value="{param}">{html.escape(shown)}</output>'
        f"{options}</div>"
    )


def _root(name: str, uid: str, title: str, data: dict[str, Any], body: str) -> str:
    return (
        f'<div class="af-explorer" data-explorer="{html.escape(name)}" id="{uid}" '
        f'role="group" aria-labelledby="{uid}-title">'
        f'<p class="af-explorer-title" id="{uid}-title">{html.escape(title)}</p>'
        f'<script type="application/json" class="af-data">{_json(data)}</script>'
        f"{body}</div>"
    )


# --- the vanishing-gradient explorer: depth x weight scale -----------------------------------

#: Depths (number of Linear layers) and log2 of the weight scale (times PyTorch's gain).
#: 8 depths x 5 scales: the grid runs the experiment 40 times, about 10 s in the build.
DEPTHS = tuple(range(4, 33, 4))
LOG2_SCALES = tuple(k / 2 for k in range(-2, 3))


@dataclass(frozen=True)
class VanishingGrid:
    """First-layer gradient (relative to the output's) on a grid of depth x weight scale.

    ``first_layer[name][i][j]`` is ``vanishing.run(depth=depths[j],
    weight_scale=2**log2_scales[i]).first_to_last(name)``.
    """

    depths: tuple[int, ...]
    log2_scales: tuple[float, ...]
    names: tuple[str, ...]
    display_names: tuple[str, ...]
    first_layer: dict[str, list[list[float]]]


def vanishing_grid(
    depths: Sequence[int] = DEPTHS, log2_scales: Sequence[float] = LOG2_SCALES, **run_kwargs: Any
) -> VanishingGrid:
    """Run the vanishing-gradient experiment at every depth and weight scale of the grid.

    ``run_kwargs`` go to :func:`activation_functions.experiments.vanishing.run`
    (width, batch, seeds, activations); with the defaults, depth 16 at scale 1 is
    exactly the experiment of the Experiments page.
    """
    from .experiments import vanishing

    names: tuple[str, ...] = ()
    display: tuple[str, ...] = ()
    grid: dict[str, list[list[float]]] = {}
    for log2_scale in log2_scales:
        rows: dict[str, list[float]] = {}
        for depth in depths:
            result = vanishing.run(depth=depth, weight_scale=2.0**log2_scale, **run_kwargs)
            for name in result.grad_norms:
                rows.setdefault(name, []).append(result.first_to_last(name))
        for name, row in rows.items():
            grid.setdefault(name, []).append(row)
        names = tuple(rows)
    by_name = {a.name: a.display_name for a in ACTIVATIONS}
    display = tuple(by_name.get(n, n) for n in names)
    return VanishingGrid(tuple(depths), tuple(log2_scales), names, display, grid)


def scale_text(log2_scale: float) -> str:
    """The weight scale as the slider shows it.

    >>> scale_text(0.5), scale_text(-1.0)
    ('×1.41 the gain', '×0.5 the gain')
    """
    return f"×{2.0**log2_scale:.3g} the gain"


def vanishing_explorer(
    grid: VanishingGrid | None = None, *, depth: int = 16, log2_scale: float = 0.0
) -> Explorer:
    """Depth and weight-scale sliders; the gradient reaching layer 1 for each activation.

    The curves show, for the chosen weight scale, the first layer's gradient against
    depth (log scale); a marker and the readout give the values at the chosen depth.
    """
    grid = vanishing_grid() if grid is None else grid
    if depth not in grid.depths or log2_scale not in grid.log2_scales:
        raise ValueError(f"initial depth {depth} / log2 scale {log2_scale} not on the grid")
    values = np.array([grid.first_layer[n] for n in grid.names], dtype=np.float64)
    if not (np.all(np.isfinite(values)) and np.all(values > 0)):
        raise ValueError("the vanishing grid has zero or non-finite gradients: no log scale")
    logs = np.log10(values)
    y0 = math.floor(float(logs.min()) / 10) * 10
    y1 = math.ceil(float(logs.max()) / 10) * 10
    frame = _Frame(float(grid.depths[0]), float(grid.depths[-1]), y0, y1, left=50.0)
    i, j = grid.log2_scales.index(log2_scale), grid.depths.index(depth)
    data: dict[str, Any] = {
        "kind": "vanishing",
        "depths": list(grid.depths),
        "log2Scales": list(grid.log2_scales),
        "names": list(grid.names),
        "grad": {n: grid.first_layer[n] for n in grid.names},
        "frame": [frame.x0, frame.x1, frame.y0, frame.y1],
        "geometry": frame.geometry,
    }
    uid = "af-explorer-vanishing"
    lines, dots, rows = [], [], []
    px = frame.sx(depth)
    for k, (name, label) in enumerate(zip(grid.names, grid.display_names, strict=True)):
        style = f"af-s{k % 6}"
        lg = np.log10(grid.first_layer[name][i])
        lines.append(
            f'<path class="af-line {style}" data-name="{name}" '
            f'd="{frame.path(grid.depths, lg.tolist())}"/>'
        )
        dots.append(
            f'<circle class="af-dot {style}" {INK} data-name="{name}" r="4" cx="{px:.2f}" '
            f'cy="{frame.sy(float(lg[j])):.2f}"/>'
        )
        value = grid.first_layer[name][i][j]
        rows.append(
            f'<li data-name="{name}" data-gradient="{value!r}">'
            f'<svg class="af-key" viewBox="0 0 24 8" aria-hidden="true">'
            f'<line class="af-line {style}" x1="0" y1="4" x2="24" y2="4"/></svg>'
            f"{html.escape(label)}: <output>{display_number(value)}</output></li>"
        )
    yticks = [float(t) for t in range(int(y0), int(y1) + 1, 10)]
    description = (
        "Line chart of the gradient reaching layer 1, relative to the output's, against "
        "the number of layers, one line per activation, on a logarithmic scale; the values "
        "at the chosen depth are in the readout below."
    )
    svg = (
        f'<svg class="af-plot" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" {PLAIN} role="img" '
        f'aria-label="{html.escape(description)}">'
        + _log_axes(frame, _nice_ticks(frame.x0, frame.x1, 5), yticks)
        + f'<line class="af-marker" x1="{px:.2f}" x2="{px:.2f}" y1="{TOP}" '
        f'y2="{HEIGHT - BOTTOM}"/>' + "".join(lines) + "".join(dots) + "</svg>"
    )
    controls = (
        '<div class="af-controls">'
        + _range(
            f"{uid}-depth",
            "depth",
            "depth (layers)",
            low=grid.depths[0],
            high=grid.depths[-1],
            step=grid.depths[1] - grid.depths[0],
            value=depth,
        )
        + _range(
            f"{uid}-scale",
            "log2scale",
            "weight scale",
            low=grid.log2_scales[0],
            high=grid.log2_scales[-1],
            step=grid.log2_scales[1] - grid.log2_scales[0],
            value=log2_scale,
            text=scale_text(log2_scale),
        )
        + "</div>"
    )
    readout = (
        f'<div class="af-readout" aria-live="polite" data-depth="{depth}" '
        f'data-scale="{2.0**log2_scale!r}">'
        f"<p>Gradient reaching layer 1 (the output's is 1), {depth} layers, weights "
        f"{scale_text(log2_scale)}:</p>"
        f"<ul>{''.join(rows)}</ul></div>"
    )
    return Explorer(
        "vanishing",
        data,
        _root(
            "vanishing",
            uid,
            "Explore: depth and weight scale (1 = PyTorch's gain)",
            data,
            svg + controls + readout,
        ),
    )


def _log_axes(frame: _Frame, xticks: Sequence[float], yticks: Sequence[float]) -> str:
    """Axes for log10 values: tick labels written as powers of ten."""
    axes = frame.axes(xticks, [], "layers")
    left, right = frame.left, WIDTH - RIGHT
    parts = [axes]
    for y in yticks:
        py = frame.sy(y)
        parts.append(
            f'<line class="af-gridline" x1="{left}" x2="{right}" y1="{py:.2f}" y2="{py:.2f}"/>'
        )
        label = "1" if y == 0 else f"1e{int(y)}".replace("-", "\u2212")
        parts.append(
            f'<text class="af-tick" {INK} x="{left - 4}" y="{py + 4:.2f}" '
            f'text-anchor="end">{label}</text>'
        )
    return "".join(parts)
