"""tools.repro_docs: which pages a clean build must have executed."""

from __future__ import annotations

from pathlib import Path

from tools.repro_docs import is_notebook

NOTEBOOK = "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n---\n\n# Page\n"


def test_a_mystnb_page_is_a_notebook_and_a_plain_page_is_not(tmp_path: Path) -> None:
    (tmp_path / "nb.md").write_text(NOTEBOOK)
    (tmp_path / "plain.md").write_text("---\nmyst:\n  html_meta: {}\n---\n\n# Plain\n")
    assert is_notebook(tmp_path / "nb.md")
    assert not is_notebook(tmp_path / "plain.md")
    assert not is_notebook(tmp_path / "missing.md")  # genindex, search: no source
