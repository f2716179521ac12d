"""Developer sessions. Each session does one thing; all install pinned versions.

Run ``nox --list`` to see them. Environments are installed with pip (not uv): pip
honours this machine's local CPU build of torch, uv would download a CUDA build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent.resolve()
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
CONSTRAINTS = str(ROOT / "constraints.txt")
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
HTML = BUILD / "html"

nox.options.default_venv_backend = "virtualenv"
nox.options.sessions = ["lint", "tests", "doctest"]


def install(session: nox.Session, *groups: str) -> None:
    """Install the package (editable) and the named dependency groups, pinned."""
    requirements = [req for group in groups for req in nox.project.dependency_groups(PYPROJECT, group)]
    session.install("-c", CONSTRAINTS, "-e", ".", *requirements)


def sphinx_args(builder: str, out: Path) -> list[str]:
    """A strict sphinx-build: warnings are errors and every reference must resolve."""
    return ["-b", builder, "-W", "-n", "--keep-going", "-T", str(DOCS), str(out)]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the unit and property tests."""
    install(session, "test")
    # The browser suite needs a built site and Chromium: it runs in its own session.
    session.run("pytest", "--ignore=tests/browser", *session.posargs)


@nox.session
def doctest(session: nox.Session) -> None:
    """Run the examples in the docstrings and in the pages' doctest blocks."""
    install(session, "test", "docs")
    session.run("pytest", "--doctest-modules", "src", "-p", "no:randomly", *session.posargs)
    session.run("sphinx-build", *sphinx_args("doctest", BUILD / "doctest"))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy --strict on src."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Print speed ratios of the activations against SciPy, PyTorch and NumPy."""
    install(session, "bench")
    session.run("python", "benchmarks/bench_activations.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html. Pass ``-- --serve`` for a live preview."""
    serve = "--serve" in session.posargs
    install(session, "docs-live" if serve else "docs")
    if serve:
        session.run(
            "sphinx-autobuild",
            *sphinx_args("html", HTML),
            "--watch",
            "src",
            "--ignore",
            "*/_build/*",
            "--ignore",
            "*/jupyter_execute/*",
            "--ignore",
            "*.ipynb_checkpoints*",
        )
        return
    session.run("sphinx-build", *sphinx_args("html", HTML))


@nox.session(name="clean-docs", venv_backend="none")
def clean_docs(session: nox.Session) -> None:
    """Remove the built site and the notebook execution cache."""
    shutil.rmtree(BUILD, ignore_errors=True)
