/* The live playground's configurations: nnbook.playground.PlaygroundConfig's
 * fields, defaults and rules, the URL hash, and the dict for Jupyter.
 * Loaded before data.js and engine.js (window.NNBookPlayground; CommonJS in node).
 */
(function (root, factory) {
  const api = factory({});
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.NNBookPlayground = Object.assign(root.NNBookPlayground || {}, api);
})(typeof self !== "undefined" ? self : this, function (base) {
  "use strict";

  // ---------------------------------------------------------------------------
  // Choices (the names of nnbook.playground)
  // ---------------------------------------------------------------------------
  const DATASETS = ["xor", "circles", "blobs", "spirals", "moons", "regression_1d", "regression_2d"];
  const BINARY_ONLY = ["xor", "circles", "moons"];
  const REGRESSION = ["regression_1d", "regression_2d"];
  const ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "softplus", "hardtanh", "abs"];
  const INITS = ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal", "normal", "uniform", "constant", "zeros"];
  const OUTPUTS = ["auto", "sigmoid", "softmax", "linear"];
  const FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"];
  const FEATURES_1D = ["x1", "x1^2", "sin(x1)"];
  const RRELU_LOWER = 1 / 8, RRELU_UPPER = 1 / 3;

  /** PlaygroundConfig's fields with their defaults (the page's default network is 2-8-8-1). */
  const DEFAULTS = Object.freeze({
    dataset: "circles", n_points: 200, noise: 0.1, test_fraction: 0.5, n_classes: 2,
    features: ["x1", "x2"], hidden: [8, 8], activation: "tanh", init: "xavier_uniform",
    init_scale: 1.0, bias_init: 0.0, output: "auto", lr: 0.03, batch_size: 10,
    momentum: 0.0, l2: 0.0, l1: 0.0, dropout: 0.0, seed: 0,
  });
  const FIELDS = Object.keys(DEFAULTS);
  /** The fields that change the training only: a run keeps its weights when they change (nnbook's TRAINING_FIELDS). */
  const TRAINING = ["lr", "batch_size", "momentum", "l2", "l1", "dropout"];
  /** The fields that are floats in Python (the dict for Jupyter writes 0 as 0.0). */
  const FLOATS = ["noise", "test_fraction", "init_scale", "bias_init", "lr", "momentum", "l2", "l1", "dropout"];


  // ---------------------------------------------------------------------------
  // Configuration
  // ---------------------------------------------------------------------------
  function task(c) {
    if (REGRESSION.includes(c.dataset)) return "regression";
    return c.n_classes === 2 ? "binary" : "multiclass";
  }
  function outputUnit(c) {
    if (c.output !== "auto") return c.output;
    return { binary: "sigmoid", multiclass: "softmax", regression: "linear" }[task(c)];
  }
  function layerSizes(c) {
    return [c.features.length, ...c.hidden, outputUnit(c) === "softmax" ? c.n_classes : 1];
  }
  /** Python's round(): halves go to the even neighbour (train_test_split's n_test). */
  function roundHalfEven(v) {
    const f = Math.floor(v), d = v - f;
    if (d > 0.5) return f + 1;
    if (d < 0.5) return f;
    return f % 2 === 0 ? f : f + 1;
  }

  /** A complete, checked config from a partial one; throws Error with PlaygroundConfig's rules. */
  function normalizeConfig(partial) {
    const c = {};
    for (const k of Object.keys(partial || {})) {
      if (!FIELDS.includes(k)) throw new Error(`unknown key ${JSON.stringify(k)}; valid keys are ${FIELDS.join(", ")}`);
    }
    for (const k of FIELDS) c[k] = partial && partial[k] !== undefined ? partial[k] : DEFAULTS[k];
    c.features = Array.from(c.features);
    c.hidden = Array.from(c.hidden, Number);
    const bad = (why) => { throw new Error(why); };
    const choice = (k, opts) => { if (!opts.includes(c[k])) bad(`unknown ${k} ${JSON.stringify(c[k])}`); };
    choice("dataset", DATASETS); choice("activation", ACTIVATIONS); choice("init", INITS); choice("output", OUTPUTS);
    const int = (k, lo) => { if (!Number.isInteger(c[k]) || c[k] < lo) bad(`${k} must be an integer >= ${lo}`); };
    int("n_points", 4); int("n_classes", 2); int("seed", 0);
    if (c.batch_size !== null) int("batch_size", 1);
    for (const k of FLOATS) {
      if (typeof c[k] !== "number" || !Number.isFinite(c[k])) bad(`${k} must be a finite number`);
    }
    if (c.noise < 0 || c.init_scale < 0 || c.l2 < 0 || c.l1 < 0) bad("noise, init_scale, l2 and l1 must be >= 0");
    if (!(c.test_fraction > 0 && c.test_fraction < 1)) bad("test_fraction must lie in (0, 1)");
    if (!(c.lr > 0)) bad("lr must be > 0");
    if (!(c.momentum >= 0 && c.momentum < 1)) bad("momentum must lie in [0, 1)");
    if (!(c.dropout >= 0 && c.dropout < 1)) bad("dropout must lie in [0, 1)");
    if (!c.hidden.every((h) => Number.isInteger(h) && h >= 1)) bad("hidden must hold positive integers");
    if (!c.features.length || new Set(c.features).size !== c.features.length) bad("features must be distinct, at least one");
    for (const f of c.features) if (!FEATURES.includes(f)) bad(`unknown feature ${JSON.stringify(f)}`);
    if (c.dataset === "regression_1d" && c.features.some((f) => !FEATURES_1D.includes(f))) bad("regression_1d has the input x1 only");
    if ((BINARY_ONLY.includes(c.dataset) || REGRESSION.includes(c.dataset)) && c.n_classes !== 2) bad(`${c.dataset} has n_classes 2`);
    if (REGRESSION.includes(c.dataset) && !["auto", "linear"].includes(c.output)) bad("regression needs output 'linear' or 'auto'");
    if (!REGRESSION.includes(c.dataset) && c.output === "linear") bad("output 'linear' is for the regression data sets");
    if (c.output === "sigmoid" && c.n_classes !== 2) bad("output 'sigmoid' separates 2 classes");
    if (c.n_points - Math.max(1, roundHalfEven(c.test_fraction * c.n_points)) < 1) bad("test_fraction leaves no training points");
    return c;
  }

  /** The config as Python source of the dict PlaygroundConfig.from_dict reads. */
  function pythonDict(config) {
    const c = normalizeConfig(config);
    const py = (v) => {
      if (v === null) return "None";
      if (Array.isArray(v)) return "[" + v.map(py).join(", ") + "]";
      if (typeof v === "string") return "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
      return String(v);
    };
    const body = FIELDS.map((k) => {
      let v = py(c[k]);
      if (FLOATS.includes(k) && /^-?\d+$/.test(v)) v += ".0";  // 1 -> 1.0, but 1e+21 stays
      return `    ${py(k)}: ${v},`;
    });
    return "{\n" + body.join("\n") + "\n}";
  }

  /** URL hash of a config: only the fields that differ from the defaults, key=value pairs. */
  function toHash(config) {
    const c = normalizeConfig(config);
    const parts = [];
    for (const k of FIELDS) {
      const v = c[k], d = DEFAULTS[k];
      if (JSON.stringify(v) === JSON.stringify(d)) continue;
      const s = Array.isArray(v) ? v.join(",") : v === null ? "full" : String(v);
      parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(s).replace(/%2C/g, ","));
    }
    return parts.join("&");
  }

  function fromHash(hash) {
    const c = {};
    const text = (hash || "").replace(/^#/, "");
    if (!text) return normalizeConfig({});
    for (const part of text.split("&")) {
      if (!part) continue;
      const i = part.indexOf("=");
      const k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
      const s = i < 0 ? "" : decodeURIComponent(part.slice(i + 1));
      if (!FIELDS.includes(k)) throw new Error(`unknown key ${JSON.stringify(k)} in the address`);
      const d = DEFAULTS[k];
      if (k === "hidden") c[k] = s ? s.split(",").map(Number) : [];
      else if (k === "features") c[k] = s ? s.split(",") : [];
      else if (k === "batch_size") c[k] = s === "full" ? null : Number(s);
      else if (typeof d === "number") c[k] = Number(s);
      else c[k] = s;
    }
    return normalizeConfig(c);
  }

  return {
    DATASETS, BINARY_ONLY, REGRESSION, ACTIVATIONS, INITS, OUTPUTS, FEATURES, FEATURES_1D, DEFAULTS, FIELDS, TRAINING, FLOATS,
    RRELU_LOWER, RRELU_UPPER, task, outputUnit, layerSizes, roundHalfEven, normalizeConfig, pythonDict, toHash, fromHash,
  };
});
