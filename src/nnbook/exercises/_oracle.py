"""Where the checkers get their expected answers: the instructor's key, or a table of its answers.

The reference solutions are not part of this package. They live in the instructor's
answer key, a package ``nnbook_key`` (``grading/key/nnbook_key`` in the book's
repository), which is never released to students. A checker asks for an expected
answer by name, ``oracle("ch01").logistic_gradient(X, y, w, b)``:

- when the key can be imported (the variable ``NNBOOK_KEY`` names the folder that
  holds ``nnbook_key``; the book's ``make`` targets and the grader set it), the key
  computes the answer;
- otherwise (a student's copy of the book) the answer comes from
  ``expected/chNN.json``: the key's answers on the inputs of the exercises'
  visible tests, and nothing else. Numbers on a few fixed inputs give no code away;
  the hidden tests, with other inputs, run only where the key is.

An answer that neither has raises :class:`KeyUnavailable`; the checks report it as
"checked when graded" instead of a failure.

Inputs are matched by a fingerprint of their values rounded to 9 significant
digits, so that the last bit of a sine computed by another CPU does not matter.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["KeyUnavailable", "oracle", "key_available", "recording", "fingerprint", "encode", "decode", "TABLES"]

#: the folder of the tables of expected answers, one JSON file a chapter
TABLES = Path(__file__).with_name("expected")
#: environment variables: the folder holding ``nnbook_key``; a file to record answers into
KEY_ENV, RECORD_ENV = "NNBOOK_KEY", "NNBOOK_KEY_RECORD"


class KeyUnavailable(Exception):
    """The expected answer for these inputs is only in the instructor's key."""


def _key_module(chapter: str) -> Any | None:
    folder = os.environ.get(KEY_ENV)
    if not folder:
        return None
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        return importlib.import_module(f"nnbook_key.{chapter}")
    except ImportError as exc:
        raise ImportError(f"{KEY_ENV}={folder} does not hold the answer key nnbook_key.{chapter}: {exc}") from exc


def key_available() -> bool:
    """Whether the instructor's key is importable here (``NNBOOK_KEY`` is set)."""
    return bool(os.environ.get(KEY_ENV))


# -- a canonical form of inputs and answers ---------------------------------------------------

def _round(a: np.ndarray) -> list:
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return [float(f"{v:.9g}") for v in a.ravel()]
    return a.ravel().tolist()


def _canon(x: Any) -> Any:
    """A JSON-able form of ``x`` that two equal inputs share (floats to 9 significant digits)."""
    from ..module import Module  # late: the package imports this module

    if isinstance(x, np.random.Generator):
        return ["rng", repr(x.bit_generator.state)]
    if isinstance(x, Module):
        return ["module", type(x).__name__, [_canon(p.value) for p in x.parameters()],
                [type(m).__name__ for m in x.modules()]]
    if is_dataclass(x) and not isinstance(x, type):
        return ["dataclass", type(x).__name__, _canon(asdict(x))]
    if isinstance(x, dict):
        return ["dict", sorted((str(k), _canon(v)) for k, v in x.items())]
    if isinstance(x, (set, frozenset)):
        return ["set", sorted(map(repr, x))]
    if isinstance(x, (list, tuple)):
        return ["seq", [_canon(v) for v in x]]
    if isinstance(x, (np.ndarray, np.generic, float, int, bool)):
        a = np.asarray(x)
        return ["array", a.dtype.kind, list(a.shape), _round(a)]
    if x is None or isinstance(x, str):
        return x
    raise TypeError(f"cannot fingerprint an input of type {type(x).__name__}")


def fingerprint(name: str, args: tuple, kwargs: dict) -> str:
    """The key of a call ``name(*args, **kwargs)`` in a table."""
    text = json.dumps([name, _canon(list(args)), _canon(kwargs)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def encode(x: Any) -> Any:
    """An answer as JSON: arrays exactly (float64 by repr), tuples and lists kept apart."""
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        a = np.asarray(x)
        return {"array": a.dtype.str, "shape": list(a.shape), "data": a.ravel().tolist()}
    if isinstance(x, tuple):
        return {"tuple": [encode(v) for v in x]}
    if isinstance(x, list):
        return [encode(v) for v in x]
    if isinstance(x, dict):
        return {"dict": {str(k): encode(v) for k, v in x.items()}}
    if isinstance(x, float):
        return {"float": repr(x)}
    if x is None or isinstance(x, (str, bool, int)):
        return x
    raise TypeError(f"cannot store an answer of type {type(x).__name__}")


def decode(x: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(x, list):
        return [decode(v) for v in x]
    if isinstance(x, dict):
        if "array" in x:
            return np.array(x["data"], dtype=np.dtype(x["array"])).reshape(x["shape"])
        if "tuple" in x:
            return tuple(decode(v) for v in x["tuple"])
        if "float" in x:
            return float(x["float"])
        if "dict" in x:
            return {k: decode(v) for k, v in x["dict"].items()}
    return x


# -- the oracle ---------------------------------------------------------------------------------

class _Oracle:
    """The expected answers of one chapter, by the name of the key's function."""

    def __init__(self, chapter: str) -> None:
        self.chapter = chapter
        self._table: dict[str, Any] | None = None

    def _lookup(self, name: str, key: str) -> Any:
        if self._table is None:
            path = TABLES / f"{self.chapter}.json"
            self._table = json.loads(path.read_text()) if path.is_file() else {}
        if key not in self._table:
            raise KeyUnavailable(
                f"no expected answer for {self.chapter}.{name} on these inputs here: the checks on other inputs "
                "need the instructor's key, and run when the notebook is graded")
        return decode(self._table[key])

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            key = fingerprint(f"{self.chapter}.{name}", args, kwargs)
            module = _key_module(self.chapter)
            if module is None:
                return self._lookup(name, key)
            result = getattr(module, name)(*args, **kwargs)
            record = os.environ.get(RECORD_ENV)
            if record and self.chapter != "answers":  # the choices are never written to a table
                with open(record, "a") as f:
                    f.write(json.dumps({"chapter": self.chapter, "key": key, "answer": encode(result)}) + "\n")
            return result

        call.__name__ = name
        return call


_ORACLES: dict[str, _Oracle] = {}


def oracle(chapter: str) -> _Oracle:
    """The expected answers of ``chapter`` (``"ch01"`` ... ``"ch10"``)."""
    if chapter not in _ORACLES:
        _ORACLES[chapter] = _Oracle(chapter)
    return _ORACLES[chapter]


def recording() -> bool:
    """Whether the key's answers are being written to a table (``NNBOOK_KEY_RECORD``)."""
    return bool(os.environ.get(RECORD_ENV)) and key_available()
