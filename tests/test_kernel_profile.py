"""The page kernels' IPython profile (afx_docs.kernel_profile).

The profile is tested on IPython itself here; tests/test_docs_build.py shows that page
kernels use it and not the user's profile.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from afx_docs import kernel_profile

# Prints when the interpreter tears its modules down at exit.
TEARDOWN_PROBE = (
    "class Probe:\n"
    "    def __del__(self):\n"
    "        print('torn down', flush=True)\n"
    "probe = Probe()\n"
    "print('ran', flush=True)\n"
)


def _ipython(ipython_dir: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IPYTHONDIR": str(ipython_dir)}
    cmd = [sys.executable, "-m", "IPython", "--no-banner", "-c", code]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=120)


def test_write_profile_writes_each_file_once(tmp_path: Path) -> None:
    root = kernel_profile.write_profile(tmp_path / "ipython")
    paths = [root / name for name in kernel_profile.FILES]
    assert [p.read_text() for p in paths] == list(kernel_profile.FILES.values())
    times = [p.stat().st_mtime_ns for p in paths]
    kernel_profile.write_profile(root)  # unchanged: not rewritten
    assert [p.stat().st_mtime_ns for p in paths] == times
    paths[0].write_text("edited")
    kernel_profile.write_profile(root)
    assert paths[0].read_text() == kernel_profile.KERNEL_CONFIG


def test_without_the_profile_python_tears_modules_down(tmp_path: Path) -> None:
    proc = _ipython(tmp_path / "empty", TEARDOWN_PROBE)
    assert proc.stdout.split() == ["ran", "torn", "down"], proc.stderr


def test_with_the_profile_the_process_ends_without_teardown(tmp_path: Path) -> None:
    root = kernel_profile.write_profile(tmp_path / "ipython")
    proc = _ipython(root, TEARDOWN_PROBE)
    assert proc.stdout.split() == ["ran"], proc.stderr
    assert proc.returncode == 0


def test_use_profile_sets_and_restore_restores_ipythondir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPYTHONDIR", "/users/own/profile")
    app: Any = SimpleNamespace(doctreedir=str(tmp_path / "doctrees"))
    config: Any = SimpleNamespace(afx_kernel_profile=True)
    kernel_profile.use_profile(app, config)
    assert os.environ["IPYTHONDIR"] == str(tmp_path / "doctrees" / "ipython")
    assert (tmp_path / "doctrees" / "ipython" / "profile_default" / "startup").is_dir()
    kernel_profile.restore(app, None)
    assert os.environ["IPYTHONDIR"] == "/users/own/profile"


def test_use_profile_restores_an_unset_ipythondir_and_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IPYTHONDIR", raising=False)
    app: Any = SimpleNamespace(doctreedir=str(tmp_path))
    off: Any = SimpleNamespace(afx_kernel_profile=False)
    on: Any = SimpleNamespace(afx_kernel_profile=True)
    kernel_profile.use_profile(app, off)
    assert "IPYTHONDIR" not in os.environ
    kernel_profile.use_profile(app, on)
    assert "IPYTHONDIR" in os.environ
    kernel_profile.restore(app, None)
    assert "IPYTHONDIR" not in os.environ
