"""Parameters, the :class:`Module` protocol and :class:`Sequential`.

Every layer of ``nnbook`` speaks the three messages of modular backprop
(chapter *Backpropagation*):

* ``forward(x)`` computes the output and keeps what ``backward`` needs;
* ``backward(grad_out)`` returns the gradient of the loss with respect to the
  input, and
* adds the gradient with respect to each of its parameters into that
  parameter's ``.grad``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["Parameter", "Module", "Sequential"]


class Parameter:
    """A trainable array and the gradient accumulated for it.

    Parameters
    ----------
    value : ndarray
        The array itself, updated in place by optimizers.
    decay : bool
        Whether weight decay (L2) applies to it. Weights: yes; biases and
        learned activation slopes: no.

    Notes
    -----
    :attr:`grad` has the same shape and dtype as ``value``; backward passes
    *add* into it, so it must be reset with :meth:`zero_grad` between steps.

    Right after :meth:`zero_grad` (or construction), while no one has taken
    ``grad`` since, a layer may *write* its gradient into the array instead of
    adding it to zeros (``Linear`` does: ``np.matmul(..., out=grad)``), which
    saves a temporary and a pass; the values are the same, bit for bit. Reading
    ``p.grad`` ends that state, so a second backward, or anything written into
    ``p.grad`` in between, is added as always. Read ``p.grad`` again after
    ``zero_grad`` rather than keep the array from before.
    """

    __slots__ = ("value", "_grad", "_zeroed", "decay")

    def __init__(self, value: np.ndarray, *, decay: bool = True) -> None:
        value = np.asarray(value)
        if not np.issubdtype(value.dtype, np.floating):
            value = value.astype(np.float64)
        self.value = value
        self._grad = np.zeros_like(value)
        #: ``_grad`` holds zeros that no one has been handed: a backward may overwrite it
        self._zeroed = True
        self.decay = decay

    @property
    def grad(self) -> np.ndarray:
        """The gradient accumulated for ``value``, an array of its shape and dtype (an attribute
        that can be assigned; backward passes add into it)."""
        self._zeroed = False  # the caller may write into it: from now on gradients are added
        return self._grad

    @grad.setter
    def grad(self, value: np.ndarray) -> None:
        self._grad = value
        self._zeroed = False

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def dtype(self) -> np.dtype:
        return self.value.dtype

    def zero_grad(self) -> None:
        self._grad.fill(0)
        self._zeroed = True

    def __repr__(self) -> str:
        return f"Parameter(shape={self.value.shape}, dtype={self.value.dtype})"


class Module:
    """Base class of layers, activations and containers.

    Subclasses implement :meth:`forward` and :meth:`backward`. Parameters and
    sub-modules stored as attributes, or in a list or tuple attribute, are
    found by :meth:`children`, :meth:`modules` and :meth:`named_parameters`,
    the names PyTorch uses.
    """

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, grad_out: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    # -- the module tree --------------------------------------------------------
    def _members(self) -> Iterator[tuple[str, Parameter | Module]]:
        """The parameters and modules this module holds itself, in attribute order.

        An attribute that is a list or tuple contributes its items, named
        ``"attr.0"``, ``"attr.1"``, ... The one place that looks into
        attributes: every walk of the tree goes through it.
        """
        for name, attr in vars(self).items():
            if isinstance(attr, (Parameter, Module)):
                yield name, attr
            elif isinstance(attr, (list, tuple)):
                for i, item in enumerate(attr):
                    if isinstance(item, (Parameter, Module)):
                        yield f"{name}.{i}", item

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for the modules held directly (not their sub-modules)."""
        for name, member in self._members():
            if isinstance(member, Module):
                yield name, member

    def children(self) -> Iterator[Module]:
        """The modules held directly, as attributes or in a list or tuple attribute."""
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for this module (named ``prefix``) and every module inside it.

        Depth first, each module before its children (``""``, ``"0"``,
        ``"2"``, ``"2.0"``, ...); a module reached twice is yielded once.
        """
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            dot = name + "." if name else ""
            stack.extend(reversed([(dot + n, m) for n, m in module.named_children()]))

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, each once (see :meth:`named_modules`)."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs, e.g. ``("0.weight", p)``, each parameter once.

        Module by module (:meth:`named_modules`), each module's own parameters
        in attribute order.
        """
        seen: set[int] = set()
        for name, module in self.named_modules(prefix.rstrip(".")):
            dot = name + "." if name else ""
            for pname, member in module._members():
                if isinstance(member, Parameter) and id(member) not in seen:
                    seen.add(id(member))
                    yield dot + pname, member

    def parameters(self) -> list[Parameter]:
        """All trainable parameters, in a fixed order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter to zero."""
        for p in self.parameters():
            p.zero_grad()

    def num_parameters(self) -> int:
        """The number of trainable scalars."""
        return sum(p.value.size for p in self.parameters())

    def train(self, mode: bool = True) -> Module:
        """Set training mode of this module and every module inside it (used by layers
        that behave differently while training, such as RReLU)."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Set evaluation mode."""
        return self.train(False)

    training: bool = True

    #: whether ``backward`` accepts ``input_grad=False`` (skip the input gradient)
    skips_input_grad: bool = False

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"

    # -- helpers for subclasses ----------------------------------------------
    def _cached(self, value: object) -> np.ndarray:
        """Raise a clear error when ``backward`` comes before ``forward``."""
        if value is None:
            raise RuntimeError(
                f"{self!r}: backward() called before forward(); run a forward pass first"
            )
        return value  # type: ignore[return-value]

    def _check_grad(self, grad_out: np.ndarray, expected: tuple[int, ...]) -> None:
        if grad_out.shape != expected:
            raise ValueError(
                f"{self!r}: backward() got grad_out of shape {grad_out.shape}, "
                f"but the forward output had shape {expected}"
            )


class Sequential(Module):
    """A chain of modules: ``Sequential(Linear(2, 4), ReLU(), Linear(4, 1))``.

    ``forward`` applies them in order; ``backward`` sends the gradient through
    them in reverse order. Parameters are named by position: ``"0.weight"``.
    """

    def __init__(self, *modules: Module) -> None:
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(
                    f"Sequential: argument {i} is {type(m).__name__}, not a Module "
                    "(did you pass a class instead of an instance, e.g. ReLU instead of ReLU()?)"
                )
        self.layers: list[Module] = list(modules)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    @property
    def skips_input_grad(self) -> bool:  # not for a subclass that overrides backward(grad_out)
        return type(self).backward is Sequential.backward

    def backward(self, grad_out: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        r"""Send ``grad_out`` back through the layers; return the input gradient.

        With ``input_grad=False`` the gradient with respect to the network's
        input, which training does not use, is not computed (``None`` is
        returned). For a first layer that supports it (``Linear``) this saves
        the product :math:`\delta W^\top`, the largest one when the input is
        wide; the parameter gradients are the same.
        """
        layers = self.layers
        if input_grad:
            for layer in reversed(layers):
                grad_out = layer.backward(grad_out)
            return grad_out
        if not layers:
            return None
        for i in range(len(layers) - 1, 0, -1):
            grad_out = layers[i].backward(grad_out)
        first = layers[0]
        if first.skips_input_grad:
            first.backward(grad_out, input_grad=False)  # type: ignore[call-arg]
        else:
            first.backward(grad_out)
        return None

    def _members(self) -> Iterator[tuple[str, Parameter | Module]]:
        for i, layer in enumerate(self.layers):  # named by position: "0", "1", ...
            yield str(i), layer

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = ",\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"
