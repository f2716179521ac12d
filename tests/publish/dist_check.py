"""Check the built sdist and wheel's contents (``nox -s build``, after ``twine check``).

The wheel holds exactly the package: every file of ``src/activation_functions`` (modules
and ``py.typed``) and its ``.dist-info`` with the licence; no tests, docs, benchmarks or
bytecode. Its metadata has the extras a downloaded notebook needs. The sdist holds the
sources, pyproject.toml, README.md and LICENSE, and nothing built.

Usage: python dist_check.py DIST_DIR
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "activation_functions"
EXTRAS = {"torch", "plot", "all"}


def package_files() -> set[str]:
    return {
        "activation_functions/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def check_wheel(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
        metadata = Parser().parsestr(archive.read(info).decode()) if info else None
    problems = []
    content = {n for n in names if ".dist-info/" not in n}
    expected = package_files()
    if content != expected:
        problems.append(
            f"{wheel.name}: missing {sorted(expected - content)}, extra {sorted(content - expected)}"
        )
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        problems.append(f"{wheel.name}: no LICENSE in its .dist-info")
    if metadata is None:
        return [*problems, f"{wheel.name}: no METADATA"]
    extras = set(metadata.get_all("Provides-Extra") or [])
    if extras != EXTRAS:
        problems.append(f"{wheel.name}: extras {sorted(extras)}, expected {sorted(EXTRAS)}")
    requires = metadata.get_all("Requires-Dist") or []
    if not any(r.startswith("torch==2.13.0") and "extra == " in r for r in requires):
        problems.append(f"{wheel.name}: torch is not the pinned optional extra: {requires}")
    if metadata.get("License-Expression") != "MIT":
        problems.append(f"{wheel.name}: License-Expression {metadata.get('License-Expression')}")
    if not metadata.get_all("Project-URL"):
        problems.append(f"{wheel.name}: no Project-URL")
    return problems


def check_sdist(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    problems = []
    required = {"pyproject.toml", "README.md", "LICENSE"} | {
        "src/" + name for name in package_files()
    }
    missing = required - names
    if missing:
        problems.append(f"{sdist.name}: missing {sorted(missing)}")
    built = sorted(
        n
        for n in names
        if n.startswith(("docs/_build/", ".nox/", ".venv/", "dist/")) or "__pycache__" in n
    )
    if built:
        problems.append(f"{sdist.name}: carries build output {built[:5]}")
    return problems


def main() -> int:
    dist = Path(sys.argv[1])
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {dist}: {wheels + sdists}", file=sys.stderr)
        return 1
    problems = check_wheel(wheels[0]) + check_sdist(sdists[0])
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{wheels[0].name} and {sdists[0].name}: contents checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
