"""The interactive explorers (issue 13), driven in Chromium and checked against the package.

Every activation of ``activation_functions.ACTIVATIONS`` has a probe on its page
(``<name>.html``) and the Experiments page has the vanishing-gradient explorer. The
readouts' ``data-*`` attributes are compared with the package's own values, after moving
the sliders with the keyboard and the mouse; the URL fragment must reproduce a view; without
JavaScript (and in print) the static figure stays and the explorer is hidden; the shared JS
and CSS stay within 10 KB gzipped; the explorer does not shift the layout when it starts.
"""

from __future__ import annotations

import dataclasses
import gzip
import math
import re
import shutil
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

import activation_functions as af
from activation_functions import explorer

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Locator, Page

NAMES = [a.name for a in af.ACTIVATIONS]
BY_NAME = {a.name: a for a in af.ACTIVATIONS}
BUDGET = 10 * 1024  # bytes of gzipped JS + CSS the explorers may add to a page
VANISHING_PAGE = "experiments.html"


@pytest.fixture
def page(browser: Browser) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


def _open(page: Page, url: str, name: str) -> Locator:
    page.goto(url)
    root = page.locator(f'[data-explorer="{name}"]')
    assert root.count() == 1, f"{url}: expected one explorer data-explorer={name!r}"
    root.scroll_into_view_if_needed()
    assert root.is_visible()
    return root


def _readout(root: Locator) -> dict[str, str]:
    attrs: dict[str, str] = root.locator(".af-readout").evaluate(
        "el => Object.fromEntries([...el.attributes].filter(a => a.name.startsWith('data-'))"
        ".map(a => [a.name.slice(5), a.value]))"
    )
    return attrs


def _params(attrs: dict[str, str], activation: af.Activation[Any]) -> dict[str, Any]:
    """The activation's keyword arguments as the readout states them."""
    params: dict[str, Any] = {}
    for name, default in activation.parameters.items():
        if isinstance(default, str):
            params[name] = attrs[name]
        else:
            params[name] = float(attrs[explorer.SLIDERS[name].attribute])
    return params


def _check_probe(root: Locator, activation: af.Activation[Any]) -> float:
    """The readout, the shown numbers, the point and the tangent agree with the package."""
    attrs = _readout(root)
    x = float(attrs["x"])
    params = _params(attrs, activation)
    f = float(activation(x, **params))
    df = float(activation.derivative(x, **params))
    assert math.isclose(float(attrs["f"]), f, rel_tol=1e-12, abs_tol=0), (x, params, attrs)
    assert math.isclose(float(attrs["df"]), df, rel_tol=1e-12, abs_tol=0), (x, params, attrs)
    shown = root.locator(".af-readout").inner_text()
    for value in (x, f, df):
        assert explorer.display_number(value) in shown, (value, shown)
    # The point sits on the curve at (x, f) and the tangent has slope f'(x), in data units.
    geo = root.evaluate(
        """r => { const c = r.querySelector('.af-point'), t = r.querySelector('.af-tangent');
           const d = JSON.parse(r.querySelector('script.af-data').textContent);
           return {cx: +c.getAttribute('cx'), cy: +c.getAttribute('cy'),
                   x1: +t.getAttribute('x1'), y1: +t.getAttribute('y1'),
                   x2: +t.getAttribute('x2'), y2: +t.getAttribute('y2'),
                   frame: d.frame, geometry: d.geometry}; }"""
    )
    x0, x1, y0, y1 = geo["frame"]
    w, h, left, right, top, bottom = geo["geometry"]
    kx = (w - left - right) / (x1 - x0)
    ky = (h - top - bottom) / (y1 - y0)
    assert geo["cx"] == pytest.approx(left + (x - x0) * kx, abs=0.01)
    assert geo["cy"] == pytest.approx(top + (y1 - f) * ky, abs=0.01)
    slope = -(geo["y2"] - geo["y1"]) / ky / ((geo["x2"] - geo["x1"]) / kx)
    assert slope == pytest.approx(df, abs=2e-3 * max(1.0, abs(df)))
    return x


@pytest.mark.parametrize("name", NAMES)
def test_probe_keyboard(page: Page, site_url: str, name: str) -> None:
    """Arrow keys, Home and End move x; the readout follows with the package's values."""
    activation = BY_NAME[name]
    root = _open(page, f"{site_url}{name}.html", name)
    assert _check_probe(root, activation) == 0.0  # the first view, drawn by Python
    slider = root.locator('input[type="range"][data-param="x"]')
    assert root.locator(f'label[for="{slider.get_attribute("id")}"]').is_visible()
    slider.focus()
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    assert _check_probe(root, activation) == 0.35
    page.keyboard.press("ArrowLeft")
    assert _check_probe(root, activation) == 0.3
    page.keyboard.press("Home")
    assert _check_probe(root, activation) == -6.0
    page.keyboard.press("End")
    assert _check_probe(root, activation) == 6.0
    for _ in range(3):
        page.keyboard.press("PageDown")
    _check_probe(root, activation)
    # Every switch (a str parameter such as GELU's approximate) by keyboard, every choice.
    for param in (n for n, d in activation.parameters.items() if isinstance(d, str)):
        options = explorer.CHOICES[param].options
        root.locator(f'input[data-param="{param}"]:checked').focus()
        for option in [*options[1:], options[0]]:
            page.keyboard.press("ArrowRight")
            assert _readout(root)[param] == option
            _check_probe(root, activation)
    # Every slider of a float parameter by keyboard.
    for param in (n for n, d in activation.parameters.items() if not isinstance(d, str)):
        root.locator(f'input[data-param="{param}"]').focus()
        page.keyboard.press("End")
        assert (
            float(_readout(root)[explorer.SLIDERS[param].attribute]) == explorer.SLIDERS[param].high
        )
        _check_probe(root, activation)
        page.keyboard.press("ArrowLeft")
        _check_probe(root, activation)


@pytest.mark.parametrize("name", NAMES)
def test_probe_mouse(page: Page, site_url: str, name: str) -> None:
    """Clicking and dragging on the plot, and clicking the slider, move x."""
    activation = BY_NAME[name]
    root = _open(page, f"{site_url}{name}.html", name)
    data = root.evaluate("r => JSON.parse(r.querySelector('script.af-data').textContent)")
    x0, x1, _, _ = data["frame"]
    w, _, left, right, _, _ = data["geometry"]
    box = root.locator(".af-plot").bounding_box()
    assert box is not None

    def screen_x(x: float) -> float:
        return box["x"] + (left + (x - x0) / (x1 - x0) * (w - left - right)) / w * box["width"]

    y = box["y"] + box["height"] / 2
    page.mouse.click(screen_x(-2.0), y)
    assert _check_probe(root, activation) == -2.0
    page.mouse.move(screen_x(-1.0), y)
    page.mouse.down()
    page.mouse.move(screen_x(0.5), y, steps=5)
    page.mouse.move(screen_x(2.5), y, steps=5)
    page.mouse.up()
    assert _check_probe(root, activation) == 2.5
    slider = root.locator('input[type="range"][data-param="x"]')
    sbox = slider.bounding_box()
    assert sbox is not None
    page.mouse.click(sbox["x"] + 2, sbox["y"] + sbox["height"] / 2)
    assert _check_probe(root, activation) < -5.0
    for param in (n for n, d in activation.parameters.items() if isinstance(d, str)):
        for option in explorer.CHOICES[param].options:
            root.locator(f'input[data-param="{param}"][value="{option}"]').click()
            assert _readout(root)[param] == option
            _check_probe(root, activation)


def test_leaky_relu_slope_slider(page: Page, site_url: str) -> None:
    """0 to 0.3, marks at PyTorch's 0.01 and the article's 0.2; keys and mouse move it."""
    activation = BY_NAME["leaky_relu"]
    root = _open(page, f"{site_url}leaky_relu.html", "leaky_relu")
    slope = root.locator('input[type="range"][data-param="negative_slope"]')
    assert (slope.get_attribute("min"), slope.get_attribute("max")) == ("0", "0.3")
    assert float(slope.input_value()) == af.DEFAULT_NEGATIVE_SLOPE
    marks = root.locator(f"datalist#{slope.get_attribute('list')} option")
    assert {float(v) for v in marks.evaluate_all("os => os.map(o => o.value)")} == {0.01, 0.2}
    assert root.locator(f'label[for="{slope.get_attribute("id")}"]').is_visible()
    root.locator('input[data-param="x"]').focus()
    page.keyboard.press("Home")
    assert float(_readout(root)["slope"]) == 0.01
    _check_probe(root, activation)
    slope.focus()
    for _ in range(19):
        page.keyboard.press("ArrowRight")
    assert _readout(root)["slope"] == "0.2"
    assert float(_readout(root)["f"]) == float(activation(-6.0, negative_slope=0.2))
    _check_probe(root, activation)
    page.keyboard.press("Home")
    assert float(_readout(root)["slope"]) == 0.0
    assert float(_readout(root)["f"]) == 0.0
    box = slope.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
    assert float(_readout(root)["slope"]) == 0.3
    _check_probe(root, activation)


def test_leaky_relu_closed_form_matches_package(page: Page, site_url: str) -> None:
    """explorer.js's closed form equals the package's at every slider slope and 1,000+ x."""
    _open(page, f"{site_url}leaky_relu.html", "leaky_relu")
    assert set(page.evaluate("Object.keys(afExplorers.closedForms)")) == explorer.CLOSED_FORMS
    rng = np.random.default_rng(13)
    xs = np.concatenate(
        [explorer.x_grid(), rng.normal(0, 3, 1000), rng.normal(0, 1e6, 200), [0.0, -0.0]]
    )
    spec = explorer.SLIDERS["negative_slope"]
    slopes = [float(s) for s in np.round(np.arange(spec.low, spec.high + 1e-9, spec.step), 2)]
    compared = 0
    for s in slopes:
        js = np.array(
            page.evaluate(
                "([xs, s]) => xs.map(x => afExplorers.closedForms.leaky_relu(x, "
                "{negative_slope: s}))",
                [xs.tolist(), s],
            )
        )
        f = af.leaky_relu(xs, negative_slope=s)
        df = af.leaky_relu.derivative(xs, negative_slope=s)
        np.testing.assert_allclose(js[:, 0], f, rtol=1e-12, atol=0, err_msg=f"slope {s}")
        np.testing.assert_allclose(js[:, 1], df, rtol=1e-12, atol=0, err_msg=f"slope {s}")
        compared += len(xs)
    assert compared >= 1000


@pytest.mark.parametrize("name", NAMES)
def test_probe_fragment_round_trip(browser: Browser, site_url: str, name: str) -> None:
    """The URL fragment records the view; opening that URL shows the same view."""
    activation = BY_NAME[name]
    context = browser.new_context()
    try:
        page = context.new_page()
        root = _open(page, f"{site_url}{name}.html", name)
        root.locator('input[data-param="x"]').focus()
        for _ in range(5):
            page.keyboard.press("ArrowLeft")
        for param, default in activation.parameters.items():
            if isinstance(default, str):
                root.locator(f'input[data-param="{param}"]:not(:checked)').first.click()
            else:
                root.locator(f'input[data-param="{param}"]').focus()
                page.keyboard.press("End")
        before = _readout(root)
        url = page.url
        assert f"#explorer={name}&" in url, url
        other = context.new_page()
        again = _open(other, url, name)
        assert _readout(again) == before
        _check_probe(again, activation)
        # A hand-written link, off the grid: x snaps to the nearest grid point.
        other.goto(f"{site_url}{name}.html#explorer={name}&x=2.31")
        other.wait_for_function(
            f"document.querySelector('[data-explorer=\"{name}\"] .af-readout').dataset.x === '2.3'"
        )
        _check_probe(other.locator(f'[data-explorer="{name}"]'), activation)
    finally:
        context.close()


def _vanishing_rows(root: Locator) -> dict[str, float]:
    rows: dict[str, str] = root.locator(".af-readout li").evaluate_all(
        "ls => Object.fromEntries(ls.map(l => [l.dataset.name, l.dataset.gradient]))"
    )
    return {k: float(v) for k, v in rows.items()}


def _check_vanishing(root: Locator, depth: int, log2_scale: float) -> None:
    """The readout equals vanishing.run at (depth, scale), the computation of the figure."""
    from activation_functions.experiments import vanishing

    attrs = _readout(root)
    assert int(attrs["depth"]) == depth
    assert float(attrs["scale"]) == 2.0**log2_scale
    result = vanishing.run(depth=depth, weight_scale=2.0**log2_scale)
    rows = _vanishing_rows(root)
    assert list(rows) == [a.name for a in af.ACTIVATIONS]
    text = root.locator(".af-readout").inner_text()
    for name, value in rows.items():
        expected = result.first_to_last(name)
        assert math.isclose(value, expected, rel_tol=1e-12), (name, value, expected)
        assert explorer.display_number(expected) in text


def test_vanishing_keyboard_mouse_and_fragment(browser: Browser, site_url: str) -> None:
    """Depth and weight-scale sliders by keyboard and mouse; readout = vanishing.run; URL."""
    context = browser.new_context()
    try:
        page = context.new_page()
        root = _open(page, site_url + VANISHING_PAGE, "vanishing")
        _check_vanishing(root, 16, 0.0)  # the first view: the figure's own experiment
        depth = root.locator('input[type="range"][data-param="depth"]')
        scale = root.locator('input[type="range"][data-param="log2scale"]')
        for slider in (depth, scale):
            assert root.locator(f'label[for="{slider.get_attribute("id")}"]').is_visible()
        depth.focus()
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        scale.focus()
        page.keyboard.press("ArrowRight")
        _check_vanishing(root, 8, 0.5)
        assert scale.get_attribute("aria-valuetext") == explorer.scale_text(0.5)
        box = scale.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
        _check_vanishing(root, 8, explorer.LOG2_SCALES[0])
        box = depth.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
        _check_vanishing(root, explorer.DEPTHS[-1], explorer.LOG2_SCALES[0])
        url = page.url
        assert "explorer=vanishing" in url, url
        other = context.new_page()
        again = _open(other, url, "vanishing")
        assert _readout(again) == _readout(root)
        assert _vanishing_rows(again) == _vanishing_rows(root)
    finally:
        context.close()


EXPLORER_PAGES = [(f"{n}.html", n) for n in NAMES] + [(VANISHING_PAGE, "vanishing")]


@pytest.mark.parametrize(("explorer_page", "name"), EXPLORER_PAGES)
def test_without_javascript_and_in_print(
    browser: Browser, site_url: str, explorer_page: str, name: str
) -> None:
    """Without JavaScript, and in print, the static figure shows and the explorer does not."""
    for javascript in (False, True):
        context = browser.new_context(java_script_enabled=javascript)
        try:
            page = context.new_page()
            page.goto(site_url + explorer_page)
            if javascript:
                page.emulate_media(media="print")
            root = page.locator(f'[data-explorer="{name}"]')
            assert root.count() == 1
            assert root.is_hidden(), f"explorer shown ({'print' if javascript else 'no JS'})"
            # The figure just before the explorer (its static fallback) is shown.
            figure = root.locator("xpath=preceding::figure[1]//img")
            figure.scroll_into_view_if_needed()
            assert figure.is_visible()
            assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
        finally:
            context.close()


@pytest.mark.parametrize(("explorer_page", "name"), EXPLORER_PAGES)
def test_no_layout_shift(browser: Browser, site_url: str, explorer_page: str, name: str) -> None:
    """The explorer is drawn by the build at its final size: starting it shifts nothing."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        page.add_init_script(
            "window.__cls = 0; new PerformanceObserver(l => { for (const e of l.getEntries())"
            " if (!e.hadRecentInput) window.__cls += e.value; })"
            ".observe({type: 'layout-shift', buffered: true});"
        )
        page.goto(site_url + explorer_page, wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__cls") < 0.01
        assert page.locator(f'[data-explorer="{name}"]').is_visible()
    finally:
        context.close()


def test_reduced_motion_and_focus(browser: Browser, site_url: str) -> None:
    """No animation under prefers-reduced-motion; keyboard focus on a slider is visible."""
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        root = _open(page, f"{site_url}sigmoid.html", "sigmoid")
        assert root.locator(".af-point").evaluate(
            "c => getComputedStyle(c).transitionDuration"
        ) in {
            "0s",
            "",
        }
        slider = root.locator('input[data-param="x"]')
        slider.focus()
        page.keyboard.press("ArrowRight")
        assert slider.evaluate("s => s.matches(':focus-visible')")
        outline = slider.evaluate(
            "s => getComputedStyle(s).outlineStyle + ' ' + getComputedStyle(s).outlineWidth"
        )
        style, width = outline.split()
        assert style != "none", outline
        assert width != "0px", outline
    finally:
        context.close()
    context = browser.new_context()
    try:
        page = context.new_page()
        root = _open(page, f"{site_url}sigmoid.html", "sigmoid")
        duration = root.locator(".af-point").evaluate("c => getComputedStyle(c).transitionDuration")
        assert duration not in {"0s", ""}, "the check above could not fail"
    finally:
        context.close()


def test_size_budget(site_dir: Path) -> None:
    """The shared explorer.js + explorer.css, gzipped, add at most 10 KB to a page."""
    static = site_dir / "_static"
    total = sum(
        len(gzip.compress((static / f).read_bytes(), compresslevel=9, mtime=0))
        for f in ("explorer.js", "explorer.css")
    )
    assert 0 < total <= BUDGET, f"{total} bytes gzipped"
    # On every page with an explorer, the one shared script, deferred, and the style sheet
    # inside the page's one style-sheet bundle (afx_docs.style_bundle); neither elsewhere
    # (afx_docs.explorer_assets): a page without an explorer pays nothing for them.
    with_explorer = {page for page, _ in EXPLORER_PAGES}
    for html_file in sorted(site_dir.glob("*.html")):
        text = html_file.read_text(encoding="utf-8")
        count = 1 if html_file.name in with_explorer else 0
        (bundle,) = re.findall(r'<link [^>]*href="(_static/bundle-[0-9a-f]+\.css)', text)
        bundled = (site_dir / bundle).read_text(encoding="utf-8")
        assert bundled.count("/* bundled: _static/explorer.css */") == count, html_file.name
        assert text.count("_static/explorer.js") == count, html_file.name
        if count:
            assert re.search(r'<script defer="defer" src="_static/explorer\.js', text), (
                html_file.name
            )


def _stand_in_with_a_switch() -> af.Activation[Any]:
    """A record with a str parameter, as GELU's ``approximate``: two visibly different forms."""

    def function(x: Any, approximate: str = "none") -> Any:
        return af.sigmoid(x) if approximate == "none" else af.tanh(x)

    def derivative(x: Any, approximate: str = "none") -> Any:
        return af.sigmoid.derivative(x) if approximate == "none" else af.tanh.derivative(x)

    return dataclasses.replace(
        af.sigmoid,
        name="switched",
        function=function,
        derivative=derivative,
        parameters={"approximate": "none"},
    )


def test_switch_from_file_url(browser: Browser, site_dir: Path, tmp_path: Path) -> None:
    """A str parameter's switch, by keyboard and mouse, on a page opened from file://."""
    activation = _stand_in_with_a_switch()
    for asset in ("explorer.js", "explorer.css"):
        shutil.copy(site_dir / "_static" / asset, tmp_path / asset)
    page_file = tmp_path / "switch.html"
    page_file.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>switch</title>'
        '<link rel="stylesheet" href="explorer.css"><script defer src="explorer.js"></script>'
        '</head><body data-theme="light">'
        f"{explorer.probe(activation)._repr_html_()}</body></html>",
        encoding="utf-8",
    )
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        root = _open(page, page_file.as_uri(), "switched")
        radios = root.locator('input[type="radio"][data-param="approximate"]')
        assert radios.count() == len(explorer.CHOICES["approximate"].options)
        assert root.locator("fieldset legend").is_visible()
        root.locator('input[data-param="x"]').focus()
        page.keyboard.press("End")
        assert _readout(root)["approximate"] == "none"
        _check_probe(root, activation)
        radios.nth(0).focus()
        page.keyboard.press("ArrowRight")
        assert _readout(root)["approximate"] == "tanh"
        assert float(_readout(root)["f"]) == float(af.tanh(6.0))
        _check_probe(root, activation)
        radios.nth(0).click()
        assert _readout(root)["approximate"] == "none"
        _check_probe(root, activation)
        radios.nth(1).click()
        url = page.url
        assert url.startswith("file://")
        assert "approximate=tanh" in url
        again = _open(context.new_page(), url, "switched")
        assert _readout(again) == _readout(root)
        assert not errors
    finally:
        context.close()
