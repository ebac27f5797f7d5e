/* The live playground's data: a seeded generator (xoshiro128**), ports of
 * nnbook.data's generators with the playground's split, the input features,
 * and nnbook.init's initializers. Needs config.js.
 */
(function (root, factory) {
  const node = typeof module === "object" && module.exports;
  const base = node ? require("./config.js") : root.NNBookPlayground;
  const api = Object.assign({}, base, factory(base));
  if (node) module.exports = api;
  else root.NNBookPlayground = api;
})(typeof self !== "undefined" ? self : this, function (base) {
  "use strict";
  const { roundHalfEven } = base;

  // ---------------------------------------------------------------------------
  // Random numbers: xoshiro128** seeded by splitmix32
  // ---------------------------------------------------------------------------
  function makeRng(seed) {
    let x = (seed >>> 0) ^ 0x9e3779b9;
    const s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {  // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    function next() {
      const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
      const t = s[1] << 9;
      s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
      s[2] ^= t; s[3] = rotl(s[3], 11);
      return r;
    }
    function rotl(v, k) { return (v << k) | (v >>> (32 - k)); }
    let spare = null;
    const rng = {
      /** a double uniform on [0, 1) with 53 random bits */
      random() { return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992; },
      uniform(lo, hi) { return lo + (hi - lo) * rng.random(); },
      normal() {  // Box-Muller, both values used
        if (spare !== null) { const v = spare; spare = null; return v; }
        let u = 0;
        while (u === 0) u = rng.random();
        const r = Math.sqrt(-2 * Math.log(u)), t = 2 * Math.PI * rng.random();
        spare = r * Math.sin(t);
        return r * Math.cos(t);
      },
      permutation(n) {  // Fisher-Yates
        const p = new Int32Array(n);
        for (let i = 0; i < n; i++) p[i] = i;
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rng.random() * (i + 1));
          const t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
      },
    };
    return rng;
  }


  // ---------------------------------------------------------------------------
  // Data (ports of nnbook.data's generators) and features
  // ---------------------------------------------------------------------------
  /** Raw points {X: Float64Array (n*dim), y: Float64Array (n), dim} of config's data set. */
  function generate(c, rng) {
    const n = c.n_points, noise = c.noise;
    const dim = c.dataset === "regression_1d" ? 1 : 2;
    const X = new Float64Array(n * dim), y = new Float64Array(n);
    const shuffled = (perm) => {
      const X2 = new Float64Array(n * dim), y2 = new Float64Array(n);
      for (let i = 0; i < n; i++) { X2[2 * i] = X[2 * perm[i]]; X2[2 * i + 1] = X[2 * perm[i] + 1]; y2[i] = y[perm[i]]; }
      return { X: X2, y: y2, dim };
    };
    if (c.dataset === "xor" || c.dataset === "regression_2d") {
      for (let i = 0; i < 2 * n; i++) X[i] = rng.uniform(-1, 1);
      for (let i = 0; i < n; i++) {
        const a = X[2 * i], b = X[2 * i + 1];
        y[i] = c.dataset === "xor" ? (a * b < 0 ? 1 : 0) : Math.sin(Math.PI * a) * Math.cos(Math.PI * b / 2);
      }
      if (c.dataset === "xor") for (let i = 0; i < 2 * n; i++) X[i] += noise * rng.normal();
      else for (let i = 0; i < n; i++) y[i] += noise * rng.normal();
      return { X, y, dim };
    }
    if (c.dataset === "circles") {
      const nIn = Math.floor(n / 2);
      for (let i = 0; i < n; i++) y[i] = i < n - nIn ? 0 : 1;
      for (let i = 0; i < n; i++) {
        const t = rng.uniform(0, 2 * Math.PI), r = y[i] === 1 ? 0.5 : 1.0;
        X[2 * i] = r * Math.cos(t); X[2 * i + 1] = r * Math.sin(t);
      }
      for (let i = 0; i < 2 * n; i++) X[i] += noise * rng.normal();
      return shuffled(rng.permutation(n));
    }
    if (c.dataset === "moons") {
      const n1 = Math.floor(n / 2);
      for (let i = 0; i < n; i++) y[i] = i < n - n1 ? 0 : 1;
      for (let i = 0; i < n; i++) {
        const t = rng.uniform(0, Math.PI);
        if (y[i] === 0) { X[2 * i] = Math.cos(t); X[2 * i + 1] = Math.sin(t); }
        else { X[2 * i] = 1 - Math.cos(t); X[2 * i + 1] = 0.5 - Math.sin(t); }
      }
      for (let i = 0; i < 2 * n; i++) X[i] += noise * rng.normal();
      return shuffled(rng.permutation(n));
    }
    if (c.dataset === "spirals") {
      const k = c.n_classes;
      for (let i = 0; i < n; i++) y[i] = i % k;
      const r = Float64Array.from({ length: n }, () => rng.uniform(0.05, 1.0));
      for (let i = 0; i < n; i++) {
        const angle = 2 * Math.PI * (r[i] + y[i] / k) + noise * rng.normal();
        X[2 * i] = r[i] * Math.cos(angle); X[2 * i + 1] = r[i] * Math.sin(angle);
      }
      return shuffled(rng.permutation(n));
    }
    if (c.dataset === "blobs") {  // the playground's centres: on a circle of radius 1.5
      const k = c.n_classes;
      for (let i = 0; i < n; i++) {
        y[i] = i % k;
        const angle = 2 * Math.PI * y[i] / k + Math.PI / 4;
        X[2 * i] = 1.5 * Math.cos(angle) + noise * rng.normal();
        X[2 * i + 1] = 1.5 * Math.sin(angle) + noise * rng.normal();
      }
      return shuffled(rng.permutation(n));
    }
    // regression_1d: sorted x ~ U(0, 1), y = f(x) + noise
    const xs = Float64Array.from({ length: n }, () => rng.uniform(0, 1)).sort();
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      X[i] = x;
      y[i] = 0.2 + 0.4 * x * x + 0.3 * x * Math.sin(15 * x) + 0.05 * Math.cos(50 * x) + noise * rng.normal();
    }
    return { X, y, dim };
  }

  /** nnbook.data.train_test_split: a permutation, the first n_test go to the test set. */
  function split(d, testFraction, rng) {
    const n = d.y.length, perm = rng.permutation(n);
    const nTest = Math.max(1, roundHalfEven(testFraction * n));
    const take = (idx) => {
      const X = new Float64Array(idx.length * d.dim), y = new Float64Array(idx.length);
      idx.forEach((j, i) => { for (let a = 0; a < d.dim; a++) X[i * d.dim + a] = d.X[j * d.dim + a]; y[i] = d.y[j]; });
      return { X, y };
    };
    const te = take(perm.subarray(0, nTest)), tr = take(perm.subarray(nTest));
    return { Xtrain: tr.X, ytrain: tr.y, Xtest: te.X, ytest: te.y, dim: d.dim };
  }

  const FEATURE_FN = {
    "x1": (a) => a, "x2": (a, b) => b, "x1^2": (a) => a * a, "x2^2": (a, b) => b * b,
    "x1*x2": (a, b) => a * b, "sin(x1)": (a) => Math.sin(a), "sin(x2)": (a, b) => Math.sin(b),
  };
  /** The network's inputs (n * len(names)) from raw points (n * dim). */
  function features(X, dim, names) {
    const n = X.length / dim, f = names.map((k) => FEATURE_FN[k]), m = f.length;
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      const a = X[i * dim], b = dim > 1 ? X[i * dim + 1] : 0;
      for (let j = 0; j < m; j++) out[i * m + j] = f[j](a, b);
    }
    return out;
  }

  // ---------------------------------------------------------------------------
  // Initializers (nnbook.init), with the playground's scale
  // ---------------------------------------------------------------------------
  function initWeight(name, scale, fanIn, fanOut, rng) {
    const w = new Float64Array(fanIn * fanOut);
    const fill = (f) => { for (let i = 0; i < w.length; i++) w[i] = scale * f(); };
    const normal = (std) => fill(() => std * rng.normal());
    const uniform = (a) => fill(() => rng.uniform(-a, a));
    switch (name) {
      case "zeros": break;
      case "constant": w.fill(scale); break;
      case "normal": normal(1); break;
      case "uniform": uniform(1); break;
      case "lecun_normal": normal(Math.sqrt(1 / fanIn)); break;
      case "xavier_normal": normal(Math.sqrt(2 / (fanIn + fanOut))); break;
      case "xavier_uniform": uniform(Math.sqrt(6 / (fanIn + fanOut))); break;
      case "he_normal": normal(Math.SQRT2 / Math.sqrt(fanIn)); break;
      case "he_uniform": uniform(Math.SQRT2 * Math.sqrt(3 / fanIn)); break;
      default: throw new Error(`unknown initializer ${name}`);
    }
    return w;
  }

  return {
    makeRng, generate, split, features, initWeight,
  };
});
