"""Lighthouse scores of every page of the built site, on a phone and on a desktop.

A report, not a gate: ``nox -s lighthouse`` runs it after ``npm ci --prefix tests/browser``.
The site is served gzip-compressed on 127.0.0.1 (as static hosts serve it; Python's
http.server alone never compresses), pages are audited one at a time (parallel runs on two
cores inflate the simulated CPU time), with Debian's Chromium kept off the network like in
the browser tests. The JSON and HTML reports go to ``--out``; the table goes to stdout and
to ``--out``/summary.md.

Scores vary from run to run with the machine's load (Lighthouse simulates a slower phone
from a trace of this one). ``--runs N`` audits each page N times and reports each
category's median with, for more than one run, the lowest and highest score: Lighthouse's
own advice is the median of five runs. ``--modes`` restricts the form factors.

Usage: python tests/browser/lighthouse_report.py [--site DIR] [--out DIR] [--runs N]
       [--modes mobile,desktop] [PAGE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from siteserver import discover_pages, serve

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp", "seo": "seo"}
MODES = ("mobile", "desktop")
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--disable-gpu",
        "--disable-quic",
        '--host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"',
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        *(["--no-sandbox"] if os.geteuid() == 0 else []),
    ]
)


def audit(url: str, mode: str, out: Path, chrome: str) -> dict | None:
    """Run Lighthouse once; return its JSON report, or None if it produced none."""
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--no-enable-error-reporting",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        *(["--preset=desktop"] if mode == "desktop" else []),
    ]
    env = {**os.environ, "CHROME_PATH": chrome}
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    report = out.with_name(out.name + ".report.json")
    if result.returncode != 0 or not report.is_file():
        print(f"lighthouse failed on {url} ({mode}):\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    data: dict = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        print(
            f"lighthouse runtime error on {url} ({mode}): {data['runtimeError']}", file=sys.stderr
        )
    return data


def score(reports: list[dict | None], category: str) -> str:
    """The category's median score over the runs; with several runs, also their range."""
    if not reports or any(r is None for r in reports):
        return "err"
    values = [r["categories"].get(category, {}).get("score") for r in reports if r is not None]
    if any(v is None for v in values):
        return "-"
    scores = [round(v * 100) for v in values]
    median = str(round(statistics.median(scores)))
    return median if len(set(scores)) == 1 else f"{median} ({min(scores)}-{max(scores)})"


def weak_audits(report: dict) -> list[str]:
    """Weighted audits that did not pass, as 'category: audit-id'."""
    found = []
    for name, category in report["categories"].items():
        for ref in category["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and result.get("score") is not None and result["score"] < 1:
                found.append(f"{SHORT.get(name, name)}: {ref['id']}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="pages to audit (default: every page)")
    parser.add_argument("--site", type=Path, default=ROOT / "docs" / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "_build" / "lighthouse")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--runs", type=int, default=1, help="audits per page and mode")
    parser.add_argument("--modes", default=",".join(MODES), help="mobile, desktop or both")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if args.runs < 1 or not modes or set(modes) - set(MODES):
        parser.error(f"--runs must be at least 1 and --modes a list of {', '.join(MODES)}")

    if not (args.site / "index.html").is_file():
        print(f"No built site at {args.site}: run `nox -s docs` first.", file=sys.stderr)
        return 2
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `npm ci --prefix tests/browser`.", file=sys.stderr)
        return 2
    pages = args.pages or discover_pages(args.site)
    args.out.mkdir(parents=True, exist_ok=True)

    rows = []
    weak: Counter[str] = Counter()
    failed = 0
    start = time.monotonic()
    with serve(args.site, compress=True) as base:
        for page in pages:
            cells = [page]
            for mode in modes:
                stem = page.removesuffix(".html").replace("/", "__")
                reports = []
                for run in range(1, args.runs + 1):
                    name = f"{stem}-{mode}" + (f"-{run}" if args.runs > 1 else "")
                    report = audit(base + page, mode, args.out / name, args.chrome)
                    failed += report is None
                    reports.append(report)
                    if report is not None:
                        weak.update(f"{w} ({mode})" for w in weak_audits(report))
                cells += [score(reports, c) for c in CATEGORIES]
            rows.append(cells)
            print(f"  audited {page} ({time.monotonic() - start:.0f} s)", file=sys.stderr)

    header = ["page"] + [f"{m} {SHORT[c]}" for m in modes for c in CATEGORIES]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    if weak:
        runs = "" if args.runs == 1 else f" (of {len(pages)} x {args.runs} runs)"
        lines += ["", f"Weighted audits below 100, with the number of audits{runs}:", ""]
        lines += [f"- {name}: {count}" for name, count in sorted(weak.items())]
    text = "\n".join(lines)
    print(text)
    (args.out / "summary.md").write_text(text + "\n", encoding="utf-8")
    print(f"\nReports in {args.out} ({time.monotonic() - start:.0f} s)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
