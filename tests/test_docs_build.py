"""The docs build never serves a stale output, and re-executes only what changed.

These tests build a tiny generated site (two MyST-NB pages, a local module
``tinymod`` standing in for ``activation_functions``) with the real
``docs/_ext/freshness.py`` extension and MyST-NB's jupyter-cache mode, in a
subprocess of this interpreter's Sphinx.

Executions are counted twice, independently: from the extension's report
(``freshness.json``, built from MyST-NB's per-page execution data) and from
MyST-NB's own log line ``Executed notebook in ... seconds``.

One cold build is made per session; each test restores a copy of that built site
to the same absolute path (jupyter-cache and the Sphinx environment store
absolute paths; the copy keeps file times) and goes on from there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXT_DIR = Path(__file__).resolve().parents[1] / "docs" / "_ext"

FRONT_MATTER = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
"""

CONF = f"""\
import sys
sys.path.insert(0, {str(EXT_DIR)!r})
project = "tiny"
extensions = ["myst_nb", "freshness"]
exclude_patterns = ["_build"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
freshness_sources = ["../src/tinymod"]
freshness_keep = 2
"""

PAGES = {
    "index.md": "# Tiny site\n\n```{toctree}\nuses\nplain\n```\n",
    "uses.md": FRONT_MATTER
    + "\n# Uses the package\n\nSome prose.\n\n"
    + "```{code-cell} ipython3\nimport tinymod\nprint(tinymod.value())\n```\n",
    "plain.md": FRONT_MATTER + "\n# Plain\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n",
}

MODULE = 'def value():\n    return "VALUE-ONE"\n'


def _load_freshness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("freshness", EXT_DIR / "freshness.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


freshness = _load_freshness()


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
    def cache(self) -> Path:
        return self.docs / "_build" / ".jupyter_cache"

    def build(self, *extra: str) -> dict[str, Any]:
        """Build; return the freshness report plus the log's own execution count."""
        doctrees = self.docs / "_build" / "doctrees"
        env = {**os.environ, "PYTHONPATH": str(self.root / "src")}
        sphinx = [sys.executable, "-m", "sphinx", "-b", "html", "-d", str(doctrees), "-n", "-T"]
        proc = subprocess.run(
            [*sphinx, *extra, str(self.docs), str(self.html)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        report: dict[str, Any] = freshness.read_report(doctrees)
        report["log"] = proc.stdout + proc.stderr
        # MyST-NB logs the notebooks it executes; the extension, those it ran in parallel.
        executions = r"(?:Executed notebook|\[freshness\] executed \S+) in [\d.]+ seconds"
        report["log_executed"] = len(re.findall(executions, proc.stdout))
        assert report["log_executed"] == len(report["executed"])
        return report

    def page(self, name: str) -> str:
        return (self.html / f"{name}.html").read_text()

    def executed_notebook(self, name: str) -> dict[str, Any]:
        nb: dict[str, Any] = json.loads(
            (self.docs / "_build" / "jupyter_execute" / f"{name}.ipynb").read_text()
        )
        return nb


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


def _code_outputs(nb: dict[str, Any]) -> list[str]:
    return [
        "".join(out.get("text", ""))
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for out in c["outputs"]
    ]


# ------------------------------------------------------------------- site builds
def test_cold_build_executes_every_notebook(
    built_template: tuple[Path, Path, dict[str, Any]],
) -> None:
    _, template, report = built_template
    assert report["executed"] == ["plain", "uses"]
    assert report["pages"]["uses"]["uses_package"] is True
    assert report["pages"]["plain"]["uses_package"] is False
    site = Site(template)
    assert "VALUE-ONE" in site.page("uses")
    nb = site.executed_notebook("uses")
    assert _code_outputs(nb) == ["VALUE-ONE\n"]
    # Downloads are reproducible: numbered cell ids, and no digest left in metadata.
    assert [c["id"] for c in nb["cells"]] == [f"cell-{i}" for i in range(len(nb["cells"]))]
    assert all(freshness.METADATA_KEY not in c["metadata"] for c in nb["cells"])


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
    assert report["pages"]["uses"]["status"] == "cached"
    html = site.page("uses")
    assert "freshly written" in html
    assert "VALUE-ONE" in html
    # MyST-NB 1.4 wrote the download without outputs on a cache hit; not any more.
    assert _code_outputs(site.executed_notebook("uses")) == ["VALUE-ONE\n"]


def test_package_edit_reexecutes_only_the_pages_using_it(site: Site) -> None:
    site.module.write_text(MODULE.replace("VALUE-ONE", "VALUE-TWO"))
    report = site.build("-W", "--keep-going")
    assert report["read"] == ["uses"]  # plain.md does not import tinymod: not even re-read
    assert report["executed"] == ["uses"]
    assert report["log_executed"] == 1
    html = site.page("uses")
    assert "VALUE-TWO" in html
    assert "VALUE-ONE" not in html
    assert _code_outputs(site.executed_notebook("uses")) == ["VALUE-TWO\n"]


def test_package_revert_hits_cache_and_cache_stays_bounded(site: Site) -> None:
    one = site.module.read_text()
    site.module.write_text(one.replace("VALUE-ONE", "VALUE-TWO"))
    assert site.build()["executed"] == ["uses"]
    # Back to the first version (a branch switch): its outputs are still cached.
    site.module.write_text(one)
    report = site.build()
    assert report["read"] == ["uses"]
    assert report["executed"] == []
    assert "VALUE-ONE" in site.page("uses")
    # A third version: executes; the cache keeps the two latest records per page.
    site.module.write_text(one.replace("VALUE-ONE", "VALUE-THREE"))
    report = site.build()
    assert report["executed"] == ["uses"]
    assert "VALUE-THREE" in site.page("uses")
    from jupyter_cache import get_cache

    records = get_cache(str(site.cache)).list_cache_records()
    per_page: dict[str, int] = {}
    for record in records:
        per_page[Path(record.uri).stem] = per_page.get(Path(record.uri).stem, 0) + 1
    assert per_page == {"uses": 2, "plain": 1}
    assert len(list((site.cache / "executed").iterdir())) == 3


def test_removed_page_is_pruned_from_cache(site: Site) -> None:
    (site.docs / "plain.md").unlink()
    (site.docs / "index.md").write_text(PAGES["index.md"].replace("plain\n", ""))
    site.build("-W", "--keep-going")
    from jupyter_cache import get_cache

    uris = [Path(r.uri).stem for r in get_cache(str(site.cache)).list_cache_records()]
    assert uris == ["uses"]


def test_parallel_build_with_cache_falls_back_to_serial(site: Site) -> None:
    report = site.build("-j", "2")
    assert "would race on jupyter-cache" in report["log"]
    assert "building serially" in report["log"]


def test_parallel_and_serial_execution_give_the_same_site(
    site: Site, built_template: tuple[Path, Path, dict[str, Any]]
) -> None:
    # The template's cold build ran its two notebooks at once (freshness_execution_workers).
    assert "[freshness] executing 2 notebooks, 2 at a time" in built_template[2]["log"]
    assert all(p["parallel"] for p in built_template[2]["pages"].values())
    for name in ("html", "doctrees", "jupyter_execute", ".jupyter_cache"):
        shutil.rmtree(site.docs / "_build" / name)
    # A page that must run alone leaves one notebook: MyST-NB executes both, in turn.
    report = site.build("-W", "--keep-going", "-D", "freshness_execute_alone=pl*")
    assert "at a time" not in report["log"]
    assert report["executed"] == ["plain", "uses"]
    assert not any(p["parallel"] for p in report["pages"].values())
    template = Site(built_template[1])
    for page in ("uses", "plain"):
        assert site.page(page) == template.page(page)
        assert site.executed_notebook(page) == template.executed_notebook(page)


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
    digest: Callable[[Path], str] = lambda p: freshness.source_digest([p])
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
        freshness.source_digest([tmp_path / "missing"])


def test_which_notebooks_use_the_package(tmp_path: Path) -> None:
    mods = ["activation_functions"]
    assert freshness.uses_modules(["import numpy as np", "import activation_functions as af"], mods)
    assert freshness.uses_modules(
        ["from activation_functions.plotting import use_site_style"], mods
    )
    assert not freshness.uses_modules(["import activation_functions_extra", "print('hi')"], mods)
    assert not freshness.uses_modules(["import activation_functions"], [])
    src = _tree(tmp_path / "src", {"activation_functions/__init__.py": "", "notes/readme.txt": ""})
    assert freshness.default_modules([src]) == ["activation_functions"]
    assert freshness.default_modules([src / "activation_functions"]) == ["activation_functions"]
