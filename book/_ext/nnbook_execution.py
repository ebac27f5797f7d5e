"""How the book's notebooks are executed in a build, chosen by ``make``.

``make book`` executes every notebook in a fresh kernel (``execute_notebooks:
force`` in ``_config.yml``). ``make test`` first runs nbval, which executes
every notebook and compares each output with the stored one; it then builds the
HTML from those stored outputs, which nbval has just shown to be what a fresh
run produces, instead of executing every notebook a second time. It says so
with ``NNBOOK_BOOK_EXECUTE=off``; any value myst-nb accepts for
``nb_execution_mode`` (``force``, ``cache``, ``auto``, ``off``) may be given.
"""

from __future__ import annotations

import os
from typing import Any

MODES = ("off", "force", "cache", "auto", "inline")


def _choose_mode(app: Any, config: Any) -> None:
    mode = os.environ.get("NNBOOK_BOOK_EXECUTE", "").strip()
    if not mode:
        return
    if mode not in MODES:
        raise ValueError(f"NNBOOK_BOOK_EXECUTE={mode!r}: expected one of {', '.join(MODES)}")
    config.nb_execution_mode = mode


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _choose_mode)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
