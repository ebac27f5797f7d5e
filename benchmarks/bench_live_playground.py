"""How fast is the live playground page? One epoch plus the redraw, in headless Chromium.

The target: on the default 2-8-8-1 tanh network with 200 points (100 to
train, batches of 10), one frame (train one epoch, then redraw the output,
the network with its units, and both curves) takes at most 16 ms median, so
that playing keeps up with a 60 Hz display.

Run::

    .venv/bin/python benchmarks/bench_live_playground.py [--frames 200] [--rounds 5] [--book] [--json out.json]
        [--hash dropout=0.2]

It serves the page over a local HTTP server (the page alone, from
``book/_static/playground``, or with ``--book`` the built page in
``_build/html``), opens it in ``/usr/bin/chromium`` headless with every
request off that server blocked (``--hash`` opens it with that state in its
address, e.g. ``dropout=0.2`` for the default network with dropout), and
measures inside the page with
``performance.now()``:

* ``frame``: ``nnbookLivePlayground.frame()``, one epoch and the full redraw,
  synchronously (in rounds, after a warm-up);
* ``epoch`` and ``draw`` alone;
* ``playing``: the interval between animation frames while the page plays
  (one epoch a frame, requestAnimationFrame), and the long tasks (over 50 ms)
  the browser reports meanwhile: none means the page never stops responding.

JavaScript times leave out the rasterization Chromium does after the script
returns; the ``playing`` intervals include it. The machine may be shared: the
script prints the load average before and after, and each round's median, so
that a busy run is easy to recognize.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "book" / "_static" / "playground"
BOOK_PAGE = ROOT / "_build" / "html" / "book" / "playground_live.html"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def standalone_site(folder: Path) -> Path:
    """The page alone, laid out as in the book: <folder>/book/playground_live.html and <folder>/_static/playground."""
    shutil.copytree(STATIC, folder / "_static" / "playground")
    (folder / "book").mkdir()
    embed = (STATIC / "embed.html").read_text(encoding="utf-8")
    (folder / "book" / "playground_live.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The playground, live</title>'
        '<link rel="icon" href="data:,"></head><body><main><h1>The playground, live</h1>'
        + embed + "</main></body></html>", encoding="utf-8")
    return folder


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


MEASURE = """async ([frames, rounds]) => {
  const app = window.nnbookLivePlayground;
  const time = (fn, n) => { const t = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); } return t; };
  time(() => app.frame(), 20);                       // warm-up: let the JIT compile
  const perRound = [];
  for (let r = 0; r < rounds; r++) perRound.push(time(() => app.frame(), Math.ceil(frames / rounds)));
  const epoch = time(() => app.stepEpochOnly(), frames);
  const draw = time(() => app.draw(), frames);
  // playing: requestAnimationFrame intervals and long tasks
  const long = [];
  const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push(e.duration); });
  try { obs.observe({ type: "longtask", buffered: false }); } catch (e) {}
  const intervals = [];
  const start = app.state().epoch;
  await new Promise((done) => {
    let last = null, n = 0;
    app.play(true);
    const tick = (t) => { if (last !== null) intervals.push(t - last); last = t; if (++n < frames) requestAnimationFrame(tick); else done(); };
    requestAnimationFrame(tick);
  });
  app.play(false);
  obs.disconnect();
  const c = app.state().config;
  return { perRound, epoch, draw, intervals, long, epochsPlayed: app.state().epoch - start, sizes: c.hidden, dropout: c.dropout };
}"""


def _stats(values: list[float]) -> str:
    v = sorted(values)
    p90 = v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]
    return f"median {statistics.median(v):6.2f} ms   p90 {p90:6.2f} ms   min {v[0]:6.2f} ms   (n={len(v)})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--book", action="store_true", help="measure the built page in _build/html instead of the page alone")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--hash", default="", help="the page's address state, e.g. dropout=0.2 (default: the page's default)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        if args.book:
            if not BOOK_PAGE.is_file():
                sys.exit(f"{BOOK_PAGE} is missing: run `make book` first")
            folder = ROOT / "_build" / "html"
        else:
            folder = standalone_site(Path(tmp))
        server, base = serve(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 1000})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(base + "book/playground_live.html" + (f"#{args.hash.lstrip('#')}" if args.hash else ""))
                page.wait_for_function("window.nnbookLivePlayground !== undefined")
                version = browser.version
                result = page.evaluate(MEASURE, [args.frames, args.rounds])
                browser.close()
        finally:
            server.shutdown()
    load1 = os.getloadavg()
    if errors:
        sys.exit(f"errors in the page: {errors}")
    frames = [t for r in result["perRound"] for t in r]
    print(f"live playground, 2-{'-'.join(map(str, result['sizes']))}-1 tanh, 200 points, dropout {result['dropout']};"
          f" Chromium {version} headless ({'built book' if args.book else 'page alone'})")
    print(f"load average before {load0[0]:.2f}, after {load1[0]:.2f} (on {os.cpu_count()} cores)")
    print(f"frame (epoch + redraw): {_stats(frames)}")
    print("  per round (median):  " + ", ".join(f"{statistics.median(r):.2f}" for r in result["perRound"]) + " ms")
    print(f"epoch alone:            {_stats(result['epoch'])}")
    print(f"redraw alone:           {_stats(result['draw'])}")
    print(f"playing, between frames:{_stats(result['intervals'])}  ({result['epochsPlayed']} epochs)")
    print(f"long tasks (> 50 ms) while playing: {len(result['long'])}")
    verdict = statistics.median(frames) <= 16.0
    print(f"target: median frame <= 16 ms: {'met' if verdict else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps({"load": [load0, load1], **result}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
