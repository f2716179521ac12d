"""Check that two clean builds of the site are byte-identical.

Run with ``nox -s repro`` (CI) or ``python benchmarks/repro_docs.py``. The site is
built twice from clean (empty output, doctrees, executed notebooks and execution
cache) with the environment a release build gets (``SOURCE_DATE_EPOCH`` = HEAD's
commit time unless set). Then every file under ``docs/_build/html`` and every
executed notebook under ``docs/_build/jupyter_execute`` is compared; each file that
differs is named, with its first difference shown. Exit status 1 if any differ.

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
import shutil
import sys
import tempfile
from pathlib import Path

from _docs_build import ROOT, Build, build_env, clean, copy_project, sphinx_build

CONTEXT = 60  # characters shown either side of a difference in a long line


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


def compare(first: Path, second: Path, label: str) -> list[str]:
    """Names of the files under the two roots that differ, printed with their first difference."""
    fa, fb = _tree_files(first), _tree_files(second)
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
        )
        if result.returncode != 0:
            print(result.log[-4000:], file=sys.stderr)
            print(f"build {number} failed (exit {result.returncode})", file=sys.stderr)
            return 2
        not_executed = sorted(
            d for d, p in result.report.get("pages", {}).items() if p["status"] == "cached"
        )
        if not_executed:
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

    problems = compare(keep / "html", html, "html")
    problems += compare(keep / "jupyter_execute", executed, "jupyter_execute")
    if problems:
        print(f"\nNOT reproducible: {len(problems)} file(s) differ between two clean builds:")
        for name in problems:
            print(f"  {name}")
        print(f"(first build kept in {keep})")
        return 1
    clean(tmp)
    print("\nReproducible: the two clean builds are byte-identical.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
