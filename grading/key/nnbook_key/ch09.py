"""The answer key of chapter 9, *The playground*: the reference solutions, and the usual wrong answers computed
from them.

:mod:`nnbook.exercises.ch09` compares the student's answers with these.
"""

from __future__ import annotations

import numpy as np

from nnbook.playground import FEATURES, PlaygroundConfig, build_model, features

__all__ = ["feature_map_reference", "count_parameters_reference", "count_mistakes"]


def feature_map_reference(X: np.ndarray) -> np.ndarray:
    """The playground's seven features of ``X (n, 2)``, in the order of :data:`nnbook.playground.FEATURES`."""
    return features(X, FEATURES)


def count_parameters_reference(config: PlaygroundConfig) -> int:
    """The number of trainable scalars of the playground's network for ``config``."""
    return build_model(config, np.random.default_rng(0)).num_parameters()


def count_mistakes(config: PlaygroundConfig) -> list[tuple[int, str]]:
    """(wrong count, hint) of the usual wrong ways to count the parameters of ``config``'s network."""
    sizes = config.layer_sizes
    pairs = list(zip(sizes[:-1], sizes[1:]))
    mistakes = [
        (sum(a * b for a, b in pairs), "only the weights: every unit also has a bias, so a layer from a to b "
                                        "units has a*b + b parameters."),
        (sum((a + 1) * b for a, b in pairs[:-1]), "the output layer is missing: it has weights and biases too."),
        (sum(a * b for a, b in pairs[:-1]), "the output layer and the biases are missing."),
        (sum((a + 1) * b for a, b in zip((2, *sizes[1:-1]), sizes[1:])),
         f"the network's inputs are the chosen features ({len(config.features)} of them: "
         f"{', '.join(config.features)}), not always x1 and x2."),
        (sum((a + 1) * b for a, b in zip(sizes[:-1], (*sizes[1:-1], 1))),
         f"a softmax output has one unit a class, here {config.n_classes}, not one."),
        (sum((a + 1) * b for a, b in zip(sizes[:-1], (*sizes[1:-1], 2))) if sizes[-1] == 1 else None,
         "a sigmoid output (two classes) or a linear output (regression) is a single unit."),
        (sum(a * (b + 1) for a, b in pairs), "one bias a unit of the layer it feeds, not one an input: "
                                              "a layer from a to b units has a*b + b parameters."),
    ]
    return [(value, text) for value, text in mistakes if value is not None]
