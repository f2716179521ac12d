r"""Helpers the site's pages share: numbers for prose, yes/no facts and Markdown tables.

A companion module of the website, like :mod:`activation_functions.experiments`: the
core package never imports it. Each page's helper cell is one import of this module,
so a number is formatted the same way on every page.

:func:`glue` hands a value to MyST-NB when the page is built; in a downloaded
notebook, where MyST-NB is not installed, it prints the value instead.

Examples
--------
>>> from activation_functions import pages
>>> pages.num(-0.000123456)
'−0.000123'
>>> pages.pct(0.0345)
'3.5 %'
>>> pages.sig(163.4)
'160'
>>> pages.yes_no(True)
'yes'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from .activation import Activation

MINUS = "\u2212"


def num(value: float, spec: str = ".3g") -> str:
    """A number formatted for prose, with a true minus sign.

    >>> num(2.5e-10)
    '2.5e-10'
    >>> num(-1.5, ".2f")
    '−1.50'
    """
    text = format(float(value), spec)
    mantissa, sep, exponent = text.partition("e")
    return mantissa.replace("-", MINUS) + sep + exponent


def sig(value: float, digits: int = 2) -> str:
    """``value`` rounded to ``digits`` significant digits and written out in full.

    >>> sig(0.0012345)
    '0.0012'
    >>> sig(-98765, 3)
    '−98,800'
    >>> sig(0)
    '0'
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return num(value, "g")
    places = digits - 1 - math.floor(math.log10(abs(value)))
    return num(round(value, places), f",.{max(places, 0)}f")


def pct(share: float, digits: int = 2) -> str:
    """A share in [0, 1] as a percentage with ``digits`` significant digits (one style site-wide).

    Exactly 0 and 1 are written as 0 % and 100 %; other shares never round to them.

    >>> pct(0.5)
    '50 %'
    >>> pct(1.0), pct(0.0), pct(0.9999), pct(0.00004)
    ('100 %', '0 %', '>99.9 %', '<0.01 %')
    """
    share = float(share)
    if share in (0.0, 1.0):
        return f"{share * 100:.0f} %"
    if share > 0.999:
        return ">99.9 %"
    if share < 0.0001:
        return "<0.01 %"
    return sig(100 * share, digits) + " %"


def times(ratio: float) -> str:
    """A ratio as a factor for prose: ``3.8×``.

    >>> times(3.84)
    '3.8×'
    """
    return sig(ratio, 2) + "×"


def yes_no(flag: bool) -> str:
    """'yes' or 'no'."""
    return "yes" if flag else "no"


def saturation(activation: Activation[Any]) -> str:
    r"""Where the activation's gradient vanishes, as a phrase for a table cell.

    >>> import activation_functions as af
    >>> saturation(af.sigmoid), saturation(af.leaky_relu)
    ('at both ends', 'no')
    >>> saturation(af.relu)
    'only as $x \\to -\\infty$'
    """
    if activation.saturating:
        return "at both ends"
    if activation.saturates_left:
        return r"only as $x \to -\infty$"
    if activation.saturates_right:
        return r"only as $x \to +\infty$"
    return "no"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table as text.

    >>> print(markdown_table(["a", "b"], [["1", "2"]]))
    | a | b |
    | --- | --- |
    | 1 | 2 |
    """
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def properties_rows(activation: Activation[Any]) -> list[tuple[str, str]]:
    """The facts of one activation, as (property, value) rows read from its record."""
    rows = [
        ("Output range", f"${activation.output_range.latex}$"),
        ("Zero-centred", yes_no(activation.zero_centred)),
        ("Saturates", saturation(activation)),
        ("Monotonic", yes_no(activation.monotonic)),
        ("Cost of one evaluation", activation.cost),
    ]
    rows += [(f"Default `{name}`", f"{value}") for name, value in activation.parameters.items()]
    return rows


def properties_table(activation: Activation[Any]) -> str:
    """The properties table of a function page, in Markdown, PyTorch spellings below it.

    >>> import activation_functions as af
    >>> print(properties_table(af.relu).splitlines()[0])
    | Property | ReLU |
    """
    table = markdown_table(["Property", activation.display_name], properties_rows(activation))
    # The PyTorch spellings go below the table: long names would be too wide on phones.
    spellings = ", ".join(f"`{form}`" for form in activation.torch_forms)
    return f"{table}\n\nPyTorch: {spellings}."


def glue(name: str, value: object, display: bool = False) -> None:
    """Hand ``value`` to MyST-NB under ``name``; print it where MyST-NB is absent.

    The pages build with MyST-NB, whose ``glue`` stores the value for the prose. A
    reader's downloaded notebook has no MyST-NB: there the value is printed, so the
    notebook still shows every number the page states.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show

            show(value)
        else:
            print(f"{name}: {value}")
        return
    myst_glue(name, value, display=display)


def text(name: str, value: str) -> None:
    """Glue a string for the prose (``{glue:text}`name```), without showing it."""
    glue(name, value, display=False)
