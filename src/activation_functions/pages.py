r"""Helpers the site's pages share: numbers for prose, yes/no facts and Markdown tables.

A companion module of the website, like :mod:`activation_functions.experiments`: the
core package never imports it. Each page's helper cell is one import of this module,
so a number is formatted the same way on every page.

:func:`show_formulas` displays a record's definition and derivative, and
:func:`torch_callable` turns a record's PyTorch spelling (``a.torch_forms``) into
something to call, so no page retypes a formula or a spelling.

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

import functools
import math
from collections.abc import Callable, Iterable, Sequence
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


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Any:
    """A Markdown table as a cell's output (MyST-NB renders it; Jupyter too)."""
    from IPython.display import Markdown

    return Markdown(markdown_table(header, rows))  # type: ignore[no-untyped-call]


def listing(items: Iterable[str]) -> str:
    """Items joined for prose: 'a', 'a and b', 'a, b and c'.

    >>> listing(["ReLU"]), listing(["GELU", "SiLU"]), listing("abc")
    ('ReLU', 'GELU and SiLU', 'a, b and c')
    >>> listing([])
    Traceback (most recent call last):
    ...
    ValueError: listing() needs at least one item
    """
    items = list(items)
    if not items:
        raise ValueError("listing() needs at least one item")
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def bisect_zero(f: Callable[[float], Any], low: float, high: float, steps: int = 200) -> float:
    """A zero of ``f`` between ``low`` and ``high`` by bisection; ``f`` must change sign there.

    >>> round(bisect_zero(lambda x: x * x - 2.0, 0.0, 2.0), 12)
    1.414213562373
    >>> bisect_zero(lambda x: x * x + 1.0, 0.0, 2.0)
    Traceback (most recent call last):
    ...
    ValueError: f does not change sign between 0.0 and 2.0
    """
    low_sign = math.copysign(1.0, float(f(low)))
    if low_sign == math.copysign(1.0, float(f(high))):
        raise ValueError(f"f does not change sign between {low} and {high}")
    for _ in range(steps):
        middle = 0.5 * (low + high)
        if math.copysign(1.0, float(f(middle))) == low_sign:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


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


def below(value: float, bound: float) -> str:
    """``value`` for prose, or "less than ``bound``" when it is smaller.

    Rounding residues (the last bits of a matrix product) depend on the BLAS kernel
    and the number of threads; reporting them against a bound keeps a page's text the
    same on every machine while still saying how small they are.

    >>> below(3.1e-16, 2.2e-14)
    'less than 2.2e-14'
    >>> below(0.25, 2.2e-14)
    '0.25'
    """
    if abs(value) < bound:
        return f"less than {num(bound, '.2g')}"
    return num(value, ".2g")


def formula(latex: str) -> Any:
    r"""A LaTeX formula as a displayable object, for a page's prose (``{glue}`name```).

    >>> formula(r"(0, 1)")._repr_latex_()
    '$\\displaystyle (0, 1)$'
    """
    from IPython.display import Math

    return Math(latex)  # type: ignore[no-untyped-call]


def formulas(activation: Activation[Any]) -> tuple[Any, Any]:
    r"""The record's definition and derivative, as two displayable formulas.

    Every page shows its formulas from the record, so each is written once.

    >>> import activation_functions as af
    >>> definition, derivative = formulas(af.relu)
    >>> definition.data == af.relu.latex, derivative.data == af.relu.derivative_latex
    (True, True)
    """
    return formula(activation.latex), formula(activation.derivative_latex)


def show_formulas(activation: Activation[Any]) -> None:
    """Display :func:`formulas` (the definition above the derivative) in a notebook."""
    from IPython.display import display

    display(*formulas(activation))  # type: ignore[no-untyped-call]


def torch_version() -> str:
    """The installed PyTorch's version without the build tag: '2.13.0', not '2.13.0+cpu'.

    >>> import torch
    >>> torch.__version__.startswith(torch_version())
    True
    """
    import torch

    return str(torch.__version__).split("+")[0]


def torch_callable(form: str, **parameters: float) -> Callable[..., Any]:
    """The PyTorch object a record spells ``form``, ready to call on a tensor.

    A module class (``torch.nn.Sigmoid``) is constructed first, with ``parameters``;
    a function (``torch.sigmoid``) gets ``parameters`` as keywords. That difference
    is the point of the three spellings: a module is built once, then called.

    >>> import torch
    >>> torch_callable("torch.nn.LeakyReLU", negative_slope=0.2)
    LeakyReLU(negative_slope=0.2)
    >>> torch_callable("torch.relu")(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    >>> torch_callable("torch.nn.Nothing")
    Traceback (most recent call last):
    ...
    ValueError: no PyTorch object named 'torch.nn.Nothing'
    """
    import importlib

    module_name, _, attribute = form.rpartition(".")
    try:
        target = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError):
        raise ValueError(f"no PyTorch object named {form!r}") from None
    if isinstance(target, type):
        return target(**parameters)  # type: ignore[no-any-return]
    return functools.partial(target, **parameters)


def glue(name: str, value: object, display: bool = False) -> None:
    """Hand ``value`` to MyST-NB under ``name``; print it where MyST-NB is absent.

    The pages build with MyST-NB, whose ``glue`` stores the value for the prose. A
    reader's downloaded notebook has no MyST-NB: there the value is printed, so the
    notebook still shows every number the page states.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        from IPython.display import display as show

        if display:
            show(value)  # type: ignore[no-untyped-call]
        elif hasattr(value, "_repr_markdown_"):  # a table: shown, not printed as a repr
            print(f"{name}: the table below")
            show(value)  # type: ignore[no-untyped-call]
        else:
            latex = getattr(value, "_repr_latex_", None)
            print(f"{name}: {latex() if latex else value}")
        return
    myst_glue(name, value, display=display)


def text(name: str, value: str) -> None:
    """Glue a string for the prose (``{glue:text}`name```), without showing it."""
    glue(name, value, display=False)
