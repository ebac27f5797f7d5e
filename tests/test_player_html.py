"""Tests of nnbook.player_html: the static player's page (its behaviour in a browser is in test_widgets)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from nnbook import images
from nnbook.player_html import PLAYER_JS, Control, describe, player_html

FRAMES = [images.encode_png(np.full((3, 4, 3), v, dtype=np.uint8)) for v in (0, 100, 200)]
EPOCH = Control("epoch", (0, 10, 20), ("0", "10", "20"), "range")


def test_page_holds_every_frame_and_one_control():
    page = player_html(FRAMES, [EPOCH], "training")
    frames = json.loads(re.search(r'class="nnbook-frames">(.*?)</script>', page).group(1))
    assert frames == [images.data_uri(f) for f in FRAMES]
    assert page.count('<input type="range"') == 1 and 'max="2"' in page
    assert 'width="4" height="3"' in page and f'src="{frames[0]}"' in page  # the first frame without a script


def test_page_id_is_a_hash_of_the_content():
    a, b = player_html(FRAMES, [EPOCH], "t"), player_html(FRAMES, [EPOCH], "t")
    other = player_html(FRAMES[::-1], [EPOCH], "t")
    ids = [re.match(r'<div class="nnbook-player" id="(nnbook-[0-9a-f]{16})"', p).group(1) for p in (a, b, other)]
    assert a == b and ids[0] == ids[1] != ids[2]


def test_strings_become_a_menu_and_text_is_escaped():
    menu = Control("a<b", ("x", "y"), ("x&y", "z"), "select")
    page = player_html(FRAMES[:2], [menu], "<title>")
    assert "<select" in page and "&lt;title&gt;" in page and "x&amp;y" in page and "<title>" not in page
    assert '"' not in PLAYER_JS  # it sits in a double-quoted attribute


def test_describe_is_one_line():
    assert describe([EPOCH], None, 3, "player") == "<player: epoch (0, 10, 20); 3 frames>"
    long = Control("w", tuple(range(5)), tuple(map(str, range(5))), "range")
    assert describe([long], "t", 5, "player") == "<player 't': w (5 values, 0 to 4); 5 frames>"


def test_links_follow_the_frames_and_alt_says_what_the_figure_shows():
    page = player_html(FRAMES, [EPOCH], "training", alt="A loss curve", links=["a#1", "a#1", "b#2"], link_note="(live)")
    assert 'alt="A loss curve; epoch = 0"' in page and 'data-nnbook-alt="A loss curve; "' in page
    assert '<a class="nnbook-live-link" href="a#1" data-nnbook-links="[&quot;a#1&quot;, &quot;a#1&quot;, &quot;b#2&quot;]">' in page
    assert "nnbookLinks" in PLAYER_JS  # the link is swapped with the frame
    same = player_html(FRAMES, [EPOCH], None, links=["a#1"] * 3)
    assert 'href="a#1">' in same and "data-nnbook-links" not in same  # one run: nothing to swap
    with pytest.raises(ValueError, match="3 frames but 2 links"):
        player_html(FRAMES, [EPOCH], None, links=["a", "b"])
