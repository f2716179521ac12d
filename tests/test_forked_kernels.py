"""Page kernels forked from the zygote (afx_docs.forked_kernels, afx_docs.kernel_zygote).

A forked kernel must be what ``python -m ipykernel_launcher`` would have started, only
sooner: these tests start both kinds through jupyter_client and compare what they see.
tests/test_docs_build.py builds pages with them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from afx_docs import forked_kernels, kernel_env, kernel_zygote
from jupyter_client.manager import KernelManager

pytestmark = pytest.mark.skipif(not forked_kernels.supported(), reason="needs Linux pidfds")

# What a kernel reports about itself before its code imports anything.
PROBE = """\
import json, os, sys
print(json.dumps({
    "preloaded": "torch" in sys.modules,
    "cwd": os.getcwd(),
    "path": sys.path,
    "argv0": os.path.basename(sys.argv[0]),
    "main": sys.modules["__main__"].__name__,
    "env": {k: v for k, v in os.environ.items() if not k.startswith("JPY_")},
    "session_leader": os.getsid(0) == os.getpid(),
    "parent_handle": sys.modules["ipykernel.kernelapp"].IPKernelApp.instance().parent_handle,
    "MPLBACKEND": os.environ.get("MPLBACKEND"),
}))
"""
# Then what a page does with matplotlib: the backend it gets, and a figure shown inline.
FIGURE = """\
import json, matplotlib, matplotlib.pyplot as plt
print(json.dumps({"backend": matplotlib.get_backend()}))
plt.plot([0, 1])
"""


def _launcher_argv(*extra: str) -> list[str]:
    return [sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json", *extra]


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["python", "-m", "ipykernel_launcher", "-f", "k.json"], "not the ipykernel launcher"),
        ([sys.executable, "-m", "other_kernel", "-f", "k.json"], "not the ipykernel launcher"),
        ([sys.executable, "-m", "ipykernel_launcher"], "not the ipykernel launcher"),
    ],
)
def test_the_zygote_refuses_another_command(argv: list[str], reason: str) -> None:
    refusal = kernel_zygote.refusal({"argv": argv, "env": dict(os.environ)}, threads=1)
    assert refusal is not None
    assert refusal.startswith(reason)


def test_the_zygote_refuses_another_environment_and_names_the_variables() -> None:
    env = {k: v for k, v in os.environ.items() if k != "HOME"}
    env["AFX_ONLY_IN_THE_KERNEL"] = "1"
    refusal = kernel_zygote.refusal({"argv": _launcher_argv(), "env": env}, threads=1)
    assert refusal == "environment differs in AFX_ONLY_IN_THE_KERNEL, HOME"


def test_the_zygote_accepts_its_own_environment_plus_jupyter_clients_variables() -> None:
    env = {**os.environ, "JPY_PARENT_PID": "1", "JPY_SESSION_NAME": "page.ipynb"}
    request = {"argv": _launcher_argv("--HistoryManager.hist_file=:memory:"), "env": env}
    assert kernel_zygote.refusal(request, threads=1) is None


def test_preloading_imports_nothing_that_reads_the_kernels_own_variables() -> None:
    code = (
        "import sys; from afx_docs import kernel_zygote as z\n"
        "for m in z.PRELOAD: __import__(m)\n"
        "print(sorted(set(z.NOT_PRELOADED) & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_zygote_refuses_to_fork_with_threads_running() -> None:
    request = {"argv": _launcher_argv(), "env": dict(os.environ)}
    assert kernel_zygote.refusal(request, threads=3) == "3 threads (a fork would copy one)"


@pytest.fixture
def kernel_spec_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``python3`` resolves to the forking spec, as during a build; zygotes stopped after.

    The thread limits are the build's (afx_docs.kernel_env): without them OpenBLAS
    starts threads in the zygote, which then refuses to fork.
    """
    for name, value in kernel_env.THREAD_LIMITS.items():
        monkeypatch.setenv(name, value)
    jupyter_dir = tmp_path / "jupyter"
    spec = jupyter_dir / "kernels" / "python3" / "kernel.json"
    spec.parent.mkdir(parents=True)
    spec.write_text(json.dumps(forked_kernels.kernel_spec(str(jupyter_dir))))
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_dir))
    yield jupyter_dir
    forked_kernels.stop_zygotes()


def _process(manager: KernelManager) -> object:
    """The provisioner's process object: a ForkedProcess or a subprocess.Popen."""
    return getattr(manager.provisioner, "process", None)


def _start(cwd: Path, kernel_name: str = "python3") -> KernelManager:
    manager = KernelManager(kernel_name=kernel_name)
    manager.start_kernel(cwd=str(cwd))
    return manager


def _run(manager: KernelManager, code: str) -> tuple[dict[str, Any], str, list[str]]:
    """Execute ``code``; its reply's content, what it printed, the MIME types it displayed."""
    client = manager.client()
    client.start_channels()
    printed: list[str] = []
    displayed: list[str] = []

    def collect(message: dict[str, Any]) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "display_data":
            displayed.extend(message["content"]["data"])

    try:
        client.wait_for_ready(timeout=120)
        reply = client.execute_interactive(code, timeout=120, output_hook=collect)
    finally:
        client.stop_channels()
    return reply["content"], "".join(printed), displayed


def _probe(manager: KernelManager) -> dict[str, Any]:
    """The PROBE's report, then the FIGURE's backend and whether it showed an image."""
    content, printed, _ = _run(manager, PROBE)
    assert content["status"] == "ok", content
    report: dict[str, Any] = json.loads(printed)
    content, printed, displayed = _run(manager, FIGURE)
    assert content["status"] == "ok", content
    report.update(json.loads(printed), displayed=displayed)
    return report


def test_a_forked_kernel_is_the_usual_kernel_with_torch_already_imported(
    kernel_spec_path: Path, tmp_path: Path
) -> None:
    forked = _start(tmp_path)
    try:
        assert isinstance(forked.provisioner, forked_kernels.ForkingProvisioner)
        process = _process(forked)
        zygote = forked_kernels.zygote_for(str(kernel_spec_path))
        assert zygote is not None
        assert isinstance(process, forked_kernels.ForkedProcess), zygote.refusals
        seen_forked = _probe(forked)
    finally:
        forked.shutdown_kernel(now=False)
    assert process.returncode == 0  # a clean shutdown, as the zygote saw it end

    # The same kernel started the usual way (ipykernel's own spec, LocalProvisioner).
    os.environ.pop("JUPYTER_PATH")
    usual = _start(tmp_path)
    try:
        assert type(usual.provisioner).__name__ == "LocalProvisioner"
        seen_usual = _probe(usual)
    finally:
        usual.shutdown_kernel(now=False)

    assert seen_forked.pop("preloaded") is True
    assert seen_usual.pop("preloaded") is False
    env_forked, env_usual = seen_forked.pop("env"), seen_usual.pop("env")
    assert env_forked.pop("JUPYTER_PATH") == str(kernel_spec_path)  # removed for the usual one
    assert env_forked == env_usual
    assert seen_forked == seen_usual
    assert seen_forked["cwd"] == str(tmp_path)
    # matplotlib, imported by the zygote, has the backend ipykernel gives a kernel.
    assert seen_forked["backend"] == "module://matplotlib_inline.backend_inline"
    assert "image/png" in seen_forked["displayed"]
    assert seen_forked["session_leader"] is True  # interrupts reach its process group


def test_a_forked_kernel_can_be_interrupted_and_killed(
    kernel_spec_path: Path, tmp_path: Path
) -> None:
    manager = _start(tmp_path)
    process = _process(manager)
    assert isinstance(process, forked_kernels.ForkedProcess)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        request = client.execute("import time; print('sleeping', flush=True); time.sleep(60)")
        while True:  # interrupt once the cell is running, not before it starts
            message = client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") == request and (
                message["msg_type"] == "stream"
            ):
                break
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=60)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
    assert process.poll() is None
    manager.shutdown_kernel(now=True)  # no shutdown request: SIGKILL
    assert process.returncode == -signal.SIGKILL
    assert not manager.is_alive()


def test_a_refused_kernel_starts_the_usual_way_and_the_refusal_is_counted(
    kernel_spec_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zygote = forked_kernels.zygote_for(str(kernel_spec_path))
    assert zygote is not None
    monkeypatch.setenv("AFX_SET_AFTER_THE_ZYGOTE_STARTED", "1")
    manager = _start(tmp_path)
    try:
        assert not isinstance(_process(manager), forked_kernels.ForkedProcess)
        seen = _probe(manager)
    finally:
        manager.shutdown_kernel(now=False)
    assert seen["preloaded"] is False
    assert seen["env"]["AFX_SET_AFTER_THE_ZYGOTE_STARTED"] == "1"
    assert zygote.forked == 0
    assert zygote.refusals == ["environment differs in AFX_SET_AFTER_THE_ZYGOTE_STARTED"]


def test_stopping_a_zygote_that_is_still_importing_does_not_wait_for_it(
    tmp_path: Path,
) -> None:
    zygote = forked_kernels.start_zygote(str(tmp_path))
    forked_kernels.stop_zygotes()
    assert zygote.process.returncode == -signal.SIGTERM
    assert not zygote.socket.exists()
