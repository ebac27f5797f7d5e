"""A pytest plugin for ``make test``: what each run passed, failed and skipped, and why.

``make test`` runs pytest several times (the package tests, nbval, the slow
checks), each with ``-p tests.skip_report``; every run writes its counts and
skip reasons into ``$NNBOOK_TEST_REPORT/<n>.json``. At the end
``python -m tests.skip_report <folder>`` prints one line saying what was not
covered and why, so that a green run says what it means:

    42 skipped: PyTorch not installed (.venv/bin/pip install torch==2.13.0): 42

Skip reasons are grouped by what is missing (``REASONS``); any other reason is
shown as it is.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

# (pattern in a skip reason, what a newcomer reads)
REASONS = [
    (re.compile(r"torch|PyTorch"), "PyTorch not installed (.venv/bin/pip install torch==2.13.0)"),
    (re.compile(r"Chromium|playwright"), "Chromium not installed (apt-get install chromium)"),
    (re.compile(r"HTML book is not built|no notebook pages|no built book"), "the HTML book is not built (make book)"),
]


def category(reason: str) -> str:
    """The group a skip reason belongs to (the reason itself when no group matches)."""
    reason = re.sub(r"^Skipped: ", "", reason.strip())
    for pattern, name in REASONS:
        if pattern.search(reason):
            return name
    return reason


def _reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    folder = os.environ.get("NNBOOK_TEST_REPORT")
    if not folder or hasattr(config, "workerinput"):  # a pytest-xdist worker: its controller reports
        return
    stats = terminalreporter.stats
    record = {
        "args": [str(a) for a in config.args],
        "passed": len(stats.get("passed", [])),
        "failed": len(stats.get("failed", [])) + len(stats.get("error", [])),
        "skipped": [category(_reason(r)) for r in stats.get("skipped", [])],
    }
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{len(list(out.glob('*.json'))):02d}.json").write_text(json.dumps(record), encoding="utf-8")


def summary(folder: Path) -> tuple[str, str]:
    """The totals line and the skipped line of every run recorded in ``folder``."""
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.json"))]
    passed = sum(r["passed"] for r in records)
    failed = sum(r["failed"] for r in records)
    skipped = Counter(reason for r in records for reason in r["skipped"])
    total = sum(skipped.values())
    totals = f"make test: {passed} passed, {failed} failed, {total} skipped in {len(records)} pytest runs"
    if not total:
        return totals, "0 skipped: every test ran, the PyTorch comparisons and the headless-browser checks included"
    parts = "; ".join(f"{reason}: {n}" for reason, n in skipped.most_common())
    return totals, f"{total} skipped: {parts}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.skip_report <folder of run records>")
    if not list(Path(sys.argv[1]).glob("*.json")):
        sys.exit(f"no pytest run recorded in {sys.argv[1]}")
    print(*summary(Path(sys.argv[1])), sep="\n")
