"""The page kernels' environment (afx_docs.kernel_env).

The profile is tested on IPython itself here; tests/test_docs_build.py shows that page
kernels get the environment and not the user's profile.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from afx_docs import kernel_env

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
    root = kernel_env.write_profile(tmp_path / "ipython")
    paths = [root / name for name in kernel_env.FILES]
    assert [p.read_text() for p in paths] == list(kernel_env.FILES.values())
    times = [p.stat().st_mtime_ns for p in paths]
    kernel_env.write_profile(root)  # unchanged: not rewritten
    assert [p.stat().st_mtime_ns for p in paths] == times
    paths[0].write_text("edited")
    kernel_env.write_profile(root)
    assert paths[0].read_text() == kernel_env.KERNEL_CONFIG


def test_without_the_profile_python_tears_modules_down(tmp_path: Path) -> None:
    proc = _ipython(tmp_path / "empty", TEARDOWN_PROBE)
    assert proc.stdout.split() == ["ran", "torn", "down"], proc.stderr


def test_with_the_profile_the_process_ends_without_teardown(tmp_path: Path) -> None:
    root = kernel_env.write_profile(tmp_path / "ipython")
    proc = _ipython(root, TEARDOWN_PROBE)
    assert proc.stdout.split() == ["ran"], proc.stderr
    assert proc.returncode == 0


def test_use_kernel_env_sets_and_restore_restores_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPYTHONDIR", "/users/own/profile")
    monkeypatch.setenv("OMP_NUM_THREADS", "8")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    app: Any = SimpleNamespace(doctreedir=str(tmp_path / "doctrees"))
    config: Any = SimpleNamespace(afx_kernel_env=True)
    kernel_env.use_kernel_env(app, config)
    assert os.environ["IPYTHONDIR"] == str(tmp_path / "doctrees" / "ipython")
    assert (tmp_path / "doctrees" / "ipython" / "profile_default" / "startup").is_dir()
    assert [os.environ[name] for name in kernel_env.THREAD_LIMITS] == ["1", "1", "1"]
    kernel_env.restore(app, None)
    assert os.environ["IPYTHONDIR"] == "/users/own/profile"
    assert os.environ["OMP_NUM_THREADS"] == "8"
    assert "OPENBLAS_NUM_THREADS" not in os.environ


def test_use_kernel_env_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IPYTHONDIR", raising=False)
    app: Any = SimpleNamespace(doctreedir=str(tmp_path))
    off: Any = SimpleNamespace(afx_kernel_env=False)
    kernel_env.use_kernel_env(app, off)
    assert "IPYTHONDIR" not in os.environ
    kernel_env.restore(app, None)  # nothing was set: nothing to restore
    assert "IPYTHONDIR" not in os.environ


def test_a_variable_set_twice_is_restored_to_its_value_before_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """forked_kernels sets JUPYTER_PATH through set_for_build, after kernel_env's own."""
    monkeypatch.setenv("JUPYTER_PATH", "/users/own/jupyter")
    monkeypatch.delenv("AFX_TEST_UNSET", raising=False)
    app: Any = SimpleNamespace(doctreedir=str(tmp_path))
    kernel_env.set_for_build(app, {"JUPYTER_PATH": "/build/one", "AFX_TEST_UNSET": "x"})
    kernel_env.set_for_build(app, {"JUPYTER_PATH": "/build/two"})
    assert os.environ["JUPYTER_PATH"] == "/build/two"
    kernel_env.restore(app, None)
    assert os.environ["JUPYTER_PATH"] == "/users/own/jupyter"
    assert "AFX_TEST_UNSET" not in os.environ
