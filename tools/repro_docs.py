"""Check that two clean builds of the site are byte-identical.

Run with ``nox -s repro`` (CI) or ``python -m tools.repro_docs``. The site is
built twice from clean (empty output, doctrees, executed notebooks and execution
cache) with the environment a release build gets (``SOURCE_DATE_EPOCH`` = HEAD's
commit time unless set). Then every published file, everything under
``docs/_build/html`` (the downloadable ``.ipynb`` notebooks included), is compared
byte for byte; each file that differs is named, with its first difference shown.
Exit status 1 if any differ. MyST-NB's ``jupyter_execute`` folder is its working
copy, not published, and is not compared.

One page is exempt: ``cost`` (docs/cost.md) times the activations on the build
machine, as the experiments issue asks, so two builds cannot agree on its numbers.
Exactly the files that carry those timings are left out of the byte comparison (see
``timing_files``): the page's HTML and the figures only that page shows, found from its ``<img src>`` in each build. They are
named with the reason, and still compared with the timings masked, so the page's
prose, code and structure must be identical too. ``searchindex.js`` is compared byte
for byte like every other file: the timings sit in a ``no-search`` block.

By default the builds happen in the working tree, exactly where ``nox -s docs``
builds (the second build is left in ``docs/_build/html``; the author's execution
cache is not touched: each build gets a fresh one). ``--copy`` builds in a temporary
copy of docs/ and src/ instead and leaves docs/_build alone. Doctrees go to
``docs/_build/doctrees``, outside the served tree.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from tools.docs_build import ROOT, Build, build_env, clean, copy_project, sphinx_build


def is_notebook(source: Path) -> bool:
    """Whether MyST-NB executes the page (a plain Markdown page is read, never executed)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    return source.is_file() and is_myst_markdown_notebook(source.read_text(encoding="utf-8"))


CONTEXT = 60  # characters shown either side of a difference in a long line

# -- The allow-list: files that carry live timings ---------------------------------
#: The one page whose numbers are measured while the site is built (the experiments
#: issue: "time each activation at build time [...] with the machine and library
#: versions printed"). Two builds cannot give it the same bytes; every other page can.
TIMING_PAGE = "cost"
#: Its files that carry the timings, and why; the figures are added per build, since
#: their names are hashes of their content (see timing_files).
TIMING_FILES = {
    f"html/{TIMING_PAGE}.html": "the page: its prose quotes the timings and names the figure",
}
FIGURE_REASON = f"a figure drawn from the timings, shown by {TIMING_PAGE}.html only"
_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"")
_PASTED = re.compile(r'(<span class="pasted-text">).*?(</span>)', re.DOTALL)
#: A number alone in a table cell: the glued timing table's ratios.
_TIMING_CELL = re.compile(r"(<td><p>)[\d.,\u2212-]+(</p></td>)")
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


def _tree_files(root: Path) -> set[str]:
    return (
        {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def first_difference(a: bytes, b: bytes) -> str:
    """A short human-readable account of where two files first differ."""
    try:
        ta, tb = a.decode(), b.decode()
    except UnicodeDecodeError:
        i = next(
            (k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
        return (
            f"    binary, {len(a)} vs {len(b)} bytes, first difference at byte {i}:\n"
            f"    first:  {a[max(0, i - 16) : i + 16].hex(' ')}\n"
            f"    second: {b[max(0, i - 16) : i + 16].hex(' ')}"
        )
    la, lb = ta.splitlines(), tb.splitlines()
    line = next(
        (k for k, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y), min(len(la), len(lb))
    )
    xa = la[line] if line < len(la) else ""
    xb = lb[line] if line < len(lb) else ""
    if max(len(xa), len(xb)) > 2 * CONTEXT:  # minified: show a window around the first change
        col = next(
            (k for k, (x, y) in enumerate(zip(xa, xb, strict=False)) if x != y),
            min(len(xa), len(xb)),
        )
        lo = max(0, col - CONTEXT)
        return (
            f"    line {line + 1}, column {col + 1}:\n"
            f"    first:  ...{xa[lo : col + CONTEXT]!r}...\n"
            f"    second: ...{xb[lo : col + CONTEXT]!r}..."
        )
    diff = difflib.unified_diff(la, lb, "first", "second", n=2, lineterm="")
    return "\n".join("    " + d for d in list(diff)[:24])


def timing_files(html: Path, executed: Path) -> tuple[dict[str, str], list[str], list[str]]:
    """One build's files that carry live timings, with the reasons; its timing figures; problems.

    The figures are the ``_images/`` files that the timing page's ``<img src>`` names
    (site assets such as the logo are shared by every page and compared as usual), with
    their copies in jupyter_execute. Each must exist, and no other page may show it:
    an exemption never covers a file another page depends on.
    """
    page = html / f"{TIMING_PAGE}.html"
    if not page.is_file():
        return {}, [], [f"html/{TIMING_PAGE}.html is missing: the timing page was not built"]
    exempt, figures, problems = dict(TIMING_FILES), [], []
    others = {
        p.relative_to(html).as_posix(): p.read_text(errors="replace")
        for p in html.rglob("*.html")
        if p != page
    }
    for src in dict.fromkeys(_IMG_SRC.findall(page.read_text(errors="replace"))):
        if not src.startswith("_images/"):
            continue
        name = src.removeprefix("_images/")
        figures.append(name)
        if not (html / src).is_file():
            problems.append(f"html/{src} (shown by {TIMING_PAGE}.html) is missing")
        if users := sorted(o for o, text in others.items() if name in text):
            shown = ", ".join(users)
            problems.append(f"html/{src} is a timing figure, yet also shown by {shown}")
        exempt[f"html/{src}"] = FIGURE_REASON
        if (executed / name).is_file():
            exempt[f"jupyter_execute/{name}"] = FIGURE_REASON + " (the notebook's copy)"
    return exempt, figures, problems


def _mask_outputs(node: Any) -> Any:
    """A notebook or glue record with every output's data replaced: its structure only."""
    if isinstance(node, list):
        return [_mask_outputs(item) for item in node]
    if not isinstance(node, dict):
        return node
    masked = {key: _mask_outputs(value) for key, value in node.items()}
    if "output_type" in node and isinstance(node.get("data"), dict):
        masked["data"] = dict.fromkeys(node["data"], "<output>")
    return masked


def masked_timing_file(path: Path, figures: list[str]) -> str:
    """The text of a timing file with the timings left out, for a comparison of the rest."""
    text = path.read_text(errors="replace")
    if path.suffix == ".html":
        text = _PASTED.sub(r"\1<timing>\2", text)
        text = _TIMING_CELL.sub(r"\1<timing>\2", text)
        for i, name in enumerate(figures):  # in order of appearance: the same in both builds
            text = re.sub(
                rf"<img\b[^>]*{re.escape(name)}[^>]*>", lambda m: _SIZE.sub("", m[0]), text
            )
            text = text.replace(name, f"<timing figure {i + 1}>")
        return text
    return json.dumps(_mask_outputs(json.loads(text)), indent=1, sort_keys=True)


def compare_timing_files(
    first: Path, second: Path, figures: tuple[list[str], list[str]]
) -> list[str]:
    """The exempt page, notebook and glue record must agree once the timings are masked."""
    problems = []
    if len(figures[0]) != len(figures[1]):
        problems.append(
            f"html/{TIMING_PAGE}.html shows {len(figures[0])} vs {len(figures[1])} figures"
        )
        print(f"  DIFFERS: {problems[-1]}")
    for name in TIMING_FILES:
        a, b = first / name, second / name
        if not (a.is_file() or b.is_file()):
            continue
        if not (a.is_file() and b.is_file()):
            problems.append(name)
            print(f"  only in the {'first' if a.is_file() else 'second'} build: {name}")
            continue
        ma, mb = masked_timing_file(a, figures[0]), masked_timing_file(b, figures[1])
        if ma != mb:
            problems.append(f"{name} (beyond its timings)")
            print(f"  DIFFERS beyond its timings: {name}")
            print(first_difference(ma.encode(), mb.encode()))
        else:
            print(f"  {name}: identical once the timings are masked")
    return problems


def compare(
    first: Path, second: Path, label: str, exempt: frozenset[str] = frozenset()
) -> list[str]:
    """Names of the files under the two roots that differ, printed with their first difference.

    Files whose ``label/name`` is in ``exempt`` are skipped (the live timings).
    """
    fa, fb = (
        {n for n in _tree_files(root) if f"{label}/{n}" not in exempt} for root in (first, second)
    )
    problems = []
    for name in sorted(fa - fb):
        problems.append(f"{label}/{name}")
        print(f"  only in the first build: {label}/{name}")
    for name in sorted(fb - fa):
        problems.append(f"{label}/{name}")
        print(f"  only in the second build: {label}/{name}")
    common = sorted(fa & fb)
    for name in common:
        a, b = first / name, second / name
        if not filecmp.cmp(a, b, shallow=False):
            problems.append(f"{label}/{name}")
            print(f"  DIFFERS: {label}/{name}")
            print(first_difference(a.read_bytes(), b.read_bytes()))
    print(f"{label}: {len(common)} files in both builds, {len(problems)} problem(s)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--copy", action="store_true", help="build in a temporary copy, not in docs/_build"
    )
    parser.add_argument(
        "--strict", action="store_true", help="build with -W, as the docs session does"
    )
    parser.add_argument(
        "-D",
        dest="define",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a conf.py value in both builds, as sphinx-build -D does",
    )
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="repro-docs-"))
    project = copy_project(tmp / "project") if args.copy else ROOT
    build_dir = project / "docs" / "_build"
    html, doctrees, executed = (
        build_dir / "html",
        build_dir / "doctrees",
        build_dir / "jupyter_execute",
    )
    keep = tmp / "first"
    env = build_env(project)
    print(
        f"Building {project / 'docs'} twice from clean (SOURCE_DATE_EPOCH={env['SOURCE_DATE_EPOCH']})"
    )

    builds: list[Build] = []
    for number in (1, 2):
        clean(html, doctrees, executed)
        cache = tmp / f"jupyter-cache-{number}"  # a fresh execution cache: a clean build
        result = sphinx_build(
            project / "docs",
            html,
            doctrees,
            {**env, "AFX_JUPYTER_CACHE": str(cache)},
            strict=args.strict,
            extra=tuple(f"-D{define}" for define in args.define),
        )
        if result.returncode != 0:
            print(result.log[-4000:], file=sys.stderr)
            print(f"build {number} failed (exit {result.returncode})", file=sys.stderr)
            return 2
        notebooks = [d for d in result.read if is_notebook(project / "docs" / f"{d}.md")]
        not_executed = sorted(set(notebooks) - set(result.executed))
        if "Using cached notebook" in result.log and not_executed:
            print(
                f"build {number} was not clean: outputs of {not_executed} came from a cache",
                file=sys.stderr,
            )
            return 2
        print(f"build {number}: {result.seconds:.0f} s, {len(result.executed)} notebooks executed")
        builds.append(result)
        if number == 1:
            keep.mkdir()
            shutil.move(html, keep / "html")
            if executed.exists():
                shutil.move(executed, keep / "jupyter_execute")

    first_exempt, first_figures, problems = timing_files(keep / "html", keep / "jupyter_execute")
    second_exempt, second_figures, more = timing_files(html, executed)
    problems += more
    exempt = {**first_exempt, **second_exempt}
    print(f"\nExempt from the byte comparison: the live timings of {TIMING_PAGE}.html")
    for name, reason in sorted(exempt.items()):
        in_builds = [n for n, e in ((1, first_exempt), (2, second_exempt)) if name in e]
        which = "" if len(in_builds) == 2 else f" [build {in_builds[0]} only]"
        print(f"  {name}{which}: {reason}")
    for message in problems:
        print(f"  PROBLEM: {message}")
    print("The timing files, compared with the timings masked:")
    problems += compare_timing_files(keep, build_dir, (first_figures, second_figures))
    print()
    # What is published: html/, the downloadable notebooks included. MyST-NB's
    # jupyter_execute folder is its working copy, not served.
    problems += compare(keep / "html", html, "html", frozenset(exempt))
    if problems:
        print(f"\nNOT reproducible: {len(problems)} file(s) differ between two clean builds:")
        for name in problems:
            print(f"  {name}")
        print(f"(first build kept in {keep})")
        return 1
    clean(tmp)
    print(
        "\nReproducible: apart from the timing files named above, the two clean"
        " builds are byte-identical (searchindex.js included)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
