"""An HTML math renderer that turns LaTeX into MathML at build time.

Browsers render MathML natively, so pages need no JavaScript and no CDN (Sphinx's
default, MathJax, is fetched from one). The conversion is done by latex2mathml;
this module smooths over the few constructs it renders poorly:

* ``\\mathrm{ReLU}`` becomes one upright identifier, not four separate letters;
* multi-letter operators (``\\max``, ``\\operatorname{sech}``) become identifiers
  so that ``\\max(0, x)`` is spaced like a function call;
* ``aligned`` is rendered as ``align*``, and ``\\label`` is dropped (Sphinx numbers
  and labels equations itself).
* spacing follows TeX where browsers' operator defaults differ: a sign at the
  start of a group or after an operator or opening bracket is unary (``(-1, 1)``,
  ``e^{-x}``), ``/`` and ``|`` get no extra space, ``\\infty`` and ``\\partial``
  are ordinary symbols, and a prime follows its symbol (``\\sigma'``) instead of
  being set as a tiny superscript, which reads poorly in fonts without a MATH table.

A formula that cannot be converted, or whose MathML is not well-formed, is a
build warning (an error under ``-W``) that names the page; the raw LaTeX is shown
in its place.

Select it in ``conf.py`` with ``html_math_renderer = "mathml"``.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

# LaTeX rewrites applied before conversion.
_PRE = (
    (re.compile(r"\\label\{[^{}]*\}"), ""),
    (re.compile(r"\\(?:nonumber|notag)\b"), ""),
    (re.compile(r"\\(begin|end)\{(aligned|align|eqnarray\*?)\}"), r"\\\1{align*}"),
    (re.compile(r"\\(begin|end)\{gathered\}"), r"\\\1{gather*}"),
    (re.compile(r"\\(begin|end)\{equation\*?\}"), ""),
    (re.compile(r"\\operatorname\*"), r"\\operatorname"),
    (re.compile(r"\\mathrm\{([A-Za-z]+)\}"), r"\\operatorname{\1}"),
)
# MathML rewrites applied after conversion.
_MO_WORD = re.compile(r"<mo>([A-Za-z]{2,})</mo>")
_MO_LETTER = re.compile(r"<mo>([A-Za-z])</mo>")
_NORMAL_LETTERS = re.compile(r'<mrow>((?:<mi mathvariant="normal">[A-Za-z]</mi>){2,})</mrow>')
_LETTER = re.compile(r'<mi mathvariant="normal">([A-Za-z])</mi>')
_ORDINARY_MO = re.compile(r"<mo>(&#x0221E;|&#x02202;|&#x02207;)</mo>")  # infinity, partial, nabla
_TIGHT_MO = re.compile(r'<mo(?: stretchy="false")?>(&#x0002F;|&#x0007C;|&#x02016;)</mo>')  # / | ||
# A sign is unary after the start of a group, an opening bracket or another operator,
# but not after a closing bracket (``(x) - 1``) or a prime.
_UNARY_SIGN = re.compile(
    r"(<mrow>|<mtd[^>]*>|<math[^>]*>|<mstyle[^>]*>"
    r"|<mo[^>]*>(?!&#x00029;|\]|&#x0007D;|&#x0007C;|\)|&#x02016;|&#x027E9;|&#x02032;)[^<]*</mo>)"
    r"<mo>(&#x02212;|&#x0002B;|&#x000B1;)</mo>"
)
_PRIME = re.compile(r"<msup>(<mi>[^<]*</mi>)<mi>(&#x02032;|&#x02033;|&#x02034;)</mi></msup>")
_XMLNS = ' xmlns="http://www.w3.org/1998/Math/MathML"'
# Operators whose limits go below/above in display style (TeX's \lim_{x}, \sum_{i}^{n}).
_LIMIT_OPERATORS = frozenset(
    {"lim", "liminf", "limsup", "max", "min", "sup", "inf", "argmax", "argmin", "det"}
    | {"\u2211", "\u220f", "\u2210", "\u22c3", "\u22c2", "\u2a01", "\u2a02"}  # sums, products
)
_ENVIRONMENT = re.compile(r"\\begin\{([A-Za-z]+\*?)\}.*?\\end\{\1\}", re.DOTALL)


class MathMLError(ValueError):
    """A formula that latex2mathml cannot turn into well-formed MathML."""


def _merge_letters(match: re.Match[str]) -> str:
    return "<mi>" + "".join(_LETTER.findall(match.group(1))) + "</mi>"


def _movable_limits(root: ET.Element) -> None:
    """``\\lim_{x}`` as ``munder`` with movable limits: below in display, beside inline."""
    for element in root.iter():
        if element.tag not in ("msub", "msubsup") or not len(element):
            continue
        base = element[0]
        if base.tag in ("mo", "mi") and (base.text or "") in _LIMIT_OPERATORS:
            element.tag = "munder" if element.tag == "msub" else "munderover"
            base.tag = "mo"
            base.set("movablelimits", "true")
            if len(base.text or "") > 1:  # a word such as lim: no space before it
                base.set("lspace", "0")


@functools.lru_cache(maxsize=4096)
def latex_to_mathml(latex: str, display: str = "inline") -> str:
    """Return ``<math>`` markup for one LaTeX formula.

    ``display`` is ``"inline"`` or ``"block"``. Raises :class:`MathMLError` when the
    formula cannot be converted.
    """
    source = latex.strip()
    for pattern, replacement in _PRE:
        source = pattern.sub(replacement, source)
    try:
        mathml = convert(source, display=display)
    except Exception as exc:  # latex2mathml raises many exception types
        raise MathMLError(f"{type(exc).__name__}: {exc}") from exc
    mathml = _MO_WORD.sub(r"<mi>\1</mi>", mathml)
    mathml = _MO_LETTER.sub(r'<mi mathvariant="normal">\1</mi>', mathml)
    mathml = _NORMAL_LETTERS.sub(_merge_letters, mathml)
    mathml = _ORDINARY_MO.sub(r"<mi>\1</mi>", mathml)
    mathml = _TIGHT_MO.sub(r'<mo lspace="0" rspace="0">\1</mo>', mathml)
    mathml = _UNARY_SIGN.sub(r'\1<mo form="prefix" lspace="0" rspace="0">\2</mo>', mathml)
    mathml = _PRIME.sub(r'\1<mo lspace="0" rspace="0">\2</mo>', mathml)
    # HTML needs no namespace on <math>: leave it out, and with it the only URL.
    mathml = mathml.replace(_XMLNS, "", 1)
    try:
        root = ET.fromstring(mathml)
    except ET.ParseError as exc:
        raise MathMLError(f"not well-formed MathML ({exc})") from exc
    _movable_limits(root)
    mathml = ET.tostring(root, encoding="unicode")
    if "\\" in mathml:  # an unknown command left as text, such as <mi>\foo</mi>
        raise MathMLError("a LaTeX command was not understood")
    return mathml


def _render(self: HTML5Translator, node: nodes.Element, latex: str, display: str) -> str:
    try:
        return latex_to_mathml(latex, display)
    except MathMLError as exc:
        logger.warning(
            "cannot render math %r as MathML: %s",
            latex,
            exc,
            location=node,
            type="mathml",
            subtype="convert",
        )
        return f'<code class="math-fallback">{self.encode(latex)}</code>'


def visit_math(self: HTML5Translator, node: nodes.math) -> None:
    """Inline math: ``<span class="math"><math>...</math></span>``."""
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_render(self, node, node.astext(), "inline"))
    self.body.append("</span>")
    raise nodes.SkipNode


def _has_line_break_outside_environment(latex: str) -> bool:
    return "\\\\" in _ENVIRONMENT.sub("", latex)


def visit_math_block(self: HTML5Translator, node: nodes.math_block) -> None:
    """Display math: one ``<math display="block">`` per paragraph of the source.

    Like Sphinx's MathJax renderer, a blank line separates equations and a bare
    ``\\\\`` splits one equation over several aligned lines.
    """
    # tabindex: a formula wider than a phone scrolls inside its box, by keyboard too.
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight", tabindex="0"))
    if node.get("number"):
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    latex = node.astext()
    if node.get("no-wrap", node.get("nowrap", False)):
        parts = [latex]
    else:
        parts = [part for part in latex.split("\n\n") if part.strip()]
    for part in parts:
        formula = part
        if _has_line_break_outside_environment(part):
            formula = "\\begin{split}" + part + "\\end{split}"
        self.body.append(_render(self, node, formula, "block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer(
        "mathml",
        inline_renderers=(visit_math, None),
        block_renderers=(visit_math_block, None),
    )
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
