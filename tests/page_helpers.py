"""What the tests of the HTML book and of its live playground share: node, Chromium, a local server.

``tests/conftest.py`` makes the ``browser`` fixture from :func:`launch_chromium`;
``tests/test_html.py``, ``tests/test_html_a11y.py`` and
``tests/test_live_playground.py`` use it. Without node, Chromium, Playwright or
a built book the tests skip, saying why; with ``NNBOOK_REQUIRE_HTML_CHECKS=1``
(set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
STATIC = ROOT / "book" / "_static" / "playground"
NODE = shutil.which("node")
CHROMIUM = Path(os.environ.get("NNBOOK_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("NNBOOK_REQUIRE_HTML_CHECKS") == "1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # no host name resolves but the local server's address: nothing can leave the machine. (Not
    # Playwright's request routing: with routing on, Chromium never asks for the favicon, so a
    # missing one would go unseen.) The tests still record every request and check it.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def unavailable(reason: str) -> None:
    """Skip, saying why; fail instead under ``NNBOOK_REQUIRE_HTML_CHECKS=1``."""
    if REQUIRED:
        pytest.fail(f"{reason} (NNBOOK_REQUIRE_HTML_CHECKS=1: the HTML checks must run)")
    pytest.skip(reason)


def node(program: str, payload: Any, *args: str) -> Any:
    """Run a node ``program`` (``-e``) with ``payload`` as JSON on stdin; its stdout read as JSON."""
    if NODE is None:
        unavailable("node is not installed: the page's engine cannot run outside a browser")
    done = subprocess.run([NODE, "-e", program, *args], input=json.dumps(payload), capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[Any]:
    """A local HTTP server on 127.0.0.1 over ``folder``, for as long as the block runs."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url_of(server: Any) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


def built_book() -> Path:
    """The built HTML book's folder, or a skip when it is not built."""
    if not (HTML / "index.html").is_file():
        unavailable(f"the HTML book is not built ({HTML / 'index.html'} is missing; run `make book`)")
    return HTML


@contextlib.contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, headless, with no name resolving but 127.0.0.1."""
    if not CHROMIUM.is_file():
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -r requirements.txt)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def offline_context(browser: Any, base: str, **options: Any) -> tuple[Any, list[str]]:
    """A browser context with the network off: every request off ``base`` is aborted and recorded."""
    outside: list[str] = []
    context = browser.new_context(service_workers="block", **options)

    def route(r: Any) -> None:
        if r.request.url.startswith(base) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.set_default_timeout(60_000)
    return context, outside
