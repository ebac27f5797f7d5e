"""The closing line of `make test`: what each pytest run skipped, grouped by what is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests import skip_report

ROOT = Path(__file__).resolve().parents[1]


def test_skip_reasons_are_grouped_by_what_is_missing() -> None:
    assert skip_report.category("Skipped: could not import 'torch': No module named 'torch'") == \
        "PyTorch not installed (.venv/bin/pip install torch==2.13.0)"
    assert skip_report.category("Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)") == \
        "Chromium not installed (apt-get install chromium)"
    assert skip_report.category("something else entirely") == "something else entirely"


def test_the_summary_adds_up_every_run_and_names_each_reason(tmp_path: Path) -> None:
    runs = [
        {"args": ["tests"], "passed": 10, "failed": 0, "skipped": ["a", "b", "a"]},
        {"args": ["book/x.ipynb"], "passed": 5, "failed": 1, "skipped": ["a"]},
    ]
    for k, r in enumerate(runs):
        (tmp_path / f"{k:02d}.json").write_text(json.dumps(r))
    totals, skipped = skip_report.summary(tmp_path)
    assert totals == "make test: 15 passed, 1 failed, 4 skipped in 2 pytest runs"
    assert skipped == "4 skipped: a: 3; b: 1"


def test_nothing_skipped_says_so(tmp_path: Path) -> None:
    (tmp_path / "00.json").write_text(json.dumps({"args": [], "passed": 3, "failed": 0, "skipped": []}))
    assert skip_report.summary(tmp_path)[1].startswith("0 skipped: every test ran")


def test_a_run_records_its_skips_once_even_with_workers(tmp_path: Path) -> None:
    """A real pytest run with two xdist workers: one record, from the controller, with the skip's reason."""
    test = tmp_path / "test_one.py"
    test.write_text("import pytest\n\ndef test_a():\n    pass\n\ndef test_b():\n    pytest.skip('could not import torch')\n")
    report = tmp_path / "report"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.skip_report", "-n", "2", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(test)],
        cwd=ROOT, capture_output=True, text=True, env={**__import__("os").environ, "NNBOOK_TEST_REPORT": str(report)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = [json.loads(p.read_text()) for p in report.glob("*.json")]
    assert len(records) == 1, records
    assert records[0]["passed"] == 1 and records[0]["skipped"] == [skip_report.REASONS[0][1]]
