"""The README's two commands: their shape, and CI running the test command verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    """The command lines of the README's first ``bash`` block (comments dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^```bash\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    assert block, "README.md has no ```bash block"
    lines = [line.strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_first_block_builds_the_site_then_runs_the_tests() -> None:
    build, test = readme_commands()  # exactly two commands
    assert build.endswith("nox -s docs")
    assert test.endswith("nox -s tests")


def test_commands_never_install_into_the_system_python() -> None:
    # An externally managed Python (PEP 668) refuses `python3 -m pip install`: each command
    # must make its own virtual environment first, and never override the marker.
    for command in readme_commands():
        assert command.startswith("python3 -m venv .venv && .venv/bin/python -m pip install")
        assert "--break-system-packages" not in command
        assert "python3 -m pip" not in command


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci


def test_pages_workflow_runs_the_readme_build_command() -> None:
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert readme_commands()[0] in {line.strip() for line in workflow.splitlines()}
    assert "SITE_URL: ${{ steps.pages.outputs.base_url }}" in workflow
    assert "path: docs/_build/html" in workflow
