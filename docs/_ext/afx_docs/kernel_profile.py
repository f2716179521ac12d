"""The page kernels' IPython profile: the build's own, not the user's.

Every kernel that executes a page (in :mod:`afx_docs.parallel_execution`'s lanes or in
MyST-NB) starts IPython, which reads the profile in ``IPYTHONDIR`` (by default
``~/.ipython``). A user's startup files or configuration there would run in every
page and could change its outputs, and every kernel would write its history to the
user's ``history.sqlite``. So at ``config-inited`` this module writes a profile of
the build's own under the doctree directory and points ``IPYTHONDIR`` at it (the
kernels inherit the environment); ``build-finished`` restores the old value.

The profile keeps no history, and its one startup file ends the kernel process
without tearing down its modules once the kernel has shut down (every output has
been sent by then): unloading torch and matplotlib takes about 0.9 s of CPU per
kernel, for nothing. Both use IPython's documented configuration only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

KERNEL_CONFIG = """\
# Written by afx_docs.kernel_profile for the kernels that execute the site's pages.
c.HistoryManager.enabled = False  # no history.sqlite written by every page
"""

EXIT_WITHOUT_TEARDOWN = """\
# Written by afx_docs.kernel_profile. atexit runs the last-registered function first:
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

_PREVIOUS: dict[int, str | None] = {}  # id(app) -> IPYTHONDIR before this build


def write_profile(ipython_dir: Path) -> Path:
    """Write the profile's files under ``ipython_dir`` (unchanged files are not rewritten)."""
    for name, text in FILES.items():
        path = ipython_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return ipython_dir


def use_profile(app: Sphinx, config: Config) -> None:
    """``config-inited``: the kernels started from now on use the build's profile."""
    if not config.afx_kernel_profile:
        return
    _PREVIOUS[id(app)] = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(write_profile(Path(app.doctreedir) / "ipython"))


def restore(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: ``IPYTHONDIR`` as it was before the build."""
    if id(app) not in _PREVIOUS:
        return
    previous = _PREVIOUS.pop(id(app))
    if previous is None:
        os.environ.pop("IPYTHONDIR", None)
    else:
        os.environ["IPYTHONDIR"] = previous


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("afx_kernel_profile", True, "", bool)
    app.connect("config-inited", use_profile)
    app.connect("build-finished", restore)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
