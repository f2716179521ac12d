"""Execute the notebooks missing from the cache two (one per core) at a time.

MyST-NB executes notebooks one after another while Sphinx reads them, and ``-j``
cannot be combined with ``nb_execution_mode = "cache"`` (the processes would race on
the cache's SQLite file: sphinx#12481). Most of a page's execution is its kernel
starting and importing torch and matplotlib, which overlaps well, so before Sphinx
reads the pages (``env-before-read-docs``) this module fills the cache with
jupyter-cache's own public API: the pages are added to the cache's project with
MyST-NB's published jupyter-cache reader (``myst_nb_md``), and jupyter-cache's
``local-serial`` executor runs the ones the cache does not hold yet, one notebook per
call, from one thread per core. (Its ``local-parallel`` executor sizes its pool by
``os.cpu_count()``, the host's cores rather than the two this build may use, and cannot
be told otherwise; nine kernels on two cores are slower than two.) MyST-NB then
reads every page as usual and finds its outputs in the cache. Nothing of MyST-NB or
jupyter-cache is changed.

Were the two readers ever to disagree on a notebook, MyST-NB would miss the cache
and execute the page itself: slower, never stale. A notebook that fails here is
left to MyST-NB, which runs it again and reports the error as it always does.

Pages matching ``afx_execute_alone`` (pages that time code) are left to MyST-NB,
which runs them while no other kernel runs. ``afx_parallel_execution = False``
turns the module off.

Written for jupyter-cache 1.0 and MyST-NB 1.x; with other versions it warns (an
error under ``-W``) and leaves all execution to MyST-NB.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import logging as std_logging
import os
import queue
import threading
from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Distribution -> version prefixes whose public API this module was written against.
WRITTEN_FOR = {"jupyter-cache": ("1.0.",), "myst-nb": ("1.",)}
#: MyST-NB's reader of MyST Markdown notebooks, as registered for jupyter-cache.
READ_DATA = {"name": "myst_nb_md", "type": "plugin"}
EXECUTOR = "local-serial"
#: At most this many kernels at once: each one that imports torch takes a few hundred MB.
MAX_WORKERS = 4


def workers() -> int:
    """One per core this process may use (not the host's count), at most MAX_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


#: jupyter-cache's executor logs every step at INFO; this build reports what it needs.
_QUIET = std_logging.getLogger("afx_docs.parallel_execution.executor")
_QUIET.setLevel(std_logging.WARNING)


def unsupported_versions() -> list[str]:
    """``name version`` of each dependency outside the versions this was written for."""
    found = []
    for name, prefixes in WRITTEN_FOR.items():
        version = importlib.metadata.version(name)
        if not version.startswith(prefixes):
            found.append(f"{name} {version}")
    return found


def candidates(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> list[Path]:
    """Source files of the pages to read that are notebooks MyST-NB executes with the cache.

    Largest first: the longest notebook should not start last.
    """
    from myst_nb.core.read import is_myst_markdown_notebook

    alone = app.config.afx_execute_alone
    excluded = app.config.nb_execution_excludepatterns
    paths = []
    for docname in docnames:
        if any(fnmatch.fnmatchcase(docname, pattern) for pattern in alone):
            continue
        path = Path(env.doc2path(docname)).absolute()
        if path.suffix != ".md" or any(
            PurePosixPath(path.as_posix()).match(pattern) for pattern in excluded
        ):
            continue
        if is_myst_markdown_notebook(path.read_text(encoding="utf-8")):
            paths.append(path)
    return sorted(paths, key=lambda p: p.stat().st_size, reverse=True)


def still_missing(cache: Any, pks: list[int], uris: dict[int, str], failed: list[str]) -> list[str]:
    """Notebooks the pool ran that the cache still lacks, not already among ``failed``.

    Asks the cache itself what it holds: a notebook the executor reported as run but
    which the cache does not hold (seen rarely with two lanes writing it) is executed
    again by MyST-NB, so it is reported with the failures rather than run twice silently.
    """
    found = []
    for record in cache.list_unexecuted(filter_pks=pks):
        uri = uris[record.pk]
        if not any(entry.startswith(uri) for entry in failed):
            found.append(f"{uri} (not found in the cache afterwards)")
    return found


def execute_missing(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: run the uncached notebooks in parallel, into the cache."""
    config = app.config
    if not config.afx_parallel_execution or config.nb_execution_mode != "cache":
        return
    if unsupported := unsupported_versions():
        logger.warning(
            "[parallel_execution] written for %s, found %s: leaving execution to MyST-NB",
            ", ".join(f"{n} {'/'.join(v)}x" for n, v in WRITTEN_FOR.items()),
            ", ".join(unsupported),
            type="afx",
            subtype="versions",
        )
        return
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    paths = candidates(app, env, docnames)
    if len(paths) < 2:
        return
    cache = get_cache(config.nb_execution_cache_path)
    pks = []
    uris: dict[int, str] = {}
    for path in paths:  # a record left by MyST-NB would keep its nbformat reader
        cache.remove_nb_from_project(str(path))
        pks.append(cache.add_nb_to_project(str(path), read_data=READ_DATA).pk)
        uris[pks[-1]] = str(path)
    try:
        missing = [record.pk for record in cache.list_unexecuted(filter_pks=pks)]
        if len(missing) < 2:
            return  # one notebook: MyST-NB executes it while reading, no faster here
        lanes = min(workers(), len(missing))
        logger.info(
            "[parallel_execution] executing %d notebooks, %d at a time", len(missing), lanes
        )
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for pk in missing:  # largest first: pks follow the order of paths
            todo.put(pk)
        failed: list[str] = []

        def lane() -> None:
            # Each lane its own cache object, hence its own database connection.
            executor = load_executor(
                EXECUTOR, cache=get_cache(config.nb_execution_cache_path), logger=_QUIET
            )
            while True:
                try:
                    pk = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    result = executor.run_and_cache(
                        filter_pks=[pk],
                        timeout=config.nb_execution_timeout,
                        allow_errors=config.nb_execution_allow_errors,
                    )
                except Exception as error:  # noqa: BLE001 - any failure here: MyST-NB retries
                    failed.append(f"{uris[pk]} ({type(error).__name__}: {error})")
                    continue
                failed.extend(result.excepted + result.errored)
                if not result.succeeded and not result.excepted and not result.errored:
                    failed.append(f"{uris[pk]} (not run by the executor)")

        threads = [threading.Thread(target=lane, name=f"afx-exec-{i}") for i in range(lanes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failed += still_missing(cache, missing, uris, failed)
        for uri in failed:
            logger.info("[parallel_execution] %s failed; MyST-NB runs it again to report it", uri)
    finally:
        for pk in pks:  # the project is this module's scratch list; leave it empty
            cache.remove_nb_from_project(pk)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.add_config_value("afx_parallel_execution", True, "", bool)
    # Pages (docname patterns) never executed alongside another kernel: pages that time code.
    app.add_config_value("afx_execute_alone", [], "", list)
    app.connect("env-before-read-docs", execute_missing)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
