"""Time one training step of an MLP in nnbook, in plain NumPy and in PyTorch.

All implementations train the *same* network (same initial weights, same
batches, same plain SGD steps), so the comparison is of the same math:

* ``nnbook``: ``Sequential`` of ``Linear``/``ReLU``, ``CrossEntropyLoss``,
  ``SGD``; one step is ``zero_grad``, forward, loss, backward, ``step``.
* ``numpy``: the same step written out by hand in NumPy (matrix products, a
  ReLU mask, the stable softmax cross-entropy gradient, in-place updates),
  as an efficient baseline with no abstractions.
* ``tight``: the same step in as few NumPy passes as it takes (in-place
  ReLUs, the learning rate folded into the output gradient, each weight
  updated straight from its product, no gradient arrays), written as NumPy is
  written by hand; the baseline nnbook's targets are set against.
  ``tight+`` (on request) adds the call-overhead savings nnbook uses.
* ``torch``: ``torch.nn`` and ``torch.optim.SGD`` on the CPU, same dtype,
  ``torch.set_num_threads`` set to NumPy's BLAS thread count (skipped when
  PyTorch is not installed).

Before timing, the script checks that they give the same losses and the same
weights after a few steps, and that a float32 model stays float32.

Timing: every implementation is warmed up, then timed in *rounds*. In each
round every implementation runs a block of steps, starting from the same
initial weights (restored, untimed, before each block, so that every block
does the same work), in an order that changes from round to round, so that
machine noise hits all of them alike. With a multi-threaded BLAS the medium
case pauses 0.2 s before each block: after a matrix product OpenBLAS's idle
threads spin for about 0.1 s, and would otherwise take a core from the
PyTorch block that follows (``--gap 0`` shows the effect); one untimed step
after the pause warms the caches again. The report gives
the median time per step, its spread (10th-90th percentile over rounds) and
the ratios, both of the medians and the median of the per-round ratios.

Run from the repository root::

    .venv/bin/python benchmarks/bench_mlp.py                  # both cases
    .venv/bin/python benchmarks/bench_mlp.py --case tiny --repeat 500

The BLAS library, its version, core type and thread count are printed first:
ratios are only comparable under the same settings. ``OPENBLAS_CORETYPE`` (and
``OPENBLAS_L2_SIZE``) force OpenBLAS onto other kernels; to measure with the
detected ones, unset them for this command alone::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python benchmarks/bench_mlp.py
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

try:
    import nnbook as nb
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import nnbook as nb

try:
    import threadpoolctl
except ImportError:  # pragma: no cover - threadpoolctl is in requirements.txt
    threadpoolctl = None

try:
    import torch
except ImportError:
    torch = None


# -- the cases -----------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    sizes: tuple[int, ...]   # d_in, hidden..., n_classes (three Linear layers)
    batch: int
    dtype: Any
    block: int               # steps per timed block
    rounds: int              # default number of rounds
    gap: float               # default pause before each block with a multi-threaded BLAS (seconds)
    lr: float
    targets: tuple[tuple[str, str, float], ...]   # (label, ratio key, bound)


CASES = {
    "tiny": Case(
        "tiny", (2, 16, 16, 2), 64, np.float64, block=50, rounds=300, gap=0.0, lr=0.1,
        targets=(
            ("nnbook within 1.3x of the tight NumPy step", "nnbook/tight", 1.3),
            ("nnbook within 1.5x of plain NumPy", "nnbook/numpy", 1.5),
            ("nnbook at least 3x faster than PyTorch", "nnbook/torch", 1 / 3),
        ),
    ),
    "medium": Case(
        "medium", (784, 256, 256, 10), 256, np.float32, block=8, rounds=60, gap=0.2, lr=0.05,
        targets=(
            ("nnbook within 1.15x of the tight NumPy step", "nnbook/tight", 1.15),
            ("nnbook within 1.15x of plain NumPy", "nnbook/numpy", 1.15),
            ("nnbook within 1.2x of PyTorch", "nnbook/torch", 1.2),
        ),
    ),
}

N_BATCHES = 4  # the batches a block cycles through


def make_problem(case: Case, seed: int = 0) -> tuple[list[np.ndarray], list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    """Initial weights ``(d_in, d_out)``, biases, and a few ``(X, y)`` batches."""
    rng = np.random.default_rng(seed)
    model = build_nnbook(case, rng)
    weights = [layer.weight.value.copy() for layer in model if isinstance(layer, nb.Linear)]
    # non-zero biases, so that the agreement check covers them
    biases = [rng.normal(0, 0.1, size=w.shape[1]).astype(case.dtype) for w in weights]
    d_in, k = case.sizes[0], case.sizes[-1]
    batches = []
    for _ in range(N_BATCHES):
        X = rng.normal(size=(case.batch, d_in)).astype(case.dtype)
        y = rng.integers(0, k, size=case.batch).astype(np.int64)
        batches.append((X, y))
    return weights, biases, batches


def build_nnbook(case: Case, rng: np.random.Generator) -> nb.Sequential:
    d = case.sizes
    return nb.Sequential(
        nb.Linear(d[0], d[1], rng=rng, dtype=case.dtype), nb.ReLU(),
        nb.Linear(d[1], d[2], rng=rng, dtype=case.dtype), nb.ReLU(),
        nb.Linear(d[2], d[3], rng=rng, dtype=case.dtype),
    )


# -- the implementations -------------------------------------------------------

class Impl:
    """One implementation: ``step(X, y) -> loss``, ``reset()`` to the initial weights."""

    name = ""

    def step(self, X: Any, y: Any) -> Any:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def weights(self) -> list[np.ndarray]:
        """Current weights and biases as NumPy arrays, ``(d_in, d_out)`` layout."""
        raise NotImplementedError

    def data(self, X: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return X, y


class NnbookImpl(Impl):
    name = "nnbook"

    def __init__(self, case: Case, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        self.model = build_nnbook(case, np.random.default_rng(1))
        self.linears = [m for m in self.model if isinstance(m, nb.Linear)]
        self.init = [(w.copy(), b.copy()) for w, b in zip(weights, biases)]
        self.reset()
        self.loss = nb.CrossEntropyLoss()
        self.opt = nb.SGD(self.model.parameters(), lr=case.lr)

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        model, loss, opt = self.model, self.loss, self.opt
        opt.zero_grad()
        value = loss(model.forward(X), y)
        model.backward(loss.backward(), input_grad=False)
        opt.step()
        return value

    def reset(self) -> None:
        for layer, (w, b) in zip(self.linears, self.init):
            layer.weight.value[...] = w
            layer.bias.value[...] = b

    def weights(self) -> list[np.ndarray]:
        return [a.value for layer in self.linears for a in (layer.weight, layer.bias)]


class NnbookInputGradImpl(NnbookImpl):
    """nnbook with the default ``model.backward(g)``, which also returns dL/dX."""

    name = "nnbook+dX"

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        model, loss, opt = self.model, self.loss, self.opt
        opt.zero_grad()
        value = loss(model.forward(X), y)
        model.backward(loss.backward())
        opt.step()
        return value


class NumpyImpl(Impl):
    """The same step by hand: no objects, no checks, in-place updates."""

    name = "numpy"

    def __init__(self, case: Case, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        self.W = [w.copy() for w in weights]
        self.b = [b.copy() for b in biases]
        self.init = [(w.copy(), b.copy()) for w, b in zip(weights, biases)]
        self.lr = case.lr
        self.rows = np.arange(case.batch)

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        W1, W2, W3 = self.W
        b1, b2, b3 = self.b
        lr, rows = self.lr, self.rows
        n = X.shape[0]
        # forward
        z1 = X @ W1
        z1 += b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2
        z2 += b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ W3
        z3 += b3
        # softmax cross-entropy, shifted by the row maximum
        z3 -= z3.max(axis=1, keepdims=True)
        p = np.exp(z3)
        s = p.sum(axis=1, keepdims=True)
        loss = (np.log(s).sum() - z3[rows, y].sum()) / n
        # backward: dL/dz3 = (softmax - onehot) / n
        p /= s
        p[rows, y] -= 1
        p *= 1 / n
        gW3 = h2.T @ p
        gb3 = p.sum(axis=0)
        d2 = p @ W3.T
        d2 *= z2 > 0
        gW2 = h1.T @ d2
        gb2 = d2.sum(axis=0)
        d1 = d2 @ W2.T
        d1 *= z1 > 0
        gW1 = X.T @ d1
        gb1 = d1.sum(axis=0)
        # SGD, in place (the gradients are fresh arrays, so scale them in place)
        for w, g in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2), (W3, gW3), (b3, gb3)):
            g *= lr
            w -= g
        return float(loss)

    def reset(self) -> None:
        for w, b, (w0, b0) in zip(self.W, self.b, self.init):
            w[...] = w0
            b[...] = b0

    def weights(self) -> list[np.ndarray]:
        return [a for wb in zip(self.W, self.b) for a in wb]


class TightImpl(NumpyImpl):
    """The same step in as few NumPy passes as it takes, written as NumPy is written by hand.

    Each ReLU works in place on its pre-activation (its mask is read back from
    the output, ``h > 0`` exactly where ``z > 0``); the learning rate is folded
    into the output gradient once, so that every product below it is already
    ``lr`` times a gradient; each weight is updated straight from its product
    (``W -= h.T @ delta``), with no gradient arrays kept and no separate
    scaling pass. The rounding differs from the other implementations in the
    last bits (``(lr/n) * (h.T @ p)`` is computed as ``h.T @ ((lr/n) * p)``).
    """

    name = "tight"

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        W1, W2, W3 = self.W
        b1, b2, b3 = self.b
        rows = self.rows
        n = X.shape[0]
        h1 = X @ W1
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ W2
        h2 += b2
        np.maximum(h2, 0, out=h2)
        z3 = h2 @ W3
        z3 += b3
        z3 -= z3.max(axis=1, keepdims=True)
        picked = z3[rows, y].sum()
        p = np.exp(z3, out=z3)
        s = p.sum(axis=1, keepdims=True)
        loss = (np.log(s).sum() - picked) / n
        p /= s
        p[rows, y] -= 1
        p *= self.lr / n                 # lr * dL/dz3
        d2 = p @ W3.T                    # with the old W3, before its update
        W3 -= h2.T @ p
        b3 -= p.sum(axis=0)
        d2 *= h2 > 0
        d1 = d2 @ W2.T
        W2 -= h1.T @ d2
        b2 -= d2.sum(axis=0)
        d1 *= h1 > 0
        W1 -= X.T @ d1
        b1 -= d1.sum(axis=0)
        return float(loss)


class TightConstImpl(TightImpl):
    """``tight`` with the call-overhead savings nnbook itself uses (on request, ``--impl ...,tight+``).

    Constants as 0-d arrays of the data's dtype instead of Python numbers (NumPy
    2 spends about 0.3 us a ufunc call converting one), the ReLU masks made
    0.0/1.0 before multiplying, flat label indices, and for two classes the row
    maximum and sum as one ``np.maximum`` and one addition. It shows how much of
    nnbook's edge over ``tight`` comes from those savings rather than from the
    passes saved.
    """

    name = "tight+"

    def __init__(self, case: Case, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        super().__init__(case, weights, biases)
        dt = np.dtype(case.dtype)
        self.zero, self.one = np.zeros((), dt), np.ones((), dt)
        self.lr_over_n = np.asarray(case.lr / case.batch, dt)
        self.offsets = np.arange(case.batch) * case.sizes[-1]
        self.two = case.sizes[-1] == 2

    def step(self, X: np.ndarray, y: np.ndarray) -> float:
        W1, W2, W3 = self.W
        b1, b2, b3 = self.b
        zero = self.zero
        n = X.shape[0]
        h1 = X @ W1
        h1 += b1
        np.maximum(h1, zero, out=h1)
        h2 = h1 @ W2
        h2 += b2
        np.maximum(h2, zero, out=h2)
        z3 = h2 @ W3
        z3 += b3
        z3 -= np.maximum(z3[:, :1], z3[:, 1:]) if self.two else z3.max(axis=1, keepdims=True)
        at = self.offsets + y
        picked = z3.take(at).sum()
        p = np.exp(z3, out=z3)
        s = np.add(p[:, :1], p[:, 1:]) if self.two else p.sum(axis=1, keepdims=True)
        loss = (np.log(s).sum() - picked) / n
        p /= s
        p.reshape(-1)[at] -= self.one
        p *= self.lr_over_n
        d2 = p @ W3.T
        W3 -= h2.T @ p
        b3 -= p.sum(axis=0)
        d2 *= (h2 > zero).astype(d2.dtype)
        d1 = d2 @ W2.T
        W2 -= h1.T @ d2
        b2 -= d2.sum(axis=0)
        d1 *= (h1 > zero).astype(d1.dtype)
        W1 -= X.T @ d1
        b1 -= d1.sum(axis=0)
        return float(loss)


class TorchImpl(Impl):
    name = "torch"

    def __init__(self, case: Case, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        tdtype = {np.float64: torch.float64, np.float32: torch.float32}[case.dtype]
        d = case.sizes
        nn = torch.nn
        self.model = nn.Sequential(
            nn.Linear(d[0], d[1], dtype=tdtype), nn.ReLU(),
            nn.Linear(d[1], d[2], dtype=tdtype), nn.ReLU(),
            nn.Linear(d[2], d[3], dtype=tdtype),
        )
        self.linears = [m for m in self.model if isinstance(m, nn.Linear)]
        # torch stores the weight as (out, in)
        self.init = [(torch.from_numpy(w.T.copy()), torch.from_numpy(b.copy())) for w, b in zip(weights, biases)]
        self.reset()
        self.loss = nn.CrossEntropyLoss()
        self.opt = torch.optim.SGD(self.model.parameters(), lr=case.lr)

    def data(self, X: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return torch.from_numpy(X), torch.from_numpy(y)

    def step(self, X: Any, y: Any) -> Any:
        opt = self.opt
        opt.zero_grad()
        loss = self.loss(self.model(X), y)
        loss.backward()
        opt.step()
        return loss

    def reset(self) -> None:
        with torch.no_grad():
            for layer, (w, b) in zip(self.linears, self.init):
                layer.weight.copy_(w)
                layer.bias.copy_(b)

    def weights(self) -> list[np.ndarray]:
        return [a for layer in self.linears
                for a in (layer.weight.detach().numpy().T, layer.bias.detach().numpy())]


IMPLS: dict[str, type[Impl]] = {
    "nnbook": NnbookImpl, "numpy": NumpyImpl, "tight": TightImpl, "torch": TorchImpl,
    "nnbook+dX": NnbookInputGradImpl, "tight+": TightConstImpl,
}


# -- checks before timing ------------------------------------------------------

def _scalar(v: Any) -> float:
    return v.item() if hasattr(v, "item") else float(v)


def check_same_math(case: Case, impls: list[Impl], batches: list[tuple[np.ndarray, np.ndarray]], steps: int = 5) -> None:
    """Same losses and weights after a few steps, or stop.

    Losses are compared entrywise, weights by the relative norm of their
    difference: in float32 a pre-activation within rounding of 0 can fall on
    the other side of the ReLU in one implementation (the BLAS libraries sum
    in different orders), which moves a few weights by one step's update.
    """
    rtol = 1e-10 if case.dtype == np.float64 else 2e-4
    losses: dict[str, list[float]] = {}
    for impl in impls:
        impl.reset()
        data = [impl.data(X, y) for X, y in batches]
        losses[impl.name] = [_scalar(impl.step(*data[i % len(data)])) for i in range(steps)]
    ref = impls[0]
    ref_w = ref.weights()
    for impl in impls[1:]:
        a, b = np.array(losses[ref.name]), np.array(losses[impl.name])
        if not np.allclose(a, b, rtol=rtol, atol=0):
            raise SystemExit(f"[{case.name}] losses differ: {ref.name} {a} vs {impl.name} {b}")
        for j, (wa, wb) in enumerate(zip(ref_w, impl.weights())):
            err = np.linalg.norm(wa - wb) / np.linalg.norm(wa)
            if not err <= rtol:
                raise SystemExit(f"[{case.name}] weights differ after {steps} steps between {ref.name} and "
                                 f"{impl.name}: array {j}, relative difference {err:.2e} > {rtol:g}")
    print(f"  same math: losses over {steps} steps (and the weights after them) agree to rtol {rtol:g}:")
    for name, ls in losses.items():
        print(f"    {name:10s} " + " ".join(f"{v:.10f}" for v in ls))
    for impl in impls:
        impl.reset()


def check_dtype(case: Case, impl: NnbookImpl, X: np.ndarray, y: np.ndarray) -> None:
    """Every activation, gradient and parameter of the nnbook model keeps the case's dtype."""
    want = np.dtype(case.dtype)
    seen = []
    h = X
    for layer in impl.model:
        h = layer.forward(h)
        seen.append((f"forward {layer!r}", h.dtype))
    impl.opt.zero_grad()
    impl.loss(h, y)
    g = impl.loss.backward()
    seen.append(("loss gradient", g.dtype))
    for layer in reversed(impl.model.layers):
        g = layer.backward(g)
        seen.append((f"backward {layer!r}", g.dtype))
    impl.opt.step()
    for name, p in impl.model.named_parameters():
        seen.append((f"{name}.value", p.value.dtype))
        seen.append((f"{name}.grad", p.grad.dtype))
    bad = [(what, str(dt)) for what, dt in seen if dt != want]
    if bad:
        raise SystemExit(f"[{case.name}] nnbook leaves {want}: {bad}")
    print(f"  dtype: every nnbook activation, gradient and parameter stays {want}")
    impl.reset()


# -- timing --------------------------------------------------------------------

CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def time_block(impl: Impl, data: list[tuple[Any, Any]], steps: int, clock: Callable[[], float],
               untimed: int = 0) -> float:
    """Seconds per step over one block of ``steps`` steps from the initial weights.

    ``untimed`` steps first (then the weights are reset) bring caches and
    threads back after a pause.
    """
    step = impl.step
    nd = len(data)
    if untimed:
        for i in range(untimed):
            step(*data[i % nd])
    impl.reset()
    t0 = clock()
    for i in range(steps):
        step(*data[i % nd])
    return (clock() - t0) / steps


def load() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:  # pragma: no cover - not on every platform
        return "load average unknown"


def run_case(case: Case, names: list[str], rounds: int, warmup: int, seed: int, clock: Callable[[], float],
             gap: float) -> dict[str, Any]:
    weights, biases, batches = make_problem(case, seed)
    impls = [IMPLS[n](case, weights, biases) for n in names]
    d = case.sizes
    print(f"\n== {case.name}: {'-'.join(map(str, d))} MLP (ReLU), batch {case.batch}, "
          f"{np.dtype(case.dtype).name}, SGD lr {case.lr}; {rounds} rounds x {case.block} steps"
          + (f", {gap:g} s pause before each block" if gap else ""))
    check_same_math(case, impls, batches)
    check_dtype(case, next(i for i in impls if isinstance(i, NnbookImpl)), *batches[0])

    data = {impl.name: [impl.data(X, y) for X, y in batches] for impl in impls}
    for _ in range(warmup):
        for impl in impls:
            time_block(impl, data[impl.name], case.block, clock)
    load_before = load()

    orders = list(itertools.permutations(range(len(impls))))
    rng = np.random.default_rng(seed)
    times = {impl.name: [] for impl in impls}
    for r in range(rounds):
        if r % len(orders) == 0:
            rng.shuffle(orders)
        for j in orders[r % len(orders)]:
            impl = impls[j]
            if gap:
                time.sleep(gap)
            times[impl.name].append(time_block(impl, data[impl.name], case.block, clock, untimed=1 if gap else 0))
    print(f"  machine: {load_before} before timing, {load()} after")
    # rounds in time order, so per-round ratios pair blocks run side by side
    return {"case": case.name, "times": {k: np.array(v) for k, v in times.items()}, "load": [load_before, load()]}


def ms(x: float) -> str:
    return f"{x * 1e3:.4f}" if x < 1e-3 else f"{x * 1e3:.3f}"


def report(case: Case, result: dict[str, Any]) -> dict[str, Any]:
    times = result["times"]
    print(f"  {'implementation':14s} {'median ms/step':>15s} {'p10':>9s} {'p90':>9s} {'min':>9s}")
    summary: dict[str, Any] = {"case": case.name, "load": result["load"], "ms_per_step": {}, "ratios": {}}
    for name, t in times.items():
        p10, med, p90 = np.percentile(t, [10, 50, 90])
        print(f"  {name:14s} {ms(med):>15s} {ms(p10):>9s} {ms(p90):>9s} {ms(t.min()):>9s}")
        summary["ms_per_step"][name] = {"median": med * 1e3, "p10": p10 * 1e3, "p90": p90 * 1e3, "min": t.min() * 1e3}
    print(f"  {'ratio':14s} {'of medians':>15s} {'paired median':>15s} {'paired p25-p75':>17s}")
    pairs = [("nnbook", "tight"), ("nnbook", "numpy"), ("nnbook", "torch"), ("numpy", "tight"), ("numpy", "torch"),
             ("tight", "torch"), ("nnbook", "tight+"), ("tight", "tight+"),
             ("nnbook+dX", "tight"), ("nnbook+dX", "numpy"), ("nnbook+dX", "torch")]
    for a, b in pairs:
        if a in times and b in times:
            paired = times[a] / times[b]
            q25, q50, q75 = np.percentile(paired, [25, 50, 75])
            of_medians = np.median(times[a]) / np.median(times[b])
            print(f"  {a + '/' + b:14s} {of_medians:15.3f} {q50:15.3f} {q25:8.3f}-{q75:.3f}")
            summary["ratios"][f"{a}/{b}"] = {"of_medians": of_medians, "paired_median": q50,
                                             "paired_p25": q25, "paired_p75": q75}
    for label, key, bound in case.targets:
        if key not in summary["ratios"]:
            print(f"  target: {label}: not measured")
            continue
        r = summary["ratios"][key]["of_medians"]
        ok = r <= bound
        shown = f"{r:.3f}x" if bound >= 1 else f"{1 / r:.2f}x faster"
        context = ""
        if key == "nnbook/torch" and "numpy/torch" in summary["ratios"]:
            # how much of the gap is the BLAS library rather than nnbook
            context = f" (plain NumPy/PyTorch: {summary['ratios']['numpy/torch']['of_medians']:.3f}x)"
        print(f"  target: {label}: {shown} -> {'met' if ok else 'MISSED'}{context}")
        summary.setdefault("targets", {})[label] = {"ratio": r, "bound": bound, "met": bool(ok)}
    return summary


# -- environment ---------------------------------------------------------------

def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment() -> dict[str, Any]:
    env = {k: os.environ.get(k) for k in (
        "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    info: dict[str, Any] = {
        "python": platform.python_version(), "numpy": np.__version__, "nnbook": nb.__version__,
        "cpu": cpu_name(), "cpus": os.cpu_count(), "env": env, "blas": [],
        "torch": torch.__version__ if torch is not None else None,
    }
    if threadpoolctl is not None:
        for pool in threadpoolctl.threadpool_info():
            info["blas"].append({k: pool.get(k) for k in (
                "user_api", "internal_api", "prefix", "version", "num_threads", "architecture", "threading_layer")})
    return info


def blas_threads(info: dict[str, Any]) -> int | None:
    """Thread count of NumPy's BLAS (the first BLAS pool threadpoolctl finds)."""
    for pool in info["blas"]:
        if pool["user_api"] == "blas":
            return pool["num_threads"]
    return None


def print_environment(info: dict[str, Any]) -> None:
    print(f"Python {info['python']}, NumPy {info['numpy']}, nnbook {info['nnbook']}, "
          f"PyTorch {info['torch'] or 'not installed'}")
    print(f"CPU: {info['cpu']} ({info['cpus']} logical CPUs)")
    print("Environment: " + ", ".join(f"{k}={v if v is not None else '(unset)'}" for k, v in info["env"].items()))
    if not info["blas"]:
        print("Thread pools: threadpoolctl not installed, BLAS unknown")
    for pool in info["blas"]:
        print("Thread pool: " + ", ".join(f"{k}={v}" for k, v in pool.items() if v is not None))
    if info["torch"]:
        print(f"PyTorch: {info['torch_threads']} intra-op threads (matched to NumPy's BLAS), "
              f"BLAS {'MKL' if torch.backends.mkl.is_available() else 'not MKL'}, "
              f"CPU capability {torch.backends.cpu.get_cpu_capability()}")


# -- main ----------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", choices=["tiny", "medium", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=None,
                        help="rounds per case (default: 300 tiny, 150 medium); each round times one block per implementation")
    parser.add_argument("--warmup", type=int, default=5, help="untimed blocks per implementation first")
    parser.add_argument("--gap", type=float, default=None,
                        help="seconds to pause before each timed block (default: 0.2 for medium when NumPy's BLAS "
                        "runs more than one thread, else 0). After a matrix product OpenBLAS's idle threads spin "
                        "for about 0.1 s; without the pause they would take a core from the PyTorch block that follows")
    parser.add_argument("--impl", default="nnbook,numpy,tight,torch",
                        help="comma-separated subset of: " + ", ".join(IMPLS) +
                        " ('nnbook+dX' is nnbook with the default model.backward(g), which also computes dL/dX; "
                        "'tight+' is tight with nnbook's call-overhead savings)")
    parser.add_argument("--threads", type=int, default=None,
                        help="limit NumPy's BLAS to N threads (threadpoolctl) and give PyTorch the same number "
                        "(default: the BLAS library's own setting)")
    parser.add_argument("--clock", choices=list(CLOCKS), default="wall",
                        help="wall: elapsed time (default); cpu: CPU time of the process, steadier on a busy "
                        "machine but only meaningful with --threads 1 (idle BLAS threads spin)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", metavar="PATH", help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.impl.split(",") if n.strip()]
    unknown = [n for n in names if n not in IMPLS]
    if unknown:
        parser.error(f"unknown implementation(s) {unknown}; choose from {list(IMPLS)}")
    if not any(n.startswith("nnbook") for n in names):
        parser.error("--impl must include nnbook or nnbook+dX")
    if "torch" in names and torch is None:
        print("PyTorch is not installed: skipping it (pip install torch to compare)")
        names.remove("torch")

    if args.threads is not None:
        if threadpoolctl is None:
            parser.error("--threads needs threadpoolctl")
        limiter = threadpoolctl.threadpool_limits(args.threads, user_api="blas")  # noqa: F841 - kept for the run
    if args.clock == "cpu" and args.threads != 1:
        print("note: --clock cpu counts the CPU time of every thread, including BLAS threads that spin "
              "while waiting; use it with --threads 1")

    info = environment()
    threads = blas_threads(info)
    if torch is not None:
        if threads:
            torch.set_num_threads(threads)
        info["torch_threads"] = torch.get_num_threads()
    info["clock"] = args.clock
    print_environment(info)
    print(f"Clock: {args.clock} ({'time.perf_counter' if args.clock == 'wall' else 'time.process_time'})")

    cases = list(CASES) if args.case == "all" else [args.case]
    summaries = []
    for name in cases:
        case = CASES[name]
        rounds = args.repeat if args.repeat is not None else case.rounds
        gap = args.gap if args.gap is not None else (case.gap if (threads or 1) > 1 else 0.0)
        result = run_case(case, names, rounds, args.warmup, args.seed, CLOCKS[args.clock], gap)
        summaries.append(report(case, result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"environment": info, "results": summaries}, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
