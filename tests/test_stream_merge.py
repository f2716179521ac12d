"""A cell's printed output is one block, exactly as printed, however the kernel chunked it.

Unit tests of ``docs/_ext/stream_merge.py``'s merge, then a tiny MyST-NB site whose
cell flushes stdout in the middle of a line: the kernel then sends two stream
messages every time, which is what a busy machine does at random.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest

EXT_DIR = Path(__file__).resolve().parents[1] / "docs" / "_ext"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXT_DIR / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stream_merge = _load("stream_merge")


def _stream(name: str, text: str) -> Any:
    return nbformat.v4.new_output("stream", name=name, text=text)


def _figure() -> Any:
    return nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"})


# ------------------------------------------------------------------- the merge
def test_pieces_of_one_line_join_without_a_line_break() -> None:
    pieces = ["hasattr(torch, 'leaky_relu'):", " ", "False", "\n", "next\n"]
    merged = stream_merge.merge_adjacent_streams([_stream("stdout", p) for p in pieces])
    assert len(merged) == 1
    assert merged[0]["text"] == "hasattr(torch, 'leaky_relu'): False\nnext\n"


@pytest.mark.parametrize("cut", range(1, 12))
def test_any_chunking_gives_the_same_output(cut: int) -> None:
    text = "a = 1\n\nb =  2  \n"
    chunked = [_stream("stdout", text[:cut]), _stream("stdout", text[cut:])]
    assert stream_merge.merge_adjacent_streams(chunked) == [_stream("stdout", text)]


def test_whitespace_is_kept_exactly() -> None:
    merged = stream_merge.merge_adjacent_streams(
        [_stream("stdout", "  indented\n\n"), _stream("stdout", "\n  trailing  \n\n")]
    )
    assert merged[0]["text"] == "  indented\n\n\n  trailing  \n\n"


def test_stdout_and_stderr_stay_apart() -> None:
    outputs = [_stream("stdout", "out\n"), _stream("stderr", "err\n"), _stream("stdout", "more\n")]
    merged = stream_merge.merge_adjacent_streams(outputs)
    assert [(o["name"], o["text"]) for o in merged] == [
        ("stdout", "out\n"),
        ("stderr", "err\n"),
        ("stdout", "more\n"),
    ]


def test_a_figure_between_two_prints_keeps_its_place() -> None:
    outputs = [_stream("stdout", "before\n"), _figure(), _stream("stdout", "after\n")]
    merged = stream_merge.merge_adjacent_streams(outputs)
    assert [o["output_type"] for o in merged] == ["stream", "display_data", "stream"]
    assert [merged[0]["text"], merged[2]["text"]] == ["before\n", "after\n"]


def test_text_stored_as_a_list_of_lines_is_joined() -> None:
    first = _stream("stdout", "")
    first["text"] = ["one\n", "two"]
    merged = stream_merge.merge_adjacent_streams([first, _stream("stdout", " three\n")])
    assert merged[0]["text"] == "one\ntwo three\n"


def test_whole_notebook_merge_touches_code_cells_only() -> None:
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print('x')")
    code.outputs = [_stream("stdout", "x"), _stream("stdout", "\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), code]
    stream_merge.merge_notebook_streams(nb)
    assert nb.cells[1].outputs == [_stream("stdout", "x\n")]
    assert nb.cells[0] == nbformat.v4.new_markdown_cell("# Title", id=nb.cells[0].id)


def test_empty_and_missing_outputs() -> None:
    assert stream_merge.merge_adjacent_streams([]) == []
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    stream_merge.merge_notebook_streams(nb)
    assert nb.cells[0].outputs == []


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


def _saved_outputs(docs: Path) -> list[dict[str, Any]]:
    nb = json.loads((docs / "_build" / "jupyter_execute" / "page.ipynb").read_text())
    return [out for cell in nb["cells"] if cell["cell_type"] == "code" for out in cell["outputs"]]


def test_page_and_saved_notebook_show_one_block_executed_and_cached(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT_DIR)!r})\n"
        "extensions = ['myst_nb', 'stream_merge']\nexclude_patterns = ['_build']\n"
        "nb_execution_mode = 'cache'\nnb_execution_raise_on_error = True\n"
    )
    (docs / "page.md").write_text(PAGE.format(prose="A page."))
    (docs / "index.md").write_text("# Site\n\n```{toctree}\npage\n```\n")
    expected = "left half right half\nsecond line\n"

    log = _build(docs)
    assert "Executed notebook" in log
    page = (docs / "_build" / "html" / "page.html").read_text()
    assert _stdout_blocks(page) == [expected]
    saved = [(o["output_type"], "".join(o["text"])) for o in _saved_outputs(docs)]
    assert saved == [("stream", expected)]

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
