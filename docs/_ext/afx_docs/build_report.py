"""What happened to each notebook page in a build, for tests and the docs benchmark.

After each build, ``build_report.json`` in the doctree directory lists the pages
read (``read``), the ones whose notebook was executed in this build (``executed``:
their cache record was created after the build started, whether MyST-NB or
:mod:`afx_docs.parallel_execution` ran them) with the execution seconds, and the
digest folder of the cache used. Read from jupyter-cache's public records only.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

REPORT_NAME = "build_report.json"


class _Build:
    """This process's current build: when it started and which pages it reads."""

    def __init__(self) -> None:
        self.started = _utcnow()
        self.read: list[str] = []


_BUILDS: dict[int, _Build] = {}  # id(app) -> its build


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)  # jupyter-cache stores naive UTC


def note_start(app: Sphinx) -> None:
    _BUILDS[id(app)] = _Build()


def note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _BUILDS.setdefault(id(app), _Build()).read = sorted(docnames)


def executed_since(app: Sphinx, started: dt.datetime) -> dict[str, float | None]:
    """docname -> execution seconds of the cache records created since ``started``."""
    cache_path = Path(app.config.nb_execution_cache_path)
    if app.config.nb_execution_mode != "cache" or not (cache_path / "global.db").exists():
        return {}
    from jupyter_cache import get_cache

    executed: dict[str, float | None] = {}
    for record in get_cache(str(cache_path)).list_cache_records():
        if record.created.replace(tzinfo=None) >= started:
            docname = app.env.path2doc(record.uri)
            if docname is not None:
                executed[docname] = record.data.get("execution_seconds")
    return executed


def write_report(app: Sphinx, exception: BaseException | None) -> None:
    build = _BUILDS.pop(id(app), None) or _Build()
    read = build.read
    executed = executed_since(app, build.started)
    report = {
        "cache": str(app.config.nb_execution_cache_path),
        "read": read,
        "executed": sorted(executed),
        "runtimes": dict(sorted(executed.items())),
    }
    Path(app.doctreedir).mkdir(parents=True, exist_ok=True)
    (Path(app.doctreedir) / REPORT_NAME).write_text(json.dumps(report, indent=2) + "\n")


def read_report(doctreedir: str | Path) -> dict[str, Any]:
    """The report of the last build whose doctrees are in ``doctreedir``."""
    report: dict[str, Any] = json.loads((Path(doctreedir) / REPORT_NAME).read_text())
    return report


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", note_start)
    app.connect("env-before-read-docs", note_read)
    app.connect("build-finished", write_report)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
