"""Tests of activation_functions.experiments: each experiment at a tiny size.

Each test checks the claim its experiment is about (so a broken experiment, or a
claim that stops holding, fails here), plus determinism and import hygiene.
"""

from __future__ import annotations

import ast
import math
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pytest
import torch
from matplotlib.patches import Patch

import activation_functions as af
from activation_functions import experiments
from activation_functions.experiments import (
    batchnorm,
    cost,
    datasets,
    dying_relu,
    exploding,
    numerics,
    training,
    vanishing,
    zero_centred,
)
from activation_functions.experiments._torch_utils import (
    SGD,
    Ensemble,
    mlp,
    reproducible,
)

mpl.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def assert_line_hatches(fig):
    """Every hatched area of the figure uses lines, never dots, circles or stars.

    A dotted hatch is drawn as one small circle path per dot: it added 70-150 KB to
    each SVG and pushed the Experiments page over its 1 MB budget. Lines cost < 1 KB.
    """
    hatches = {p.get_hatch() for p in fig.findobj(Patch)} - {None, ""}
    assert all(set(h) <= set("/\\|-+xX") for h in hatches), hatches
    return hatches


# -- shared plumbing ----------------------------------------------------------


def test_import_does_not_load_torch_or_matplotlib():
    code = (
        "import sys, activation_functions, activation_functions.experiments, "
        "activation_functions.experiments.numerics, activation_functions.experiments.datasets; "
        "print(sorted(m for m in ('torch', 'matplotlib.pyplot') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def _imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, relative imports resolved within the package."""
    package = "activation_functions.experiments"
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def test_experiments_never_import_each_other():
    folder = Path(experiments.__file__).parent
    modules = {m.name for m in pkgutil.iter_modules([str(folder)])}
    experiment_modules = {m for m in modules if not m.startswith("_") and m != "datasets"}
    assert {"vanishing", "exploding", "zero_centred", "training", "cost"} <= experiment_modules
    for name in sorted(experiment_modules):
        imported = _imported_modules(folder / f"{name}.py")
        others = {
            f"activation_functions.experiments.{other}" for other in experiment_modules - {name}
        }
        assert not imported & others, f"{name} imports {sorted(imported & others)}"


def test_import_check_sees_a_relative_import_of_another_experiment(tmp_path):
    # The check above must be able to fail: a module that imports a sibling is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from .vanishing import derivative_max\nfrom . import training\n")
    imported = _imported_modules(bad)
    assert "activation_functions.experiments.vanishing" in imported
    assert "activation_functions.experiments.training" in imported


def test_mlp_reads_the_gain_from_the_record():
    # GELU and SiLU have no torch.nn.init.calculate_gain: their record's second-moment gain is used.
    for activation in af.ACTIVATIONS:
        with reproducible(0):
            net = mlp(activation, [400, 400, 1])
        first = net[0]
        assert isinstance(first, torch.nn.Linear)
        std = float(first.weight.detach().std())
        assert std == pytest.approx(activation.init_gain / 20, rel=0.02), activation.name


def test_sgd_learning_rate_scales():
    p = torch.nn.Parameter(torch.ones(2))
    q = torch.nn.Parameter(torch.ones(2))
    opt = SGD([p, q], lr=0.1, lr_scales=[1.0, 4.0])
    (p.sum() + q.sum()).backward()
    opt.step()
    assert p.detach().tolist() == pytest.approx([0.9, 0.9])
    assert q.detach().tolist() == pytest.approx([0.6, 0.6])
    with pytest.raises(ValueError, match="lr_scales"):
        SGD([p], lr=0.1, lr_scales=[1.0, 2.0])


def test_reproducible_restores_threads_and_rng():
    threads = torch.get_num_threads()
    state = torch.get_rng_state()
    with reproducible(3):
        assert torch.get_num_threads() == 1
        torch.randn(3)
    assert torch.get_num_threads() == threads
    assert torch.equal(torch.get_rng_state(), state)


def test_mlp_uses_the_recommended_gain():
    with reproducible(0):
        net = mlp(af.relu, [256, 256, 1])
    first = net[0]
    assert isinstance(first, torch.nn.Linear)
    std = float(first.weight.detach().std())
    assert std == pytest.approx(af.relu.init_gain / 16, rel=0.02)
    assert float(first.bias.detach().abs().max()) == 0.0


def test_ensemble_members_match_single_networks():
    ens = Ensemble(af.leaky_relu, [2, 5, 5, 1], seeds=[4, 7])
    x = torch.randn(6, 2)
    out = ens(x.expand(2, 6, 2))
    for i, seed in enumerate([4, 7]):
        with reproducible(seed):
            single = mlp(af.leaky_relu, [2, 5, 5, 1])
        torch.testing.assert_close(out[i], single(x))


def test_sgd_matches_torch_optim():
    torch.manual_seed(0)
    a = torch.nn.Parameter(torch.randn(3, 2))
    b = torch.nn.Parameter(a.detach().clone())
    ours = SGD([a], lr=0.1, momentum=0.9)
    theirs = torch.optim.SGD([b], lr=0.1, momentum=0.9)
    for _ in range(3):
        for p, opt in ((a, ours), (b, theirs)):
            opt.zero_grad()
            (p.sin() * p).sum().backward()
            opt.step()
    torch.testing.assert_close(a, b)


def test_two_spirals_is_balanced_and_seeded():
    x, y = datasets.two_spirals(100, seed=5)
    assert x.shape == (100, 2)
    assert y.sum() == 50
    assert np.array_equal(x, datasets.two_spirals(100, seed=5)[0])
    assert not np.array_equal(x, datasets.two_spirals(100, seed=6)[0])


# -- 1. vanishing gradients -----------------------------------------------------


def test_vanishing_sigmoid_gradient_decays_much_faster_than_relu():
    r = vanishing.run(depth=10, width=32, batch=64, seeds=[0, 1])
    assert r.derivative_max["sigmoid"] == 0.25
    assert r.derivative_max["tanh"] == 1.0
    for name in r.grad_norms:
        assert r.typical(name)[-1] == pytest.approx(
            1.0
        )  # the output's gradient is 1 by construction
    assert r.first_to_last("sigmoid") < 1e-4
    assert r.first_to_last("sigmoid") < 1e-3 * r.first_to_last("relu")
    assert r.per_layer_factor("sigmoid") <= 0.25 * 1.2  # bounded by max sigmoid' (times weights)
    assert r.first_to_last("relu") > 0.1  # He initialisation keeps ReLU's gradient in range
    vanishing.plot(r)


# -- 2. exploding gradients -----------------------------------------------------


def test_exploding_gradient_grows_with_weight_scale_for_every_activation():
    r = exploding.run(depth=8, width=32, batch=32, scales=[0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    for name, values in r.first_layer.items():
        # Monotone up to scale 8; beyond, saturated tanh units can level a narrow net off.
        assert np.all(np.diff(values[:5]) > 0), name
        assert values[-1] > 1e3 * values[0], name
    for activation in (af.sigmoid, af.tanh, af.relu, af.leaky_relu):
        assert r.derivative_max[activation.name] <= 1.0
    # The sigmoid (derivative <= 1/4) needs far larger weights before its gradient grows.
    assert r.explodes_above("relu") < 2.0
    assert r.explodes_above("sigmoid") > 4.0 * r.explodes_above("relu")
    assert r.explodes_above("sigmoid") > 4.0
    exploding.plot(r)


def test_tanh_gradient_growth_comes_from_the_gain():
    r = exploding.run([af.tanh], scales=[1.0, 2.0])
    g1, g53 = r.study_gains
    assert r.study is not None
    assert g53 == pytest.approx(5 / 3)
    # 16 layers at gain 5/3: the gradient grows a few times (about 3.8 on the page) ...
    assert 2.0 < r.study[("tanh", g53)] < 8.0
    # ... at gain 1 the same weights shrink it, and without tanh they blow it up.
    assert r.study[("tanh", g1)] < 1.0
    assert r.study[("linear", g53)] > 100 * r.study[("tanh", g53)]
    assert r.study[("linear", g1)] == pytest.approx(1.0, rel=0.5)


def test_explodes_above_interpolates_and_handles_never():
    r = exploding.ExplodingResult(
        depth=2,
        width=2,
        batch=2,
        scales=np.array([1.0, 4.0]),
        first_layer={"a": np.array([0.5, 2.0]), "b": np.array([0.1, 0.2])},
        recommended={"a": 1.0, "b": 1.0},
        derivative_max={"a": 1.0, "b": 1.0},
    )
    assert r.explodes_above("a") == pytest.approx(2.0)
    assert math.isinf(r.explodes_above("b"))


# -- 3. zero-centred outputs ----------------------------------------------------


def test_zero_centred_sign_structure_and_convergence():
    r = zero_centred.run(widths=(2, 16, 16, 1), steps=150, record_every=10, seeds=[0, 1])
    # Positive inputs: every per-example gradient row has one sign; centred: none.
    assert r.signs["sigmoid"].per_example == 1.0
    assert r.signs["tanh_shifted"].per_example == 1.0
    assert r.signs["sigmoid_centred"].per_example < 0.01
    assert r.signs["tanh"].per_example < 0.01
    assert r.signs["sigmoid"].per_batch > 0.2 > r.signs["tanh"].per_batch
    assert r.signs["sigmoid"].input_mean == pytest.approx(0.5, abs=0.02)
    assert r.losses["tanh"].shape == (2, 15)
    # tanh (zero-centred, slope 1) learns faster than the sigmoid on the same weights and data.
    assert np.all(r.mean_loss("tanh") < r.mean_loss("sigmoid"))
    assert 0 <= r.centring_wins(zero_centred.PAIRS[0]) <= 2
    assert assert_line_hatches(zero_centred.plot(r))


def test_batch_summation_mixes_signs_only_as_far_as_inputs_vary():
    r = zero_centred.run(widths=(2, 16, 16, 1), steps=2, record_every=1, seeds=[0, 1])
    sweep = [r.spread_sweep[g] for g in sorted(r.spread_sweep)]
    assert all(s.per_example == 1.0 for s in sweep)  # positive inputs, every example
    spreads = [s.input_spread for s in sweep]
    assert spreads == sorted(spreads)
    assert sweep[0].per_batch > sweep[-1].per_batch + 0.3
    assert sweep[0].off_mean < sweep[-1].off_mean


def test_centred_sigmoid_rescaled_is_a_tanh_network():
    r = zero_centred.run(widths=(2, 8, 8, 1), steps=60, record_every=10, seeds=[0])
    # Same weights and steps up to the factors of matched_scales: the same curve, to rounding.
    assert r.max_curve_gap("centred_matched", "tanh") < 1e-5
    assert r.max_curve_gap("sigmoid_centred", "tanh") > 1e-3
    assert zero_centred.matched_scales(4) == ([2.0, 4.0, 4.0, 2.0], [2.0, 2.0, 2.0, 1.0])


# -- 4. cost --------------------------------------------------------------------


def test_cost_reports_positive_times_relative_to_numpy_relu():
    r = cost.run(size=20_000, small_size=200, repeats=2)
    assert r.relative(r.baseline) == 1.0
    assert all(t.median_seconds > 0 for t in r.timings)
    assert {t.dtype for t in r.timings} == {"float32", "float64"}
    for activation in af.ACTIVATIONS:  # every activation of the registry, in both libraries
        for dtype in ("float32", "float64"):
            assert r.of("this package", activation.name, dtype).size == 20_000
            assert r.of("PyTorch", activation.name, dtype).size == 20_000
    assert r.get("1/(1+np.exp(-x))").size == 20_000
    assert r.get("np.array([0*item if item<0 else item for item in x])").size == 200
    assert r.of("NumPy", "leaky_relu").code == "np.where(x > 0, x, 0.01 * x)"
    assert r.machine["torch threads"]
    with pytest.raises(KeyError):
        r.get("nothing")
    assert assert_line_hatches(cost.plot(r))


def test_cost_cases_compute_what_they_claim():
    # The NumPy one-liners compute the activation they are filed under.
    x = np.linspace(-5, 5, 101)
    for name, (code, func) in cost.NUMPY_FORMS.items():
        np.testing.assert_allclose(func(x), getattr(af, name)(x), rtol=1e-12, err_msg=code)


# -- 5. saturation and batch normalisation ------------------------------------


def test_saturation_definition():
    assert batchnorm.saturation_cutoff(af.sigmoid) == pytest.approx(5.99, abs=0.01)
    assert batchnorm.saturation_cutoff(af.tanh) == pytest.approx(2.99, abs=0.01)
    x = np.array([0.0, 5.9, 6.1, -7.0])
    assert batchnorm.saturated_fraction(af.sigmoid, x) == 0.5


def test_batchnorm_removes_saturation():
    r = batchnorm.run(depth=3, width=32, batch=256)
    for name in ("sigmoid", "tanh"):
        without = r.saturated[(name, False)]
        with_bn = r.saturated[(name, True)]
        assert without[0] > 0.3, name  # unnormalised inputs saturate the first layer
        assert with_bn[0] < 0.02, name
        assert np.all(with_bn <= without + 0.01), name
        z = r.first_layer[(name, True)].reshape(256, 32)
        np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-4)
    assert assert_line_hatches(batchnorm.plot(r))


# -- 6. dying ReLU --------------------------------------------------------------


def test_dying_relu_more_dead_units_at_high_learning_rate():
    r = dying_relu.run(
        widths=(2, 32, 32, 1),
        learning_rates=(0.1, 3.0),
        steps=30,
        seeds=[0, 1],
        recovery_from=3.0,
        recovery_steps=20,
        n_points=256,
        probe_size=256,
    )
    relu = r.mean_fraction("relu")
    assert relu[1] > relu[0] + 0.1
    assert r.fraction_at("relu", 3.0) == relu[1]
    # A dead ReLU unit gets exactly no gradient; a LeakyReLU unit negative everywhere does.
    assert r.gradient_ratio["relu"] == 0.0
    assert r.gradient_ratio["leaky_relu"] > 0.0
    assert r.gradient_ratio["leaky_relu_0.2"] > r.gradient_ratio["leaky_relu"]
    assert r.diverged("relu") == 0
    assert assert_line_hatches(dying_relu.plot(r))


def test_column_stat_ignores_nan():
    values = np.array([[1.0, np.nan], [3.0, np.nan]])
    out = dying_relu.column_stat(values, np.max)
    assert out[0] == 3.0
    assert np.isnan(out[1])


# -- 7. training comparison -------------------------------------------------------


def test_training_relu_beats_sigmoid_and_noise_rule():
    r = training.run(
        widths=(2, 16, 16, 1),
        learning_rates=(0.03, 0.3),
        steps=300,
        record_every=50,
        seeds=[0, 1, 2],
        target=0.5,
    )
    assert r.losses["relu"].shape == (3, 6)
    assert r.final_mean("relu") < r.final_mean("sigmoid")
    assert not r.within_noise("relu", "sigmoid")
    assert r.within_noise("relu", "relu")
    assert r.within_noise("relu", "tanh") == r.within_noise("tanh", "relu")
    assert r.ranking()[-1] == "sigmoid"
    assert r.steps_to("relu", 10.0) == 50.0
    assert math.isinf(r.steps_to("relu", 0.0))
    assert np.all((r.accuracy["relu"] >= 0) & (r.accuracy["relu"] <= 1))
    assert set(r.chosen_lr.values()) <= {0.03, 0.3}
    training.plot(r)


def test_training_keeps_the_fastest_learning_rate_and_times_the_target():
    r = training.run(
        [af.relu, af.tanh],
        widths=(2, 16, 1),
        learning_rates=(0.001, 0.3),
        steps=200,
        record_every=20,
        seeds=[0, 1],
        target=0.6,
    )
    for name in ("relu", "tanh"):
        grid = r.steps_grid[name]
        assert grid.shape == (2, 2)
        kept = r.learning_rates.index(r.chosen_lr[name])
        assert np.median(grid[kept]) == min(np.median(row) for row in grid)
        assert np.array_equal(r.steps_to_target(name), grid[kept])
    speed = r.speedup("relu", "tanh")
    assert speed == r.median_steps("tanh") / r.median_steps("relu")
    # The tiny learning rate never gets there within the budget, so it is never kept.
    assert all(lr == 0.3 for lr in r.chosen_lr.values())


# -- 8. identities and numerics ---------------------------------------------------


def test_numerics_identity_and_naive_formula_failures():
    r = numerics.run(num=20_001)
    for dtype in ("float32", "float64"):
        assert r.identity_max_abs[dtype] <= 4 * r.eps[dtype]
    assert r.naive_tanh_nan_from["float64"] == pytest.approx(709.79, abs=0.01)
    assert r.naive_tanh_nan_from["float32"] == pytest.approx(88.73, abs=0.01)
    assert r.sigmoid_derivative_zero_from == pytest.approx(36.74, abs=0.05)
    assert r.sigmoid_derivative_true_there > 1e-17
    assert r.tanh_derivative_zero_from < r.sigmoid_derivative_zero_from
    assert r.first_error_above("sigmoid", 1e-2) > r.first_error_above("tanh", 1e-2)
    assert np.all(r.sigmoid_derivative_error[r.tail_x < 1.0] < 1e-14)
    numerics.plot(r)


def test_naive_formulas_do_not_warn():
    x = np.array([-1000.0, 0.0, 1000.0])
    with np.errstate(all="raise"):
        assert np.isnan(numerics.naive_tanh(x)[2])
        assert numerics.naive_sigmoid(x)[0] == 0.0
        numerics.naive_sigmoid_derivative(x)
        numerics.naive_tanh_derivative(x)


# -- determinism ------------------------------------------------------------------


def test_two_runs_give_identical_numbers():
    kwargs: dict[str, Any] = {
        "widths": (2, 8, 8, 1),
        "steps": 40,
        "record_every": 10,
        "seeds": [0, 1],
    }
    a, b = (
        training.run(learning_rates=(0.1,), **kwargs),
        training.run(learning_rates=(0.1,), **kwargs),
    )
    for name in a.losses:
        assert np.array_equal(a.losses[name], b.losses[name])
    za, zb = zero_centred.run(**kwargs), zero_centred.run(**kwargs)
    for key in za.losses:
        assert np.array_equal(za.losses[key], zb.losses[key])
    small: dict[str, Any] = {"depth": 5, "width": 8, "batch": 8, "seeds": [0]}
    va, vb = vanishing.run(**small), vanishing.run(**small)
    for name in va.grad_norms:
        assert np.array_equal(va.grad_norms[name], vb.grad_norms[name])
    dying: dict[str, Any] = {
        "widths": (2, 8, 1),
        "learning_rates": (0.5, 4.0),
        "steps": 10,
        "seeds": [0],
        "recovery_from": 4.0,
        "recovery_steps": 5,
        "n_points": 64,
        "probe_size": 64,
    }
    da, db = dying_relu.run(**dying), dying_relu.run(**dying)
    for key in da.fraction:
        assert np.array_equal(da.fraction[key], db.fraction[key], equal_nan=True)
