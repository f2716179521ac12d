"""Execute the notebooks missing from the cache one per core, while Sphinx reads.

MyST-NB executes notebooks one after another while Sphinx reads them, and ``-j``
cannot be combined with ``nb_execution_mode = "cache"`` (the processes would race on
the cache's SQLite file: sphinx#12481). Most of a page's execution is its kernel
starting and importing torch and matplotlib, which overlaps well. So when Sphinx has
listed the pages to read (``env-before-read-docs``), this module adds them to the
cache's project with MyST-NB's published jupyter-cache reader (``myst_nb_md``) and
starts one thread per core ("lanes"), each running jupyter-cache's ``local-serial``
executor on one notebook at a time, longest first. It then returns, and Sphinx reads
while the kernels run: the event's documented use is reordering the pages to read,
so they are read in the order the lanes take them, and ``source-read`` (before
MyST-NB looks in the cache) holds each page until its lane is done with it. MyST-NB
finds the outputs in the cache. When every page is read (``env-updated``), the lanes
are joined and the project emptied. Nothing of MyST-NB or jupyter-cache is changed.

(jupyter-cache's ``local-parallel`` executor sizes its pool by ``os.cpu_count()``, the
host's cores rather than the two this build may use, and cannot be told otherwise;
nine kernels on two cores are slower than two.)

Were the two readers ever to disagree on a notebook, MyST-NB would miss the cache
and execute the page itself: slower, never stale. A notebook that fails in a lane is
left to MyST-NB, which runs it again and reports the error as it always does.
``afx_parallel_execution = False`` turns the module off.

Written for jupyter-cache 1.0 and MyST-NB 1.x; with other versions it warns (an
error under ``-W``) and leaves all execution to MyST-NB.
"""

from __future__ import annotations

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


def candidates(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> list[str]:
    """Pages to read that are notebooks MyST-NB executes with the cache, longest first.

    The longest notebook should not start last: the pages named in ``afx_execute_first``
    (in that order), then the others, largest source first.
    """
    from myst_nb.core.read import is_myst_markdown_notebook

    excluded = app.config.nb_execution_excludepatterns
    found = []
    for docname in docnames:
        path = Path(env.doc2path(docname)).absolute()
        if path.suffix != ".md" or any(
            PurePosixPath(path.as_posix()).match(pattern) for pattern in excluded
        ):
            continue
        if is_myst_markdown_notebook(path.read_text(encoding="utf-8")):
            found.append(docname)
    first = [d for d in app.config.afx_execute_first if d in found]
    rest = sorted(
        (d for d in found if d not in first),
        key=lambda d: Path(env.doc2path(d)).stat().st_size,
        reverse=True,
    )
    return first + rest


def reading_order(docnames: list[str], missing: list[str]) -> list[str]:
    """The pages in the order they are likely to be ready to read.

    First the pages that need no execution, then the executed ones in the order the
    lanes take them, except the first (the longest, started first): it is read last.
    Sphinx reads in a fixed order, and the longest page read first would hold every
    other page back until it is done; the reading would then pile up after the kernels.
    """
    cached = [d for d in docnames if d not in missing]
    return cached + missing[1:] + missing[:1]


class Lanes:
    """The notebooks of one build, executed by ``workers()`` threads into the cache.

    ``ready[docname]`` is set when the lanes are done with the page, whether it ran,
    failed or was skipped. Messages are collected here and logged by Sphinx's thread.
    """

    def __init__(self, config: Any, pks: dict[str, int], missing: list[str]) -> None:
        self.config = config
        self.pks = pks  # docname -> project record of every candidate page
        self.ready = {docname: threading.Event() for docname in missing}
        self.failed: dict[str, str] = {}
        self.stopping = threading.Event()
        self.todo: queue.SimpleQueue[str] = queue.SimpleQueue()
        for docname in missing:
            self.todo.put(docname)
        lanes = min(workers(), len(missing))
        self.threads = [
            threading.Thread(target=self._lane, name=f"afx-exec-{i}", daemon=True)
            for i in range(lanes)
        ]
        for thread in self.threads:
            thread.start()

    def _lane(self) -> None:
        from jupyter_cache import get_cache
        from jupyter_cache.executors import load_executor

        # Each lane its own cache object, hence its own database connection.
        cache = get_cache(self.config.nb_execution_cache_path)
        executor = load_executor(EXECUTOR, cache=cache, logger=_QUIET)
        while not self.stopping.is_set():
            try:
                docname = self.todo.get_nowait()
            except queue.Empty:
                return
            try:
                self._run(cache, executor, docname)
            except Exception as error:  # noqa: BLE001 - any failure here: MyST-NB retries
                self.failed[docname] = f"{type(error).__name__}: {error}"
            finally:
                self.ready[docname].set()

    def _run(self, cache: Any, executor: Any, docname: str) -> None:
        pk = self.pks[docname]
        result = executor.run_and_cache(
            filter_pks=[pk],
            timeout=self.config.nb_execution_timeout,
            allow_errors=self.config.nb_execution_allow_errors,
        )
        if result.excepted or result.errored:
            self.failed[docname] = "the notebook raised an error"
        elif not result.succeeded:
            self.failed[docname] = "not run by the executor"
        elif list(cache.list_unexecuted(filter_pks=[pk])):
            # Seen rarely with two lanes writing the cache: run again by MyST-NB, so
            # it is reported rather than run twice silently.
            self.failed[docname] = "not found in the cache afterwards"

    def wait(self, docname: str) -> str | None:
        """Block until the lanes are done with ``docname``; its failure, if any."""
        event = self.ready.get(docname)
        if event is None:
            return None
        event.wait()
        return self.failed.get(docname)

    def join(self) -> None:
        """Take no new notebook; wait for the running ones."""
        self.stopping.set()
        for thread in self.threads:
            thread.join()


_RUNNING: dict[int, Lanes] = {}  # id(app) -> the lanes of its current build


def start_lanes(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: start executing the uncached notebooks; reorder the reading."""
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

    pages = candidates(app, env, docnames)
    if len(pages) < 2:
        return
    cache = get_cache(config.nb_execution_cache_path)
    pks = {}
    for docname in pages:  # a record left by MyST-NB would keep its nbformat reader
        path = str(Path(env.doc2path(docname)).absolute())
        cache.remove_nb_from_project(path)
        pks[docname] = cache.add_nb_to_project(path, read_data=READ_DATA).pk
    unexecuted = {record.pk for record in cache.list_unexecuted(filter_pks=list(pks.values()))}
    missing = [d for d in pages if pks[d] in unexecuted]  # still longest first
    if len(missing) < 2:  # one notebook: MyST-NB executes it while reading, no faster here
        _clear_project(config, pks)
        return
    lanes = Lanes(config, pks, missing)
    _RUNNING[id(app)] = lanes
    logger.info(
        "[parallel_execution] executing %d notebooks, %d at a time",
        len(missing),
        len(lanes.threads),
    )
    docnames[:] = reading_order(docnames, missing)


def wait_for_page(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: hold the page until its notebook is in the cache (or failed)."""
    lanes = _RUNNING.get(id(app))
    if lanes is None:
        return
    if failure := lanes.wait(docname):
        logger.info(
            "[parallel_execution] %s failed (%s); MyST-NB runs it again to report it",
            docname,
            failure,
        )


def stop_lanes(app: Sphinx, *args: object) -> None:
    """``env-updated`` (every page read) or ``build-finished``: join the lanes, clear up."""
    lanes = _RUNNING.pop(id(app), None)
    if lanes is None:
        return
    lanes.join()
    _clear_project(app.config, lanes.pks)


def _clear_project(config: Any, pks: dict[str, int]) -> None:
    """The project is this module's scratch list; leave it empty."""
    from jupyter_cache import get_cache

    cache = get_cache(config.nb_execution_cache_path)
    for pk in pks.values():
        cache.remove_nb_from_project(pk)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.add_config_value("afx_parallel_execution", True, "", bool)
    # Docnames of the pages that take longest to execute (see the build report's
    # runtimes), started first so that no long page starts last.
    app.add_config_value("afx_execute_first", [], "", list)
    app.connect("env-before-read-docs", start_lanes)
    app.connect("source-read", wait_for_page)
    app.connect("env-updated", stop_lanes)
    app.connect("build-finished", stop_lanes)
    return {"version": "3.0", "parallel_read_safe": True, "parallel_write_safe": True}
