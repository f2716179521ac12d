"""The notebook execution cache, keyed on the package it documents.

jupyter-cache keys a notebook on its code cells, their metadata and the kernelspec
(MyST-NB issue 299): a change to ``activation_functions`` that a page imports would
leave the page's cached outputs in place. Every page imports the package, so the
key is widened for all pages at once, through public configuration only:

* :func:`keyed_cache_path` (called by ``conf.py``) hashes the package sources and
  ``constraints.txt`` and returns ``<cache root>/<digest>`` for MyST-NB's
  ``nb_execution_cache_path``. MyST-NB registers that setting with ``rebuild="env"``,
  so a new digest makes Sphinx re-read every page, and the new, empty cache folder
  makes MyST-NB execute each one. Same digest: the same folder, and a prose edit
  re-reads its page with outputs from the cache.
* :func:`prune` (connected to ``builder-inited``) keeps the ``afx_cache_keep`` most
  recently used digest folders beside the current one (switching back and forth
  between two branches stays cheap) and, inside the current folder, the
  ``afx_cache_keep`` newest records per notebook, dropping those of deleted notebooks.
  It deletes only folders named like a digest and records through jupyter-cache's
  public ``remove_cache``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Length (hex digits) of the digest that names a cache folder.
DIGEST_LENGTH = 16
_DIGEST_NAME = re.compile(rf"[0-9a-f]{{{DIGEST_LENGTH}}}")
#: Touched on every build that uses a folder: its time orders the folders for pruning.
USED_MARKER = "last-used"
#: Names left out of the digest: caches and editor or VCS state, not source.
_SKIP_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".git"})
_SKIP_SUFFIXES = (".pyc", ".pyo", ".swp", "~")


def iter_source_files(root: Path) -> Iterator[Path]:
    """Every file under ``root`` (or ``root`` itself) that counts as source, sorted."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not path.name.endswith(_SKIP_SUFFIXES):
            yield path


def source_digest(roots: Iterable[Path]) -> str:
    """SHA-256 of the names and bytes of every source file under ``roots``.

    Content only: touching a file, or checking it out again, keeps the digest; a
    changed byte, a new or a removed file changes it. Paths are taken relative to
    each root, so two copies of the same tree have the same digest.
    """
    sha = hashlib.sha256()
    for index, given in enumerate(roots):
        root = Path(given)
        if not root.exists():
            raise FileNotFoundError(f"cache key source not found: {root}")
        sha.update(f"root {index} {root.name}\0".encode())
        for path in iter_source_files(root):
            rel = path.relative_to(root).as_posix() if path != root else path.name
            sha.update(rel.encode() + b"\0")
            sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()


def keyed_cache_path(cache_root: Path, sources: Iterable[Path]) -> Path:
    """``cache_root/<digest of sources>``: the value for ``nb_execution_cache_path``."""
    return Path(cache_root) / source_digest(sources)[:DIGEST_LENGTH]


def _last_used(folder: Path) -> float:
    marker = folder / USED_MARKER
    return marker.stat().st_mtime if marker.exists() else folder.stat().st_mtime


def prune_folders(current: Path, keep: int) -> list[Path]:
    """Delete digest folders beside ``current`` beyond the ``keep`` most recently used.

    ``current`` is marked used first and always survives. Returns the deleted folders.
    """
    current.mkdir(parents=True, exist_ok=True)
    marker = current / USED_MARKER
    marker.touch()
    os.utime(marker)
    siblings = [
        path
        for path in current.parent.iterdir()
        if path.is_dir() and path != current and _DIGEST_NAME.fullmatch(path.name)
    ]
    siblings.sort(key=_last_used, reverse=True)
    doomed = siblings[max(keep - 1, 0) :]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return doomed


def prune_records(cache_path: Path, keep: int) -> int:
    """In one cache, keep the ``keep`` newest records per notebook; drop deleted notebooks'.

    Returns the number of records removed. Uses jupyter-cache's public API only.
    """
    if not (cache_path / "global.db").exists():
        return 0
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    by_uri: dict[str, list[Any]] = {}
    for record in cache.list_cache_records():
        by_uri.setdefault(record.uri, []).append(record)
    removed = 0
    for uri, records in by_uri.items():
        records.sort(key=lambda r: (r.accessed, r.created, r.pk), reverse=True)
        survivors = records[: max(keep, 1)] if Path(uri).exists() else []
        for record in records:
            if record in survivors:
                continue
            try:
                cache.remove_cache(record.pk)
            except KeyError:  # its notebook file is already gone: leave the row
                continue
            removed += 1
    return removed


def prune(app: Sphinx) -> None:
    """``builder-inited``: bound the cache before this build adds to it."""
    if app.config.nb_execution_mode != "cache":
        return
    current = Path(app.config.nb_execution_cache_path)
    if not _DIGEST_NAME.fullmatch(current.name):
        return  # not a keyed path (set by hand): its siblings are not ours to delete
    keep = app.config.afx_cache_keep
    folders = prune_folders(current, keep)
    records = prune_records(current, keep)
    if folders or records:
        logger.info(
            "[exec_cache] pruned %d old cache folder(s) and %d old record(s)", len(folders), records
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.add_config_value("afx_cache_keep", 2, "", int)
    app.connect("builder-inited", prune)
    # With -j, pages would be read (and executed) in several processes that share the
    # cache's SQLite file, which races (sphinx#12481, scipy#22383). Declared unsafe, Sphinx
    # itself reads serially (with a warning); parallel_execution overlaps the kernels.
    return {"version": "2.0", "parallel_read_safe": False, "parallel_write_safe": True}
