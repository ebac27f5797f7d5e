"""The package's one rule for randomness: it is passed in, never made here.

A function or layer that draws random numbers takes ``rng``, a
:class:`numpy.random.Generator`, and raises ``ValueError`` naming itself when
it has none; nothing in ``nnbook`` falls back to an unseeded generator or to
NumPy's global seed, so a notebook with one ``rng = np.random.default_rng(seed)``
gives the same numbers on every run. Code that draws nothing needs no ``rng``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def check_rng(rng: Any, where: str) -> np.random.Generator:
    """``rng`` itself, or ``TypeError`` when it is not a :class:`numpy.random.Generator`."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{where}: rng must be a numpy.random.Generator, e.g. np.random.default_rng(0); got {type(rng).__name__}")
    return rng


def require_rng(rng: Any, where: str, reason: str, hint: str = "") -> np.random.Generator:
    """``rng`` for a call that draws random numbers: ``ValueError`` when it is missing.

    The message reads ``"{where}: {reason} needs rng, a numpy.random.Generator{hint}"``.
    """
    if rng is None:
        raise ValueError(f"{where}: {reason} needs rng, a numpy.random.Generator{hint}")
    return check_rng(rng, where)
