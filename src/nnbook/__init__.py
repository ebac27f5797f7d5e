"""nnbook: feedforward networks and backpropagation in NumPy, the engine of the book.

>>> import numpy as np, nnbook as nb
>>> rng = np.random.default_rng(0)
>>> model = nb.Sequential(nb.Linear(2, 4, rng=rng), nb.Tanh(), nb.Linear(4, 1, rng=rng))
>>> X, y = nb.data.xor()
>>> history = nb.fit(model, nb.BCEWithLogitsLoss(), nb.SGD(model.parameters(), lr=0.5), X, y, epochs=10)
>>> len(history["loss"])
10
"""

from . import data, functional, init
from .activations import (
    ELU, Abs, Elementwise, HardTanh, Identity, LeakyReLU, PReLU, ReLU, RReLU, Sigmoid, Softplus, Step, Tanh,
)
from .dropout import Dropout
from .gradcheck import check_gradients, numerical_gradient, relative_error
from .layers import Linear, Maxout
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss, NLLLoss
from .module import Module, Parameter, Sequential
from .optim import SGD
from .outputs import LogSoftmax, Softmax, Sparsemax
from .rbf import RBF
from .train import accuracy, evaluate, fit
from .value import Value

__version__ = "0.1.0"

__all__ = [
    "data", "functional", "init",
    "Parameter", "Module", "Sequential", "Linear", "Maxout", "RBF", "Dropout",
    "Elementwise", "Identity", "Step", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "PReLU", "RReLU",
    "ELU", "Softplus", "HardTanh", "Abs",
    "Loss", "MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "Softmax", "Sparsemax", "LogSoftmax",
    "SGD", "fit", "evaluate", "accuracy",
    "numerical_gradient", "relative_error", "check_gradients", "Value",
]

# The rest of the package loads on first use, so that `import nnbook as nb` stays light
# (no matplotlib or ipywidgets) and `nb.regularization.ridge(...)` still works without an
# `import nnbook.regularization` of its own.
import pkgutil as _pkgutil

_LAZY_SUBMODULES = frozenset(m.name for m in _pkgutil.iter_modules(__path__))


def __getattr__(name: str):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'nnbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY_SUBMODULES)
