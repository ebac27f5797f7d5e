"""How fast is the live playground? One training step (an epoch) plus a redraw.

The target: the median time of one frame of the live app (train one epoch,
take a snapshot, update the dashboard's artists, render them over the cached
background and encode the PNG the browser shows) stays under 50 ms for a
2-8-8-1 network on 200 points, on a 2-core machine, so that playing at 10
frames a second leaves the kernel free between frames.

Run headless::

    .venv/bin/python benchmarks/bench_playground.py [--frames 200] [--json out.json]

It prints the median (and 90th percentile) wall-clock and CPU times of each
part of a frame, of a frame of the live app (including the widget update),
and of a frame redrawn from scratch for comparison, with the machine's load
average and the share of a core a busy loop gets before and after: other
processes on a shared machine inflate wall-clock times, while the CPU time
(single-threaded work) is what a frame takes on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from nnbook.playground import App, Dashboard, Playground, PlaygroundConfig  # noqa: E402

CONFIG = PlaygroundConfig(dataset="circles", n_points=200, noise=0.1, hidden=(8, 8), activation="tanh", lr=0.1, batch_size=10, seed=0)


def _timed(fn, frames: int) -> dict[str, float]:
    wall, cpu = [], []
    for _ in range(frames):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    w, c = np.array(wall) * 1e3, np.array(cpu) * 1e3
    return {"median_ms": float(np.median(w)), "p90_ms": float(np.percentile(w, 90)),
            "cpu_median_ms": float(np.median(c)), "cpu_p90_ms": float(np.percentile(c, 90))}


def _core_share(seconds: float = 0.3) -> float:
    """The share of one core this process gets right now: CPU time / wall time of a busy loop
    (1.0 on an idle machine; other processes on a shared machine make it smaller)."""
    w0, c0 = time.perf_counter(), time.process_time()
    x = 0
    while time.perf_counter() - w0 < seconds:
        for i in range(10_000):
            x += i
    return (time.process_time() - c0) / (time.perf_counter() - w0)


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    n = args.frames

    results: dict[str, object] = {
        "config": CONFIG.to_dict(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "matplotlib": matplotlib.__version__,
                    "load_average_before": os.getloadavg(), "core_share_before": _core_share()},
    }

    # the parts of a frame
    pg = Playground(CONFIG)
    dash = Dashboard(pg.snapshot(), animated=True)
    dash.png()
    parts = {
        "step_epoch": _timed(pg.step_epoch, n),
        "snapshot": _timed(pg.snapshot, n),
    }
    snap = pg.snapshot()
    parts["update_artists"] = _timed(lambda: dash.update(snap), n)
    parts["render"] = _timed(dash.render, n)
    rgba = dash.render()
    from nnbook.images import encode_png

    parts["encode_png"] = _timed(lambda: encode_png(rgba[..., :3]), n)
    results["parts"] = parts

    # a whole frame: step + redraw, as the live app does it
    pg = Playground(CONFIG)
    dash = Dashboard(pg.snapshot(), animated=True)
    dash.png()

    def frame() -> None:
        pg.step_epoch()
        dash.update(pg.snapshot())
        dash.png()

    results["frame"] = _timed(frame, n)

    # the same through the ipywidgets app (no browser attached: the widget update is serialized only)
    app = App(CONFIG)
    results["app_frame"] = _timed(app.step, n)

    # for comparison: redrawing the whole figure every frame
    pg = Playground(CONFIG)
    full = Dashboard(pg.snapshot(), animated=False, texts=False)

    def full_frame() -> None:
        pg.step_epoch()
        full.update(pg.snapshot())
        full.png()

    results["frame_full_redraw"] = _timed(full_frame, max(20, n // 5))
    results["machine"]["load_average_after"] = os.getloadavg()  # type: ignore[index]
    results["machine"]["core_share_after"] = _core_share()  # type: ignore[index]
    results["image_size_px"] = list(rgba.shape[1::-1])

    print(f"playground frame benchmark: 2-8-8-1 tanh on {CONFIG.n_points} points ({CONFIG.dataset}), "
          f"{n} frames, image {rgba.shape[1]}x{rgba.shape[0]} px")
    m = results["machine"]
    print(f"load average before {tuple(round(v, 2) for v in m['load_average_before'])}, "  # type: ignore[index]
          f"after {tuple(round(v, 2) for v in m['load_average_after'])}; share of a core this process got: "  # type: ignore[index]
          f"{m['core_share_before']:.2f} before, {m['core_share_after']:.2f} after")  # type: ignore[index]
    print(f"{'':28s}{'median':>9s}{'p90':>9s}{'cpu med':>9s}{'cpu p90':>9s}  (ms)")
    rows = [(f"  {k}", v) for k, v in parts.items()] + [
        ("frame (step + redraw)", results["frame"]),
        ("app frame (+ widget)", results["app_frame"]),
        ("frame, full redraw", results["frame_full_redraw"]),
    ]
    for name, r in rows:
        r = dict(r)  # type: ignore[arg-type]
        print(f"{name:28s}{r['median_ms']:9.2f}{r['p90_ms']:9.2f}{r['cpu_median_ms']:9.2f}{r['cpu_p90_ms']:9.2f}")
    target = results["frame"]["median_ms"]  # type: ignore[index]
    cpu = results["frame"]["cpu_median_ms"]  # type: ignore[index]
    print(f"median step + redraw: {target:.1f} ms wall ({'under' if target < 50 else 'OVER'} the 50 ms target), "
          f"{cpu:.1f} ms of CPU time (the wall time on an otherwise idle machine)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return results


if __name__ == "__main__":
    main()
