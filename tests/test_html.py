"""Headless-browser checks of the built HTML book (``_build/html``).

The book must work offline, in a plain browser, without a kernel. Every page
is served from a local HTTP server on 127.0.0.1 and opened in Chromium
(Debian's ``/usr/bin/chromium``, driven by Playwright) to check that:

* no JavaScript error occurs (console errors and uncaught exceptions);
* no request leaves the book: every URL the page asks for is on the local
  server (MathJax, fonts, scripts and styles are all served by the book);
* MathJax ran: every math element was typeset, no TeX error is shown, and no
  raw TeX (``$$``, ``\\(``, ``\\[``, ``$x_1$``) is left in the text;
* every image loads (``naturalWidth > 0``), and the server answered no request
  of the page with a status of 400 or more (the favicon included: the browser
  asks for it outside the page's own requests, so the server keeps the record);
* notebook pages carry the Binder and Colab launch links for their notebook;
* every interactive figure (``.nnbook-player``) shows a picture and moving one
  of its controls changes the picture, with no kernel anywhere;
* axe-core finds no serious or critical accessibility violation on any page.

The checks need the built book (``make book``) and Chromium
(``apt-get install chromium``); without them they skip, saying why. With
``NNBOOK_REQUIRE_HTML_CHECKS=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import http.server
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from page_helpers import HTML, ROOT, built_book, serve, unavailable, url_of

pytestmark = pytest.mark.slow  # a book build or a browser: make test, not make check

EXECUTED = ROOT / "_build" / "jupyter_execute"
# generous: the machine may be busy; a page that needs this long is broken anyway
TIMEOUT_MS = 120_000
# page-generated URLs that are not requests to any host
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def _pages() -> list[str]:
    """Every HTML page of the built book, as a path relative to _build/html."""
    if not (HTML / "index.html").is_file():
        return []
    skip_dirs = {"_static", "_sources", "_images", "_sphinx_design_static"}
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not skip_dirs & set(p.relative_to(HTML).parts)
        and not any(part.startswith(".") for part in p.relative_to(HTML).parts)
    )


def _notebook_pages() -> list[str]:
    """Pages made from a .ipynb source (they carry launch buttons)."""
    return [p for p in _pages() if (HTML / "_sources" / p).with_suffix(".ipynb").is_file()]


PAGES = _pages() or ["<no built book>"]
NOTEBOOK_PAGES = _notebook_pages() or ["<no notebook pages>"]


def _player_pages() -> list[str]:
    pages = [p for p in _pages() if 'class="nnbook-player"' in (HTML / p).read_text(encoding="utf-8")]
    return pages or ["<no interactive figures>"]


PLAYER_PAGES = _player_pages()


# ---------------------------------------------------------------------------
# fixtures: the local server, the browser, and one recorded visit per page

class _RecordingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the book quietly and records every answer as ``(path, status)`` on the server."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        self.server.answers.append((self.path, int(code) if str(code).isdigit() or hasattr(code, "value") else code))


@pytest.fixture(scope="module")
def server() -> Any:
    with serve(built_book(), _RecordingHandler) as server:
        server.answers = []
        yield server


@pytest.fixture(scope="module")
def base_url(server: Any) -> str:
    return url_of(server)


class Visit:
    """What happened while one page loaded: errors, requests and the DOM facts the tests need."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.answers: list[tuple[str, int]] = []  # what the server answered while the page was open
        self.facts: dict[str, Any] = {}


def _open(browser: Any, base_url: str, page_path: str) -> tuple[Any, Any, Visit]:
    """Open a page with every request recorded (any off the local server cannot resolve: CHROMIUM_ARGS)."""
    url = base_url + page_path
    visit = Visit(url)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda m: visit.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.errors.append(f"uncaught: {e}"))
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on(
        "requestfailed",
        lambda r: visit.failed.append(f"{r.url}: {r.failure}") if r.url.startswith(base_url) else None,
    )
    page.on("response", lambda r: visit.failed.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")  # MathJax's fonts and extensions load after "load"
    # MathJax typesets after loading; its startup promise resolves when the page is done
    page.evaluate(
        """async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
        }"""
    )
    return context, page, visit


_MATH_JS = r"""() => {
    const math = [...document.querySelectorAll('span.math, div.math')];
    const untypeset = math.filter(el => !el.querySelector('mjx-container'))
                          .map(el => el.textContent.trim().slice(0, 80));
    const errors = [...document.querySelectorAll('mjx-merror, .MathJax_Error')]
                          .map(el => (el.getAttribute('data-mjx-error') || el.textContent).slice(0, 80));
    // the page's visible prose: code, scripts and typeset math removed
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('pre, code, kbd, samp, script, style, textarea, mjx-container, .highlight, .nnbook-frames')
         .forEach(el => el.remove());
    return {
        count: math.length,
        typeset: document.querySelectorAll('mjx-container').length,
        mathjax: !!(window.MathJax && MathJax.startup),
        untypeset: untypeset,
        errors: errors,
        text: clone.textContent,
    };
}"""

_IMAGES_JS = r"""async () => {
    const imgs = [...document.images];
    imgs.forEach(img => { img.loading = 'eager'; });
    const settle = img => img.complete ? Promise.resolve() : new Promise(done => {
        img.addEventListener('load', done, {once: true});
        img.addEventListener('error', done, {once: true});
    });
    const timeout = new Promise(done => setTimeout(done, 15000));
    await Promise.race([Promise.all(imgs.map(settle)), timeout]);
    return imgs.map(img => ({
        src: (img.currentSrc || img.src).slice(0, 100),
        ok: img.complete && img.naturalWidth > 0,
    }));
}"""

_LINKS_JS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"

# raw TeX that MathJax should have replaced: display and inline delimiters,
# environments, and $...$ whose content looks like TeX
RAW_TEX = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\end\{|\$[^$\n]{0,80}[\\^_{][^$\n]{0,80}\$"
)


def _wait_for_the_favicon(page: Any, server: Any, seconds: float = 5.0) -> None:
    """The browser asks for the book's icon (or /favicon.ico) on its own, after the first page has
    loaded, and once only for the whole server: wait for it on the first page."""
    for _ in range(int(seconds * 10)):
        if any("favicon" in path for path, _status in server.answers):
            return
        page.wait_for_timeout(100)
def _axe_violations(page: Any) -> list[str] | None:
    """axe-core's serious and critical violations on the page (None without axe-playwright-python)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        return None
    # preload off: axe's own stylesheet preloading resolves the theme's @import "../basic.css"
    # against the page, not the stylesheet, and asks the server for a file that does not exist
    violations = Axe().run(page, options={"resultTypes": ["violations"], "preload": False}).response["violations"]
    return [f"{v['impact']} {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def visits(browser: Any, base_url: str, server: Any) -> dict[str, Visit]:
    """Each page loaded once; the tests below read from these records."""
    records: dict[str, Visit] = {}
    for page_path in _pages():
        start = len(server.answers)
        context, page, visit = _open(browser, base_url, page_path)
        try:
            visit.facts["math"] = page.evaluate(_MATH_JS)
            visit.facts["images"] = page.evaluate(_IMAGES_JS)
            visit.facts["links"] = page.evaluate(_LINKS_JS)
            _wait_for_the_favicon(page, server)
            visit.facts["axe"] = _axe_violations(page)
        finally:
            context.close()
        visit.answers = server.answers[start:]
        records[page_path] = visit
    return records


def _visit(visits: dict[str, Visit], page_path: str) -> Visit:
    if page_path.startswith("<"):
        unavailable(f"the HTML book is not built ({HTML / 'index.html'} is missing; run `make book`)")
    return visits[page_path]


# ---------------------------------------------------------------------------
# every page

@pytest.mark.parametrize("page_path", PAGES)
def test_page_has_no_javascript_errors(visits: dict[str, Visit], page_path: str) -> None:
    visit = _visit(visits, page_path)
    assert visit.errors == [], f"{page_path}: JavaScript errors:\n" + "\n".join(visit.errors)


@pytest.mark.parametrize("page_path", PAGES)
def test_page_makes_no_request_outside_the_book(visits: dict[str, Visit], page_path: str, base_url: str) -> None:
    visit = _visit(visits, page_path)
    assert visit.requests, f"{page_path}: no request was recorded at all (the listener is broken)"
    outside = [u for u in visit.requests if not u.startswith(base_url) and not u.startswith(LOCAL_SCHEMES)]
    assert outside == [], f"{page_path}: requests leaving the book (CDN, fonts, analytics?):\n" + "\n".join(outside)


@pytest.mark.parametrize("page_path", PAGES)
def test_page_loads_every_local_file(visits: dict[str, Visit], page_path: str) -> None:
    visit = _visit(visits, page_path)
    assert visit.failed == [], f"{page_path}: files that did not load:\n" + "\n".join(visit.failed)


@pytest.mark.parametrize("page_path", PAGES)
def test_server_answers_no_request_of_the_page_with_an_error(visits: dict[str, Visit], page_path: str) -> None:
    """The icon is asked for once, by the first page visited, so a missing one fails that page."""
    visit = _visit(visits, page_path)
    assert visit.answers, f"{page_path}: the server recorded no request at all (the record is broken)"
    bad = [f"{path}: HTTP {status}" for path, status in visit.answers if not isinstance(status, int) or status >= 400]
    assert bad == [], f"{page_path}: requests the server answered with an error:\n" + "\n".join(bad)


@pytest.mark.parametrize("page_path", PAGES)
def test_math_is_typeset(visits: dict[str, Visit], page_path: str) -> None:
    math = _visit(visits, page_path).facts["math"]
    if math["count"]:
        assert math["mathjax"], f"{page_path}: has {math['count']} math elements but MathJax did not load"
    assert math["untypeset"] == [], f"{page_path}: math left untypeset: {math['untypeset'][:5]}"
    assert math["errors"] == [], f"{page_path}: TeX errors shown on the page: {math['errors'][:5]}"


@pytest.mark.parametrize("page_path", PAGES)
def test_no_raw_tex_in_the_text(visits: dict[str, Visit], page_path: str) -> None:
    text = _visit(visits, page_path).facts["math"]["text"]
    raw = [text[max(m.start() - 40, 0): m.end() + 40].replace("\n", " ") for m in RAW_TEX.finditer(text)]
    assert raw == [], f"{page_path}: raw TeX in the page text (unrendered math?):\n" + "\n".join(raw[:5])


@pytest.mark.parametrize("page_path", PAGES)
def test_every_image_loads(visits: dict[str, Visit], page_path: str) -> None:
    images = _visit(visits, page_path).facts["images"]
    broken = [img["src"] for img in images if not img["ok"]]
    assert broken == [], f"{page_path}: images that did not load: {broken}"


# ---------------------------------------------------------------------------
# notebook pages

def _repository() -> tuple[str, str, str]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", url)
    assert match, f"_config.yml: repository.url must be a GitHub repository URL, got {url!r}"
    return match.group(1), match.group(2), config["repository"].get("branch", "main")


@pytest.mark.parametrize("page_path", NOTEBOOK_PAGES)
def test_notebook_page_has_launch_buttons(visits: dict[str, Visit], page_path: str) -> None:
    if page_path.startswith("<"):
        unavailable("the built book has no notebook pages (run `make book`)")
    links = _visit(visits, page_path).facts["links"]
    org, repo, branch = _repository()
    notebook = Path(page_path).with_suffix(".ipynb").as_posix()
    binder = f"https://mybinder.org/v2/gh/{org}/{repo}/{branch}?urlpath="
    colab = f"https://colab.research.google.com/github/{org}/{repo}/blob/{branch}/{notebook}"
    assert any(u.startswith(binder) and u.endswith("/" + notebook) for u in links), (
        f"{page_path}: no Binder link to {notebook} (expected {binder}.../{notebook})"
    )
    assert colab in links, f"{page_path}: no Colab link {colab}"


@pytest.mark.parametrize("page_path", NOTEBOOK_PAGES)
def test_every_player_output_is_rendered_as_html(page_path: str) -> None:
    """Each executed output holding a player shows the player, not the widget view."""
    if page_path.startswith("<"):
        unavailable("the built book has no notebook pages (run `make book`)")
    executed = (EXECUTED / page_path).with_suffix(".ipynb")
    assert executed.is_file(), f"{executed} is missing: was the book built with execute_notebooks: force?"
    nb = json.loads(executed.read_text(encoding="utf-8"))
    expected = sum(
        1
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if 'class="nnbook-player"' in "".join(out.get("data", {}).get("text/html", ""))
    )
    rendered = (HTML / page_path).read_text(encoding="utf-8").count('class="nnbook-player"')
    assert rendered == expected, (
        f"{page_path}: {expected} interactive figure(s) in the executed notebook, {rendered} in the page "
        "(is application/vnd.jupyter.widget-view+json ranked above text/html?)"
    )


@pytest.mark.parametrize("page_path", NOTEBOOK_PAGES)
def test_each_cell_prints_into_one_output_block(page_path: str) -> None:
    """A cell that prints while it trains reaches the notebook as several stdout outputs (one per
    flush); the page shows them as one block (nb_merge_streams), not a stack of boxes."""
    if page_path.startswith("<"):
        unavailable("the built book has no notebook pages (run `make book`)")
    executed = (EXECUTED / page_path).with_suffix(".ipynb")
    assert executed.is_file(), f"{executed} is missing: was the book built with execute_notebooks: force?"
    nb = json.loads(executed.read_text(encoding="utf-8"))
    expected = sum(  # stdout; stderr (warnings) is a block of its own, class "output stderr"
        any(out["output_type"] == "stream" and out["name"] == "stdout" for out in cell.get("outputs", []))
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        and not {"remove-cell", "remove-output"} & set(cell.get("metadata", {}).get("tags", []))
    )
    rendered = (HTML / page_path).read_text(encoding="utf-8").count('class="output stream')
    assert rendered == expected, f"{page_path}: {rendered} blocks of printed output for {expected} cells that print"


@pytest.mark.parametrize("page_path", NOTEBOOK_PAGES)
def test_every_figure_is_shown_as_a_picture(page_path: str) -> None:
    """A figure the kernel could not render as PNG reaches the page as its text repr."""
    if page_path.startswith("<"):
        unavailable("the built book has no notebook pages (run `make book`)")
    text = (HTML / page_path).read_text(encoding="utf-8")
    shown = re.findall(r"&lt;Figure size [^&]*&gt;", text)
    assert not shown, f"{page_path}: figures shown as text instead of a picture: {shown}"


# ---------------------------------------------------------------------------
# interactive figures

_PLAYER_JS = r"""root => {
    const imgs = [...root.querySelectorAll('img')].map(img => {
        const box = img.getBoundingClientRect();
        const style = getComputedStyle(img);
        return {
            visible: box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none',
            loaded: img.complete && img.naturalWidth > 0,
        };
    });
    return {
        imgs: imgs,
        ranges: root.querySelectorAll('input[type=range]').length,
        selects: root.querySelectorAll('select').length,
    };
}"""

_SRC_JS = "root => [...root.querySelectorAll('img')].map(img => img.src).join('|')"


@pytest.mark.parametrize("page_path", PLAYER_PAGES)
def test_interactive_figures_work_without_a_kernel(browser: Any, base_url: str, page_path: str) -> None:
    if page_path.startswith("<"):
        pytest.skip("the built book has no interactive figures (.nnbook-player) yet")
    context, page, visit = _open(browser, base_url, page_path)
    try:
        players = page.locator(".nnbook-player")
        assert players.count() > 0, f"{page_path}: no .nnbook-player element"
        for k in range(players.count()):
            player = players.nth(k)
            player.scroll_into_view_if_needed()
            facts = player.evaluate(_PLAYER_JS)
            shown = [i for i in facts["imgs"] if i["visible"] and i["loaded"]]
            assert shown, f"{page_path}: player {k} shows no loaded image: {facts['imgs']}"
            assert facts["ranges"] + facts["selects"] > 0, f"{page_path}: player {k} has no slider or menu"

            before = player.evaluate(_SRC_JS)
            changed = False
            for s in range(facts["ranges"]):
                slider = player.locator("input[type=range]").nth(s)
                at_max = slider.evaluate("e => +e.value >= +e.max")
                slider.focus()
                page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
                if player.evaluate(_SRC_JS) != before:
                    changed = True
                    break
            if not changed:
                for s in range(facts["selects"]):
                    menu = player.locator("select").nth(s)
                    n = menu.evaluate("e => e.options.length")
                    current = menu.evaluate("e => e.selectedIndex")
                    if n > 1:
                        menu.select_option(index=(current + 1) % n)
                        if player.evaluate(_SRC_JS) != before:
                            changed = True
                            break
            assert changed, f"{page_path}: moving the controls of player {k} does not change its image"
            player.evaluate("root => Promise.all([...root.querySelectorAll('img')].map(i => i.decode().catch(() => null)))")
            after = [i for i in player.evaluate(_PLAYER_JS)["imgs"] if i["visible"] and i["loaded"]]
            assert after, f"{page_path}: player {k} shows no loaded image after a control moved"
        assert visit.errors == [], f"{page_path}: JavaScript errors while using the players:\n" + "\n".join(visit.errors)
    finally:
        context.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_has_no_serious_accessibility_violation(visits: dict[str, Visit], page_path: str) -> None:
    """axe-core (WCAG rules) finds nothing serious or critical: every control and landmark is named."""
    found = _visit(visits, page_path).facts["axe"]
    if found is None:
        unavailable("axe-playwright-python is not installed (pip install -r requirements.txt)")
    assert found == [], f"{page_path}:\n" + "\n".join(found)
