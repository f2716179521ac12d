"""afx_docs.files: the build's generated files, written only when their content changes."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from afx_docs.files import write_if_changed

if TYPE_CHECKING:
    from pathlib import Path


def test_write_if_changed_keeps_an_unchanged_file(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "kernel.json"
    write_if_changed(path, "{}")
    os.utime(path, ns=(1, 1))
    write_if_changed(path, "{}")
    assert path.stat().st_mtime_ns == 1
    write_if_changed(path, '{"a": 1}')
    assert path.read_text(encoding="utf-8") == '{"a": 1}'


def test_write_if_changed_takes_bytes_and_leaves_no_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "logo.svg"
    write_if_changed(path, b"<svg/>")
    write_if_changed(path, b"<svg></svg>")
    assert path.read_bytes() == b"<svg></svg>"
    assert [p.name for p in tmp_path.iterdir()] == ["logo.svg"]
