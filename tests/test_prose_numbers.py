"""Every number a chapter's prose states is produced by a code cell above it.

The test reads the stored notebooks (nothing is executed) and, for each
markdown cell, takes the numbers its prose states and looks for each of them in
the *evidence* above it: the source of every code cell above, and its stored
text outputs (streams, ``text/plain`` results, the text of HTML tables; never
images). A re-execution that changes a printed number, or an edit that states a
number no cell computes, makes the chapter's test fail and names the number.

Which numbers are checked
-------------------------
* **Decimals** (``0.33``, ``709.8``) and **scientific notation** (``4.9e-324``,
  ``1e-5``, ``$2.2 \\times 10^{-16}$``, ``$10^{-5.3}$``), in text and in math
  (``$...$``, ``$$...$$``) alike, and in inline code.
* **Powers** ``10^{k}`` and ``e^{k}`` with an integer ``k`` (``$10^{-9}$``,
  ``$e^{-746}$``): a power of ten is read as the number ``10**k``, a power of
  ``e`` as its exponent ``k``.
* **Percentages** (``30%``, ``$30\\%$``).
* **Integers with thousands separators** (``4,353``).

Section numbers of a cited book ("section 6.3.1") are references, not claims.

Plain integers are not checked: they are nearly always the set-up (40 examples,
10 epochs, 4 seeds, layer widths), indices, years or chapter numbers, and
checking them would flag every sentence that describes an experiment. A count
that is a *result* ("8 of the 20 weights are exactly 0") should be printed by
the cell it comes from all the same; this test cannot tell it from a set-up
integer.

When a number is supported
--------------------------
A prose number is supported when some number in the evidence rounds to it at
the precision the prose states: ``0.33`` is supported by ``0.3312`` (within half
a unit of its last digit, 0.005), but not by ``0.3``; ``4.9e-324`` by
``4.94e-324``. Signs are ignored (prose writes a minus as ``-``, ``−`` or in
words). A percentage ``p%`` is supported by a printed ``p%`` (at its precision)
or by a fraction ``p/100`` with a decimal point (``0.302`` supports ``30%``).

The evidence is every code cell above the markdown cell, **plus the source
(never the outputs) of the first code cell below it**: a paragraph that
introduces a cell may name the parameters that cell sets ("targets
``0.5 + 1.5x`` with noise of standard deviation 0.4"), but a number the cell
*computes* must be stated after it.

Exclusions
----------
A number that is a definitional constant and not a result (a tolerance the
exercise checks with, a threshold the text chooses) is exempted where it is
stated, with an HTML comment in the same markdown cell, which Jupyter and the
book do not show::

    <!-- number: 1e-9 -- the tolerance the exercise's checks use -->

The comment names the number as the prose writes it and gives a reason; a
marker whose number does not occur in its cell fails the test (no stale
exemptions). A number quoted on purpose as a *wrong* value (a slip being
corrected) is not exempt: a cell computes the wrong value too.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))

MARKER = re.compile(r"<!--\s*number:\s*(?P<number>\S+)\s+--\s*(?P<reason>.*?)\s*-->", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
SECTION = re.compile(r"\b(?:sections?|chapters?|eq\.|equations?|tables?|figures?|fig\.|§)\s*\d+(?:\.\d+)*", re.I)

MINUS = r"[-\u2212]?"
# 2.2 \times 10^{-16}, 1.798 \times 10^{308}
TIMES_TEN = re.compile(
    r"(?<![\w.])(?P<mant>\d*\.?\d+)\s*(?:\\times|\\cdot|×)\s*10\^\{?\s*(?P<exp>" + MINUS + r"\d+)\s*\}?"
)
# 10^{-9}, 10^-9, 10^{-5.3}
POWER_TEN = re.compile(r"(?<![\w.])10\^\{?\s*(?P<exp>" + MINUS + r"\d+(?:\.\d+)?)\s*\}?")
# e^{-746}, e^{709.8}
POWER_E = re.compile(r"(?<![\w\\])e\^\{?\s*(?P<exp>" + MINUS + r"\d+(?:\.\d+)?)\s*\}?")
PERCENT = re.compile(r"(?<![\w.])(?P<num>\d+(?:\.\d+)?)\s*\\?%")
# a decimal, a number in e-notation, or an integer with thousands separators
NUMBER = re.compile(
    r"(?<![\w.])(?P<mant>\d{1,3}(?:,\d{3})+(?!\d)|\d*\.\d+|\d+)(?:[eE](?P<exp>[-+]?\d+))?(?![\w])"
)
# a number as code or output writes it; Python's 10_000 is 10000
EVIDENCE_NUMBER = re.compile(r"(?<![\w.])(\d*\.?\d+(?:_\d+)*(?:[eE][-+]?\d+)?)(\s*%)?")
EVIDENCE_POWER = re.compile(r"(?<![\w.])10(?:\.0)?\s*\*\*\s*\(?\s*(-?\d+(?:\.\d+)?)")
BASE64 = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Claim:
    """A number the prose states: its text, its value and half a unit of its last digit."""

    text: str
    value: float
    tolerance: float
    percent: bool = False


def _half_unit(digits: str, exponent: int = 0) -> float:
    """Half a unit in the last place of a mantissa written as `digits`, times 10**exponent."""
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(f"5e{exponent - decimals - 1}")


def _scaled(digits: str, exponent: int) -> float:
    """The number digits * 10**exponent, parsed as one literal (no underflow of 10**-324 on the way)."""
    return float(f"{digits}e{exponent}")


def _prose(source: str) -> str:
    """The markdown without what is not prose: comments, labels, links and cross-reference targets."""
    text = COMMENT.sub(" ", source)
    text = re.sub(r"^\(\S+\)=\s*$", " ", text, flags=re.M)           # (label)=
    text = re.sub(r"\{(?:cite|ref|numref|doc|eq)(?::\w+)?\}`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)                             # link targets
    text = re.sub(r"https?://\S+", " ", text)
    text = SECTION.sub(" ", text)                                        # "section 6.3.1" of a cited book
    return text


def claims(source: str) -> list[Claim]:
    """Every checked number stated in one markdown cell (see the module docstring)."""
    text = _prose(source)
    found: list[Claim] = []

    def take(pattern: re.Pattern[str], make) -> None:
        nonlocal text
        for m in pattern.finditer(text):
            found.append(make(m))
        text = pattern.sub(" ", text)

    def times_ten(m: re.Match[str]) -> Claim:
        exp = int(m["exp"].replace("\u2212", "-"))
        return Claim(m[0], _scaled(m["mant"], exp), _half_unit(m["mant"], exp))

    def power_ten(m: re.Match[str]) -> Claim:
        exp = m["exp"].replace("\u2212", "-")
        if "." in exp:  # 10^{-5.3}: the exponent is the number the prose states
            return Claim(m[0], abs(float(exp)), _half_unit(exp))
        return Claim(m[0], _scaled("1", int(exp)), _scaled("5", int(exp) - 1))

    def power_e(m: re.Match[str]) -> Claim:
        exp = m["exp"].replace("\u2212", "-")
        return Claim(m[0], abs(float(exp)), _half_unit(exp))

    def percent(m: re.Match[str]) -> Claim:
        return Claim(m[0], float(m["num"]), _half_unit(m["num"]), percent=True)

    take(TIMES_TEN, times_ten)
    take(POWER_TEN, power_ten)
    take(POWER_E, power_e)
    take(PERCENT, percent)
    for m in NUMBER.finditer(text):
        mant, exp = m["mant"], m["exp"]
        if "," in mant:
            found.append(Claim(m[0], float(mant.replace(",", "")), 0.5))
        elif exp is not None:
            found.append(Claim(m[0], _scaled(mant, int(exp)), _half_unit(mant, int(exp))))
        elif "." in mant:
            found.append(Claim(m[0], float(mant), _half_unit(mant)))
    return found


class Evidence:
    """The numbers of the code cells read so far: sorted values, and printed percentages."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.percents: list[float] = []
        self.fractions: list[float] = []

    def add(self, text: str) -> None:
        for m in EVIDENCE_NUMBER.finditer(text):
            try:
                x = abs(float(m[1].replace("_", "")))
            except ValueError:
                continue
            if not math.isfinite(x):
                continue
            bisect.insort(self.percents if m[2] else self.values, x)
            if "." in m[1] and x <= 1.0:
                bisect.insort(self.fractions, 100.0 * x)
        for m in EVIDENCE_POWER.finditer(text):
            bisect.insort(self.values, _scaled("1", int(float(m[1]))) if float(m[1]).is_integer() else 10.0 ** float(m[1]))

    @staticmethod
    def _near(values: list[float], claim: Claim) -> bool:
        slack = claim.tolerance * (1 + 1e-9) + 1e-12 * abs(claim.value)
        i = bisect.bisect_left(values, claim.value - slack)
        return i < len(values) and values[i] <= claim.value + slack

    def supports(self, claim: Claim) -> bool:
        if claim.percent:
            return self._near(self.percents, claim) or self._near(self.fractions, claim)
        return self._near(self.values, claim)

    def copy(self) -> "Evidence":
        other = Evidence()
        other.values, other.percents, other.fractions = list(self.values), list(self.percents), list(self.fractions)
        return other


def cell_evidence(cell: dict, outputs: bool = True) -> str:
    """The text of a code cell a prose number may come from: its source, and its stored text outputs."""
    parts = ["".join(cell.get("source", ""))]
    if not outputs:
        return parts[0]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", "")))
        data = out.get("data", {})
        if "text/html" in data and "image/png" not in data:
            html = BASE64.sub(" ", "".join(data["text/html"]))
            parts.append(TAG.sub(" ", html))
        elif "text/plain" in data and not any(k.startswith("image/") for k in data):
            parts.append("".join(data["text/plain"]))
    return "\n".join(parts)


def unsupported(path: Path) -> list[str]:
    """The numbers of a notebook's prose that no code cell above supports, one line each."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    evidence = Evidence()
    problems: list[str] = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            evidence.add(cell_evidence(cell))
            continue
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        exempt = set()
        for m in MARKER.finditer(source):
            if not m["reason"]:
                problems.append(f"cell {i}: the marker for {m['number']} gives no reason")
            if m["number"] not in COMMENT.sub(" ", source):
                problems.append(f"cell {i}: the marker names {m['number']}, which the cell does not state")
            exempt.add(m["number"])
        here = evidence
        below = next((c for c in cells[i + 1:] if c["cell_type"] == "code"), None)
        if below is not None:
            here = evidence.copy()
            here.add(cell_evidence(below, outputs=False))
        for claim in claims(source):
            if claim.text.strip() in exempt or any(e in claim.text for e in exempt):
                continue
            if not here.supports(claim):
                line = next((ln for ln in source.splitlines() if claim.text in ln), "").strip()
                problems.append(f"cell {i}: {claim.text!r} is computed by no cell above it   | {line[:110]}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_prose_number_is_computed_above(path: Path) -> None:
    problems = unsupported(path)
    assert not problems, (
        f"{path.name}: {len(problems)} number(s) in the prose that no code cell above computes "
        "(print them in a cell above, or mark a definitional constant with "
        "<!-- number: N -- reason -->; see this test's docstring):\n  " + "\n  ".join(problems)
    )


# ---------------------------------------------------------------------------
# the rules themselves, on small made-up cells

def _notebook(tmp_path: Path, *cells: tuple[str, str, str]) -> Path:
    """A notebook of (cell type, source, stream output) triples."""
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    for kind, source, output in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": output}] if output else []
        nb["cells"].append(cell)
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_a_printed_value_supports_its_rounding(tmp_path: Path) -> None:
    path = _notebook(tmp_path, ("code", "print(x)", "x = 0.3312\n"), ("markdown", "about 0.33 or 0.331", ""))
    assert unsupported(path) == []


def test_a_value_at_a_finer_precision_than_printed_fails(tmp_path: Path) -> None:
    path = _notebook(tmp_path, ("code", "print(x)", "x = 0.3\n"), ("markdown", "about 0.33", ""))
    assert len(unsupported(path)) == 1


def test_a_number_stated_before_its_output_fails(tmp_path: Path) -> None:
    path = _notebook(tmp_path, ("markdown", "it overflows above 709.8", ""),
                     ("code", "print(np.log(big))", "709.78\n"))
    assert len(unsupported(path)) == 1


def test_the_next_cell_may_set_the_parameters_its_paragraph_names(tmp_path: Path) -> None:
    path = _notebook(tmp_path, ("markdown", "noise of standard deviation 0.4", ""),
                     ("code", "y = x + 0.4 * rng.normal()", ""))
    assert unsupported(path) == []


def test_scientific_notation_powers_and_percentages(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path,
        ("code", "print(tiny, u, share)", "4.94e-324 2.22e-16 0.302 e^-746 1e-05\n"),
        ("markdown", "$4.9 \\times 10^{-324}$, $u = 2.2e-16$, 30% of them, $30\\%$, $e^{-746}$, 1e-5", ""),
    )
    assert unsupported(path) == []
    wrong = _notebook(tmp_path, ("code", "print(u)", "2.22e-16\n"), ("markdown", "$u = 1.1 \\times 10^{-16}$, 31%", ""))
    assert len(unsupported(wrong)) == 2


def test_integers_are_not_checked_but_grouped_ones_are(tmp_path: Path) -> None:
    path = _notebook(tmp_path, ("code", "print(n)", "4353\n"), ("markdown", "40 examples, 10 epochs, 4,353 weights", ""))
    assert unsupported(path) == []
    wrong = _notebook(tmp_path, ("code", "print(n)", "4352\n"), ("markdown", "4,353 weights", ""))
    assert len(unsupported(wrong)) == 1


def test_a_marker_exempts_one_number_and_must_name_a_stated_one(tmp_path: Path) -> None:
    marked = "a relative error of $10^{-9}$ <!-- number: 10^{-9} -- the checks' tolerance -->"
    assert unsupported(_notebook(tmp_path, ("markdown", marked, ""))) == []
    stale = "no number here <!-- number: 0.25 -- left over -->"
    assert len(unsupported(_notebook(tmp_path, ("markdown", stale, "")))) == 1


def test_images_and_labels_are_not_evidence_or_claims(tmp_path: Path) -> None:
    path = _notebook(tmp_path, ("markdown", "(sec-1.5)=\n## Title\nsee {ref}`sec-2.5`, {cite}`a2.5` (section 6.3.1)", ""))
    assert unsupported(path) == []
