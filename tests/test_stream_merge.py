"""A cell's printed output is one block, exactly as printed, however the kernel chunked it.

Unit tests of ``afx_docs.stream_merge`` on the doctree MyST-NB builds (one
``literal_block`` per stream output), then a tiny MyST-NB site whose cell flushes
stdout in the middle of a line: the kernel then sends two stream messages every time,
which is what a busy machine does at random.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from afx_docs import stream_merge
from docutils import nodes


def _stream(text: str, name: str = "stream") -> nodes.literal_block:
    """A block as MyST-NB renders a stream output (``stream`` is stdout, ``stderr``)."""
    return nodes.literal_block(text, text, classes=["output", name], language="myst-ansi")


def _figure() -> nodes.container:
    return nodes.container(nb_element="mime_bundle")


def _cell_output(*children: nodes.Element) -> nodes.container:
    return nodes.container("", *children, nb_element="cell_code_output", classes=["cell_output"])


def _merged(*children: nodes.Element) -> list[tuple[str, str]]:
    output = _cell_output(*children)
    stream_merge.merge_adjacent_streams(output)
    return [
        (
            child["classes"][-1] if isinstance(child, nodes.literal_block) else "figure",
            child.astext(),
        )
        for child in output.children
    ]


# ------------------------------------------------------------------- the merge
def test_pieces_of_one_line_join_without_a_line_break() -> None:
    pieces = ["hasattr(torch, 'leaky_relu'):", " ", "False", "\n", "next\n"]
    assert _merged(*map(_stream, pieces)) == [
        ("stream", "hasattr(torch, 'leaky_relu'): False\nnext\n")
    ]


def test_any_chunking_gives_the_same_output() -> None:
    text = "a = 1\n\nb =  2  \n"
    for cut in range(1, len(text)):
        assert _merged(_stream(text[:cut]), _stream(text[cut:])) == [("stream", text)]


def test_whitespace_is_kept_exactly() -> None:
    merged = _merged(_stream("  indented\n\n"), _stream("\n  trailing  \n\n"))
    assert merged == [("stream", "  indented\n\n\n  trailing  \n\n")]


def test_stdout_and_stderr_stay_apart() -> None:
    merged = _merged(_stream("out\n"), _stream("err\n", "stderr"), _stream("more\n"))
    assert merged == [("stream", "out\n"), ("stderr", "err\n"), ("stream", "more\n")]


def test_stderr_pieces_join_too() -> None:
    merged = _merged(_stream("warn", "stderr"), _stream("ing\n", "stderr"))
    assert merged == [("stderr", "warning\n")]


def test_a_figure_between_two_prints_keeps_its_place() -> None:
    merged = _merged(_stream("before\n"), _figure(), _stream("after\n"))
    assert merged == [("stream", "before\n"), ("figure", ""), ("stream", "after\n")]


def test_the_merged_block_keeps_its_rawsource_in_step() -> None:
    output = _cell_output(_stream("x"), _stream("\n"))
    stream_merge.merge_adjacent_streams(output)
    (block,) = output.findall(nodes.literal_block)
    assert block.rawsource == block.astext() == "x\n"  # Sphinx highlights rawsource == text
    assert block["language"] == "myst-ansi"


def test_only_cell_outputs_are_touched() -> None:
    code = nodes.container("", _stream("a"), _stream("b"), nb_element="cell_code_source")
    doc = nodes.document(None, None)  # type: ignore[arg-type]
    doc += [code, _cell_output(_stream("c"), _stream("d"))]
    stream_merge.merge_cell_outputs(None, doc)  # type: ignore[arg-type]
    assert [c.astext() for c in code.children] == ["a", "b"]
    assert [c.astext() for c in doc[1].children] == ["cd"]


def test_empty_outputs() -> None:
    assert _merged() == []


# ------------------------------------------------------------ a real build
PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Split output

{prose}

```{{code-cell}} ipython3
import sys

print("left half", end="")
sys.stdout.flush()  # sends the first piece now, as the kernel's timer may
print(" right half")
print("second line")
```
"""


def _build(docs: Path) -> str:
    html = docs / "_build" / "html"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "-T", str(docs), str(html)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def _stdout_blocks(page: str) -> list[str]:
    blocks = re.findall(
        r'<div class="output stream[^"]*">.*?<pre[^>]*>(.*?)</pre>', page, re.DOTALL
    )
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def test_page_shows_one_block_executed_and_cached(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        "extensions = ['myst_nb', 'afx_docs.stream_merge']\nexclude_patterns = ['_build']\n"
        "nb_execution_mode = 'cache'\nnb_execution_raise_on_error = True\n"
    )
    (docs / "page.md").write_text(PAGE.format(prose="A page."))
    (docs / "index.md").write_text("# Site\n\n```{toctree}\npage\n```\n")
    expected = "left half right half\nsecond line\n"

    log = _build(docs)
    assert "Executed notebook" in log
    page = (docs / "_build" / "html" / "page.html").read_text()
    assert _stdout_blocks(page) == [expected]

    # A prose edit: the page is read again and its outputs come from the cache.
    (docs / "page.md").write_text(PAGE.format(prose="A page, reworded."))
    log = _build(docs)
    assert "Using cached notebook" in log
    page = (docs / "_build" / "html" / "page.html").read_text()
    assert _stdout_blocks(page) == [expected]


def test_without_the_extension_the_flush_splits_the_output(tmp_path: Path) -> None:
    """The control: the page above really does come back in two pieces."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        "extensions = ['myst_nb']\nexclude_patterns = ['_build']\n"
        "nb_execution_mode = 'force'\nnb_execution_raise_on_error = True\n"
    )
    (docs / "page.md").write_text(PAGE.format(prose="A page."))
    (docs / "index.md").write_text("# Site\n\n```{toctree}\npage\n```\n")
    _build(docs)
    page = (docs / "_build" / "html" / "page.html").read_text()
    assert len(_stdout_blocks(page)) == 2
