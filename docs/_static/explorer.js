/* Explorable figures (issue 13). The markup, its first view and every number shown come
   from activation_functions.explorer, written into the page at build time as inline JSON;
   this file only reacts to the reader. No dependency, nothing fetched. Loaded with defer. */
"use strict";
(function () {
  // Closed forms for activations with float parameters (explorer.CLOSED_FORMS in Python).
  // A browser test compares them with the package at 1,000+ points to a relative 1e-12.
  const CLOSED_FORMS = {
    leaky_relu: (x, p) => x > 0 ? [x, 1] : [p.negative_slope * x, p.negative_slope],
  };

  // Numbers as the readout shows them; explorer.display_number writes the same.
  function fmt(v) {
    if (v === 0) return "0";
    const a = Math.abs(v);
    const fixed = v.toPrecision(4);
    if (a >= 1e-3 && a < 1e4 && !fixed.includes("e")) return fixed.replace("-", "\u2212");
    const [m, e] = v.toExponential(2).split("e");
    return m.replace("-", "\u2212") + "e" + Number(e);
  }

  function frameOf(data) {
    const [x0, x1, y0, y1] = data.frame, [w, h, l, r, t, b] = data.geometry;
    return {
      sx: (x) => l + (x - x0) / (x1 - x0) * (w - l - r),
      sy: (y) => t + (y1 - y) / (y1 - y0) * (h - t - b),
      x0, x1,
    };
  }

  function path(fr, xs, ys) {
    return "M" + xs.map((x, i) => fr.sx(x).toFixed(2) + "," + fr.sy(ys[i]).toFixed(2)).join("L");
  }

  const set = (el, attrs) => { for (const k in attrs) el.setAttribute(k, attrs[k]); };
  // Only real changes: the readout is a live region, a rewrite would be read out again.
  const text = (el, s) => { if (el.textContent !== s) el.textContent = s; };

  // --- URL fragment: #explorer=<name>&key=value..., one explorer at a time ---------------
  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    return params.has("explorer") ? params : null;
  }
  function writeFragment(name, state) {
    const params = new URLSearchParams({explorer: name, ...state});
    history.replaceState(history.state, "", "#" + params.toString());
  }

  // --- probe ---------------------------------------------------------------------------
  function probe(root, data) {
    const fr = frameOf(data);
    const q = (s) => root.querySelector(s);
    const xInput = q('input[data-param="x"]');
    const readout = q(".af-readout");
    const curve = q(".af-curve"), tangent = q(".af-tangent"), point = q(".af-point");
    const sliders = Object.keys(data.sliders);
    const choices = Object.keys(data.choices);
    // Grid x = k / den, as in Python: the nearest grid point's index into data.x.
    const den = data.xDenominator, k0 = Math.round(data.x[0] * den);
    const snap = (x) => Math.round(Math.min(Math.max(x, fr.x0), fr.x1) * den) - k0;

    function params() {
      const p = {};
      for (const n of sliders) p[n] = Number(q(`input[data-param="${n}"]`).value);
      for (const n of choices) p[n] = q(`input[data-param="${n}"]:checked`).value;
      return p;
    }
    function values(p) {
      if (data.closedForm) {
        const fn = CLOSED_FORMS[data.name];
        const pairs = data.x.map((x) => fn(x, p));
        return {f: pairs.map((v) => v[0]), df: pairs.map((v) => v[1])};
      }
      const key = choices.slice().sort().map((n) => n + "=" + p[n]).join("&");
      return data.tables[key];
    }
    function render(fromUser) {
      const p = params();
      const i = snap(Number(xInput.value));
      const x = data.x[i];
      const t = values(p);
      const f = t.f[i], df = t.df[i];
      curve.setAttribute("d", path(fr, data.x, t.f));
      const half = (fr.x1 - fr.x0) / 4;
      set(tangent, {x1: fr.sx(x - half).toFixed(2), y1: fr.sy(f - df * half).toFixed(2),
                    x2: fr.sx(x + half).toFixed(2), y2: fr.sy(f + df * half).toFixed(2)});
      set(point, {cx: fr.sx(x).toFixed(2), cy: fr.sy(f).toFixed(2)});
      const attrs = {"data-x": String(x), "data-f": String(f), "data-df": String(df)};
      for (const n of sliders) attrs["data-" + data.sliders[n].attribute] = String(p[n]);
      for (const n of choices) attrs["data-" + n] = p[n];
      set(readout, attrs);
      text(q('[data-show="x"]'), fmt(x));
      text(q('[data-show="f"]'), fmt(f));
      text(q('[data-show="df"]'), fmt(df));
      for (const n of ["x", ...sliders]) {
        text(q(`output[data-value="${n}"]`), String(n === "x" ? x : p[n]).replace("-", "\u2212"));
      }
      if (fromUser) writeFragment(data.name, {x: String(x), ...p});
    }
    function restore(frag) {
      const x = Number(frag.get("x"));
      if (frag.has("x") && Number.isFinite(x)) xInput.value = String(data.x[snap(x)]);
      for (const n of sliders) {
        const v = Number(frag.get(n));
        if (frag.has(n) && Number.isFinite(v)) q(`input[data-param="${n}"]`).value = String(v);
      }
      for (const n of choices) {
        const radio = q(`input[data-param="${n}"][value="${CSS.escape(frag.get(n) || "")}"]`);
        if (radio) radio.checked = true;
      }
    }
    root.addEventListener("input", () => render(true));
    root.addEventListener("change", () => render(true));
    // Mouse or touch on the plot moves x too (the slider stays the keyboard's way in).
    const svg = q(".af-plot");
    function pointer(ev) {
      const box = svg.getBoundingClientRect();
      const u = (ev.clientX - box.left) / box.width * data.geometry[0];
      const x = fr.x0 + (u - data.geometry[2]) / (data.geometry[0] - data.geometry[2] -
        data.geometry[3]) * (fr.x1 - fr.x0);
      xInput.value = String(data.x[snap(x)]);
      render(true);
    }
    svg.addEventListener("pointerdown", (ev) => {
      svg.setPointerCapture(ev.pointerId);
      pointer(ev);
    });
    svg.addEventListener("pointermove", (ev) => {
      if (svg.hasPointerCapture(ev.pointerId)) pointer(ev);
    });
    return {restore, render};
  }

  // --- vanishing gradients: depth x weight scale -------------------------------------------
  function vanishing(root, data) {
    const fr = frameOf(data);
    const q = (s) => root.querySelector(s);
    const depthInput = q('input[data-param="depth"]');
    const scaleInput = q('input[data-param="log2scale"]');
    const readout = q(".af-readout");
    const scaleText = (l2) => "\u00d7" + Number(Math.pow(2, l2).toPrecision(3)) + " the gain";
    function render(fromUser) {
      const j = data.depths.indexOf(Number(depthInput.value));
      const i = data.log2Scales.indexOf(Number(scaleInput.value));
      if (i < 0 || j < 0) return;
      const depth = data.depths[j], l2 = data.log2Scales[i];
      for (const name of data.names) {
        const row = data.grad[name][i];
        const logs = row.map(Math.log10);
        q(`path.af-line[data-name="${name}"]`).setAttribute("d", path(fr, data.depths, logs));
        set(q(`circle.af-dot[data-name="${name}"]`),
            {cx: fr.sx(depth).toFixed(2), cy: fr.sy(logs[j]).toFixed(2)});
        const li = q(`li[data-name="${name}"]`);
        li.setAttribute("data-gradient", String(row[j]));
        text(li.querySelector("output"), fmt(row[j]));
      }
      const px = fr.sx(depth).toFixed(2);
      set(q(".af-marker"), {x1: px, x2: px});
      set(readout, {"data-depth": String(depth), "data-scale": String(Math.pow(2, l2))});
      text(readout.querySelector("p"),
        `Gradient reaching layer 1 (the output's is 1), ${depth} layers, weights ${scaleText(l2)}:`);
      scaleInput.setAttribute("aria-valuetext", scaleText(l2));
      text(q('output[data-value="log2scale"]'), scaleText(l2));
      text(q('output[data-value="depth"]'), String(depth));
      if (fromUser) writeFragment("vanishing", {depth: String(depth), scale: String(Math.pow(2, l2))});
    }
    function restore(frag) {
      const depth = Number(frag.get("depth")), scale = Number(frag.get("scale"));
      if (frag.has("depth") && Number.isFinite(depth)) {
        const near = data.depths.reduce((a, d) => Math.abs(d - depth) < Math.abs(a - depth) ? d : a);
        depthInput.value = String(near);
      }
      if (frag.has("scale") && scale > 0) {
        const l = Math.log2(scale);
        const near = data.log2Scales.reduce((a, s) => Math.abs(s - l) < Math.abs(a - l) ? s : a);
        scaleInput.value = String(near);
      }
    }
    root.addEventListener("input", () => render(true));
    return {restore, render};
  }

  // Nothing runs at load but this: the page already shows each explorer's first view, drawn
  // by Python, so an explorer's data are parsed only when the reader first touches it.
  function init() {
    const explorers = new Map();
    function explorer(root) {
      if (!explorers.has(root)) {
        const data = JSON.parse(root.querySelector("script.af-data").textContent);
        const ex = (data.kind === "vanishing" ? vanishing : probe)(root, data);
        ex.root = root;
        explorers.set(root, ex);
      }
      return explorers.get(root);
    }
    const roots = [...document.querySelectorAll("[data-explorer]")];
    for (const root of roots) {
      const wake = (ev) => {
        root.removeEventListener("focusin", wake);
        root.removeEventListener("pointerdown", wake);
        explorer(root);
        // A first press on the plot: the listener the explorer just added missed it.
        const plot = ev.type === "pointerdown" && ev.target.closest(".af-plot");
        if (plot) plot.dispatchEvent(new PointerEvent("pointerdown", ev));
      };
      root.addEventListener("focusin", wake);
      root.addEventListener("pointerdown", wake);
    }
    function fromFragment(scroll) {
      const frag = readFragment();
      const root = frag && roots.find((r) => r.dataset.explorer === frag.get("explorer"));
      if (!root) return;
      const ex = explorer(root);
      ex.restore(frag);
      ex.render(false);
      if (scroll) {
        const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
        root.scrollIntoView({block: "center", behavior: still ? "auto" : "smooth"});
      }
    }
    fromFragment(true);
    addEventListener("hashchange", () => fromFragment(true));
    window.afExplorers = {closedForms: CLOSED_FORMS, fmt};  // for the browser tests
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
