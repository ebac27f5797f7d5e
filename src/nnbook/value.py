"""A scalar computation graph with reverse-mode automatic differentiation.

``Value`` wraps one float. Every operation creates a new node that remembers
its inputs and how to send its gradient back to them; :meth:`Value.backward`
visits the nodes in reverse topological order, accumulating with ``+=`` so a
value used twice receives the sum of both paths (the multivariate chain rule).
Chapter *Backpropagation* uses it on
``y = exp(xz) + xz/log(x) + sin(log(x))/(xz)``; the tables and drawings of a
graph are in :mod:`nnbook.plotting`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any, Union

__all__ = ["Value"]

Number = Union[int, float]


class Value:
    """A node of a scalar computation graph.

    Parameters
    ----------
    data : float
        The value.
    label : str
        A name shown by :meth:`trace` and :meth:`draw`.

    Attributes
    ----------
    grad : float
        :math:`\\partial y/\\partial \\text{self}` after ``y.backward()``.
    op : str
        The operation that made this node (``"*"``, ``"exp"``, ...), ``""`` for an input.
    """

    __slots__ = ("data", "grad", "label", "op", "_parents", "_backward")

    def __init__(self, data: Number, label: str = "", *, _parents: tuple[Value, ...] = (), op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self._parents = _parents
        self._backward: Callable[[], None] = lambda: None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from (empty for an input)."""
        return self._parents

    @staticmethod
    def _lift(other: Value | Number) -> Value:
        if isinstance(other, Value):
            return other
        if isinstance(other, (int, float)):
            return Value(other, label=f"{other:g}")
        raise TypeError(f"Value: cannot combine with {type(other).__name__}")

    def named(self, label: str) -> Value:
        """Give this node a name (returns ``self``, for chaining)."""
        self.label = label
        return self

    def _node(self, data: float, op: str, *pairs: tuple[Value, float]) -> Value:
        """A new node ``op`` of value ``data``; each ``(parent, local derivative)`` receives its share."""
        out = Value(data, _parents=tuple(p for p, _ in pairs), op=op)

        def _backward() -> None:
            for parent, local in pairs:
                parent.grad += local * out.grad

        out._backward = _backward
        return out

    # -- arithmetic ---------------------------------------------------------------
    def __add__(self, other: Value | Number) -> Value:
        other = self._lift(other)
        return self._node(self.data + other.data, "+", (self, 1.0), (other, 1.0))

    def __mul__(self, other: Value | Number) -> Value:
        other = self._lift(other)
        return self._node(self.data * other.data, "*", (self, other.data), (other, self.data))

    def __truediv__(self, other: Value | Number) -> Value:
        other = self._lift(other)
        if other.data == 0:
            raise ZeroDivisionError(f"Value: division by zero ({other.label or 'denominator'} is 0)")
        out = Value(self.data / other.data, _parents=(self, other), op="/")

        def _backward() -> None:  # out.grad / d, not (1 / d) * out.grad: the same rounding as by hand
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data**2 * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: Number) -> Value:
        if not isinstance(k, (int, float)):
            raise TypeError("Value: only constant exponents are supported (x ** 2, not x ** y); use exp(y * log(x))")
        return self._node(self.data**k, f"**{k:g}", (self, k * self.data ** (k - 1)))

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Value | Number) -> Value:
        return self + (-self._lift(other))

    __radd__ = __add__  # 2 + x is x + 2
    __rmul__ = __mul__

    def __rsub__(self, other: Number) -> Value:
        return self._lift(other) - self

    def __rtruediv__(self, other: Number) -> Value:
        return self._lift(other) / self

    # -- functions ------------------------------------------------------------------
    def exp(self) -> Value:
        e = math.exp(self.data)
        return self._node(e, "exp", (self, e))

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"Value.log: argument must be positive, got {self.data}")
        return self._node(math.log(self.data), "log", (self, 1.0 / self.data))

    def sin(self) -> Value:
        return self._node(math.sin(self.data), "sin", (self, math.cos(self.data)))

    def cos(self) -> Value:
        return self._node(math.cos(self.data), "cos", (self, -math.sin(self.data)))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._node(t, "tanh", (self, 1 - t * t))

    def sigmoid(self) -> Value:
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        return self._node(s, "sigmoid", (self, s * (1 - s)))

    def relu(self) -> Value:
        return self._node(max(self.data, 0.0), "relu", (self, 1.0 if self.data > 0 else 0.0))

    # -- the backward pass -----------------------------------------------------------
    def topological_order(self) -> list[Value]:
        """Every node this one depends on, inputs first, ``self`` last."""
        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:  # iterative DFS, so deep graphs do not hit the recursion limit
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents if id(p) not in seen)
        return order

    def backward(self) -> None:
        """Set ``.grad`` of every node to the derivative of ``self`` with respect to it."""
        for _ in self.backward_steps():
            pass

    def backward_steps(self) -> Iterator[Value]:
        """The backward pass one node at a time, for watching it.

        Does what :meth:`backward` does, but yields each node right after it
        has sent its gradient to its inputs (``self`` first, then in reverse
        topological order). While the generator is paused, the ``.grad`` of a
        node not yet yielded may hold only part of its final sum.
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
            yield node

    # -- showing the graph (nnbook.plotting) -------------------------------------------
    def trace(self) -> list[dict[str, Any]]:
        """One row per node in forward order: :func:`nnbook.plotting.graph_trace`."""
        from .plotting import graph_trace

        return graph_trace(self)

    def table(self, digits: int = 6) -> str:
        """:meth:`trace` as an aligned text table: :func:`nnbook.plotting.graph_table`."""
        from .plotting import graph_table

        return graph_table(self, digits)

    def draw(self, ax: Any = None, digits: int = 4, highlight: Any = (), fontsize: float = 8) -> Any:
        """Draw the graph with matplotlib: :func:`nnbook.plotting.draw_graph`. Returns the axes."""
        from .plotting import draw_graph

        return draw_graph(self, ax=ax, digits=digits, highlight=highlight, fontsize=fontsize)

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"
