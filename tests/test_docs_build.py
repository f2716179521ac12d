"""The docs build never serves a stale output, and re-executes only what changed.

These tests build a tiny generated site (two MyST-NB pages, a local module
``tinymod`` standing in for ``activation_functions``) with the site's own execution
extensions (``afx_docs.exec_cache``, ``parallel_execution``, ``build_report``) and
MyST-NB's jupyter-cache mode, in a subprocess of this interpreter's Sphinx. Its
``conf.py`` keys the cache on ``tinymod`` exactly as the real ``conf.py`` keys it on
``activation_functions`` and ``constraints.txt``.

Executions are counted twice, independently: from the build report (cache records
created during the build) and from the logs of MyST-NB (``Executed notebook``) and of
the parallel executor (whose lanes finish each page before Sphinx reads it, so
MyST-NB then logs ``Using cached notebook``).

One cold build is made per session; each test restores a copy of that built site
to the same absolute path (jupyter-cache and the Sphinx environment store
absolute paths; the copy keeps file times) and goes on from there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from afx_docs import build_report, exec_cache

FRONT_MATTER = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
"""

CONF = """\
from pathlib import Path
from types import SimpleNamespace
from afx_docs.exec_cache import keyed_cache_path

HERE = Path(__file__).parent
project = "tiny"
extensions = [
    "myst_nb",
    "afx_docs.exec_cache",
    "afx_docs.parallel_execution",
    "afx_docs.kernel_env",
    "afx_docs.forked_kernels",
    "afx_docs.build_report",
]
exclude_patterns = ["_build"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
nb_execution_cache_path = str(
    keyed_cache_path(HERE / "_build" / ".jupyter_cache", [HERE.parent / "src" / "tinymod"])
)
afx_cache_keep = 2
"""

PAGES = {
    "index.md": "# Tiny site\n\n```{toctree}\nuses\nplain\n```\n",
    "uses.md": FRONT_MATTER
    + "\n# Uses the package\n\nSome prose.\n\n"
    + "```{code-cell} ipython3\nimport tinymod\nprint(tinymod.value())\n```\n",
    "plain.md": FRONT_MATTER + "\n# Plain\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n",
}

MODULE = 'def value():\n    return "VALUE-ONE"\n'


@dataclass
class Site:
    root: Path

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def module(self) -> Path:
        return self.root / "src" / "tinymod" / "__init__.py"

    @property
    def html(self) -> Path:
        return self.docs / "_build" / "html"

    @property
    def cache_root(self) -> Path:
        return self.docs / "_build" / ".jupyter_cache"

    @property
    def cache(self) -> Path:
        """The cache folder of the module's current source."""
        return exec_cache.keyed_cache_path(self.cache_root, [self.module.parent])

    @property
    def doctrees(self) -> Path:
        return self.docs / "_build" / "doctrees"

    def run(
        self, *extra: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run sphinx-build (HTML) on the site (``env``: extra variables); the finished process."""
        path = [str(self.root / "src"), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, **(env or {}), "PYTHONPATH": os.pathsep.join(filter(None, path))}
        sphinx = [sys.executable, "-m", "sphinx", "-b", "html", "-d", str(self.doctrees), "-n"]
        return subprocess.run(
            [*sphinx, "-T", *extra, str(self.docs), str(self.html)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    def build(self, *extra: str, env: dict[str, str] | None = None) -> dict[str, Any]:
        """Build; return the build report plus the logs' own execution count."""
        proc = self.run(*extra, env=env)
        doctrees = self.doctrees
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        report: dict[str, Any] = build_report.read_report(doctrees)
        report["log"] = proc.stdout + proc.stderr
        # MyST-NB logs what it executes; the parallel executor logs how many it runs.
        ran_first = re.search(r"\[parallel_execution\] executing (\d+) notebooks", proc.stdout)
        by_mystnb = len(re.findall(r"Executed notebook in [\d.]+ seconds", proc.stdout))
        # A notebook that failed in the pool is run again, and reported, by MyST-NB.
        retried = len(re.findall(r"\[parallel_execution\] \S+ .*failed; MyST-NB", proc.stdout))
        report["log_executed"] = by_mystnb + (int(ran_first[1]) if ran_first else 0) - retried
        assert report["log_executed"] == len(report["executed"]), report["log"][-3000:]
        return report

    def page(self, name: str) -> str:
        return (self.html / f"{name}.html").read_text()

    def cache_folders(self) -> list[Path]:
        return sorted(p for p in self.cache_root.iterdir() if p.is_dir())


def _write_site(root: Path) -> None:
    (root / "src" / "tinymod").mkdir(parents=True)
    (root / "src" / "tinymod" / "__init__.py").write_text(MODULE)
    (root / "docs").mkdir()
    (root / "docs" / "conf.py").write_text(CONF)
    for name, text in PAGES.items():
        (root / "docs" / name).write_text(text)


@pytest.fixture(scope="session")
def built_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """One cold build, kept as a template; returns (work path, template path, report)."""
    base = tmp_path_factory.mktemp("docs_site")
    work, template = base / "site", base / "template"
    _write_site(work)
    report = Site(work).build("-W", "--keep-going")
    shutil.copytree(work, template, symlinks=True)
    return work, template, report


@pytest.fixture
def site(built_template: tuple[Path, Path, dict[str, Any]]) -> Site:
    """The cold-built site, restored at its original path."""
    work, template, _ = built_template
    shutil.rmtree(work)
    shutil.copytree(template, work, symlinks=True)
    return Site(work)


# ------------------------------------------------------------------- site builds
def test_cold_build_executes_every_notebook_in_parallel(
    built_template: tuple[Path, Path, dict[str, Any]],
) -> None:
    _, template, report = built_template
    assert report["executed"] == ["plain", "uses"]
    assert "[parallel_execution] executing 2 notebooks, 2 at a time" in report["log"]
    assert report["log"].count("Using cached notebook") == 2  # MyST-NB found both ready
    assert "[forked_kernels] 2 kernels forked, 0 started the usual way" in report["log"]
    assert report["cache"] == str(Site(template.parent / "site").cache)
    assert "VALUE-ONE" in Site(template).page("uses")


def test_no_change_rebuild_executes_nothing(site: Site) -> None:
    report = site.build("-W", "--keep-going")
    assert report["read"] == []
    assert report["executed"] == []
    assert "0 added, 0 changed, 0 removed" in report["log"]
    # A touched but unchanged module: same content digest, nothing re-read.
    os.utime(site.module)
    report = site.build("-W", "--keep-going")
    assert report["read"] == []
    assert report["executed"] == []


def test_prose_edit_executes_nothing(site: Site) -> None:
    page = site.docs / "uses.md"
    page.write_text(page.read_text().replace("Some prose.", "Some edited prose, freshly written."))
    report = site.build("-W", "--keep-going")
    assert report["read"] == ["uses"]
    assert report["executed"] == []
    assert "Using cached notebook" in report["log"]
    html = site.page("uses")
    assert "freshly written" in html
    assert "VALUE-ONE" in html


def test_package_edit_reexecutes_and_reaches_the_html(site: Site) -> None:
    before = site.cache
    site.module.write_text(MODULE.replace("VALUE-ONE", "VALUE-TWO"))
    assert site.cache != before  # a new digest, a new cache folder
    report = site.build("-W", "--keep-going")
    assert "config changed ('nb_execution_cache_path')" in report["log"]
    assert report["read"] == ["index", "plain", "uses"]  # every page is re-read ...
    assert report["executed"] == ["plain", "uses"]  # ... and every notebook executed again
    html = site.page("uses")
    assert "VALUE-TWO" in html
    assert "VALUE-ONE" not in html


def test_package_revert_hits_cache_and_cache_stays_bounded(site: Site) -> None:
    one = site.module.read_text()
    site.module.write_text(one.replace("VALUE-ONE", "VALUE-TWO"))
    assert site.build()["executed"] == ["plain", "uses"]
    # Back to the first version (a branch switch): its outputs are still cached.
    site.module.write_text(one)
    report = site.build()
    assert report["read"] == ["index", "plain", "uses"]
    assert report["executed"] == []
    assert "VALUE-ONE" in site.page("uses")
    # A third version executes; only the two most recently used cache folders are kept.
    site.module.write_text(one.replace("VALUE-ONE", "VALUE-THREE"))
    report = site.build()
    assert report["executed"] == ["plain", "uses"]
    assert "VALUE-THREE" in site.page("uses")
    folders = site.cache_folders()
    assert len(folders) == 2
    assert site.cache in folders
    site.module.write_text(one.replace("VALUE-ONE", "VALUE-TWO"))
    assert exec_cache.keyed_cache_path(site.cache_root, [site.module.parent]) not in folders


def test_records_of_old_code_and_removed_pages_are_pruned(site: Site) -> None:
    from jupyter_cache import get_cache

    page = site.docs / "uses.md"
    for n in (2, 3):  # two code edits: three records of uses.md, of which two are kept
        page.write_text(PAGES["uses.md"].replace("print(tinymod.value())", f"print({n})"))
        assert site.build()["executed"] == ["uses"]
    (site.docs / "plain.md").unlink()
    (site.docs / "index.md").write_text(PAGES["index.md"].replace("plain\n", ""))
    site.build("-W", "--keep-going")
    uris = sorted(Path(r.uri).stem for r in get_cache(str(site.cache)).list_cache_records())
    assert uris == ["uses", "uses"]


def test_parallel_read_with_the_cache_falls_back_to_serial(site: Site) -> None:
    (site.docs / "plain.md").write_text(PAGES["plain.md"] + "\nMore prose.\n")
    report = site.build("-j", "2")
    assert "afx_docs.exec_cache extension is not safe for parallel read" in report["log"]
    assert "doing serial read" in report["log"]


def test_parallel_and_serial_execution_give_the_same_site(
    site: Site, built_template: tuple[Path, Path, dict[str, Any]]
) -> None:
    shutil.rmtree(site.docs / "_build")
    report = site.build("-W", "--keep-going", "-D", "afx_parallel_execution=0")
    assert "[parallel_execution]" not in report["log"]
    assert report["executed"] == ["plain", "uses"]
    assert report["log"].count("Executed notebook") == 2  # MyST-NB ran both, in turn
    template = Site(built_template[1])
    for page in ("uses", "plain"):
        assert site.page(page) == template.page(page)


def test_a_notebook_failing_in_a_lane_is_run_again_and_reported_by_mystnb(site: Site) -> None:
    shutil.rmtree(site.docs / "_build")
    failing = PAGES["plain.md"].replace("print(6 * 7)", 'raise ValueError("planted failure")')
    (site.docs / "plain.md").write_text(failing)
    proc = site.run("-W", "--keep-going")
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "[parallel_execution] executing 2 notebooks, 2 at a time" in log
    assert re.search(r"\[parallel_execution\] plain failed \(.+\); MyST-NB runs it again", log)
    assert "planted failure" in log  # MyST-NB's own report of the error


def test_page_kernels_get_the_builds_profile_not_the_users_and_one_thread(
    site: Site, tmp_path: Path
) -> None:
    user_startup = tmp_path / "user-ipython" / "profile_default" / "startup"
    user_startup.mkdir(parents=True)
    (user_startup / "00-user.py").write_text("USER_PROFILE_LOADED = True\n")
    probe = (
        "import os\n"
        "print(os.environ['IPYTHONDIR'])\n"
        "print('user profile loaded:', 'USER_PROFILE_LOADED' in globals())\n"
        "print('history:', get_ipython().history_manager.enabled)\n"
        "print('threads:', os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'])"
    )
    (site.docs / "plain.md").write_text(PAGES["plain.md"].replace("print(6 * 7)", probe))
    site.build("-W", "--keep-going", env={"IPYTHONDIR": str(user_startup.parents[1])})
    page = site.page("plain")
    assert str(site.doctrees / "ipython") in page
    assert "user profile loaded: False" in page
    assert "history: False" in page
    assert "threads: 1 1" in page


# ----------------------------------------------------------------- digest units
def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_digest_is_content_only_and_ignores_caches(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "x = 1\n", "pkg/sub/data.json": "{}"}
    a = _tree(tmp_path / "a", files) / "pkg"
    b = _tree(tmp_path / "b", files) / "pkg"
    digest: Callable[[Path], str] = lambda p: exec_cache.source_digest([p])
    assert digest(a) == digest(b)  # path independent
    _tree(
        a, {"__pycache__/x.cpython-311.pyc": "junk", "sub/.mypy_cache/y": "junk", "x.pyc": "junk"}
    )
    assert digest(a) == digest(b)  # caches do not count
    _tree(a, {"new.py": ""})
    assert digest(a) != digest(b)  # a new file counts
    (a / "new.py").unlink()
    (a / "__init__.py").write_text("x = 2\n")
    assert digest(a) != digest(b)  # a changed byte counts
    with pytest.raises(FileNotFoundError):
        exec_cache.source_digest([tmp_path / "missing"])


def test_keyed_cache_path_and_folder_pruning(tmp_path: Path) -> None:
    src = _tree(tmp_path / "src", {"pkg/__init__.py": "x = 1\n"}) / "pkg"
    root = tmp_path / "cache"
    current = exec_cache.keyed_cache_path(root, [src])
    assert current.parent == root
    assert re.fullmatch("[0-9a-f]{16}", current.name)
    old = [root / f"{n:016x}" for n in range(3)]
    for age, folder in enumerate(old):
        folder.mkdir(parents=True)
        (folder / exec_cache.USED_MARKER).touch()
        os.utime(folder / exec_cache.USED_MARKER, (1000 + age, 1000 + age))
    not_ours = root / "notes"
    not_ours.mkdir()
    removed = exec_cache.prune_folders(current, keep=2)
    # The current folder and the most recently used other one stay; names not ours stay.
    assert sorted(removed) == old[:2]
    assert sorted(p for p in root.iterdir()) == sorted([current, old[2], not_ours])


# ------------------------------------------------------------ execution order
def test_candidates_start_with_the_named_slow_pages_then_the_largest(tmp_path: Path) -> None:
    from afx_docs.parallel_execution import candidates

    sizes = {"small": 1, "large": 400, "medium": 100, "slow": 2}
    for name, size in sizes.items():
        (tmp_path / f"{name}.md").write_text(FRONT_MATTER + "x" * size)
    (tmp_path / "plain.md").write_text("# Not a notebook\n" + "x" * 1000)
    app: Any = SimpleNamespace(
        config=SimpleNamespace(nb_execution_excludepatterns=[], afx_execute_first=["slow", "gone"])
    )
    env: Any = SimpleNamespace(doc2path=lambda d: str(tmp_path / f"{d}.md"))
    docnames = ["small", "large", "medium", "slow", "plain"]
    assert candidates(app, env, docnames) == ["slow", "large", "medium", "small"]


def test_the_page_started_first_is_read_last_after_the_cached_pages() -> None:
    from afx_docs.parallel_execution import reading_order

    docnames = ["index", "slow", "a", "b", "cached"]
    missing = ["slow", "b", "a"]  # the lanes' order
    assert reading_order(docnames, missing) == ["index", "cached", "b", "a", "slow"]
