"""Accessibility of the built HTML book beyond axe-core (which tests/test_html.py runs on every page).

* every ``<img>`` of every page has an ``alt`` text that says what it shows:
  not empty, not a generic word such as "figure", not a file name; every
  frame of an interactive figure (``.nnbook-player``) starts with a
  description of the figure, for every value of its controls;
* the players' sliders and menus and the live playground's buttons are
  reached with Tab and operated with the keyboard, and the frame changes;
* nothing moves by itself for a reader who asks for reduced motion
  (``prefers-reduced-motion: reduce``): no player changes its frame, the live
  playground does not start training, and no animation runs on the page;
* a chapter's precomputed playground run opens live (``Open this run live``)
  with that run's configuration, with the network off.

They need the built book (``make book``) and Chromium; without them they skip,
saying why (``NNBOOK_REQUIRE_HTML_CHECKS=1`` makes them fail instead).
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import nnbook as nb
from nnbook.player_html import LINK_TEXT
from nnbook.playground import PlaygroundConfig
from page_helpers import HTML, ROOT, built_book, offline_context, serve, unavailable, url_of

pytestmark = pytest.mark.slow  # a book build and a browser: make test, not make check

# alt texts that name no content: a reader who cannot see the picture learns nothing from them
GENERIC = {"", "image", "img", "figure", "fig", "plot", "graph", "chart", "picture", "png", "output", "logo", "icon",
           "photo", "diagram", "frame"}
FILE_NAME = re.compile(r"[\w\-./]+\.(png|jpe?g|gif|svg|webp)", re.I)
MIN_WORDS = 2  # the theme's icons: "Binder logo"
FIGURE_WORDS = 6  # a chapter's figure: a sentence saying what it shows


def _pages() -> list[str]:
    if not (HTML / "index.html").is_file():
        return []
    skip = {"_static", "_sources", "_images", "_sphinx_design_static"}
    return sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html")
                  if not skip & set(p.relative_to(HTML).parts) and not p.name.startswith("."))


def _with(marker: str) -> list[str]:
    return [p for p in _pages() if marker in (HTML / p).read_text(encoding="utf-8")] or [f"<no page with {marker}>"]


PAGES = _pages() or ["<no built book>"]
PLAYER_PAGES = _with('class="nnbook-player"')
LINK_PAGES = _with('class="nnbook-live-link"')
LIVE_PAGE = "book/playground_live.html"


def _need(page_path: str) -> None:
    if page_path.startswith("<"):
        unavailable(f"the built book has {page_path[1:-1]} ({HTML / 'index.html'}; run `make book`)")


def _bad_alt(alt: str | None, words: int = MIN_WORDS) -> str | None:
    """Why ``alt`` does not say what an image shows (in at least ``words`` words), or None."""
    if alt is None:
        return "no alt attribute"
    text = alt.strip()
    if text.lower().rstrip(".") in GENERIC or FILE_NAME.fullmatch(text):
        return f"a generic alt {alt!r}"
    if len(text.split()) < words:
        return f"an alt of fewer than {words} words, {alt!r}"
    return None


@pytest.fixture(scope="module")
def site() -> Any:
    with serve(built_book()) as server:
        yield url_of(server)


@contextlib.contextmanager
def _opened(browser: Any, site: str, path: str, **options: Any) -> Iterator[Any]:
    """A page opened with the network off (every request off the local server aborted and recorded); when
    the test's block ends, no uncaught error and no such request may have happened meanwhile."""
    context, outside = offline_context(browser, site, viewport={"width": 1280, "height": 900}, **options)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        page.goto(site + path, wait_until="load")
        yield page
        assert errors + outside == [], errors + outside
    finally:
        context.close()


# ---------------------------------------------------------------------------
# alt text


@pytest.mark.parametrize("page_path", PAGES)
def test_every_image_says_what_it_shows(page_path: str) -> None:
    _need(page_path)
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((HTML / page_path).read_text(encoding="utf-8"), "html.parser")
    figures = {id(img) for img in soup.select(".cell_output img")}  # a chapter's pictures, players' frames included
    bad = [f"{(img.get('src') or '')[:60]}: {why}" for img in soup.find_all("img")
           if (why := _bad_alt(img.get("alt"), FIGURE_WORDS if id(img) in figures else MIN_WORDS))]
    assert bad == [], f"{page_path}: images whose alt text does not say what they show:\n" + "\n".join(bad)


def test_the_check_reads_the_chapters_figures() -> None:
    """The selector of a chapter's pictures finds them: every chapter shows some."""
    _need(PAGES[0])
    from bs4 import BeautifulSoup

    counts = {p: len(BeautifulSoup((HTML / p).read_text(encoding="utf-8"), "html.parser").select(".cell_output img"))
              for p in PAGES if re.search(r"/\d\d_", p)}
    assert counts and all(counts.values()), counts


_FRAME_ALTS_JS = r"""root => {
    // every combination of the controls, moved as a reader moves them; the alt of each frame shown
    const controls = [...root.querySelectorAll('[data-nnbook-n]')], img = root.querySelector('img.nnbook-frame');
    const alts = [];
    const visit = (k) => {
        if (k === controls.length) { alts.push(img.alt); return; }
        const c = controls[k];
        for (let v = 0; v < +c.dataset.nnbookN; v++) {
            c.value = String(v);
            c.dispatchEvent(new Event('input', {bubbles: true}));
            visit(k + 1);
        }
    };
    visit(0);
    return {description: root.dataset.nnbookAlt, alts: alts};
}"""


@pytest.mark.parametrize("page_path", PLAYER_PAGES)
def test_every_player_frame_says_what_it_shows(browser: Any, site: str, page_path: str) -> None:
    _need(page_path)
    with _opened(browser, site, page_path) as page:
        players = page.locator(".nnbook-player")
        for k in range(players.count()):
            facts = players.nth(k).evaluate(_FRAME_ALTS_JS)
            description = facts["description"].removesuffix("; ")
            assert _bad_alt(description, FIGURE_WORDS) is None, f"{page_path}: player {k}: {_bad_alt(description, FIGURE_WORDS)}"
            wrong = [a for a in facts["alts"] if not a.startswith(facts["description"]) or a == facts["description"]]
            assert wrong == [], f"{page_path}: player {k}: frames whose alt is not description then values: {wrong[:3]}"
            assert len(set(facts["alts"])) == len(facts["alts"]), f"{page_path}: player {k}: two frames share an alt"


# ---------------------------------------------------------------------------
# the keyboard


def _tab_to(page: Any, selector: str, presses: int = 12) -> None:
    """Press Tab until the focused element matches ``selector`` (from the reading position the test set)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    focused = page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{presses} Tabs did not reach {selector}; the focus is on {focused}")


_SHOWN_JS = "root => [root.querySelector('img.nnbook-frame').src, root.querySelector('img.nnbook-frame').alt]"


@pytest.mark.parametrize("page_path", PLAYER_PAGES)
def test_players_are_operated_from_the_keyboard(browser: Any, site: str, page_path: str) -> None:
    """From the player's title, Tab reaches each control in turn; the arrow keys change the frame."""
    _need(page_path)
    with _opened(browser, site, page_path) as page:
        players = page.locator(".nnbook-player")
        for k in range(players.count()):
            player = players.nth(k)
            root = player.get_attribute("id")
            n = player.evaluate("r => { const c = [...r.querySelectorAll('[data-nnbook-n]')];"
                                " c.forEach((e, i) => { e.id = r.id + '-c' + i; }); return c.length; }")
            # click the figure's title (not a control): Tab goes on from there, as for a reader
            if player.locator(".nnbook-player-title").count():
                player.locator(".nnbook-player-title").click()
                _tab_to(page, f"#{root}-c0", presses=1)
            else:
                page.focus(f"#{root}-c0")
            moved: list[bool] = []
            for i in range(n):
                control = page.locator(f"#{root}-c{i}")
                if i:
                    _tab_to(page, f"#{root}-c{i}", presses=1)
                before = player.evaluate(_SHOWN_JS)
                at_end = control.evaluate("e => +e.value >= +e.dataset.nnbookN - 1")
                menu = control.evaluate("e => e.tagName") == "SELECT"
                key = ("ArrowUp" if at_end else "ArrowDown") if menu else ("ArrowLeft" if at_end else "ArrowRight")
                value = control.input_value()
                page.keyboard.press(key)
                after = player.evaluate(_SHOWN_JS)
                assert control.input_value() != value, f"{page_path}: player {k}, control {i}: {key} did not move it"
                assert after[1] != before[1], f"{page_path}: player {k}, control {i}: the alt text did not follow"
                moved.append(after[0] != before[0])  # (at epoch 0 every run of a sweep may look the same)
            assert any(moved), f"{page_path}: player {k}: no control moved from the keyboard changed the frame"
            if player.locator("a.nnbook-live-link").count():  # the link to the live page comes next
                _tab_to(page, f"#{root} a.nnbook-live-link", presses=1)


def test_the_live_playground_is_reached_and_trained_from_the_keyboard(browser: Any, site: str) -> None:
    with _opened(browser, site, LIVE_PAGE) as page:
        page.wait_for_function("window.nnbookLivePlayground !== undefined")
        page.locator("main p:visible").first.click()  # the reading position: the page's first paragraph
        _tab_to(page, "#nnbook-live-playground button.nnpg-play", presses=40)
        page.keyboard.press("Tab")  # Step
        assert page.evaluate("document.activeElement.textContent") == "Step"
        page.keyboard.press("Enter")
        page.keyboard.press("Space")
        page.wait_for_function("document.querySelector('.nnpg-epoch').textContent === '2'")
        page.keyboard.press("Shift+Tab")  # back to Play
        page.keyboard.press("Enter")
        page.wait_for_function("Number(document.querySelector('.nnpg-epoch').textContent) >= 5")
        page.keyboard.press("Enter")  # Pause
        assert page.evaluate("window.nnbookLivePlayground.state().playing") is False


def test_the_module_index_groups_open_and_close_from_the_keyboard(browser: Any, site: str) -> None:
    """The module index's toggle (an image in Sphinx's markup) is focusable and Enter and Space switch its group."""
    if not (HTML / "py-modindex.html").is_file():
        unavailable(f"the built book has no module index ({HTML / 'py-modindex.html'})")
    with _opened(browser, site, "py-modindex.html") as page:
        toggler = page.locator("img.toggler").first
        group = page.locator("tr.cg-" + toggler.get_attribute("id").removeprefix("toggle-"))
        assert group.count() > 0, "the toggle's group has rows"
        page.locator("article.bd-article h1").click()  # the reading position: the index's title
        _tab_to(page, "img.toggler", presses=5)
        shown = group.first.is_visible()
        page.keyboard.press("Enter")
        assert group.first.is_visible() != shown, "Enter did not switch the group"
        page.keyboard.press(" ")
        assert group.first.is_visible() == shown, "Space did not switch the group back"


# ---------------------------------------------------------------------------
# reduced motion

# what each player shows: the picture and its alt (which names the values, where two runs look alike)
_FRAMES_JS = "() => [...document.querySelectorAll('img.nnbook-frame')].map(i => [i.src, i.alt])"
_RUNNING_JS = "() => document.getAnimations().filter(a => a.playState === 'running').map(a => String(a.animationName || a.id || a.constructor.name))"


@pytest.mark.parametrize("page_path", [*PLAYER_PAGES, LIVE_PAGE])
def test_nothing_moves_by_itself_under_reduced_motion(browser: Any, site: str, page_path: str) -> None:
    _need(page_path)
    with _opened(browser, site, page_path, reduced_motion="reduce") as page:
        assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
        frames = page.evaluate(_FRAMES_JS)
        live = page.locator("#nnbook-live-playground").count() > 0
        if live:
            page.wait_for_function("window.nnbookLivePlayground !== undefined")
        page.wait_for_timeout(1500)
        assert page.evaluate(_FRAMES_JS) == frames, \
            f"{page_path}: a player changed its frame with nobody touching it"
        assert page.evaluate(_RUNNING_JS) == [], f"{page_path}: animations run under reduced motion"
        if live:
            state = page.evaluate("window.nnbookLivePlayground.state()")
            assert state["epoch"] == 0 and state["playing"] is False, "the live playground started by itself"


# ---------------------------------------------------------------------------
# a chapter's run, opened live


class _Recorder:
    """Stands in for ``nb.playground`` while a chapter's scrubber cell runs: records the runs, trains nothing."""

    def __init__(self) -> None:
        self.calls: list[list[PlaygroundConfig]] = []
        self.sweeps: list[dict[str, list[Any]]] = []

    def scrubber(self, configs: Any, epochs: Any, **kwargs: Any) -> None:
        sweep = {k: list(v) for k, v in kwargs.items() if k not in ("views", "title", "dpi")}
        fields = {f.name for f in nb.playground.FIELDS}
        if isinstance(configs, dict) and not sweep and not set(configs) <= fields:  # labelled runs, not one config
            self.calls.append([PlaygroundConfig.from_dict(c) for c in configs.values()])
        elif isinstance(configs, list):
            self.calls.append([PlaygroundConfig.from_dict(c) for c in configs])
        else:
            self.calls.append([PlaygroundConfig.from_dict(configs)])
        self.sweeps.append(sweep)


def _chapter_runs(page_path: str) -> _Recorder:
    """Run the chapter's own scrubber cells (they define their configs) with the scrubber recorded."""
    source = ROOT / Path(page_path).with_suffix(".ipynb")
    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    recorder = _Recorder()
    fake = types.SimpleNamespace(**{k: getattr(nb, k) for k in dir(nb) if not k.startswith("__")})
    fake.playground = types.SimpleNamespace(**{k: getattr(nb.playground, k) for k in dir(nb.playground)
                                               if not k.startswith("__")})
    fake.playground.scrubber = recorder.scrubber
    for cell in cells:
        code = "".join(cell["source"])
        if cell["cell_type"] == "code" and "nb.playground.scrubber(" in code:
            tree = ast.parse(code)
            tree.body = [s for s in tree.body if not isinstance(s, ast.Import)]
            exec(compile(tree, str(source), "exec"), {"nb": fake, "np": __import__("numpy")})  # noqa: S102
    return recorder


def _expected(recorder: _Recorder, k: int, indices: dict[str, int]) -> PlaygroundConfig:
    """The run that player ``k`` shows with its controls at ``indices`` (each control's value is an index)."""
    configs, sweep = recorder.calls[k], recorder.sweeps[k]
    if sweep:
        return configs[0].replace(**{name: values[indices[name]] for name, values in sweep.items()})
    return configs[indices.get("run", 0)]


@pytest.mark.parametrize("page_path", LINK_PAGES)
def test_a_chapter_s_run_opens_live_with_its_configuration(browser: Any, site: str, page_path: str) -> None:
    """Each precomputed run's link, followed from the keyboard with the network off, shows that run's dict."""
    _need(page_path)
    recorder = _chapter_runs(page_path)
    with _opened(browser, site, page_path) as page:
        players = page.locator(".nnbook-player:has(a.nnbook-live-link)")
        assert players.count() == len(recorder.calls), f"{page_path}: a player for each scrubber cell"
        for k in range(players.count()):
            player = players.nth(k)
            # the last run of the first control that is not the epoch (or the only run)
            for menu in player.locator("[data-nnbook-n]").all():
                if menu.get_attribute("name") != "epoch":
                    last = int(menu.get_attribute("data-nnbook-n")) - 1
                    if menu.evaluate("e => e.tagName") == "SELECT":
                        menu.select_option(index=last)
                    else:
                        menu.fill(str(last))
                    break
            indices = player.evaluate("r => Object.fromEntries([...r.querySelectorAll('[data-nnbook-n]')]"
                                      ".map(c => [c.name, +c.value]))")
            wanted = _expected(recorder, k, indices)
            link = player.locator("a.nnbook-live-link")
            assert link.inner_text() == LINK_TEXT
            assert link.get_attribute("href") == wanted.live_url()  # relative: the page next to the chapter
            link.focus()
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.wait_for_function("window.nnbookLivePlayground !== undefined")
            page.get_by_role("button", name="Open in Jupyter").click()
            shown = ast.literal_eval(page.locator("#nnpg-config-dict").inner_text())
            assert shown == wanted.to_dict(), f"{page_path}: player {k} opened live as another run"
            assert page.locator(".nnpg-message").inner_text() == ""
            page.go_back()
            page.wait_for_selector(".nnbook-player")
