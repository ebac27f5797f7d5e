/* The live playground's engine: a float64 port of nnbook's MLP training step.
 *
 * It mirrors nnbook.playground.Playground: Linear layers (Z = X W + b, W of
 * shape (d_in, d_out) stored row-major), the hidden activations of
 * nnbook.activations, BCE with logits / cross-entropy / squared error
 * (nnbook.losses), SGD with momentum, weight decay and L1 on weights only
 * (nnbook.optim.SGD), inverted dropout on the hidden layers' outputs
 * (nnbook.Dropout, after each hidden activation), and the epoch of nnbook.fit
 * (mean loss over the epoch's mini-batches, then the test loss in evaluation
 * mode, where dropout is the identity).
 * tests/test_live_playground.py runs it under node against nnbook itself.
 *
 * Randomness comes from one seeded generator (xoshiro128**), drawn in
 * nnbook's order: data, split, weights, then each epoch's shuffle and, batch
 * by batch and layer by layer, RReLU's slopes and dropout's masks (a unit is
 * kept where a uniform draw is >= p, as nb.Dropout's rng.random(shape) >= p,
 * row by row). It is not
 * NumPy's generator, so the same seed draws other points and weights than
 * nnbook does; a run given explicit data, weights and draws (the `rng`
 * option: the mask source of dropout as well) gives nnbook's numbers.
 *
 * Needs config.js and data.js (loaded before it in the page, required in
 * node); no other dependency. A browser script (window.NNBookPlayground) and
 * a CommonJS module (node) alike.
 */
(function (root, factory) {
  const node = typeof module === "object" && module.exports;
  const base = node ? require("./data.js") : root.NNBookPlayground;
  const api = Object.assign({}, base, factory(base));
  if (node) module.exports = api;
  else root.NNBookPlayground = api;
})(typeof self !== "undefined" ? self : this, function (base) {
  "use strict";
  const { ACTIVATIONS, TRAINING, RRELU_LOWER, RRELU_UPPER, normalizeConfig, task, outputUnit, layerSizes, makeRng, generate, split, features, initWeight } = base;

  // ---------------------------------------------------------------------------
  // Activations: forward into h, backward multiplies g (dL/dh -> dL/dz) in place
  // ---------------------------------------------------------------------------
  function sigmoid(z) {
    const e = Math.exp(-Math.abs(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  }
  const ACT = {
    identity: { f: (z) => z, d: () => 1 },
    sigmoid: { f: sigmoid, dh: (h) => h * (1 - h) },
    tanh: { f: Math.tanh, dh: (h) => 1 - h * h },
    relu: { f: (z) => Math.max(z, 0), d: (z) => (z > 0 ? 1 : 0) },
    leaky_relu: { f: (z) => (z > 0 ? z : 0.01 * z), d: (z) => (z > 0 ? 1 : 0.01) },
    elu: { f: (z) => (z > 0 ? z : Math.expm1(Math.min(z, 0))), d: (z) => (z > 0 ? 1 : Math.exp(Math.min(z, 0))) },
    softplus: { f: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), d: sigmoid },
    hardtanh: { f: (z) => Math.min(Math.max(z, -1), 1), d: (z) => (z > -1 && z < 1 ? 1 : 0) },
    abs: { f: Math.abs, d: Math.sign },
  };

  // ---------------------------------------------------------------------------
  // The network
  // ---------------------------------------------------------------------------
  class Network {
    /**
     * @param {number[]} sizes widths from input to output
     * @param {string} activation hidden-unit activation
     * @param {Float64Array[]} weights (d_in * d_out, row-major) a layer
     * @param {Float64Array[]} biases (d_out) a layer
     */
    constructor(sizes, activation, weights, biases) {
      if (!ACTIVATIONS.includes(activation)) throw new Error(`unknown activation ${activation}`);
      this.sizes = sizes.slice();
      this.activation = activation;
      this.L = sizes.length - 1;
      this.W = weights.map((w) => Float64Array.from(w));
      this.b = biases.map((b) => Float64Array.from(b));
      for (let l = 0; l < this.L; l++) {
        if (this.W[l].length !== sizes[l] * sizes[l + 1] || this.b[l].length !== sizes[l + 1]) {
          throw new Error(`layer ${l + 1}: weight needs ${sizes[l]}x${sizes[l + 1]} values and bias ${sizes[l + 1]}`);
        }
      }
      // PReLU: one learned slope a hidden layer (nnbook.PReLU(), init 0.25, no weight decay)
      this.a = activation === "prelu" ? Array.from({ length: this.L - 1 }, () => Float64Array.of(0.25)) : [];
      this.gW = this.W.map((w) => new Float64Array(w.length));
      this.gb = this.b.map((b) => new Float64Array(b.length));
      this.ga = this.a.map(() => new Float64Array(1));
      this.rng = null;       // draws RReLU's slopes and dropout's masks in training mode
      this.training = true;
      this.dropout = 0;      // drop probability on each hidden layer's output (training mode only)
      this._dropped = false; // whether the last forward pass dropped units
      this._cap = 0;
    }

    /** Parameters in nnbook's order (weight, bias of each Linear, then the layer's PReLU slope). */
    params() {
      const out = [];
      for (let l = 0; l < this.L; l++) {
        out.push({ v: this.W[l], g: this.gW[l], decay: true }, { v: this.b[l], g: this.gb[l], decay: false });
        if (l < this.a.length) out.push({ v: this.a[l], g: this.ga[l], decay: false });
      }
      return out;
    }

    _buffers(n) {
      if (n <= this._cap) return;
      this._cap = n;
      this.Z = this.sizes.map((s) => new Float64Array(n * s));   // pre-activations (Z[0] unused)
      this.H = this.sizes.map((s) => new Float64Array(n * s));   // activations (H[0] the input)
      this.S = this.sizes.map((s) => new Float64Array(n * s));   // RReLU slopes drawn in training
      this.G = this.sizes.map((s) => new Float64Array(n * s));   // dL/d(layer output)
      this.M = this.sizes.map((s) => new Float64Array(n * s));   // dropout: 1/(1-p) where kept, 0 where dropped
      this.D = this.sizes.map((s) => new Float64Array(n * s));   // dropout's output H * M, the next layer's input
    }

    /** The input of layer l (0-based): the previous layer's activations, after dropout if it dropped. */
    _input(l) {
      return l > 0 && this._dropped ? this.D[l] : this.H[l];
    }

    /** Inverted dropout on hidden layer l (m values): a fresh mask from rng, kept units scaled by 1/(1-p). */
    _drop(l, m) {
      const p = this.dropout, scale = 1 / (1 - p), H = this.H[l], M = this.M[l], D = this.D[l], rng = this.rng;
      for (let i = 0; i < m; i++) M[i] = rng.random() >= p ? scale : 0;
      for (let i = 0; i < m; i++) D[i] = H[i] * M[i];
    }

    /** Forward pass of n rows of x; returns the output logits (a view of n * d_out). */
    forward(x, n) {
      this._buffers(n);
      this.n = n;
      this.H[0].set(x.subarray(0, n * this.sizes[0]));
      this._dropped = this.training && this.dropout > 0;
      for (let l = 0; l < this.L; l++) {
        const din = this.sizes[l], dout = this.sizes[l + 1];
        const X = this._input(l), W = this.W[l], b = this.b[l];
        const last = l === this.L - 1;
        const Z = last ? this.H[l + 1] : this.Z[l + 1];
        for (let i = 0; i < n; i++) {
          const zi = i * dout, xi = i * din;
          for (let j = 0; j < dout; j++) Z[zi + j] = 0;
          for (let k = 0; k < din; k++) {
            const xv = X[xi + k], wk = k * dout;
            for (let j = 0; j < dout; j++) Z[zi + j] += xv * W[wk + j];
          }
          for (let j = 0; j < dout; j++) Z[zi + j] += b[j];
        }
        if (!last) {
          this._activate(l + 1, n * dout);
          if (this._dropped) this._drop(l + 1, n * dout);
        }
      }
      return this.H[this.L].subarray(0, n * this.sizes[this.L]);
    }

    _activate(l, m) {
      const Z = this.Z[l], H = this.H[l], name = this.activation;
      if (name === "prelu") {
        const a = this.a[l - 1][0];
        for (let i = 0; i < m; i++) H[i] = Z[i] > 0 ? Z[i] : a * Z[i];
      } else if (name === "rrelu") {
        const S = this.S[l];
        if (this.training) {
          for (let i = 0; i < m; i++) S[i] = RRELU_LOWER + (RRELU_UPPER - RRELU_LOWER) * this.rng.random();
          for (let i = 0; i < m; i++) H[i] = Z[i] > 0 ? Z[i] : S[i] * Z[i];
        } else {
          const s = (RRELU_LOWER + RRELU_UPPER) / 2;
          for (let i = 0; i < m; i++) H[i] = Z[i] > 0 ? Z[i] : s * Z[i];
        }
      } else {
        const f = ACT[name].f;
        for (let i = 0; i < m; i++) H[i] = f(Z[i]);
      }
    }

    _deactivate(l, m) {  // G[l] = dL/dh  ->  dL/dz
      const Z = this.Z[l], H = this.H[l], G = this.G[l], name = this.activation;
      if (name === "prelu") {
        const a = this.a[l - 1][0];
        let ga = 0;
        for (let i = 0; i < m; i++) ga += G[i] * Math.min(Z[i], 0);
        this.ga[l - 1][0] += ga;
        for (let i = 0; i < m; i++) G[i] = G[i] * (Z[i] > 0 ? 1 : a);
      } else if (name === "rrelu") {
        if (this.training) {
          const S = this.S[l];
          for (let i = 0; i < m; i++) G[i] = G[i] * (Z[i] > 0 ? 1 : S[i]);
        } else {  // evaluation mode: the mean slope, as the forward pass used
          const s = (RRELU_LOWER + RRELU_UPPER) / 2;
          for (let i = 0; i < m; i++) G[i] = G[i] * (Z[i] > 0 ? 1 : s);
        }
      } else if (ACT[name].dh) {
        const dh = ACT[name].dh;
        for (let i = 0; i < m; i++) G[i] = G[i] * dh(H[i]);
      } else {
        const d = ACT[name].d;
        for (let i = 0; i < m; i++) G[i] = G[i] * d(Z[i]);
      }
    }

    /** Backward pass from dL/d(output) (n * d_out); adds into the gradients. */
    backward(gout) {
      const n = this.n;
      this.G[this.L].set(gout.subarray(0, n * this.sizes[this.L]));
      for (let l = this.L - 1; l >= 0; l--) {
        const din = this.sizes[l], dout = this.sizes[l + 1];
        const X = this._input(l), D = this.G[l + 1], W = this.W[l], gW = this.gW[l], gb = this.gb[l];
        for (let i = 0; i < n; i++) {
          const di = i * dout, xi = i * din;
          for (let k = 0; k < din; k++) {
            const xv = X[xi + k], wk = k * dout;
            for (let j = 0; j < dout; j++) gW[wk + j] += xv * D[di + j];
          }
          for (let j = 0; j < dout; j++) gb[j] += D[di + j];
        }
        if (l === 0) break;  // the data need no gradient
        const GX = this.G[l];
        for (let i = 0; i < n; i++) {
          const di = i * dout, xi = i * din;
          for (let k = 0; k < din; k++) {
            let s = 0;
            const wk = k * dout;
            for (let j = 0; j < dout; j++) s += D[di + j] * W[wk + j];
            GX[xi + k] = s;
          }
        }
        if (this._dropped) {  // through dropout: the same mask and scale as the forward pass
          const M = this.M[l];
          for (let i = 0; i < n * din; i++) GX[i] *= M[i];
        }
        this._deactivate(l, n * din);
      }
    }

    zeroGrad() {
      for (const p of this.params()) p.g.fill(0);
    }

    /** Activations of every layer for n rows (evaluation mode): [inputs, hidden 1, ..., output logits]. */
    layers(x, n) {
      const mode = this.training;
      this.training = false;
      this.forward(x, n);
      this.training = mode;
      return this.H.map((h, l) => h.subarray(0, n * this.sizes[l]));
    }
  }

  // ---------------------------------------------------------------------------
  // Losses on the network's output: value, gradient, correct predictions
  // ---------------------------------------------------------------------------
  /** Loss of outputs Z (n * k) against targets y; writes dL/dZ into grad when given. */
  function lossOf(unit, Z, y, n, k, grad) {
    let total = 0, correct = 0;
    if (unit === "sigmoid") {
      const s = 1 / n;
      for (let i = 0; i < n; i++) {
        const z = Z[i], t = y[i];
        total += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
        if (grad) grad[i] = s * (sigmoid(z) - t);
        if ((z >= 0 ? 1 : 0) === t) correct++;
      }
      return { loss: total * s, correct };
    }
    if (unit === "softmax") {
      const s = 1 / n;
      for (let i = 0; i < n; i++) {
        const o = i * k, t = y[i];
        let m = -Infinity, arg = 0;
        for (let j = 0; j < k; j++) if (Z[o + j] > m) { m = Z[o + j]; arg = j; }
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(Z[o + j] - m);
        const lse = Math.log(sum);
        total += Z[o + t] - m - lse;
        if (grad) {
          for (let j = 0; j < k; j++) grad[o + j] = Math.exp(Z[o + j] - m - lse);
          grad[o + t] -= 1;
          for (let j = 0; j < k; j++) grad[o + j] *= s;
        }
        if (arg === t) correct++;
      }
      return { loss: -total * s, correct };
    }
    const s = 1 / (n * k);
    for (let i = 0; i < n; i++) {
      const diff = Z[i] - y[i];
      total += diff * diff;
      if (grad) grad[i] = 2 * s * diff;
    }
    return { loss: total * s, correct: NaN };
  }

  // ---------------------------------------------------------------------------
  // A run: data, network, SGD, history
  // ---------------------------------------------------------------------------
  class Run {
    /**
     * @param {object} config PlaygroundConfig fields (missing ones take the defaults)
     * @param {object} [opts] data {Xtrain, ytrain, Xtest, ytest} raw inputs (row-major) and targets;
     *   weights, biases (per layer); rng {random(), permutation(n)} for the training draws.
     *   Without them the run draws everything from its seed.
     */
    constructor(config, opts = {}) {
      this.config = normalizeConfig(config);
      const c = this.config;
      this.task = task(c);
      this.unit = outputUnit(c);
      this.sizes = layerSizes(c);
      this.dim = c.dataset === "regression_1d" ? 1 : 2;
      const seeded = makeRng(c.seed);
      const flat = (a) => Float64Array.from(a.flat ? a.flat() : a);
      const d = opts.data ? {
        Xtrain: flat(opts.data.Xtrain), ytrain: flat(opts.data.ytrain),
        Xtest: flat(opts.data.Xtest), ytest: flat(opts.data.ytest),
      } : split(generate(c, seeded), c.test_fraction, seeded);
      Object.assign(this, { Xtrain: d.Xtrain, ytrain: d.ytrain, Xtest: d.Xtest, ytest: d.ytest });
      this.nTrain = this.ytrain.length;
      this.nTest = this.ytest.length;
      this.inTrain = features(this.Xtrain, this.dim, c.features);
      this.inTest = features(this.Xtest, this.dim, c.features);
      let W = opts.weights, b = opts.biases;
      if (!W) {
        W = []; b = [];
        for (let l = 0; l + 1 < this.sizes.length; l++) {
          W.push(initWeight(c.init, c.init_scale, this.sizes[l], this.sizes[l + 1], seeded));
          b.push(new Float64Array(this.sizes[l + 1]).fill(c.bias_init));
        }
      }
      this.rng = opts.rng || seeded;
      this.net = new Network(this.sizes, c.activation, W.map((w) => w.flat ? w.flat() : w), b);
      this.net.rng = this.rng;
      this.velocity = null;
      this.setTraining(c);
      this.epoch = 0;
      this.diverged = false;
      this.history = { loss: [], accuracy: [], val_loss: [], val_accuracy: [] };
      this._gbuf = new Float64Array(this.nTrain * this.sizes[this.sizes.length - 1]);
      this._xbuf = new Float64Array(this.nTrain * this.sizes[0]);
      this._ybuf = new Float64Array(this.nTrain);
      this.initial = this.evaluate();
      this.gradNorms = [this._gradNorms()];
    }

    /** Change lr, batch_size, momentum, l2, l1, dropout without a reset (momentum restarts, as in nnbook's App). */
    setTraining(changes) {
      for (const k of TRAINING) if (k in changes) this.config[k] = changes[k];
      this.config = normalizeConfig(this.config);
      this.net.dropout = this.config.dropout;
      this.velocity = this.net.params().map((p) => new Float64Array(p.v.length));
    }

    /** Loss (and accuracy) on the training and test sets, in evaluation mode. */
    _evalSet(x, y, n) {
      const k = this.sizes[this.sizes.length - 1];
      const out = this.net.layers(x, n)[this.sizes.length - 1];
      const r = lossOf(this.unit, out, y, n, k, null);
      return { loss: r.loss, accuracy: r.correct / n };
    }

    evaluate() {
      const tr = this._evalSet(this.inTrain, this.ytrain, this.nTrain), te = this._evalSet(this.inTest, this.ytest, this.nTest);
      const out = { loss: tr.loss, val_loss: te.loss };
      if (this.task !== "regression") { out.accuracy = tr.accuracy; out.val_accuracy = te.accuracy; }
      return out;
    }

    _gradNorms() {
      const net = this.net, n = this.nTrain, k = this.sizes[this.sizes.length - 1];
      net.training = false;
      net.zeroGrad();
      const out = net.forward(this.inTrain, n);
      lossOf(this.unit, out, this.ytrain, n, k, this._gbuf);
      net.backward(this._gbuf);
      const norms = net.gW.map((g) => { let s = 0; for (const v of g) s += v * v; return Math.sqrt(s); });
      net.zeroGrad();
      net.training = true;
      return norms;
    }

    _sgdStep() {
      const { lr, momentum: mu, l2: wd, l1 } = this.config;
      const params = this.net.params();
      for (let q = 0; q < params.length; q++) {
        const { v, g, decay } = params[q];
        const vel = this.velocity[q];
        for (let i = 0; i < v.length; i++) {
          let gi = g[i];
          if (decay) {
            if (wd) gi = gi + wd * v[i];
            if (l1) gi += l1 * Math.sign(v[i]);
          }
          if (mu) { vel[i] = vel[i] * mu + gi; gi = vel[i]; }
          v[i] -= lr * gi;
        }
      }
    }

    /** One epoch of nnbook.fit: shuffled mini-batches (full batch without a draw), then the test loss. */
    _epoch() {
      const net = this.net, n = this.nTrain, d0 = this.sizes[0], k = this.sizes[this.sizes.length - 1];
      const bs = this.config.batch_size;
      const full = bs === null || bs >= n;
      const order = full ? null : this.rng.permutation(n);
      let total = 0, correct = 0;
      for (let start = 0; start < n; start += full ? n : bs) {
        const m = full ? n : Math.min(bs, n - start);
        let x = this.inTrain, y = this.ytrain;
        if (!full) {
          x = this._xbuf; y = this._ybuf;
          for (let i = 0; i < m; i++) {
            const j = order[start + i];
            for (let a = 0; a < d0; a++) x[i * d0 + a] = this.inTrain[j * d0 + a];
            y[i] = this.ytrain[j];
          }
        }
        net.zeroGrad();
        const out = net.forward(x, m);
        const r = lossOf(this.unit, out, y, m, k, this._gbuf);
        total += r.loss * m;
        correct += (r.correct / m) * m;
        net.backward(this._gbuf);
        this._sgdStep();
      }
      const val = this._evalSet(this.inTest, this.ytest, this.nTest);
      this.history.loss.push(total / n);
      this.history.val_loss.push(val.loss);
      if (this.task !== "regression") {
        this.history.accuracy.push(correct / n);
        this.history.val_accuracy.push(val.accuracy);
      }
      return total / n;
    }

    /** Train `epochs` more epochs; a run whose loss or weights stop being finite stops (diverged). */
    stepEpoch(epochs = 1) {
      for (let e = 0; e < epochs && !this.diverged; e++) {
        const loss = this._epoch();
        this.epoch++;
        const finite = Number.isFinite(loss) && this.net.params().every((p) => p.v.every(Number.isFinite));
        this.gradNorms.push(finite ? this._gradNorms() : this.sizes.slice(1).map(() => NaN));
        if (!finite) this.diverged = true;
      }
    }

    /** Losses over epochs 0..epoch (epoch 0: the untrained network). */
    curves() {
      const h = this.history;
      return { train: [this.initial.loss, ...h.loss], test: [this.initial.val_loss, ...h.val_loss] };
    }

    /** A grid over the data (10% padding, as nnbook's views): {xs, ys} of `res` points an axis. */
    grid(res) {
      const dim = this.dim, lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
      for (const X of [this.Xtrain, this.Xtest]) {
        for (let i = 0; i < X.length; i++) {
          const a = i % dim;
          lo[a] = Math.min(lo[a], X[i]); hi[a] = Math.max(hi[a], X[i]);
        }
      }
      const axis = (a) => {
        const pad = 0.1 * Math.max(hi[a] - lo[a], 1e-9), l = lo[a] - pad, h = hi[a] + pad;
        return Float64Array.from({ length: res }, (_, i) => l + (h - l) * i / (res - 1));
      };
      return dim === 2 ? { xs: axis(0), ys: axis(1) } : { xs: axis(0), ys: null };
    }

    /** Every layer's activations over grid points (row-major, y outer): [features, hidden..., logits]. */
    gridLayers(g) {
      const nx = g.xs.length, ny = g.ys ? g.ys.length : 1;
      const key = `${nx}x${ny}`;
      if (this._gridKey !== key) {
        const raw = new Float64Array(nx * ny * this.dim);
        for (let r = 0; r < ny; r++) {
          for (let q = 0; q < nx; q++) {
            const i = r * nx + q;
            raw[i * this.dim] = g.xs[q];
            if (this.dim === 2) raw[i * 2 + 1] = g.ys[r];
          }
        }
        this._gridKey = key;
        this._gridIn = features(raw, this.dim, this.config.features);
        this._gridNet = new Network(this.sizes, this.config.activation, this.net.W, this.net.b);
      }
      const gn = this._gridNet;  // shares nothing with training buffers: weights copied in
      for (let l = 0; l < gn.L; l++) { gn.W[l].set(this.net.W[l]); gn.b[l].set(this.net.b[l]); }
      for (let l = 0; l < gn.a.length; l++) gn.a[l].set(this.net.a[l]);
      return gn.layers(this._gridIn, nx * ny);
    }
  }

  return {
    sigmoid, Network, lossOf, Run,
  };
});
