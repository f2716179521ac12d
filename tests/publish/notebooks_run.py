"""Run every notebook the site offers for download, as a reader would, outside the repository.

Run by ``nox -s notebooks`` in an environment holding only the wheel the site serves
(with its ``[all]`` extras), ``ipykernel`` and ``nbclient``. For each ``<page>.ipynb``
beside the pages, it checks the download (no outputs, no execution counts, no build
metadata, a first cell that names the served wheel's install command), copies it into
a fresh temporary folder outside the repository, and executes it with nbclient (one
kernel per core, at most two at a time). It
fails on any error, naming the notebook and the cell, and checks that the run shows
what the page shows: as many figures as the site's executed copy of the page, and
every value the page glues into its prose, printed as ``name: value``.

Usage: python notebooks_run.py --site docs/_build/html [page ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbclient
import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError

REPO = Path(__file__).resolve().parents[2]
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in IPython's tracebacks
CELL_TIMEOUT = 600  # seconds; the slowest experiment cell takes well under a minute here

# Prepended to each run (not part of the download): proves where the kernel's package
# comes from and that the site's build tools are absent.
ENVIRONMENT_PROBE = """\
import importlib.util, sys
import activation_functions
assert activation_functions.__file__.startswith(sys.prefix), activation_functions.__file__
assert not activation_functions.__file__.startswith({source!r}), activation_functions.__file__
for _name in ("sphinx", "myst_nb", "jupyter_cache"):
    assert importlib.util.find_spec(_name) is None, f"{{_name}} is installed in the kernel"
assert sys.prefix == {prefix!r}, (sys.prefix, {prefix!r})
del _name
"""


#: An <img> of a figure a cell drew (logo and icons live in _static/, not _images/).
PAGE_FIGURE = re.compile(r'<img\b[^>]*\bsrc="_images/')


#: A glued value in MyST: {glue}`key`, {glue:text}`key` or a ```{glue:md} key directive.
GLUED = re.compile(r"\{glue(?::\w+)?\}(?:`([^`]+)`| +(\S+))")


def image_outputs(notebook: dict[str, Any]) -> int:
    return sum(
        any(mime.startswith("image/") for mime in output.get("data", {}))
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )


def printed_text(notebook: nbformat.NotebookNode) -> str:
    chunks = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                chunks.append(output.get("text", ""))
            elif "text/plain" in output.get("data", {}):
                chunks.append(output["data"]["text/plain"])
    return "".join(chunks)


def check_download(path: Path, wheel: str) -> list[str]:
    """What the downloaded file itself must be: clean, and saying how to install."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    extra = set(raw.get("metadata", {})) - {"kernelspec", "language_info"}
    if extra:
        problems.append(f"{path.name}: build-only notebook metadata {sorted(extra)}")
    for index, cell in enumerate(raw["cells"]):
        if cell.get("outputs") or cell.get("execution_count") is not None:
            problems.append(f"{path.name}: cell {index} carries outputs or an execution count")
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"remove-cell", "remove-input", "remove-output", "hide-input"}:
            problems.append(f"{path.name}: cell {index} carries MyST-NB display tags {tags}")
        source = "".join(cell["source"])
        if "myst_nb" in source or "{glue" in source:
            problems.append(f"{path.name}: cell {index} still refers to MyST-NB: {source[:80]!r}")
    first = raw["cells"][0] if raw["cells"] else {}
    command = f'pip install "{wheel}[all]" --extra-index-url {TORCH_CPU_INDEX}'
    first_source = "".join(first.get("source", []))
    if first.get("cell_type") != "code" or command not in first_source:
        problems.append(f"{path.name}: the first cell does not give the command {command!r}")
    return problems


def run(path: Path, site: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    workdir = Path(tempfile.mkdtemp(prefix=f"afx-{path.stem}-"))
    try:
        if workdir.resolve().is_relative_to(REPO):
            return [f"{path.name}: the temporary folder {workdir} is inside the repository"]
        shutil.copy(path, workdir / path.name)
        probe = ENVIRONMENT_PROBE.format(source=str(REPO / "src"), prefix=sys.prefix)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(probe))
        client = nbclient.NotebookClient(
            notebook,
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            resources={"metadata": {"path": str(workdir)}},
        )
        try:
            client.execute(cwd=str(workdir))
        except (CellExecutionError, CellTimeoutError) as error:
            failed = next(
                (
                    index
                    for index, cell in enumerate(notebook.cells)
                    if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
                ),
                None,
            )
            # Cell numbers as in the download (the probe is not part of it).
            if failed is None:
                where = "a cell (timeout)"
            else:
                where = "the environment probe" if failed == 0 else f"cell {failed - 1}"
            source = notebook.cells[failed].source if failed is not None else ""
            lines = ANSI.sub("", str(error)).strip().splitlines()
            summary = lines[-1] if lines else type(error).__name__
            return [f"{path.name}: {where} failed: {summary}\n--- cell source ---\n{source}"]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    problems = []
    # The figures the built page shows: the cell outputs Sphinx copied to _images/.
    page = site / (path.stem + ".html")
    if page.is_file():
        expected = len(PAGE_FIGURE.findall(page.read_text(encoding="utf-8")))
        got = image_outputs(notebook)
        if got != expected:
            problems.append(f"{path.name}: drew {got} figures, the page shows {expected}")
    # The values the page's prose quotes: its {glue} roles and directives, read from the
    # page's source (docs/<page>.md, two folders above the built site).
    source = site.parent.parent / (path.stem + ".md")
    if not source.is_file():
        problems.append(f"{path.name}: no page source at {source} to read its glued values from")
    else:
        keys = {a or b for a, b in GLUED.findall(source.read_text(encoding="utf-8"))}
        text = printed_text(notebook)
        missing = sorted(key for key in keys if f"{key}: " not in text)
        if missing:
            problems.append(f"{path.name}: values glued on the page but not printed: {missing}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("pages", nargs="*", help="page names (default: every notebook)")
    args = parser.parse_args()
    site = args.site.resolve()
    # The kernel must not see the repository's source through PYTHONPATH.
    os.environ.pop("PYTHONPATH", None)
    if importlib.util.find_spec("myst_nb") or importlib.util.find_spec("sphinx"):
        print("this environment has Sphinx or MyST-NB: it is not a reader's", file=sys.stderr)
        return 1

    wheels = sorted((site / "_downloads").glob("activation_functions-*.whl"))
    notebooks = sorted(site.glob("*.ipynb"))
    pages_with_link = sorted(
        page.stem for page in site.glob("*.html") if 'class="nb-download"' in page.read_text()
    )
    problems = []
    if len(wheels) != 1:
        problems.append(f"expected one served wheel in {site / '_downloads'}, found {wheels}")
    if not notebooks:
        problems.append(f"no downloadable notebook in {site}")
    if [nb.stem for nb in notebooks] != pages_with_link:
        problems.append(
            f"notebooks {[nb.stem for nb in notebooks]} != pages offering one {pages_with_link}"
        )
    if args.pages:
        unknown = set(args.pages) - {nb.stem for nb in notebooks}
        problems += [f"no notebook for page {name!r}" for name in sorted(unknown)]
        notebooks = [nb for nb in notebooks if nb.stem in args.pages]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1

    def check(path: Path) -> tuple[list[str], float]:
        start = time.perf_counter()
        found = check_download(path, wheels[0].name) + run(path, site)
        return found, time.perf_counter() - start

    # One kernel per core (each notebook has its own kernel and folder), reported in order.
    with ThreadPoolExecutor(max_workers=max(1, min(2, len(os.sched_getaffinity(0))))) as pool:
        for path, (found, seconds) in zip(notebooks, pool.map(check, notebooks), strict=True):
            status = "FAILED" if found else "ok"
            print(f"{path.name}: {status} ({seconds:.1f} s)", flush=True)
            problems += found
    if problems:
        print("\n\n".join(problems), file=sys.stderr)
        return 1
    print(f"{len(notebooks)} downloaded notebooks ran outside the repository without error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
