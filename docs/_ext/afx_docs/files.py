"""Writing the build's generated files: only when their content changes, never half-written.

A helper for the other modules (it is not a Sphinx extension of its own).
"""

from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` unless it already holds it.

    An unchanged file keeps its time, so the next incremental build sees no change. A changed
    one is written beside it and moved into place, so no reader (a process writing pages in
    parallel, a browser) ever sees it half-written.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(content)
    partial.replace(path)
