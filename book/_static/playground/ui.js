/* The live playground's page: controls, views and the animation loop.
 *
 * Builds everything inside <div id="nnbook-live-playground">, trains with
 * engine.js (window.NNBookPlayground) and draws on canvases. Training and
 * drawing run in requestAnimationFrame callbacks, one frame at a time, so the
 * page stays responsive while it plays. The configuration lives in the
 * address (#lr=0.1&hidden=4,2...), and the "Jupyter" button shows it as the
 * dict that nnbook.playground.PlaygroundConfig.from_dict reads.
 */
(function () {
  "use strict";
  const E = window.NNBookPlayground;
  const host = document.getElementById("nnbook-live-playground");
  if (!E || !host) return;

  const RES = 50;                 // grid points an axis, as nnbook's views
  const MAX_UNITS = 8;            // units a layer drawn in the network view
  const CLASS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];  // nnbook.plotting.CLASS_COLORS
  const LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  const BATCHES = [1, 2, 5, 10, 20, 50, 100, null];
  const MOMENTA = [0, 0.5, 0.9, 0.95, 0.99];
  const PENALTIES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
  const DROPOUTS = [0, 0.1, 0.2, 0.3, 0.5];
  const TRAINING = E.TRAINING;    // changing these keeps the weights
  const FEATURE_LABEL = { "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂", "sin(x1)": "sin x₁", "sin(x2)": "sin x₂" };
  const reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // -- small DOM helpers --------------------------------------------------------
  let uid = 0;
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const kid of kids) if (kid) e.append(kid);
    return e;
  }
  /** A labelled control: <label for=id>text</label> control */
  function field(text, control, hint) {
    control.id = control.id || `nnpg-${++uid}`;
    const lab = el("label", { for: control.id, text });
    if (hint) control.title = hint;
    return el("div", { class: "nnpg-field" }, lab, control);
  }
  function select(values, fmt = String) {
    const s = el("select");
    for (const v of values) s.append(el("option", { value: JSON.stringify(v), text: fmt(v) }));
    return s;
  }
  const fmtNum = (v) => (v === null ? "full batch" : String(v));
  const setSelect = (s, values, v, fmt = String) => {
    if (!values.some((x) => JSON.stringify(x) === JSON.stringify(v))) s.append(el("option", { value: JSON.stringify(v), text: fmt(v) }));
    s.value = JSON.stringify(v);
  };

  // -- controls ----------------------------------------------------------------------
  const C = {
    dataset: select(E.DATASETS, (v) => v.replace("_", " ")),
    n_classes: el("input", { type: "number", min: "2", max: "6", step: "1" }),
    n_points: el("input", { type: "range", min: "20", max: "1000", step: "10" }),
    noise: el("input", { type: "range", min: "0", max: "1", step: "0.01" }),
    test_fraction: el("input", { type: "range", min: "0.05", max: "0.95", step: "0.05" }),
    seed: el("input", { type: "number", min: "0", step: "1" }),
    layers: el("input", { type: "number", min: "0", max: "6", step: "1" }),
    activation: select(E.ACTIVATIONS),
    output: select(E.OUTPUTS),
    init: select(E.INITS),
    init_scale: el("input", { type: "number", min: "0", step: "0.1" }),
    bias_init: el("input", { type: "number", step: "0.1" }),
    lr: select(LRS),
    batch_size: select(BATCHES, fmtNum),
    momentum: select(MOMENTA),
    l2: select(PENALTIES),
    l1: select(PENALTIES),
    dropout: select(DROPOUTS, (v) => (v ? String(v) : "off")),
  };
  const units = [];               // the units-per-layer inputs, rebuilt when the layer count changes
  const featureBoxes = {};
  for (const f of E.FEATURES) featureBoxes[f] = el("input", { type: "checkbox", value: f });
  const readouts = {};
  for (const k of ["n_points", "noise", "test_fraction"]) readouts[k] = el("output", { for: "", class: "nnpg-readout" });

  const playBtn = el("button", { type: "button", class: "nnpg-play", "aria-pressed": "false", text: "Play" });
  const stepBtn = el("button", { type: "button", text: "Step", title: "train one epoch" });
  const resetBtn = el("button", { type: "button", text: "Reset", title: "start again from the seed" });
  const speed = el("input", { type: "number", min: "1", max: "50", step: "1", value: "1" });
  const epochOut = el("output", { class: "nnpg-epoch", text: "0" });
  const status = el("p", { class: "nnpg-status" });
  const message = el("p", { class: "nnpg-message", role: "alert" });
  const configBtn = el("button", { type: "button", "aria-expanded": "false", "aria-controls": "nnpg-config", text: "Open in Jupyter" });
  const configCode = el("code", { id: "nnpg-config-dict" });
  const configBox = el("div", { id: "nnpg-config", class: "nnpg-config", hidden: "" },
    el("p", { text: "The configuration as the dict nnbook.playground.PlaygroundConfig.from_dict reads. In Jupyter:" }),
    el("pre", {}, el("code", { text: "import nnbook as nb\nconfig = " }), configCode,
      el("code", { text: "\nnb.playground.App(config)" })),
    el("p", { class: "nnpg-note", text: "nnbook draws the data and the initial weights from the seed with NumPy's generator, this page with its own: the same configuration, other random draws." }));

  // -- views -------------------------------------------------------------------------
  const canvas = (w, h, label) => el("canvas", { width: String(w), height: String(h), role: "img", "aria-label": label });
  const boundary = canvas(300, 300, "decision regions of the network over the input plane, with the training points (white edge) and test points (black edge)");
  const network = canvas(520, 300, "the network: each unit drawn as its output over the input plane, each weight as a line, its colour the sign (purple positive, orange negative) and its width the size");
  const lossPlot = canvas(300, 120, "training loss (dark) and test loss (orange) against the epoch");
  const gradPlot = canvas(300, 120, "norm of the loss gradient of each layer's weights against the epoch, log scale");
  const lossText = el("p", { class: "nnpg-caption" });
  const gradLegend = el("p", { class: "nnpg-caption" });

  const layersBox = el("div", { class: "nnpg-units" });
  const featuresBox = el("fieldset", { class: "nnpg-features" }, el("legend", { text: "Features" }),
    ...E.FEATURES.map((f) => { featureBoxes[f].id = `nnpg-f-${f.replace(/\W/g, "_")}`;
      return el("span", { class: "nnpg-check" }, featureBoxes[f], el("label", { for: featureBoxes[f].id, text: FEATURE_LABEL[f] })); }));

  const withReadout = (text, k, hint) => { const f = field(text, C[k], hint); readouts[k].setAttribute("for", C[k].id); f.append(readouts[k]); return f; };
  host.classList.add("nnpg");
  host.append(
    el("div", { class: "nnpg-bar", role: "group", "aria-label": "training controls" },
      playBtn, stepBtn, resetBtn, field("epochs a frame", speed),
      el("span", { class: "nnpg-epoch-box" }, el("span", { text: "epoch " }), epochOut), configBtn),
    configBox, message,
    el("div", { class: "nnpg-main" },
      el("section", { class: "nnpg-col", "aria-label": "data" }, el("h3", { text: "Data" }),
        field("data set", C.dataset), field("classes", C.n_classes, "spirals and blobs only"),
        withReadout("points", "n_points"), withReadout("noise", "noise"), withReadout("test share", "test_fraction"),
        field("seed", C.seed), featuresBox),
      el("section", { class: "nnpg-col nnpg-wide", "aria-label": "network" }, el("h3", { text: "Network" }),
        el("div", { class: "nnpg-row" }, field("hidden layers", C.layers), layersBox),
        el("div", { class: "nnpg-row" }, field("activation", C.activation), field("output", C.output),
          field("init", C.init), field("init scale", C.init_scale), field("bias init", C.bias_init)),
        network),
      el("section", { class: "nnpg-col", "aria-label": "training and output" }, el("h3", { text: "Training" }),
        el("div", { class: "nnpg-row" }, field("learning rate", C.lr), field("batch size", C.batch_size),
          field("momentum", C.momentum), field("L2", C.l2), field("L1", C.l1),
          field("dropout", C.dropout, "drop probability of each hidden unit while training")),
        el("h3", { text: "Output" }), boundary, status, lossPlot, lossText, gradPlot, gradLegend)));

  // -- state ---------------------------------------------------------------------------
  let config = null, run = null, playing = false, pending = false, lastHash = null;
  const off = { canvas: document.createElement("canvas") };
  off.canvas.width = off.canvas.height = RES;
  off.ctx = off.canvas.getContext("2d");
  off.img = off.ctx.createImageData(RES, RES);

  function showConfig(c) {
    setSelect(C.dataset, E.DATASETS, c.dataset);
    C.n_classes.value = c.n_classes;
    C.n_classes.disabled = !["spirals", "blobs"].includes(c.dataset);
    // the sliders' ends widen to hold a value from the address, so that reading the controls keeps it
    C.n_points.min = String(Math.min(20, c.n_points)); C.n_points.max = String(Math.max(1000, c.n_points));
    C.n_points.step = c.n_points % 10 === 0 ? "10" : "1";
    C.n_points.value = c.n_points; readouts.n_points.textContent = c.n_points;
    C.noise.max = String(Math.max(1, c.noise));
    C.noise.value = c.noise; readouts.noise.textContent = c.noise.toFixed(2);
    C.test_fraction.value = c.test_fraction; readouts.test_fraction.textContent = `${Math.round(100 * c.test_fraction)}%`;
    C.seed.value = c.seed;
    for (const f of E.FEATURES) {
      featureBoxes[f].checked = c.features.includes(f);
      featureBoxes[f].disabled = c.dataset === "regression_1d" && !E.FEATURES_1D.includes(f);
    }
    C.layers.value = c.hidden.length;
    layersBox.replaceChildren();
    units.length = 0;
    c.hidden.forEach((h, i) => {
      const u = el("input", { type: "number", min: "1", max: "32", step: "1", value: String(h) });
      u.addEventListener("change", onChange);
      units.push(u);
      layersBox.append(field(`units in layer ${i + 1}`, u));
    });
    for (const k of ["activation", "output", "init"]) setSelect(C[k], E[{ activation: "ACTIVATIONS", output: "OUTPUTS", init: "INITS" }[k]], c[k]);
    C.init_scale.value = c.init_scale; C.bias_init.value = c.bias_init;
    setSelect(C.lr, LRS, c.lr); setSelect(C.batch_size, BATCHES, c.batch_size, fmtNum);
    setSelect(C.momentum, MOMENTA, c.momentum); setSelect(C.l2, PENALTIES, c.l2); setSelect(C.l1, PENALTIES, c.l1);
    setSelect(C.dropout, DROPOUTS, c.dropout);
  }

  /** The configuration the controls describe, repaired where one choice rules out another. */
  function readConfig() {
    const c = { ...config };
    const num = (x) => Number(x.value);
    c.dataset = JSON.parse(C.dataset.value);
    const multi = ["spirals", "blobs"].includes(c.dataset);
    c.n_classes = multi ? Math.min(6, Math.max(2, Math.round(num(C.n_classes)) || 2)) : 2;
    c.n_points = Math.round(num(C.n_points));
    c.noise = num(C.noise); c.test_fraction = num(C.test_fraction);
    c.seed = Math.max(0, Math.round(num(C.seed)) || 0);
    c.features = E.FEATURES.filter((f) => featureBoxes[f].checked && (c.dataset !== "regression_1d" || E.FEATURES_1D.includes(f)));
    if (!c.features.length) c.features = c.dataset === "regression_1d" ? ["x1"] : ["x1", "x2"];
    const nLayers = Math.min(6, Math.max(0, Math.round(num(C.layers)) || 0));
    c.hidden = Array.from({ length: nLayers }, (_, i) => (i < units.length ? Math.max(1, Math.round(num(units[i])) || 1) : 4));
    for (const k of ["activation", "output", "init", "lr", "batch_size", "momentum", "l2", "l1", "dropout"]) c[k] = JSON.parse(C[k].value);
    c.init_scale = Math.max(0, num(C.init_scale) || 0); c.bias_init = num(C.bias_init) || 0;
    const regression = c.dataset.startsWith("regression");
    if (regression && !["auto", "linear"].includes(c.output)) c.output = "auto";
    if (!regression && c.output === "linear") c.output = "auto";
    if (c.output === "sigmoid" && c.n_classes !== 2) c.output = "softmax";
    return c;
  }

  function start(c, { keepTraining = false } = {}) {
    const changed = Object.keys(c).filter((k) => JSON.stringify(c[k]) !== JSON.stringify(config && config[k]));
    if (keepTraining && run && changed.length && changed.every((k) => TRAINING.includes(k))) {
      run.setTraining(c);
      config = run.config;
    } else {
      run = new E.Run(c);
      config = run.config;
      grid = run.grid(RES);
    }
    showConfig(config);
    message.textContent = "";
    lastHash = E.toHash(config);
    if ((location.hash || "").replace(/^#/, "") !== lastHash) history.replaceState(null, "", lastHash ? "#" + lastHash : location.pathname + location.search);
    configCode.textContent = E.pythonDict(config);
    requestDraw();
  }
  let grid = null;

  function onChange() {
    try { start(readConfig(), { keepTraining: true }); }
    catch (err) { message.textContent = `Not a valid setting: ${err.message}`; showConfig(config); }
  }
  for (const k of Object.keys(C)) C[k].addEventListener("change", onChange);
  for (const k of ["n_points", "noise", "test_fraction"]) C[k].addEventListener("input", () => {
    const v = Number(C[k].value);
    readouts[k].textContent = k === "noise" ? v.toFixed(2) : k === "test_fraction" ? `${Math.round(100 * v)}%` : String(v);
  });
  for (const f of E.FEATURES) featureBoxes[f].addEventListener("change", onChange);

  function loadHash() {
    const h = (location.hash || "").replace(/^#/, "");
    if (run && h === lastHash) return;
    try { start(E.fromHash(h)); }
    catch (err) { start(E.normalizeConfig({})); message.textContent = `The address holds no valid configuration (${err.message}); showing the default.`; }
  }
  window.addEventListener("hashchange", loadHash);

  // -- transport -----------------------------------------------------------------------
  function setPlaying(on) {
    playing = on && !run.diverged;
    playBtn.textContent = playing ? "Pause" : "Play";
    playBtn.setAttribute("aria-pressed", String(playing));
    if (playing) requestDraw();
  }
  playBtn.addEventListener("click", () => setPlaying(!playing));
  stepBtn.addEventListener("click", () => { setPlaying(false); run.stepEpoch(1); requestDraw(); });
  resetBtn.addEventListener("click", () => { setPlaying(false); start(config); });
  configBtn.addEventListener("click", () => {
    const open = configBox.hidden;
    configBox.hidden = !open;
    configBtn.setAttribute("aria-expanded", String(open));
  });

  function requestDraw() {
    if (!pending) { pending = true; requestAnimationFrame(frame); }
  }
  /** One animation frame: train (when playing) and redraw. */
  function frame() {
    pending = false;
    if (playing) {
      run.stepEpoch(Math.max(1, Math.min(50, Math.round(Number(speed.value)) || 1)));
      if (run.diverged) setPlaying(false);
    }
    draw();
    if (playing) requestDraw();
  }

  // -- drawing ---------------------------------------------------------------------------
  const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
  const CLASS_RGB = CLASS.map(hex);
  const VIRIDIS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"].map(hex);
  function viridis(t) {
    t = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
  }
  const NEG = hex("#e66101"), POS = hex("#5e3c99");  // orange negative, purple positive, white zero

  /** Paint a RES x RES picture (rows from the bottom) into the offscreen canvas, then scale it onto ctx. */
  function blit(ctx, x, y, w, h, color) {
    const d = off.img.data;
    for (let r = 0; r < RES; r++) {
      const row = (RES - 1 - r) * RES;  // y grows upwards
      for (let q = 0; q < RES; q++) {
        const rgb = color(r * RES + q), o = 4 * (row + q);
        d[o] = rgb[0]; d[o + 1] = rgb[1]; d[o + 2] = rgb[2]; d[o + 3] = 255;
      }
    }
    off.ctx.putImageData(off.img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off.canvas, x, y, w, h);
  }

  function classColor(P, k) {  // nnbook's tint: the predicted class, stronger where surer, white at a tie
    return (i) => {
      let best = 0, pmax = -1;
      if (k === 1) { const p = P[i]; best = p >= 0.5 ? 1 : 0; pmax = Math.max(p, 1 - p); }
      else for (let j = 0; j < k; j++) if (P[i * k + j] > pmax) { pmax = P[i * k + j]; best = j; }
      const kk = Math.max(2, k), conf = Math.min(1, Math.max(0, (pmax - 1 / kk) / (1 - 1 / kk))) * 0.65;
      const c = CLASS_RGB[best % CLASS_RGB.length];
      return [255 - (255 - c[0]) * conf, 255 - (255 - c[1]) * conf, 255 - (255 - c[2]) * conf];
    };
  }

  function probabilities(logits, k) {
    const m = logits.length / k, P = new Float64Array(logits.length);
    if (k === 1) { for (let i = 0; i < m; i++) P[i] = E.sigmoid(logits[i]); return P; }
    for (let i = 0; i < m; i++) {
      let mx = -Infinity, s = 0;
      for (let j = 0; j < k; j++) mx = Math.max(mx, logits[i * k + j]);
      for (let j = 0; j < k; j++) s += (P[i * k + j] = Math.exp(logits[i * k + j] - mx));
      for (let j = 0; j < k; j++) P[i * k + j] /= s;
    }
    return P;
  }

  function yRange() {
    let lo = Infinity, hi = -Infinity;
    for (const y of [run.ytrain, run.ytest]) for (const v of y) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return [lo, hi];
  }

  function drawBoundary(layers) {
    const ctx = boundary.getContext("2d"), W = boundary.width, H = boundary.height;
    const out = layers[layers.length - 1], k = run.sizes[run.sizes.length - 1];
    const xs = grid.xs, ys = grid.ys;
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    const px = (x) => ((x - xs[0]) / (xs[xs.length - 1] - xs[0])) * W;
    if (run.dim === 1) {  // 1-D regression: the curve through the points
      const [lo, hi] = yRange(), pad = 0.2 * (hi - lo || 1), b = lo - pad, t = hi + pad;
      const py = (v) => H - ((v - b) / (t - b)) * H;
      for (const [X, Y, edge] of [[run.Xtrain, run.ytrain, "#fff"], [run.Xtest, run.ytest, "#000"]]) {
        for (let i = 0; i < Y.length; i++) dot(ctx, px(X[i]), py(Y[i]), "#1f77b4", edge);
      }
      ctx.strokeStyle = "#000"; ctx.lineWidth = 1.6; ctx.beginPath();
      for (let i = 0; i < xs.length; i++) { const v = Number.isFinite(out[i]) ? out[i] : 0; i ? ctx.lineTo(px(xs[i]), py(v)) : ctx.moveTo(px(xs[i]), py(v)); }
      ctx.stroke();
      return;
    }
    const py = (y) => H - ((y - ys[0]) / (ys[ys.length - 1] - ys[0])) * H;
    let pointColor;
    if (run.task === "regression") {
      const [lo, hi] = yRange(), pad = 0.05 * (hi - lo || 1), a = lo - pad, span = hi - lo + 2 * pad;
      blit(ctx, 0, 0, W, H, (i) => viridis((out[i] - a) / span));
      pointColor = (v) => { const c = viridis((v - a) / span); return `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`; };
    } else {
      blit(ctx, 0, 0, W, H, classColor(probabilities(out, k), k));
      pointColor = (v) => CLASS[v % CLASS.length];
    }
    for (const [X, Y, edge] of [[run.Xtrain, run.ytrain, "#fff"], [run.Xtest, run.ytest, "#000"]]) {
      for (let i = 0; i < Y.length; i++) dot(ctx, px(X[2 * i]), py(X[2 * i + 1]), pointColor(Y[i]), edge);
    }
  }
  function dot(ctx, x, y, fill, edge) {
    ctx.beginPath(); ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = fill; ctx.fill(); ctx.lineWidth = 0.9; ctx.strokeStyle = edge; ctx.stroke();
  }

  function drawNetwork(layers) {
    const ctx = network.getContext("2d"), W = network.width, H = network.height;
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    const sizes = run.sizes, L = sizes.length, box = Math.min(34, (H - 20) / MAX_UNITS - 4);
    const shown = sizes.map((s) => Math.min(s, MAX_UNITS));
    const X = (l) => 20 + (l * (W - 40 - box)) / Math.max(1, L - 1);
    const Y = (l, i) => H / 2 + (i - (shown[l] - 1) / 2) * (box + 4) - box / 2;
    // edges: colour the sign, width the size (relative to the layer's largest weight)
    for (let l = 0; l + 1 < L; l++) {
      const w = run.net.W[l], dout = sizes[l + 1];
      let m = 0;
      for (const v of w) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
      for (let a = 0; a < shown[l]; a++) {
        for (let b = 0; b < shown[l + 1]; b++) {
          const v = w[a * dout + b], s = m > 0 && Number.isFinite(v) ? Math.abs(v) / m : 0;
          ctx.strokeStyle = v >= 0 ? "rgba(94,60,153,0.75)" : "rgba(230,97,1,0.75)";
          ctx.lineWidth = 0.3 + 4 * s;
          ctx.beginPath(); ctx.moveTo(X(l) + box, Y(l, a) + box / 2); ctx.lineTo(X(l + 1), Y(l + 1, b) + box / 2); ctx.stroke();
        }
      }
    }
    // units: each one's output over the input plane, scaled to its own largest value
    ctx.font = "10px sans-serif"; ctx.fillStyle = "#333"; ctx.textAlign = "center";
    for (let l = 0; l < L; l++) {
      const A = layers[l], d = sizes[l];
      for (let u = 0; u < shown[l]; u++) {
        const x = X(l), y = Y(l, u);
        if (l === L - 1 && run.task !== "regression") drawUnitOutput(ctx, A, d, u, x, y, box);
        else drawUnit(ctx, A, d, u, x, y, box);
        ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.strokeRect(x, y, box, box);
        if (l === 0) { ctx.fillStyle = "#333"; ctx.textAlign = "right"; ctx.fillText(FEATURE_LABEL[run.config.features[u]], x - 3, y + box / 2 + 3); }
      }
      if (sizes[l] > shown[l]) { ctx.textAlign = "center"; ctx.fillStyle = "#333"; ctx.fillText(`+${sizes[l] - shown[l]}`, X(l) + box / 2, Y(l, shown[l] - 1) + box + 12); }
    }
  }
  function unitScale(A, d, u) {
    let m = 0;
    for (let i = u; i < A.length; i += d) if (Number.isFinite(A[i])) m = Math.max(m, Math.abs(A[i]));
    return m || 1;
  }
  function diverging(v) {
    const t = Math.min(1, Math.abs(Number.isFinite(v) ? v : 0)), c = v >= 0 ? POS : NEG;
    return [255 - (255 - c[0]) * t, 255 - (255 - c[1]) * t, 255 - (255 - c[2]) * t];
  }
  function drawUnit(ctx, A, d, u, x, y, box) {
    const m = unitScale(A, d, u);
    if (run.dim === 2) { blit(ctx, x, y, box, box, (i) => diverging(A[i * d + u] / m)); return; }
    ctx.fillStyle = "#fff"; ctx.fillRect(x, y, box, box);
    ctx.strokeStyle = "#5e3c99"; ctx.lineWidth = 1; ctx.beginPath();
    const n = A.length / d;
    for (let i = 0; i < n; i++) { const px = x + (i / (n - 1)) * box, py = y + box / 2 - (A[i * d + u] / m) * (box / 2 - 1); i ? ctx.lineTo(px, py) : ctx.moveTo(px, py); }
    ctx.stroke();
  }
  function drawUnitOutput(ctx, A, d, u, x, y, box) {  // an output unit of a classifier: its class probability
    const P = probabilities(A, d);
    const c = CLASS_RGB[(d === 1 ? 1 : u) % CLASS_RGB.length];
    blit(ctx, x, y, box, box, (i) => { const t = d === 1 ? P[i] : P[i * d + u]; return [255 - (255 - c[0]) * t, 255 - (255 - c[1]) * t, 255 - (255 - c[2]) * t]; });
  }

  function niceTop(v) {
    if (!(v > 0) || !Number.isFinite(v)) return 1;
    const e = 10 ** Math.floor(Math.log10(v));
    for (const m of [1, 2, 5, 10]) if (m * e >= v) return m * e;
    return 10 * e;
  }
  function axes(ctx, W, H, right, top, label) {
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(34, 4); ctx.lineTo(34, H - 16); ctx.lineTo(W - 4, H - 16); ctx.stroke();
    ctx.fillStyle = "#333"; ctx.font = "10px sans-serif"; ctx.textAlign = "right";
    ctx.fillText(top, 31, 12); ctx.fillText(label, 31, H - 18);
    ctx.textAlign = "center"; ctx.fillText(`epoch (0 to ${right})`, W / 2, H - 4);
  }
  function line(ctx, values, W, H, right, y, color) {
    ctx.strokeStyle = color; ctx.lineWidth = 1.4; ctx.beginPath();
    let started = false;
    values.forEach((v, e) => {
      const yy = y(v);
      if (!Number.isFinite(yy)) { started = false; return; }
      const xx = 34 + (e / right) * (W - 38);
      started ? ctx.lineTo(xx, yy) : ctx.moveTo(xx, yy); started = true;
    });
    ctx.stroke();
  }
  const epochRight = (e) => { let r = 10; while (r < e) r *= 2; return r; };

  function drawLoss() {
    const ctx = lossPlot.getContext("2d"), W = lossPlot.width, H = lossPlot.height;
    const { train, test } = run.curves(), right = epochRight(run.epoch);
    const top = niceTop(1.05 * Math.max(...train.filter(Number.isFinite), ...test.filter(Number.isFinite)));
    axes(ctx, W, H, right, String(top), "0");
    const y = (v) => (H - 16) - (Math.min(v, top) / top) * (H - 20);
    line(ctx, train, W, H, right, y, "#404040");
    line(ctx, test, W, H, right, y, "#ff7f0e");
    lossText.textContent = `loss: train ${train[train.length - 1].toFixed(4)}, test ${test[test.length - 1].toFixed(4)}`;
  }

  function drawGrads() {
    const ctx = gradPlot.getContext("2d"), W = gradPlot.width, H = gradPlot.height;
    const G = run.gradNorms, right = epochRight(run.epoch), n = G[0].length;
    let lo = Infinity, hi = -Infinity;
    for (const row of G) for (const v of row) if (Number.isFinite(v) && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!Number.isFinite(lo)) { lo = 1e-3; hi = 1; }
    const a = Math.floor(Math.log10(lo)), b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
    axes(ctx, W, H, right, `1e${b}`, `1e${a}`);
    const y = (v) => (H - 16) - ((Math.log10(Math.max(v, 1e-300)) - a) / (b - a)) * (H - 20);
    const colors = Array.from({ length: n }, (_, i) => { const c = viridis(0.85 * i / Math.max(1, n - 1)); return `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`; });
    for (let i = 0; i < n; i++) line(ctx, G.map((r) => r[i]), W, H, right, y, colors[i]);
    if (gradLegend.childElementCount !== n) {
      gradLegend.replaceChildren(el("span", { text: "gradient norm ‖∂L/∂W‖ per layer: " }),
        ...colors.map((c, i) => el("span", { class: "nnpg-key", style: `--key:${c}`, text: `W${i + 1}` })));
    }
  }

  function draw() {
    const layers = run.gridLayers(grid);
    drawBoundary(layers);
    drawNetwork(layers);
    drawLoss();
    drawGrads();
    epochOut.textContent = String(run.epoch);
    const h = run.history, acc = h.val_accuracy.length ? h.val_accuracy[h.val_accuracy.length - 1] : run.initial.val_accuracy;
    status.textContent = `epoch ${run.epoch}` + (acc !== undefined ? `, test accuracy ${acc.toFixed(3)}` : "") +
      (run.diverged ? ": diverged (lower the learning rate and reset)" : "");
  }

  // for the benchmark and the tests: one synchronous frame (an epoch and the redraw), and the state
  window.nnbookLivePlayground = {
    frame() { run.stepEpoch(1); draw(); return run.epoch; },
    stepEpochOnly() { run.stepEpoch(1); return run.epoch; },
    draw,
    state: () => ({ epoch: run.epoch, playing, config: JSON.parse(JSON.stringify(config)), dict: E.pythonDict(config),
                    loss: run.curves(), diverged: run.diverged }),
    play: setPlaying,
  };
  loadHash();
  if (reducedMotion) status.setAttribute("data-reduced-motion", "true");  // playing is never started without a click
})();
