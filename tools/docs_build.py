"""Shared helpers of ``bench_docs.py`` and ``tools/repro_docs.py``: copy, build, report.

Builds run ``python -m sphinx`` of this interpreter in a subprocess, with the
environment a reproducible build needs (``SOURCE_DATE_EPOCH``) and with the
kernel importing the package from the tree being built (``PYTHONPATH``), never
from the editable install when that tree is a temporary copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPORT_NAME = "build_report.json"  # written by afx_docs.build_report into the doctree dir
#: What a strict build uses (the `docs` session's flags, see noxfile.sphinx_args).
STRICT_FLAGS = ("-W", "-n", "--keep-going", "-T")
#: A fixed fallback when the commit time is unknown: 2025-01-01T00:00:00Z.
FALLBACK_EPOCH = "1735689600"

_IGNORE = shutil.ignore_patterns(
    "_build",
    "jupyter_execute",
    ".jupyter_cache",
    ".ipynb_checkpoints",
    "__pycache__",
    "*.egg-info",
    "*.pyc",
)


def source_date_epoch() -> str:
    """``SOURCE_DATE_EPOCH``: the environment's, else HEAD's commit time (read-only git)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return FALLBACK_EPOCH
    return out or FALLBACK_EPOCH


def copy_project(dest: Path) -> Path:
    """Copy docs/, src/ and the top-level files into ``dest`` (no build output)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("docs", "src"):
        shutil.copytree(ROOT / name, dest / name, ignore=_IGNORE, symlinks=True)
    for path in ROOT.iterdir():
        if path.is_file():
            shutil.copy2(path, dest / path.name)
    return dest


def build_env(project: Path, **extra: str) -> dict[str, str]:
    """Environment for a build of ``project``: its src/ first, fixed date, no shared cache."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project / "src"), env.get("PYTHONPATH")]))
    env["SOURCE_DATE_EPOCH"] = source_date_epoch()
    env.pop("AFX_JUPYTER_CACHE", None)  # conf.py's override would share one cache across trees
    env.update(extra)
    return env


@dataclass
class Build:
    """One sphinx-build run."""

    seconds: float
    returncode: int
    log: str
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def executed(self) -> list[str]:
        return list(self.report.get("executed", []))

    @property
    def read(self) -> list[str]:
        return list(self.report.get("read", []))

    @property
    def warnings(self) -> int:
        return sum("WARNING" in line or "ERROR" in line for line in self.log.splitlines())

    def exec_runtimes(self) -> dict[str, float]:
        runtimes = self.report.get("runtimes", {})
        return {d: t for d, t in runtimes.items() if t is not None}


def sphinx_build(
    docs: Path,
    html: Path,
    doctrees: Path,
    env: dict[str, str],
    *,
    strict: bool = False,
    extra: tuple[str, ...] = (),
) -> Build:
    """Run sphinx-build (HTML) and return its time, log and the build report."""
    flags = STRICT_FLAGS if strict else ("-n", "--keep-going", "-T")
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-d",
        str(doctrees),
        *flags,
        *extra,
        str(docs),
        str(html),
    ]
    (doctrees / REPORT_NAME).unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    report_path = doctrees / REPORT_NAME
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return Build(seconds, proc.returncode, proc.stdout + proc.stderr, report)


def clean(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
