"""The package's layout, enforced: a NumPy core, and companion modules for the site.

Like d2l's package for its book, ``activation_functions`` is a library that also
carries the site's companion modules. The *core* (``activation``, ``functions``,
``_kernels``, ``_validation`` and the package itself) needs only NumPy (and SciPy),
so ``import activation_functions`` stays light wherever the library is used. The
companions, ``autograd`` (torch), ``plotting`` (matplotlib), ``pages``, ``article``
and ``experiments`` (torch and matplotlib), are imported only by whoever asks for them.

Each import is checked in a fresh interpreter, so no other test's imports can hide a
violation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
CORE = [
    "activation_functions",
    "activation_functions.activation",
    "activation_functions.functions",
    "activation_functions._kernels",
    "activation_functions._validation",
]
COMPANIONS = ["autograd", "plotting", "pages", "article", "experiments"]
#: Heavy or site-only libraries the core must never load.
FORBIDDEN_LIBRARIES = ["torch", "matplotlib", "IPython", "myst_nb", "sphinx"]


def modules_after_import(module: str) -> list[str]:
    """Every module in ``sys.modules`` after importing ``module`` in a fresh interpreter."""
    code = f"import json, sys\nimport {module}\nprint(json.dumps(sorted(sys.modules)))"
    path = [str(SRC), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, path))}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(proc.stdout)
    return loaded


@pytest.mark.parametrize("module", CORE)
def test_the_core_loads_no_companion_and_no_heavy_library(module: str) -> None:
    loaded = modules_after_import(module)
    assert module in loaded  # the import really happened, from this tree
    top = {name.split(".")[0] for name in loaded}
    assert not top & set(FORBIDDEN_LIBRARIES), sorted(top & set(FORBIDDEN_LIBRARIES))
    companions = [
        name
        for name in loaded
        if name.startswith("activation_functions.") and name.split(".")[1] in COMPANIONS
    ]
    assert companions == []


def test_the_check_can_fail() -> None:
    """The control: a companion module does load what the core must not."""
    loaded = modules_after_import("activation_functions.plotting")
    assert "activation_functions.plotting" in loaded
    assert "matplotlib" in loaded
