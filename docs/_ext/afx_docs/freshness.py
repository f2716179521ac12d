"""Sphinx extension: executed notebooks never go stale when the package changes.

jupyter-cache keys a notebook on its code cells, their metadata and the kernelspec
only (MyST-NB issue 299). A page whose figure comes from ``activation_functions``
would keep serving the old figure after the package changed, and Sphinx would not
even re-read the page, because its source file did not change. This extension:

1. hashes the package sources (``freshness_sources``, paths relative to conf.py)
   once per build, by content: file names and bytes, caches left out;
2. puts that digest into the metadata of the first code cell of every notebook
   whose code mentions one of ``freshness_modules``, just before MyST-NB looks the
   notebook up in the cache, so the digest is part of the jupyter-cache key (the key
   covers all cell metadata). The key is removed again from the notebook MyST-NB
   writes to ``jupyter_execute``, so downloads do not carry it;
3. remembers, per page, the digest the page was last read with, and on the next
   build returns (``env-get-outdated``) the pages read with another digest, so Sphinx
   re-reads them. A prose-only edit changes no code cell and no digest: the page is
   re-read and its outputs come from the cache, nothing is executed;
4. prunes the cache after each build: it keeps the ``freshness_keep`` most recently
   used records per notebook (so switching back and forth between two branches stays
   cheap) and drops records of notebooks that no longer exist;
5. refuses to race: with ``nb_execution_mode = "cache"`` and ``-j N`` the builds
   would share one SQLite file across processes (sphinx#12481), so it warns and
   builds serially;
6. fixes two MyST-NB 1.4 quirks in the executed notebooks it writes to
   ``jupyter_execute`` (the files ``{nb-download}`` links serve): on a cache hit they
   had no outputs, and their cells had random ids (nbformat's uuid4), so two builds
   differed; they now have the outputs and ids ``cell-0``, ``cell-1``, ...
   (``freshness_stable_cell_ids = False`` keeps the random ids);
7. keeps rebuilds incremental: a config value changed in place while reading (Sphinx's
   napoleon merges its type aliases into ``autodoc_type_aliases``) made Sphinx see a
   changed config and re-read every page on every build; such values are restored to
   what conf.py says before the environment is saved;
8. executes the notebooks missing from the cache a few at a time before Sphinx reads
   them (``freshness_execution_workers``, default one per core up to 4; 1 turns it
   off). MyST-NB executes one notebook after another and ``-j`` cannot be combined
   with the cache; most of a page's execution is its kernel starting and importing
   torch and matplotlib, which overlaps well. Only the cache is filled: MyST-NB then
   reads each page as usual and finds its outputs there;
9. writes a report (``freshness.json`` in the doctree directory) of what happened to
   every page read in this build: ``executed``, ``cached``, ``failed`` or ``not
   executed``, with the execution time. Tests and the docs benchmark count executed
   notebooks from it.

Configuration (conf.py)::

    extensions = [..., "myst_nb", "freshness"]
    freshness_sources = ["../src/activation_functions"]  # dirs or files
    freshness_modules = ["activation_functions"]  # default: package dir names
    freshness_keep = 2  # cache records kept per notebook
    freshness_execution_workers = 0  # kernels at once; 0: one per core (max 4)
    freshness_execute_alone = ["experiments"]  # pages that time code run on their own

A notebook "uses" the package when a code cell names one of the modules as a word
(``import activation_functions as af``, ``from activation_functions.plotting
import ...``); a page that reaches the package only through another local module
must name it too, or that module must be added to ``freshness_sources`` and
``freshness_modules``.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import importlib.util
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util import logging

__version__ = "1.0"

logger = logging.getLogger(__name__)

#: Cell metadata key that carries the source digest into the cache key.
METADATA_KEY = "freshness_source_digest"
#: Report file written in the doctree directory after every build.
REPORT_NAME = "freshness.json"
#: Stored in place of a digest for a page whose execution failed: it never matches,
#: so the page is re-read (and re-executed) by the next build.
FAILED = "failed"

#: Names left out of the digest: caches and editor or VCS state, not source.
_SKIP_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".git"})
_SKIP_SUFFIXES = (".pyc", ".pyo", ".swp", "~")


# --------------------------------------------------------------------------- digest
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
            raise FileNotFoundError(f"freshness source not found: {root}")
        sha.update(f"root {index} {root.name}\0".encode())
        for path in iter_source_files(root):
            rel = path.relative_to(root).as_posix() if path != root else path.name
            sha.update(rel.encode() + b"\0")
            sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()


def default_modules(roots: Iterable[Path]) -> list[str]:
    """Import names of the packages found in ``roots`` (a package dir or a src dir)."""
    names: list[str] = []
    for root in roots:
        if (root / "__init__.py").is_file():
            names.append(root.name)
        elif root.is_dir():
            names.extend(p.parent.name for p in sorted(root.glob("*/__init__.py")))
        elif root.suffix == ".py":
            names.append(root.stem)
    return names


def uses_modules(code_cells: Iterable[str], modules: Sequence[str]) -> bool:
    """Whether any code cell names one of ``modules`` as a whole word."""
    if not modules:
        return False
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, modules)) + r")\b")
    return any(pattern.search(source) for source in code_cells)


# --------------------------------------------------------------------- build state
@dataclass
class _BuildState:
    digest: str
    modules: list[str]
    cache_mode: bool
    #: the pages Sphinx reads in this build
    read: list[str] = field(default_factory=list)
    #: docname -> seconds, notebooks executed ahead of reading, in parallel
    pre_executed: dict[str, float] = field(default_factory=dict)
    #: wall time and kernels at once of that parallel execution
    parallel: dict[str, float] = field(default_factory=dict)


_STATE: _BuildState | None = None
_APP: Sphinx | None = None


def _env_digests(env: BuildEnvironment) -> dict[str, str]:
    """docname -> digest the page was last read with (pages that use the package)."""
    if not hasattr(env, "freshness_digests"):
        env.freshness_digests = {}  # type: ignore[attr-defined]
    digests: dict[str, str] = env.freshness_digests  # type: ignore[attr-defined]
    return digests


def _env_pages(env: BuildEnvironment) -> dict[str, dict[str, Any]]:
    """docname -> {"status", "runtime", "uses_package"} of the page's last read."""
    if not hasattr(env, "freshness_pages"):
        env.freshness_pages = {}  # type: ignore[attr-defined]
    pages: dict[str, dict[str, Any]] = env.freshness_pages  # type: ignore[attr-defined]
    return pages


def _resolve_sources(app: Sphinx) -> list[Path]:
    return [(Path(app.confdir) / src).resolve() for src in app.config.freshness_sources]


def _builder_inited(app: Sphinx) -> None:
    global _STATE, _APP  # noqa: PLW0603 - one build per process at a time
    roots = _resolve_sources(app)
    modules = list(app.config.freshness_modules or default_modules(roots))
    digest = source_digest(roots)
    nb_config = getattr(app.env, "mystnb_config", None)
    cache_mode = nb_config is not None and nb_config.execution_mode == "cache"
    _STATE = _BuildState(digest=digest, modules=modules, cache_mode=cache_mode)
    _APP = app
    logger.info("[freshness] sources %s, digest %s", ", ".join(map(str, roots)), digest[:12])

    if cache_mode and app.parallel > 1:
        logger.warning(
            "[freshness] nb_execution_mode='cache' with -j %d would race on jupyter-cache's "
            "SQLite database (sphinx#12481): building serially",
            app.parallel,
            type="freshness",
            subtype="parallel",
        )
        app.parallel = 1
    _check_import_location(modules, roots)


def _check_import_location(modules: Sequence[str], roots: Sequence[Path]) -> None:
    """Warn when a kernel would import a module from outside the hashed sources."""
    for module in modules:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin).resolve()
        if not any(origin == root or root in origin.parents for root in roots):
            logger.warning(
                "[freshness] %s is imported from %s, outside the hashed sources %s: "
                "its changes would not re-execute the pages",
                module,
                origin,
                ", ".join(map(str, roots)),
                type="freshness",
                subtype="location",
            )


def _env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    assert _STATE is not None
    stale = sorted(
        docname
        for docname, digest in _env_digests(env).items()
        if digest != _STATE.digest and docname in env.found_docs and docname not in changed
    )
    if stale:
        logger.info(
            "[freshness] package source changed: re-reading %d page(s): %s",
            len(stale),
            ", ".join(stale),
        )
    return stale


def _env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if _STATE is not None:
        _STATE.read = list(docnames)
        _pre_execute(app, env, docnames, _STATE)


def _env_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _env_digests(env).pop(docname, None)
    _env_pages(env).pop(docname, None)


def _env_merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    """Parallel read: take over what the reading process recorded."""
    tables: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (_env_digests(env), _env_digests(other)),
        (_env_pages(env), _env_pages(other)),
    ]
    for mine, theirs in tables:
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]


# ------------------------------------------------- config mutated while reading
#: Deep copies of the mutable ("env"-rebuild) config values, taken before reading.
_CONFIG_SNAPSHOT: dict[str, Any] = {}


def _snapshot_config(app: Sphinx) -> None:
    _CONFIG_SNAPSHOT.clear()
    for item in app.config.filter(frozenset({"env"})):
        if isinstance(item.value, (dict, list, set)):
            try:
                _CONFIG_SNAPSHOT[item.name] = copy.deepcopy(item.value)
            except Exception:  # noqa: BLE001, S112 - an uncopyable value is left alone
                continue


def _restore_config(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Undo in-place changes made to config values while reading, before the pickle.

    Sphinx re-reads every page when an "env" config value differs from the pickled
    one. Napoleon (sphinx/ext/napoleon/docstring.py, ``_lookup_annotation``) merges
    ``napoleon_type_aliases`` *into* ``autodoc_type_aliases`` in place, so the pickled
    value never matched conf.py again and every build re-read all pages. Restoring
    the configured values keeps no-change rebuilds incremental.
    """
    for name, value in _CONFIG_SNAPSHOT.items():
        if app.config[name] != value:
            logger.info(
                "[freshness] config value %r was changed in place while reading; "
                "restoring its configured value so that the next build stays incremental",
                name,
            )
            setattr(app.config, name, value)
    return []


# ------------------------------------------------------------------ MyST-NB hook
class _TrackedClient:
    """Wraps MyST-NB's execution client (a context manager) to finish the job."""

    def __init__(self, client: Any, notebook: Any, docname: str, uses_package: bool) -> None:
        self._client = client
        self._notebook = notebook
        self._docname = docname
        self._uses_package = uses_package

    def __enter__(self) -> Any:
        return self._client.__enter__()

    def __exit__(self, *exc_info: object) -> Any:
        result = self._client.__exit__(*exc_info)
        self._after()
        return result

    def _after(self) -> None:
        client, original = self._client, self._notebook
        executed_nb = client.notebook
        meta = client.exec_metadata
        if meta is None:
            status = "not executed"
        elif not meta.get("succeeded", False):
            status = "failed"
        elif executed_nb is not original:  # MyST-NB merged a cached copy
            assert _STATE is not None
            status = "executed" if self._docname in _STATE.pre_executed else "cached"
            _copy_outputs(executed_nb, original)
        else:
            status = "executed"
        for cell in original.cells:
            cell.metadata.pop(METADATA_KEY, None)
        assert _STATE is not None
        assert _APP is not None
        _env_pages(_APP.env)[self._docname] = {
            "status": status,
            "runtime": None if meta is None else meta.get("runtime"),
            "uses_package": self._uses_package,
            "parallel": self._docname in _STATE.pre_executed,
        }
        digests = _env_digests(_APP.env)
        if status == "failed":
            digests[self._docname] = FAILED
        elif self._uses_package:
            digests[self._docname] = _STATE.digest
        else:
            digests.pop(self._docname, None)


def _copy_outputs(source: Any, target: Any) -> None:
    """Copy outputs of the cached notebook onto the one MyST-NB writes out."""
    for key in ("language_info",):
        if key in source.metadata:
            target.metadata[key] = source.metadata[key]
    for src_cell, dst_cell in zip(source.cells, target.cells, strict=False):
        if dst_cell.get("cell_type") == "code" and src_cell.get("cell_type") == "code":
            dst_cell["outputs"] = src_cell.get("outputs", [])
            dst_cell["execution_count"] = src_cell.get("execution_count")


def _stabilise_cell_ids(notebook: Any) -> None:
    """Number the cells: the MyST reader gives them random ids (nbformat's uuid4), which
    would make the executed notebooks (the downloads) differ between two builds."""
    if notebook.get("nbformat", 4) == 4 and notebook.get("nbformat_minor", 0) >= 5:
        for index, cell in enumerate(notebook.cells):
            cell["id"] = f"cell-{index}"


def _prepare_notebook(notebook: Any, app: Sphinx, state: _BuildState) -> bool:
    """Number the cells and, if the notebook uses the package, put the digest in its key.

    Returns whether the notebook uses the package. The one place that decides what
    the cache key covers: MyST-NB's lookup and the parallel pre-execution both use it.
    """
    if app.config.freshness_stable_cell_ids:
        _stabilise_cell_ids(notebook)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    uses_package = uses_modules(code, state.modules)
    if uses_package:
        first = next(cell for cell in notebook.cells if cell.cell_type == "code")
        first.metadata[METADATA_KEY] = state.digest
    return uses_package


def _make_create_client(original: Any) -> Any:
    def create_client(notebook: Any, source: Any, nb_config: Any, *args: Any, **kwargs: Any) -> Any:
        if _STATE is None or _APP is None:  # not a Sphinx build with this extension
            return original(notebook, source, nb_config, *args, **kwargs)
        uses_package = _prepare_notebook(notebook, _APP, _STATE)
        client = original(notebook, source, nb_config, *args, **kwargs)
        return _TrackedClient(client, notebook, _APP.env.docname, uses_package)

    create_client.freshness_wrapped = original  # type: ignore[attr-defined]
    return create_client


def _install_hook() -> None:
    import myst_nb.sphinx_ as mystnb_sphinx

    current = getattr(mystnb_sphinx, "create_client", None)
    if current is None:
        raise ExtensionError(
            "freshness: myst_nb.sphinx_.create_client not found; this MyST-NB version "
            "is not supported, and without the hook cached outputs could go stale"
        )
    if not hasattr(current, "freshness_wrapped"):
        mystnb_sphinx.create_client = _make_create_client(current)


# ------------------------------------------------------ parallel pre-execution
@dataclass
class _Job:
    docname: str
    uri: str
    notebook: Any
    nb_config: Any


def _workers(setting: int) -> int:
    if setting > 0:
        return setting
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, 4)  # a kernel that imports torch takes a few hundred MB


def _notebook_job(
    app: Sphinx, env: BuildEnvironment, docname: str, state: _BuildState
) -> _Job | None:
    """The notebook MyST-NB will look up in the cache for ``docname``, or None.

    Mirrors ``myst_nb.sphinx_.Parser.parse`` up to ``create_client``: same reader,
    kernel alias and per-notebook configuration, then ``_prepare_notebook``. Were it
    ever to differ, MyST-NB would miss the cache and execute the page itself: slower,
    never stale.
    """
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    nb_config = env.mystnb_config  # type: ignore[attr-defined]
    try:
        text = path.read_text(encoding=app.config.source_encoding)
        reader = create_nb_reader(str(path), env.myst_config, nb_config, text)  # type: ignore[attr-defined]
        if reader is None:
            return None
        notebook = reader.read(text)
    except Exception:  # noqa: BLE001 - MyST-NB will report it when it reads the page
        return None
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for pattern, alias in (nb_config.kernel_rgx_aliases or {}).items():
        if kernel is not None and re.fullmatch(pattern, kernel):
            notebook.metadata["kernelspec"]["name"] = alias
            break
    if nb_config.metadata_key in notebook.metadata:
        overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        try:
            nb_config = nb_config.copy(**overrides)
        except Exception:  # noqa: BLE001 - MyST-NB warns about it when it reads the page
            return None
    if nb_config.execution_mode != "cache":
        return None
    posix = PurePosixPath(path.as_posix())
    if any(posix.match(pattern) for pattern in nb_config.execution_excludepatterns):
        return None
    _prepare_notebook(notebook, app, state)
    return _Job(docname, str(path.absolute()), notebook, nb_config)


def _execute_job(job: _Job) -> Any:
    """Execute as MyST-NB's cache client does (same function, cwd and limits)."""
    from jupyter_cache.executors.utils import single_nb_execution

    cfg = job.nb_config
    cwd_context: Any = (
        TemporaryDirectory() if cfg.execution_in_temp else nullcontext(str(Path(job.uri).parent))
    )
    try:
        with cwd_context as cwd:
            return single_nb_execution(
                job.notebook,
                cwd=os.path.abspath(cwd),
                allow_errors=cfg.execution_allow_errors,
                timeout=cfg.execution_timeout,
                meta_override=True,
            )
    except Exception:  # noqa: BLE001 - a dead kernel, say: MyST-NB retries and reports it
        return None


def _pre_execute(
    app: Sphinx, env: BuildEnvironment, docnames: Sequence[str], state: _BuildState
) -> None:
    """Execute the notebooks missing from the cache several at a time, and cache them.

    MyST-NB executes notebooks one after another, and ``-j`` cannot be combined with
    the cache. Most of a page's execution is its kernel starting and importing torch
    and matplotlib, so running a few kernels at once shortens cold builds and package
    edits. Only the cache is filled here: MyST-NB then reads every page as usual and
    finds its outputs; a notebook that failed here is left to MyST-NB, which runs it
    again and reports the error as it always does.
    """
    workers = _workers(app.config.freshness_execution_workers)
    if not state.cache_mode or workers < 2:
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(env.mystnb_config.execution_cache_path)  # type: ignore[attr-defined]
    jobs: list[_Job] = []
    twins: dict[str, list[str]] = {}  # cache key -> pages with exactly that code
    for docname in docnames:
        if any(fnmatch.fnmatchcase(docname, p) for p in app.config.freshness_execute_alone):
            continue  # MyST-NB executes it while reading, when no other kernel runs
        job = _notebook_job(app, env, docname, state)
        if job is None:
            continue
        key = cache.create_hashed_notebook(job.notebook)[1]
        if key in twins:
            twins[key].append(docname)
            continue
        try:
            cache.match_cache_notebook(job.notebook)
        except KeyError:
            jobs.append(job)
            twins[key] = [docname]
    if len(jobs) < 2:
        return
    # Longest first, so that a long page does not start last: by the runtime of the
    # page's last execution if known, else by the size of its source.
    last = _env_pages(env)

    def expected(job: _Job) -> tuple[float, int]:
        runtime = (last.get(job.docname) or {}).get("runtime")
        return (runtime if runtime is not None else float("inf"), len(str(job.notebook)))

    jobs.sort(key=expected, reverse=True)
    workers = min(workers, len(jobs))
    logger.info("[freshness] executing %d notebooks, %d at a time", len(jobs), workers)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="freshness") as pool:
        results = list(pool.map(_execute_job, jobs))
    state.parallel = {"workers": workers, "seconds": round(time.perf_counter() - start, 3)}
    for job, result in zip(jobs, results, strict=True):
        if result is None or result.err is not None:
            logger.info(
                "[freshness] %s failed; MyST-NB runs it again to report the error", job.docname
            )
            continue
        bundle = CacheBundleIn(job.notebook, job.uri, data={"execution_seconds": result.time})
        record = cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
        for docname in twins.get(record.hashkey, [job.docname]):
            state.pre_executed[docname] = result.time
        logger.info("[freshness] executed %s in %.2f seconds", job.docname, result.time)


# -------------------------------------------------------------- report and prune
def _build_finished(app: Sphinx, exception: BaseException | None) -> None:
    if _STATE is None:
        return
    recorded = _env_pages(app.env)
    pages = {d: recorded[d] for d in sorted(_STATE.read) if d in recorded}
    counts: dict[str, int] = {}
    for page in pages.values():
        counts[page["status"]] = counts.get(page["status"], 0) + 1
    report = {
        "digest": _STATE.digest,
        "modules": _STATE.modules,
        "read": sorted(_STATE.read),
        "executed": sorted(d for d, p in pages.items() if p["status"] == "executed"),
        "counts": counts,
        "parallel_execution": _STATE.parallel,
        "pages": pages,
    }
    Path(app.doctreedir).mkdir(parents=True, exist_ok=True)
    (Path(app.doctreedir) / REPORT_NAME).write_text(json.dumps(report, indent=2) + "\n")
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none read"
    logger.info("[freshness] notebooks: %s", summary)
    if _STATE.cache_mode and exception is None:
        cache_path = Path(app.env.mystnb_config.execution_cache_path)  # type: ignore[attr-defined]
        try:
            removed = prune_cache(cache_path, app.config.freshness_keep)
        except Exception as error:  # noqa: BLE001 - housekeeping: never lose a build to it
            logger.warning(
                "[freshness] could not prune %s: %s",
                cache_path,
                error,
                type="freshness",
                subtype="prune",
            )
        else:
            if removed:
                logger.info("[freshness] pruned %d old cache record(s)", removed)


def prune_cache(cache_path: Path, keep: int) -> int:
    """Keep the ``keep`` most recently used cache records per notebook; drop the rest.

    Records of notebooks whose source file is gone are dropped too. Returns the
    number of records removed.
    """
    if not (cache_path / "global.db").exists():
        return 0
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbCacheRecord

    cache = get_cache(str(cache_path))
    by_uri: dict[str, list[Any]] = {}
    for record in cache.list_cache_records():
        by_uri.setdefault(record.uri, []).append(record)
    doomed: list[int] = []
    for uri, records in by_uri.items():
        records.sort(key=lambda r: (r.accessed, r.created, r.pk), reverse=True)
        survivors = records[: max(keep, 1)] if Path(uri).exists() else []
        doomed.extend(r.pk for r in records if r not in survivors)
    for pk in doomed:
        try:
            cache.remove_cache(pk)
        except KeyError:  # the executed notebook file is already gone
            NbCacheRecord.remove_records([pk], cache.db)
    for record in cache.list_project_records():
        if not Path(record.uri).exists():
            cache.remove_nb_from_project(record.pk)
    return len(doomed)


def read_report(doctreedir: str | Path) -> dict[str, Any]:
    """The report of the last build whose doctrees are in ``doctreedir``."""
    report: dict[str, Any] = json.loads((Path(doctreedir) / REPORT_NAME).read_text())
    return report


# ----------------------------------------------------------------------- setup
def setup(app: Sphinx) -> dict[str, Any]:
    if "myst_nb" not in app.extensions:
        app.setup_extension("myst_nb")
    _install_hook()
    # rebuild="" : a changed source list changes the digest, which re-reads exactly
    # the pages that use the package; a full re-read is not needed.
    app.add_config_value("freshness_sources", [], "", list)
    app.add_config_value("freshness_modules", [], "", list)
    app.add_config_value("freshness_keep", 2, "", int)
    app.add_config_value("freshness_stable_cell_ids", True, "env", bool)
    # Kernels run at once for notebooks missing from the cache: 0 = one per core (max 4),
    # 1 = leave execution to MyST-NB alone (one after another).
    app.add_config_value("freshness_execution_workers", 0, "", int)
    # Pages (docname patterns) never executed alongside another kernel: pages that time code.
    app.add_config_value("freshness_execute_alone", [], "", list)
    # After myst_nb's own builder-inited handler, which builds env.mystnb_config.
    app.connect("builder-inited", _builder_inited, priority=900)
    app.connect("builder-inited", _snapshot_config, priority=999)
    app.connect("env-updated", _restore_config)
    app.connect("env-get-outdated", _env_get_outdated)
    app.connect("env-before-read-docs", _env_before_read_docs)
    app.connect("env-purge-doc", _env_purge_doc)
    app.connect("env-merge-info", _env_merge_info)
    app.connect("build-finished", _build_finished)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
