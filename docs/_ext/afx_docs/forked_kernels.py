"""Page kernels forked from a process that has already imported torch.

Every page's kernel imports torch, ipykernel, matplotlib and SciPy's special functions
before its first cell does anything: about 3.5 s of CPU per page, a third of a cold
build. During a build this module makes the ``python3`` kernel (the one every page
names) start through a kernel provisioner, jupyter_client's public way to change how
kernels are launched (a kernel spec's ``metadata.kernel_provisioner``, found through
the ``jupyter_client.kernel_provisioners`` entry point). :class:`ForkingProvisioner`
asks a long-lived process, :mod:`afx_docs.kernel_zygote`, which has imported those
modules once, to fork the kernel; the child then runs ``ipykernel_launcher`` exactly
as the usual command would. When the zygote refuses or cannot start, the kernel
starts the usual way (jupyter_client's ``LocalProvisioner``): slower, never different.

Wiring: at ``config-inited`` (after :mod:`afx_docs.kernel_env` has set the kernels'
variables) the kernel spec is written under the doctree directory and put first on
``JUPYTER_PATH``, and the zygote starts importing while Sphinx starts up (a core is
idle then). It stops when there is no page to read (``env-before-read-docs``), when
every page is read (``env-updated``) or at ``build-finished``, where
:mod:`~afx_docs.kernel_env` restores ``JUPYTER_PATH``. ``afx_fork_kernels = False`` turns
the module off. Linux only (``os.pidfd_open``).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, cast

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from traitlets import Unicode

from afx_docs import kernel_env
from afx_docs.files import write_if_changed

logger = logging.getLogger(__name__)

#: The entry point's name (docs/_ext/pyproject.toml) that the kernel spec names.
PROVISIONER = "afx-forking-provisioner"
#: How long the zygote may take to import its modules before kernels start the usual way.
READY_TIMEOUT = 60.0


def supported() -> bool:
    """Forking kernels needs ``fork`` and process file descriptors (Linux 5.3+)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and sys.platform == "linux"


class Zygote:
    """A running :mod:`afx_docs.kernel_zygote` process and its socket."""

    def __init__(self) -> None:
        # A short private folder: a Unix socket's path is limited to 107 bytes, and a
        # doctree folder deep in a project can be longer than that.
        self._folder = Path(tempfile.mkdtemp(prefix="afx-zygote-"))
        self.socket = self._folder / "socket"
        command = [sys.executable, "-m", "afx_docs.kernel_zygote", str(self.socket)]
        # os.environ, as jupyter_client gives the kernels: without ``env`` the child would
        # inherit the C-level environment, which libraries may have changed behind
        # os.environ's back (COLUMNS and LINES appear there in the test suite).
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, env=dict(os.environ))
        self.forked = 0
        self.refusals: list[str] = []

    def ready(self) -> bool:
        """Wait until the zygote listens; False if it ended or took too long."""
        deadline = time.monotonic() + READY_TIMEOUT
        while not self.socket.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        """One request, one reply (a JSON line each way)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(str(self.socket))
            connection.sendall(json.dumps(message).encode() + b"\n")
            reply: dict[str, Any] = json.loads(connection.makefile("rb").readline())
        return reply

    def exit_status(self, pid: int) -> int:
        """The exit status of a kernel this zygote forked (once it has ended).

        -1 if the zygote has already stopped: the status is only ever logged.
        """
        try:
            return int(self.ask({"wait": pid})["status"])
        except OSError:
            return -1

    def stop(self) -> None:
        """End the zygote, ready or not. Its kernels are not touched (own sessions)."""
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)


_ZYGOTES: dict[str, Zygote] = {}  # the kernel spec's zygote_key -> its zygote
_LOCK = threading.Lock()  # the lanes launch kernels from two threads


def start_zygote(key: str) -> Zygote:
    """The zygote for ``key``, started (without waiting for it) if not running."""
    with _LOCK:
        if key not in _ZYGOTES:
            _ZYGOTES[key] = Zygote()
        return _ZYGOTES[key]


def zygote_for(key: str) -> Zygote | None:
    """The zygote for ``key`` once it listens; None if it cannot run."""
    zygote = start_zygote(key)
    return zygote if zygote.ready() else None


def stop_zygotes() -> list[Zygote]:
    """Stop every zygote; the ones stopped (for their counts)."""
    with _LOCK:
        stopped = list(_ZYGOTES.values())
        _ZYGOTES.clear()
    for zygote in stopped:
        zygote.stop()
    return stopped


atexit.register(stop_zygotes)  # a build that fails before build-finished


class ForkedProcess:
    """What ``LocalProvisioner`` uses of ``subprocess.Popen``, for a forked kernel.

    The kernel is the zygote's child, not this process's: it is watched through a
    process file descriptor (readable once the process has ended, immune to pid reuse)
    and its exit status comes from the zygote.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, zygote: Zygote) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._zygote = zygote
        self._pidfd = os.pidfd_open(pid)

    def _ended(self, timeout: float | None) -> bool:
        readable, _, _ = select.select([self._pidfd], [], [], timeout)
        if readable and self.returncode is None:
            os.close(self._pidfd)
            self.returncode = self._zygote.exit_status(self.pid)
        return self.returncode is not None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._ended(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and not self._ended(timeout):
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingProvisioner(LocalProvisioner):
    """Launch the kernel as a fork of the zygote; the usual way when it refuses."""

    zygote_key = Unicode(help="Which zygote: one per build, named by its folder.", config=True)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        zygote = zygote_for(self.zygote_key) if supported() and self.zygote_key else None
        if zygote is not None:
            env = kwargs.get("env") or dict(os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            # jupyter_client's launcher adds this for a kernel without a parent handle.
            env.setdefault("JPY_PARENT_PID", str(os.getpid()))
            reply = zygote.ask({"argv": cmd, "env": env, "cwd": cwd})
            if "pid" in reply:
                zygote.forked += 1
                process = ForkedProcess(int(reply["pid"]), zygote)
                # Duck-typed: LocalProvisioner uses only what ForkedProcess provides.
                self.process = cast("subprocess.Popen[bytes]", process)
                self.pid = self.pgid = process.pid  # the child starts its own session
                self.cwd = cwd
                return self.connection_info
            zygote.refusals.append(str(reply["refused"]))
        return await super().launch_kernel(cmd, **kwargs)


# -------------------------------------------------------------------- Sphinx wiring
def kernel_spec(zygote_key: str) -> dict[str, Any]:
    """ipykernel's own ``python3`` spec, launched through :class:`ForkingProvisioner`."""
    return {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {
            "debugger": True,
            "kernel_provisioner": {
                "provisioner_name": PROVISIONER,
                "config": {"zygote_key": zygote_key},
            },
        },
    }


def use_forked_kernels(app: Sphinx, config: Config) -> None:
    """``config-inited``: the build's ``python3`` kernels start through the provisioner.

    The zygote is started now, in the background: its imports take about as long as
    Sphinx's own start, and a build that executes pages needs it as soon as it reads.
    """
    if not config.afx_fork_kernels or not supported():
        return
    jupyter_dir = Path(app.doctreedir) / "jupyter"
    spec = json.dumps(kernel_spec(str(jupyter_dir)), indent=1)
    write_if_changed(jupyter_dir / "kernels" / "python3" / "kernel.json", spec)
    search_path = [str(jupyter_dir), os.environ.get("JUPYTER_PATH")]
    kernel_env.set_for_build(app, {"JUPYTER_PATH": os.pathsep.join(filter(None, search_path))})
    start_zygote(str(jupyter_dir))


def stop_if_nothing_to_read(app: Sphinx, env: object, docnames: list[str]) -> None:
    """``env-before-read-docs``: a rebuild that reads no page executes none."""
    if not docnames:
        stop_zygotes()


def stop(app: Sphinx, *args: object) -> None:
    """``env-updated``: no kernel starts after every page is read; report the forks."""
    for zygote in stop_zygotes():
        if not zygote.forked and not zygote.refusals:
            continue
        logger.info(
            "[forked_kernels] %d kernels forked, %d started the usual way%s",
            zygote.forked,
            len(zygote.refusals),
            f" ({'; '.join(sorted(set(zygote.refusals)))})" if zygote.refusals else "",
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("afx_docs.kernel_env")  # which restores JUPYTER_PATH
    app.add_config_value("afx_fork_kernels", True, "", bool)
    # After kernel_env (priority 500) has set the variables the zygote must share.
    app.connect("config-inited", use_forked_kernels, priority=600)
    app.connect("env-before-read-docs", stop_if_nothing_to_read)
    app.connect("env-updated", stop, priority=900)  # after the lanes are joined
    app.connect("build-finished", stop)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
