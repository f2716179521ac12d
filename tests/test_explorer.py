"""The explorers' data (activation_functions.explorer): the package's values, clear errors.

The explorers' behaviour in a browser is tested in tests/browser/test_explorers.py.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import numpy as np
import pytest

import activation_functions as af
from activation_functions import explorer
from activation_functions.experiments import vanishing


def _data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" class="af-data">(.*?)</script>', html)
    assert found is not None
    return json.loads(found.group(1))


@pytest.mark.parametrize("activation", af.ACTIVATIONS, ids=lambda a: a.name)
def test_probe_data_are_the_package_values(activation: af.Activation[Any]) -> None:
    shown = explorer.probe(activation)
    html = shown._repr_html_()
    data = _data(html)
    assert data == shown.data
    assert f'data-explorer="{activation.name}"' in html
    xs = np.array(data["x"])
    np.testing.assert_array_equal(xs, np.arange(-120, 121) / 20)
    assert data["tables"], "no table of values"
    for key, table in data["tables"].items():
        settings = dict(part.split("=") for part in key.split("&") if part)
        params = {**activation.parameters, **settings}
        np.testing.assert_array_equal(table["f"], activation(xs, **params))
        np.testing.assert_array_equal(table["df"], activation.derivative(xs, **params))
    # The first view (x = 0) is written into the readout by Python.
    f0 = float(activation(0.0, **activation.parameters))
    assert f'data-f="{f0!r}"' in html


def test_every_parameter_gets_a_control() -> None:
    data = explorer.probe(af.leaky_relu).data
    assert data["closedForm"] is True
    assert data["sliders"]["negative_slope"]["value"] == af.DEFAULT_NEGATIVE_SLOPE
    spec = explorer.SLIDERS["negative_slope"]
    assert (spec.low, spec.high) == (0.0, 0.3)
    assert {0.01, 0.2} <= set(spec.marks)
    html = explorer.probe("leaky_relu")._repr_html_()
    assert 'data-slope="0.01"' in html
    assert '<option value="0.2">' in html


def test_str_parameter_gets_a_switch_with_a_table_per_choice() -> None:
    # A stand-in record: sigmoid's functions, with a str parameter they accept and ignore.
    def f(x, approximate="none"):
        return af.sigmoid(x)

    def df(x, approximate="none"):
        return af.sigmoid.derivative(x)

    fake = dataclasses.replace(
        af.sigmoid, name="fake", function=f, derivative=df, parameters={"approximate": "none"}
    )
    shown = explorer.probe(fake)
    assert set(shown.data["tables"]) == {"approximate=none", "approximate=tanh"}
    html = shown._repr_html_()
    assert html.count('type="radio"') == 2
    assert 'data-approximate="none"' in html


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"alpha": 1.0}, "no slider"),
        ({"mode": "x"}, "no switch"),
        ({"approximate": "erf"}, "is not one of"),
        ({"negative_slope": 0.5}, "outside its slider"),
        ({"flag": True}, "float and str"),
    ],
)
def test_parameters_without_a_control_are_refused(parameters: dict[str, Any], message: str) -> None:
    fake = dataclasses.replace(af.leaky_relu, parameters=parameters)
    with pytest.raises((ValueError, TypeError), match=message):
        explorer.probe(fake)


def test_float_parameter_needs_a_closed_form() -> None:
    fake = dataclasses.replace(af.leaky_relu, name="other_leaky")
    with pytest.raises(ValueError, match="no closed form"):
        explorer.probe(fake)


def test_unknown_name() -> None:
    with pytest.raises(ValueError, match="no activation named 'softplus'"):
        explorer.probe("softplus")


def test_vanishing_grid_calls_the_experiment() -> None:
    kwargs: dict[str, Any] = {"width": 8, "batch": 8, "seeds": (0,)}
    grid = explorer.vanishing_grid(depths=(2, 4), log2_scales=(0.0, 1.0), **kwargs)
    assert grid.names == tuple(a.name for a in af.ACTIVATIONS)
    for i, log2_scale in enumerate(grid.log2_scales):
        for j, depth in enumerate(grid.depths):
            result = vanishing.run(depth=depth, weight_scale=2.0**log2_scale, **kwargs)
            for name in grid.names:
                assert grid.first_layer[name][i][j] == result.first_to_last(name)
    shown = explorer.vanishing_explorer(grid, depth=4, log2_scale=1.0)
    html = shown._repr_html_()
    assert 'data-explorer="vanishing"' in html
    assert 'data-depth="4"' in html
    assert _data(html)["grad"] == grid.first_layer
    with pytest.raises(ValueError, match="not on the grid"):
        explorer.vanishing_explorer(grid, depth=3)


def test_vanishing_scale_one_is_the_figures_experiment() -> None:
    plain = vanishing.run(depth=4, width=8, batch=8, seeds=(0, 1))
    scaled = vanishing.run(depth=4, width=8, batch=8, seeds=(0, 1), weight_scale=1.0)
    for name in plain.grad_norms:
        np.testing.assert_array_equal(plain.grad_norms[name], scaled.grad_norms[name])
    doubled = vanishing.run([af.relu], depth=4, width=8, batch=8, seeds=(0, 1), weight_scale=2.0)
    # ReLU is positively homogeneous and the biases are 0: doubling every weight doubles
    # the factor of each of the 3 layers the gradient goes back through.
    ratio = doubled.first_to_last("relu") / plain.first_to_last("relu")
    assert ratio == pytest.approx(2.0**3, rel=1e-9)


def test_core_package_does_not_import_the_explorer() -> None:
    import subprocess
    import sys

    code = "import sys, activation_functions; print('activation_functions.explorer' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_display_number() -> None:
    assert explorer.display_number(-0.5) == "\u22120.5000"
    assert explorer.display_number(123456.0) == "1.23e5"
    assert explorer.display_number(-3.2e-12) == "\u22123.20e-12"
