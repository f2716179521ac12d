"""A process that has imported what every page kernel imports, and forks the kernels.

Run as ``python -m afx_docs.kernel_zygote SOCKET`` by :mod:`afx_docs.forked_kernels`.
A page kernel spends most of its start importing torch, ipykernel and matplotlib:
about 3.5 s of CPU, twelve times per cold build. This process imports them once
(``PRELOAD``, all pinned third-party code: never the site's package, whose edits must
reach the pages) and then waits on a Unix socket. For each request it forks a child that becomes
exactly what ``python -m ipykernel_launcher -f FILE`` would have been, with the
requested working directory and environment, and answers with the child's pid.

It refuses (and the provisioner starts the kernel the usual way) when the command is
not that one, when the environment differs from its own in anything but jupyter_client's
``JPY_*`` variables (the preloaded modules read it when they were imported), or when it
has more than one thread (a fork copies only the calling thread).

A child's exit status is kept until the provisioner asks for it (``{"wait": pid}``).
The process ends when its socket is removed or its parent (the build) has gone. Its
standard streams are the build's, so the kernels' are too, as with a usual launch.
"""

from __future__ import annotations

import importlib
import json
import os
import runpy
import select
import signal
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

#: What every page kernel imports before it runs a cell (numpy comes with torch).
PRELOAD = ("ipykernel.ipkernel", "torch", "scipy.special", "matplotlib.pyplot")
#: ipykernel's app reads ``JPY_PARENT_PID``, which differs per kernel, into a class
#: attribute when imported, and matplotlib's inline backend hooks into the running
#: IPython shell when imported: each kernel imports them itself. The zygote ends if a
#: preloaded module brought one in.
NOT_PRELOADED = ("ipykernel.kernelapp", "matplotlib_inline")
#: matplotlib reads ``MPLBACKEND`` when imported; a kernel sets it to this as it starts
#: (unless it is set already), before any cell imports matplotlib. The zygote imports
#: matplotlib with the same value, and then removes it: the kernel sets it again.
IPYKERNEL_BACKEND = "module://matplotlib_inline.backend_inline"

#: The one command this process can stand in for: after the interpreter, before the
#: connection file and any options (nbclient adds ``--HistoryManager.hist_file=:memory:``).
LAUNCHER = ["-m", "ipykernel_launcher", "-f"]
#: Variables jupyter_client sets for each kernel; the rest must equal this process's.
PER_KERNEL_PREFIX = "JPY_"


def threads() -> int:
    """This process's threads (OpenBLAS starts some at import unless told not to)."""
    return len(os.listdir("/proc/self/task"))


def refusal(request: dict[str, Any], threads: int) -> str | None:
    """Why this process (with ``threads`` threads) cannot fork the kernel, or None."""
    argv = request.get("argv", [])
    if len(argv) < 5 or argv[0] != sys.executable or argv[1:4] != LAUNCHER:
        return f"not the ipykernel launcher of {sys.executable}: {argv}"
    env = request.get("env", {})
    differing = sorted(
        name
        for name in set(env) | set(os.environ)
        if not name.startswith(PER_KERNEL_PREFIX) and env.get(name) != os.environ.get(name)
    )
    if differing:
        return f"environment differs in {', '.join(differing)}"
    if threads != 1:
        return f"{threads} threads (a fork would copy one)"
    return None


def become_kernel(request: dict[str, Any]) -> None:
    """In the child: turn into ``python -m ipykernel_launcher -f FILE``. Never returns."""
    status = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # as jupyter_client's launcher does: interrupts go to the group
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path.insert(0, os.getcwd())  # what ``-m`` puts first: the working directory
        sys.argv = [request["argv"][2], *request["argv"][3:]]
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # noqa: BLE001 - reported on the kernel's stderr, as a launch would
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def handle(connection: socket.socket, server: socket.socket, exits: dict[int, int]) -> None:
    """Answer one request: fork a kernel, or the exit status of one that has ended."""
    with connection:
        request = json.loads(connection.makefile("rb").readline())
        if "wait" in request:
            pid = int(request["wait"])
            if pid not in exits:
                _, status = os.waitpid(pid, 0)  # the provisioner asks once it has exited
                exits[pid] = os.waitstatus_to_exitcode(status)
            reply: dict[str, Any] = {"status": exits.pop(pid)}
        elif reason := refusal(request, threads()):
            reply = {"refused": reason}
        else:
            pid = os.fork()
            if pid == 0:
                server.close()
                connection.close()
                become_kernel(request)
            reply = {"pid": pid}
        connection.sendall(json.dumps(reply).encode() + b"\n")


def serve(path: Path) -> None:
    """Preload, then fork kernels on request until the socket goes or the build ends."""
    sys.path.pop(0)  # this module's ``-m`` entry; a child puts its own working directory
    backend_unset = "MPLBACKEND" not in os.environ
    if backend_unset:
        os.environ["MPLBACKEND"] = IPYKERNEL_BACKEND
    for module in PRELOAD:
        importlib.import_module(module)
    if backend_unset:
        del os.environ["MPLBACKEND"]
    if imported := [name for name in NOT_PRELOADED if name in sys.modules]:
        sys.exit(f"kernel_zygote: preloading imported {', '.join(imported)}; not forking kernels")
    parent = os.getppid()
    exits: dict[int, int] = {}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        # Bound and listening before the path appears: the provisioner waits for it.
        unready = path.with_name(path.name + ".unready")
        server.bind(str(unready))
        server.listen()
        unready.rename(path)
        while os.getppid() == parent and path.exists():
            readable, _, _ = select.select([server], [], [], 1.0)
            if readable:
                connection, _ = server.accept()
                handle(connection, server, exits)


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
