"""The page kernels' environment: the build's own IPython profile, one thread each.

Every kernel that executes a page (in :mod:`afx_docs.parallel_execution`'s lanes or in
MyST-NB) inherits the build's environment variables and starts IPython, which reads
the profile in ``IPYTHONDIR`` (by default ``~/.ipython``). At ``config-inited`` this
module sets, for the kernels started from then on (``build-finished`` restores them):

* ``IPYTHONDIR``: a profile of the build's own under the doctree directory. A user's
  startup files or configuration would otherwise run in every page and could change
  its outputs, and every kernel would write the user's ``history.sqlite``. The
  profile keeps no history, and its one startup file ends the kernel process without
  tearing down its modules once the kernel has shut down (every output has been sent
  by then): unloading torch and matplotlib takes about 0.9 s of CPU per kernel.
* ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` = 1: the
  lanes already run one kernel per core, so a page's own thread pools would only
  compete with the other lane (OpenBLAS's idle threads spin before they sleep), and a
  page's numbers no longer depend on the build machine's core count.

IPython's and the libraries' documented configuration only. Other modules set their own
kernel variables for the build with :func:`set_for_build` (:mod:`afx_docs.forked_kernels`:
``JUPYTER_PATH``), and ``build-finished`` restores those too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from afx_docs.files import write_if_changed

KERNEL_CONFIG = """\
# Written by afx_docs.kernel_env for the kernels that execute the site's pages.
c.HistoryManager.enabled = False  # no history.sqlite written by every page
"""

EXIT_WITHOUT_TEARDOWN = """\
# Written by afx_docs.kernel_env. atexit runs the last-registered function first:
# this one ends the process before Python unloads torch, matplotlib and the rest
# (about 0.9 s of CPU per page). The kernel has sent every output and its shutdown
# reply by the time the interpreter exits.
import atexit as _atexit


def _exit_without_teardown() -> None:
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


_atexit.register(_exit_without_teardown)
del _atexit
"""

FILES = {
    "profile_default/ipython_kernel_config.py": KERNEL_CONFIG,
    "profile_default/startup/00-exit-without-teardown.py": EXIT_WITHOUT_TEARDOWN,
}

#: One thread per kernel for OpenMP (PyTorch) and the BLAS libraries NumPy may use.
THREAD_LIMITS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_PREVIOUS: dict[int, dict[str, str | None]] = {}  # id(app) -> the variables before the build


def write_profile(ipython_dir: Path) -> Path:
    """Write the profile's files under ``ipython_dir``."""
    for name, text in FILES.items():
        write_if_changed(ipython_dir / name, text)
    return ipython_dir


def kernel_variables(doctreedir: Path) -> dict[str, str]:
    """The environment variables the page kernels get (writes the profile they name)."""
    return {"IPYTHONDIR": str(write_profile(doctreedir / "ipython")), **THREAD_LIMITS}


def set_for_build(app: Sphinx, variables: dict[str, str]) -> None:
    """Set environment variables for the kernels of this build; ``build-finished`` restores
    each to the value it had before the build's first change to it."""
    previous = _PREVIOUS.setdefault(id(app), {})
    for name in variables:
        previous.setdefault(name, os.environ.get(name))
    os.environ.update(variables)


def use_kernel_env(app: Sphinx, config: Config) -> None:
    """``config-inited``: the kernels started from now on get :func:`kernel_variables`."""
    if config.afx_kernel_env:
        set_for_build(app, kernel_variables(Path(app.doctreedir)))


def restore(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the variables as they were before the build."""
    for name, value in _PREVIOUS.pop(id(app), {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("afx_kernel_env", True, "", bool)
    app.connect("config-inited", use_kernel_env)
    app.connect("build-finished", restore)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
