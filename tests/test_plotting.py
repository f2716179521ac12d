"""Plot styles: one per activation of the registry, all distinguishable, also in greyscale."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import pytest

import activation_functions as af

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")

from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D

from activation_functions import plotting

PAIRS = list(itertools.combinations(af.ACTIVATIONS, 2))
PAIR_IDS = [f"{a.name}-{b.name}" for a, b in PAIRS]


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2), the grey level a colour prints as."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def dash_sequence(style: Any) -> tuple[float, ...]:
    """The dash pattern matplotlib draws (names such as "--" resolved), per unit width."""
    return pattern_of(Line2D([0, 1], [0, 1], linestyle=style))


def pattern_of(line: Any) -> tuple[float, ...]:
    offset, pattern = line._unscaled_dash_pattern  # (offset, on-off sequence or None)
    return (offset, *(pattern or ()))


def test_every_activation_has_a_style_keyed_by_name() -> None:
    assert set(plotting.STYLES) == {a.name for a in af.ACTIVATIONS}
    for activation in af.ACTIVATIONS:
        assert plotting.style_of(activation) is plotting.STYLES[activation.name]


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=PAIR_IDS)
def test_no_two_styles_share_colour_dash_or_marker(a: Any, b: Any) -> None:
    first, second = plotting.style_of(a), plotting.style_of(b)
    assert to_rgb(first.colour) != to_rgb(second.colour)
    assert dash_sequence(first.dash) != dash_sequence(second.dash)
    assert first.marker != second.marker


@pytest.mark.parametrize(("a", "b"), PAIRS, ids=PAIR_IDS)
def test_styles_stay_distinguishable_in_greyscale(a: Any, b: Any) -> None:
    """In greyscale two curves differ in grey level, or (always) in dash and marker.

    Colour is never the only difference: the dash patterns differ and so do the
    markers, whatever the grey levels; and where two grey levels are close (below
    0.05 apart), that is all that tells them apart, so both must hold.
    """
    first, second = plotting.style_of(a), plotting.style_of(b)
    grey_apart = abs(luminance(first.colour) - luminance(second.colour)) >= 0.05
    shape_apart = (
        dash_sequence(first.dash) != dash_sequence(second.dash) and first.marker != second.marker
    )
    assert shape_apart
    assert grey_apart or shape_apart


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=lambda a: a.name)
def test_every_line_has_contrast_on_the_white_card(activation: Any) -> None:
    """WCAG 2 non-text contrast: at least 3:1 against the white figure background."""
    contrast = 1.05 / (luminance(plotting.style_of(activation).colour) + 0.05)
    assert contrast >= 3.0, f"{activation.name}: {contrast:.2f}:1"


def test_legacy_tuples_follow_the_registry_order() -> None:
    """COLOURS and LINE_STYLES (imported by pages) are derived from STYLES."""
    assert tuple(plotting.STYLES[a.name].colour for a in af.ACTIVATIONS) == plotting.COLOURS
    assert tuple(plotting.STYLES[a.name].dash for a in af.ACTIVATIONS) == plotting.LINE_STYLES
    assert plotting.INK.startswith("#")


def test_comparison_draws_each_activation_in_its_own_style() -> None:
    ax = plotting.plot_comparison(af.ACTIVATIONS)
    lines = [
        line
        for line in ax.get_lines()
        if line.get_label() in {a.display_name for a in af.ACTIVATIONS}
    ]
    assert [line.get_label() for line in lines] == [a.display_name for a in af.ACTIVATIONS]
    for line, activation in zip(lines, af.ACTIVATIONS, strict=True):
        style = plotting.style_of(activation)
        assert to_rgb(line.get_color()) == to_rgb(style.colour)
        assert line.get_marker() == style.marker
        assert pattern_of(line) == dash_sequence(style.dash)
    plotting.figure_of(ax).clf()


def test_unknown_activation_gets_a_clear_error() -> None:
    stranger = dataclasses.replace(af.silu, name="elu")
    with pytest.raises(KeyError, match="no line style for activation 'elu'"):
        plotting.style_of(stranger)
