"""Benchmark the docs build: cold, no-change, prose edit, package edit; page weights.

Run with ``nox -s bench-docs`` (or ``python -m benchmarks.bench_docs`` in an
environment with the ``docs`` group). The working tree is never modified: docs/ and
src/ are copied to a temporary directory and every build and edit happens there.
The copy's kernels import the copy's src/ (``PYTHONPATH``), and the copy's conf.py
keys the execution cache on the copy's src/, so the package edit is seen by both.

Printed: a table of wall time and notebooks executed per scenario (with the
targets), where the cold build's time goes, and each page's weight (HTML plus the
CSS, JS, fonts and images it references) against the 1 MB budget.

Options: ``--strict`` builds with -W as the docs session does; ``--keep`` keeps the
temporary copy; ``--page NAME`` is the page whose prose is edited; ``--json FILE``
also writes the numbers as JSON.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tools.docs_build import Build, build_env, clean, copy_project, sphinx_build

MB = 1_000_000
TARGETS = {  # scenario: (max seconds, max notebooks executed)
    "cold build": (45.0, None),
    "no-change rebuild": (5.0, 0),
    "prose-only edit": (10.0, 0),
    "package edit": (None, None),
}
PACKAGE = "activation_functions"


# ----------------------------------------------------------------------- edits
def edit_prose(page: Path) -> None:
    """Append a paragraph: a Markdown-only change."""
    page.write_text(page.read_text() + "\n\nA sentence added by the docs benchmark.\n")


def edit_function(src: Path) -> str:
    """Insert a statement into the first function of the package's functions module.

    Returns ``module:function``. The edit changes the source, not the behaviour.
    """
    module = src / PACKAGE / "functions.py"
    if not module.exists():
        module = next(p for p in sorted((src / PACKAGE).glob("*.py")) if "def " in p.read_text())
    text = module.read_text()
    func = next(n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef))
    first = func.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and len(func.body) > 1:
        first = func.body[1]  # after the docstring
    lines = text.splitlines(keepends=True)
    indent = " " * first.col_offset
    lines.insert(first.lineno - 1, f"{indent}_benchmark_edit = None  # added by bench_docs.py\n")
    module.write_text("".join(lines))
    return f"{module.name}:{func.name}"


# ------------------------------------------------------------------ cold build
def _python_seconds(code: str, env: dict[str, str], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _kernel_seconds(repeat: int = 3) -> float:
    """Median time to start a python3 kernel, run one empty cell and stop it."""
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
        client.execute_interactive("pass", timeout=60)
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_breakdown(
    results: dict[str, Build], docs: Path, env: dict[str, str]
) -> list[tuple[str, str]]:
    """Where the cold build's time goes."""
    cold = results["cold build"]
    runtimes = cold.exec_runtimes()
    rows = [("cold build, wall", f"{cold.seconds:.1f} s")]
    if "cold build, serial" in results:
        serial = results["cold build, serial"]
        serial_sum = sum(serial.exec_runtimes().values())
        rows.append(("same, MyST-NB executing one notebook at a time", f"{serial.seconds:.1f} s"))
        rows.append(("  of which notebook execution (sum of runtimes)", f"{serial_sum:.1f} s"))
    rows += [
        (
            f"  sum of the {len(runtimes)} runtimes (cache records, kernels overlap)",
            f"{sum(runtimes.values()):.1f} s",
        ),
    ]
    rows += [
        (f"  {doc}", f"{sec:.1f} s") for doc, sec in sorted(runtimes.items(), key=lambda kv: -kv[1])
    ]
    bare = _python_seconds("pass", env)
    rows.append(
        ("kernel start + one empty cell + shutdown (median of 3)", f"{_kernel_seconds():.2f} s")
    )
    rows.append(("python -c pass", f"{bare:.2f} s"))
    for module in ("numpy", PACKAGE, "matplotlib.pyplot", "torch"):
        seconds = _python_seconds(f"import {module}", env) - bare
        rows.append((f"import {module} (fresh interpreter, minus startup)", f"{seconds:.2f} s"))
    torch_use = re.compile(
        r"^\s*(import torch|from torch)|activation_functions\.autograd", re.MULTILINE
    )
    torch_pages = sorted(p.stem for p in docs.glob("*.md") if torch_use.search(p.read_text()))
    rows.append(("pages whose code imports torch", ", ".join(torch_pages) or "none"))
    return rows


# -------------------------------------------------------------------- weights
class _Refs(HTMLParser):
    """Collect the URLs of resources an HTML page loads."""

    LINK_RELS = frozenset(
        {
            "stylesheet",
            "icon",
            "shortcut",
            "preload",
            "modulepreload",
            "apple-touch-icon",
            "manifest",
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if (
            tag == "link"
            and self.LINK_RELS & set(a.get("rel", "").lower().split())
            and a.get("href")
        ):
            self.refs.append(("link", a["href"]))
        elif tag == "script" and a.get("src"):
            self.refs.append(("js", a["src"]))
        elif tag in {"img", "source", "video", "audio", "embed", "input"}:
            if a.get("src"):
                self.refs.append(("img", a["src"]))
            for candidate in a.get("srcset", "").split(","):
                if candidate.strip():
                    self.refs.append(("img", candidate.split()[0]))
            if a.get("poster"):
                self.refs.append(("img", a["poster"]))
        elif tag == "object" and a.get("data"):
            self.refs.append(("img", a["data"]))


_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def _local(base: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("data:"):
        return None
    if not parts.path:
        return None
    return (base.parent / unquote(parts.path)).resolve()


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".css":
        return "css"
    if suffix in {".js", ".mjs"}:
        return "js"
    if suffix in {".woff", ".woff2", ".ttf", ".otf", ".eot"}:
        return "font"
    if suffix in {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico"}:
        return "img"
    return "other"


def _css_refs(css: Path, seen: set[Path]) -> Iterator[Path]:
    text = css.read_text(errors="replace")
    for match in _CSS_URL.finditer(text):
        url = match.group(1) or match.group(2)
        path = _local(css, url)
        if path is not None and path.is_file() and path not in seen:
            seen.add(path)
            yield path
            if path.suffix == ".css":
                yield from _css_refs(path, seen)


def page_weight(page: Path) -> dict[str, Any]:
    """Bytes of a page and of everything it references, by kind; external URLs listed."""
    parser = _Refs()
    parser.feed(page.read_text(errors="replace"))
    sizes = {"html": page.stat().st_size, "css": 0, "js": 0, "font": 0, "img": 0, "other": 0}
    seen: set[Path] = set()
    external, missing, raster = [], [], []
    for _, url in parser.refs:
        if url.startswith("data:"):
            continue
        path = _local(page, url)
        if path is None:
            external.append(url)
            continue
        if path in seen:
            continue
        seen.add(path)
        if not path.is_file():
            missing.append(url)
            continue
        found = [path, *(_css_refs(path, seen) if path.suffix == ".css" else [])]
        for item in found:
            sizes[_kind(item)] += item.stat().st_size
            if _kind(item) == "img" and item.suffix.lower() not in {".svg", ".ico"}:
                raster.append(item.name)
    total = sum(sizes.values())
    return {"total": total, **sizes, "external": external, "missing": missing, "raster": raster}


def weights(html: Path) -> dict[str, dict[str, Any]]:
    return {
        str(p.relative_to(html)): page_weight(p)
        for p in sorted(html.rglob("*.html"))
        if "_static" not in p.parts
    }


# ----------------------------------------------------------------------- main
def _status(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def _target(max_s: float | None, max_exec: int | None) -> str:
    parts = [
        f"< {max_s:.0f} s" if max_s else "",
        f"{max_exec} executed" if max_exec is not None else "",
    ]
    return " and ".join(p for p in parts if p) or "-"


def run_scenarios(
    project: Path, args: argparse.Namespace
) -> tuple[dict[str, Build], dict[str, str]]:
    """Run the builds in the copy; return them and a label per scenario."""
    docs, src = project / "docs", project / "src"
    build_dir = docs / "_build"
    html, doctrees = build_dir / "html", build_dir / "doctrees"
    env = build_env(project)

    def build(name: str, *extra: str) -> Build:
        print(f"... {name}", flush=True)
        result = sphinx_build(docs, html, doctrees, env, strict=args.strict, extra=extra)
        if result.returncode != 0:
            print(result.log[-4000:], file=sys.stderr)
            raise SystemExit(f"{name}: sphinx-build failed with exit code {result.returncode}")
        return result

    results: dict[str, Build] = {}
    labels: dict[str, str] = {}
    if args.serial:
        clean(build_dir)
        results["cold build, serial"] = build(
            "cold build, notebooks one at a time", "-D", "afx_parallel_execution=0"
        )
        labels["cold build, serial"] = "cold build, MyST-NB executing one notebook at a time"
    clean(build_dir)
    results["cold build"] = build("cold build")
    results["no-change rebuild"] = build("no-change rebuild")
    notebooks = sorted(results["cold build"].executed)
    page = args.page or next((n for n in notebooks if n != "index"), notebooks[0])
    edit_prose(docs / f"{page}.md")
    results["prose-only edit"] = build(f"prose-only edit of {page}.md")
    labels["prose-only edit"] = f"prose-only edit ({page}.md)"
    edited = edit_function(src)
    results["package edit"] = build(f"package edit of {edited}")
    labels["package edit"] = f"package edit ({edited})"
    return results, labels


def print_times(results: dict[str, Build], labels: dict[str, str]) -> bool:
    print("\n## Build times (machine shared with other jobs: numbers are inflated)\n")
    print("| scenario | wall time | notebooks executed | pages read | target | |")
    print("|---|---:|---:|---:|---|---|")
    notebooks = len(results["cold build"].executed)
    all_ok = True
    for name, result in results.items():
        max_s, max_exec = TARGETS.get(name, (None, None))
        ok = None
        if max_s is not None or max_exec is not None:
            fast = max_s is None or result.seconds < max_s
            ok = fast and (max_exec is None or len(result.executed) <= max_exec)
            all_ok &= ok
        print(
            f"| {labels.get(name, name)} | {result.seconds:.1f} s | "
            f"{len(result.executed)} of {notebooks} | {len(result.read)} | "
            f"{_target(max_s, max_exec)} | {_status(ok)} |"
        )
    pkg = results["package edit"]
    every = sorted(results["cold build"].executed)
    print(f"\nPackage edit re-executed {len(pkg.executed)} notebooks (every page imports it).")
    if sorted(pkg.executed) != every:
        print(f"!! the package edit did not re-execute every notebook: {pkg.executed} != {every}")
        all_ok = False
    warned = {n: r.warnings for n, r in results.items() if r.warnings}
    if warned:
        print(f"Warning lines in the build logs: {warned} (--strict fails on them)")
    return all_ok


def print_weights(html: Path) -> tuple[bool, dict[str, dict[str, Any]]]:
    print("\n## Page weight (HTML + referenced CSS, JS, fonts, images; budget 1 MB)\n")
    print("| page | total KB | html | css | js | fonts | images | |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    page_weights = weights(html)
    all_ok = True
    for name, w in page_weights.items():
        ok = w["total"] < MB and not w["external"] and not w["missing"]
        all_ok &= ok
        notes = []
        if w["external"]:
            notes.append(f"external: {', '.join(w['external'])}")
        if w["missing"]:
            notes.append(f"missing: {', '.join(w['missing'])}")
        if w["raster"]:
            notes.append(f"raster: {', '.join(sorted(set(w['raster'])))}")
        kb = {k: f"{w[k] / 1000:.0f}" for k in ("total", "html", "css", "js", "font", "img")}
        print(
            f"| {name} | {kb['total']} | {kb['html']} | {kb['css']} | {kb['js']} | {kb['font']} "
            f"| {kb['img']} | {'ok' if ok else 'MISSED'} {'; '.join(notes)} |"
        )
    figures = sorted((html / "_images").glob("*")) if (html / "_images").is_dir() else []
    raster = [p.name for p in figures if p.suffix.lower() not in {".svg"}]
    print(
        f"\nFigures (_images): {len(figures)}, SVG: {len(figures) - len(raster)}"
        + (f", raster (blurry on high-density screens): {', '.join(raster)}" if raster else "")
    )
    return all_ok and not raster, page_weights


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--strict", action="store_true", help="build with -W (as nox -s docs)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument("--page", default=None, help="page whose prose is edited")
    parser.add_argument(
        "--no-serial",
        dest="serial",
        action="store_false",
        help="skip the extra cold build with MyST-NB executing notebooks one at a time",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-docs-"))
    project = copy_project(tmp / "project")
    env = build_env(project)
    print(f"Benchmarking a copy in {project} (SOURCE_DATE_EPOCH={env['SOURCE_DATE_EPOCH']})")
    results, labels = run_scenarios(project, args)
    times_ok = print_times(results, labels)

    print("\n## Where the cold build's time goes\n")
    print("| part | seconds |\n|---|---:|")
    for label, value in cold_breakdown(results, project / "docs", env):
        print(f"| {label} | {value} |")

    weights_ok, page_weights = print_weights(project / "docs" / "_build" / "html")
    all_ok = times_ok and weights_ok
    if args.json:
        summary = {
            "scenarios": {
                name: {
                    "seconds": round(r.seconds, 2),
                    "executed": r.executed,
                    "read": r.read,
                    "report": r.report,
                }
                for name, r in results.items()
            },
            "weights": page_weights,
            "all_targets_met": all_ok,
        }
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    if args.keep:
        print(f"\nKept {tmp}")
    else:
        clean(tmp)
    print("\nAll targets met." if all_ok else "\nSome targets were missed (see MISSED).")
    return 1 if args.check and not all_ok else 0


if __name__ == "__main__":
    sys.exit(main())
