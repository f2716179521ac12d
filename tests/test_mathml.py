"""``afx_docs.mathml`` decides how every formula looks: each rewrite rule, LaTeX in, MathML out.

The expected strings are the MathML the site's pages carry; each test names the rule
it pins down, and would fail if that rule were dropped (latex2mathml's own output is
shown where it differs).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from afx_docs import mathml
from afx_docs.mathml import MathMLError, latex_to_mathml

MINUS = "\u2212"


def _body(latex: str, display: str = "inline") -> str:
    """The MathML inside <math><mrow>...</mrow></math>."""
    out = latex_to_mathml(latex, display)
    prefix, suffix = f'<math display="{display}"><mrow>', "</mrow></math>"
    assert out.startswith(prefix), out
    assert out.endswith(suffix), out
    return out[len(prefix) : -len(suffix)]


# ------------------------------------------------------------ LaTeX rewrites
@pytest.mark.parametrize("latex", [r"x \label{eq:sigmoid}", r"x \nonumber", r"x \notag"])
def test_labels_and_numbering_commands_are_dropped(latex: str) -> None:
    assert _body(latex) == "<mi>x</mi>"


@pytest.mark.parametrize("env", ["aligned", "align", "eqnarray", "eqnarray*"])
def test_alignment_environments_become_one_aligned_table(env: str) -> None:
    out = _body(rf"\begin{{{env}}} a &= b \\ c &= d \end{{{env}}}", "block")
    table = ET.fromstring(out)
    assert table.tag == "mtable"
    assert len(table.findall("mtr")) == 2
    assert [td.get("columnalign") for td in table.find("mtr") or []] == ["right", "left"]


def test_gathered_becomes_gather() -> None:
    assert _body(r"\begin{gathered} a \\ b \end{gathered}") == (
        '<mrow><mi>a</mi><mspace linebreak="newline" /><mi>b</mi></mrow>'
    )


def test_equation_environment_is_unwrapped() -> None:
    assert _body(r"\begin{equation*} x \end{equation*}") == "<mi>x</mi>"


def test_upright_words_are_one_identifier() -> None:
    # latex2mathml alone writes four <mi mathvariant="normal"> letters for \mathrm{ReLU}.
    assert _body(r"\mathrm{ReLU}(x)").startswith("<mi>ReLU</mi>")


def test_starred_operatorname_is_an_operator_with_limits() -> None:
    assert _body(r"\operatorname*{argmax}_x f") == (
        '<munder><mo movablelimits="true" lspace="0">argmax</mo><mi>x</mi></munder><mi>f</mi>'
    )


# ----------------------------------------------------------- MathML rewrites
@pytest.mark.parametrize(
    ("latex", "word"), [(r"\max(0, x)", "max"), (r"\operatorname{sech} x", "sech")]
)
def test_multi_letter_operators_are_identifiers(latex: str, word: str) -> None:
    assert _body(latex).startswith(f"<mi>{word}</mi>")


def test_a_single_letter_operator_is_an_upright_identifier() -> None:
    assert _body(r"\operatorname{d}x") == '<mi mathvariant="normal">d</mi><mi>x</mi>'


@pytest.mark.parametrize(
    ("latex", "symbol"), [(r"\infty", "\u221e"), (r"\partial f", "\u2202"), (r"\nabla f", "\u2207")]
)
def test_infinity_partial_and_nabla_are_ordinary_symbols(latex: str, symbol: str) -> None:
    assert _body(latex).startswith(f"<mi>{symbol}</mi>")


@pytest.mark.parametrize(
    ("latex", "symbol"), [("a / b", "/"), ("|x|", "|"), (r"\lVert x \rVert", "\u2016")]
)
def test_slash_and_bars_get_no_extra_space(latex: str, symbol: str) -> None:
    assert f'<mo lspace="0" rspace="0">{symbol}</mo>' in _body(latex)


@pytest.mark.parametrize(
    ("latex", "prefix"),
    [
        ("-x", ""),  # the start of a formula
        ("(-1, 1)", '<mo stretchy="false">(</mo>'),  # after an opening bracket
        ("e^{-x}", "<msup><mi>e</mi><mrow>"),  # the start of a group
        ("a = -b", "<mi>a</mi><mo>=</mo>"),  # after another operator
        ("a, +b", "<mi>a</mi><mo>,</mo>"),
    ],
)
def test_a_sign_is_unary_after_a_start_bracket_or_operator(latex: str, prefix: str) -> None:
    sign = MINUS if "-" in latex else "+"
    unary = f'<mo form="prefix" lspace="0" rspace="0">{sign}</mo>'
    assert prefix + unary in _body(latex)


@pytest.mark.parametrize("latex", ["(x) - 1", "a - b", r"\sigma' - 1", "|x| - 1"])
def test_a_sign_is_binary_after_an_operand_or_closing_bracket(latex: str) -> None:
    body = _body(latex)
    assert f"<mo>{MINUS}</mo>" in body
    assert "form=" not in body


def test_a_prime_follows_its_symbol() -> None:
    # latex2mathml writes <msup><mi>σ</mi><mi>′</mi></msup>: a tiny raised prime.
    assert _body(r"\sigma'(x)").startswith('<mi>σ</mi><mo lspace="0" rspace="0">′</mo>')


def test_no_namespace_and_so_no_url() -> None:
    out = latex_to_mathml("x")
    assert "xmlns" not in out
    assert "http" not in out


@pytest.mark.parametrize(
    ("latex", "tag", "operator"),
    [(r"\lim_{x \to 0} f", "munder", "lim"), (r"\max_{x}^{y} f", "munderover", "max")],
)
def test_limits_go_under_in_display_and_beside_inline(latex: str, tag: str, operator: str) -> None:
    element = ET.fromstring(f"<mrow>{_body(latex, 'block')}</mrow>")[0]
    assert element.tag == tag
    base = element[0]
    assert (base.tag, base.text, base.get("movablelimits")) == ("mo", operator, "true")
    assert base.get("lspace") == "0"  # a word such as lim: no space before it


def test_ordinary_subscripts_stay_subscripts() -> None:
    assert _body("x_i") == "<msub><mi>x</mi><mi>i</mi></msub>"


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    ("latex", "message"),
    [
        ("x^", "MissingSuperScriptOrSubscriptError"),  # latex2mathml raises
        (r"\left( x", "ExtraLeftOrMissingRightError"),
        (r"\notacommand x", "a LaTeX command was not understood"),  # left as text
    ],
)
def test_bad_latex_raises_a_named_error(latex: str, message: str) -> None:
    with pytest.raises(MathMLError, match=message):
        latex_to_mathml(latex)


def test_the_error_is_a_value_error() -> None:
    assert issubclass(MathMLError, ValueError)


class _Translator:
    """Just what the visitors use of Sphinx's HTML5 translator."""

    def __init__(self) -> None:
        self.body: list[str] = []

    def encode(self, text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;")

    def starttag(self, node: Any, tag: str, suffix: str = "\n", **attributes: str) -> str:
        return f"<{tag}>"


def test_a_formula_that_fails_is_a_warning_naming_it_and_shows_the_latex(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docutils import nodes

    warnings: list[tuple[Any, ...]] = []
    monkeypatch.setattr(mathml.logger, "warning", lambda *args, **kw: warnings.append((args, kw)))
    translator = _Translator()
    node = nodes.math(r"\notacommand < x", r"\notacommand < x")
    with pytest.raises(nodes.SkipNode):
        mathml.visit_math(translator, node)  # type: ignore[arg-type]
    html = "".join(translator.body)
    assert '<code class="math-fallback">\\notacommand &lt; x</code>' in html
    ((args, kw),) = warnings
    assert args[1] == r"\notacommand < x"
    assert kw["location"] is node
    assert (kw["type"], kw["subtype"]) == ("mathml", "convert")
