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
#: The site's Sphinx extensions (docs/_ext/afx_docs), a local package of their own.
DOCS_EXTENSIONS = str(DOCS / "_ext")
BUILD = DOCS / "_build"
HTML = BUILD / "html"

nox.options.default_venv_backend = "virtualenv"
nox.options.sessions = ["lint", "tests", "doctest"]


def install(session: nox.Session, *groups: str, extensions: bool = False) -> None:
    """Install the package (editable) and the named dependency groups, pinned.

    ``extensions``: also the site's Sphinx extensions (what conf.py and the build tests import).
    """
    requirements = [
        req for group in groups for req in nox.project.dependency_groups(PYPROJECT, group)
    ]
    local = ["-e", DOCS_EXTENSIONS] if extensions else []
    session.install("-c", CONSTRAINTS, "-e", ".", *local, *requirements)


def sphinx_args(builder: str, out: Path) -> list[str]:
    """A strict sphinx-build: warnings are errors and every reference must resolve."""
    # Doctrees outside the HTML folder: they are not served and not part of the site.
    doctrees = str(BUILD / "doctrees" / builder)
    return ["-b", builder, "-W", "-n", "--keep-going", "-T", "-d", doctrees, str(DOCS), str(out)]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the unit and property tests."""
    install(session, "test", extensions=True)  # tests/test_docs_build.py builds with them
    # The browser suite needs a built site and Chromium: it runs in its own session.
    session.run("pytest", "--ignore=tests/browser", *session.posargs)


@nox.session
def doctest(session: nox.Session) -> None:
    """Run the docstring examples (the package's and the extensions') and the pages' doctests."""
    install(session, "test", "docs", extensions=True)
    session.run("pytest", "--doctest-modules", "src", "docs/_ext", *session.posargs)
    session.run("sphinx-build", *sphinx_args("doctest", BUILD / "doctest"))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy --strict (its files: pyproject [tool.mypy])."""
    # mypy follows imports: the tests' and the extensions' dependencies must be installed.
    install(session, "lint", "test", extensions=True)
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
    install(session, "docs-live" if serve else "docs", extensions=True)
    if serve:
        session.run(
            "sphinx-autobuild",
            *sphinx_args("html", HTML),
            "--watch",
            str(ROOT / "src"),
            # Regular expressions on absolute paths: build output, executed notebooks,
            # Jupyter checkpoints and bytecode written when the kernels import the
            # package would otherwise trigger rebuild after rebuild (MyST-NB #331).
            "--re-ignore",
            r"/_build/",
            "--re-ignore",
            r"/jupyter_execute/",
            "--re-ignore",
            r"\.ipynb_checkpoints",
            "--re-ignore",
            r"/__pycache__/",
        )
        return
    session.run("sphinx-build", *sphinx_args("html", HTML))


# The docs session is the one definition of the build: sessions that test the built site
# require it (nox runs it first; with nothing changed it rebuilds in a second or two).
@nox.session(requires=["docs"])
def browser(session: nox.Session) -> None:
    """Test every page of the built site in Debian's Chromium (after the docs session).

    Needs `apt-get install chromium fonts-wqy-microhei`. Screenshots: docs/_build/screenshots.
    """
    install(session, "browser")
    # test_explorers.py compares the explorers with the package; the vanishing one needs torch.
    session.install("-c", CONSTRAINTS, "-e", ".[torch]")
    shots = BUILD / "screenshots"
    shutil.rmtree(shots, ignore_errors=True)
    # --confcutdir: tests/conftest.py belongs to the unit tests and imports what this venv lacks.
    session.run(
        *("pytest", "tests/browser", "--confcutdir=tests/browser", "-p", "no:cacheprovider"),
        *(f"--site={HTML}", f"--screenshots={shots}", *session.posargs),
    )


@nox.session(requires=["docs"])
def lighthouse(session: nox.Session) -> None:
    """Report, not a gate: Lighthouse scores per page, mobile and desktop, site served gzipped.

    Needs Node >= 18.16 with npm, and Chromium. Reports: docs/_build/lighthouse.
    """
    session.run("npm", "ci", "--prefix", "tests/browser", "--no-audit", "--no-fund", external=True)
    report = ["python", "tests/browser/lighthouse_report.py", f"--site={HTML}"]
    session.run(*report, f"--out={BUILD / 'lighthouse'}", *session.posargs)


@nox.session(name="bench-docs")
def bench_docs(session: nox.Session) -> None:
    """Time cold, no-change, prose-edit and package-edit builds of a copy; page weights."""
    install(session, "docs", extensions=True)
    session.run("python", "-m", "benchmarks.bench_docs", *session.posargs)


@nox.session
def repro(session: nox.Session) -> None:
    """Build the site twice from clean; fail naming every file that differs.

    Compares what is published (html/, the notebook downloads included). Only the cost
    page's live timings (its HTML and figures) are exempt from the byte comparison; they
    are named, and compared with the timings masked.
    """
    install(session, "docs", extensions=True)
    session.run("python", "-m", "tools.repro_docs", *session.posargs)


@nox.session(name="clean-docs", venv_backend="none")
def clean_docs(session: nox.Session) -> None:
    """Remove the built site and the notebook execution cache."""
    shutil.rmtree(BUILD, ignore_errors=True)


# -- Publishing (issue 12): the package's distributions, the downloaded notebooks, and
#    the build for a web address. Each is its own session; none changes the sessions above.

DIST = ROOT / "dist"
#: The address the publish-check build is made for: a site below a path, as on GitHub Pages.
EXAMPLE_SITE_URL = "https://example.org/afx/"


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and wheel into dist/ and check them (twine, and the wheel's contents)."""
    install(session, "build")
    shutil.rmtree(DIST, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(DIST))
    session.run("twine", "check", "--strict", *map(str, sorted(DIST.iterdir())))
    session.run("python", "tests/publish/dist_check.py", str(DIST))


@nox.session(requires=["docs"])
def notebooks(session: nox.Session) -> None:
    """Run every page's downloaded notebook outside the repository (after the docs session).

    The environment has only the wheel the site serves, with its extras, plus a kernel and
    nbclient: no Sphinx, no MyST-NB, no editable install, no PYTHONPATH.
    """
    wheels = sorted((HTML / "_downloads").glob("activation_functions-*.whl"))
    if len(wheels) != 1:
        session.error(f"expected one served wheel in {HTML / '_downloads'}, found {wheels}")
    requirements = nox.project.dependency_groups(PYPROJECT, "notebooks")
    session.install("-c", CONSTRAINTS, f"{wheels[0]}[all]", *requirements)
    runner = str(ROOT / "tests" / "publish" / "notebooks_run.py")
    session.run("python", runner, f"--site={HTML}", *session.posargs, env={"PYTHONPATH": ""})


@nox.session(name="publish-check")
def publish_check(session: nox.Session) -> None:
    """Build the site for a web address (SITE_URL) and check sitemap, meta tags and 404 page."""
    install(session, "docs", extensions=True)
    out = BUILD / "publish-check"
    args = sphinx_args("html", out)
    # Its own doctrees: the default build's would be invalidated by the other configuration.
    args[args.index("-d") + 1] = str(BUILD / "doctrees" / "publish-check")
    session.run("sphinx-build", *args, env={"SITE_URL": EXAMPLE_SITE_URL})
    checker = "tests/publish/site_url_check.py"
    # With the default build present (nox -s docs), also check it has none of the above.
    check = [f"--site={out}", f"--base={EXAMPLE_SITE_URL}", f"--default-site={HTML}"]
    session.run("python", checker, *check)
