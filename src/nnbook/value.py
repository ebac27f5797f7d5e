"""A scalar computation graph with reverse-mode automatic differentiation.

``Value`` wraps one float. Every operation creates a new node that remembers
its inputs and how to send its gradient back to them; :meth:`Value.backward`
visits the nodes in reverse topological order, accumulating with ``+=`` so a
value used twice receives the sum of both paths (the multivariate chain rule).
Chapter *Backpropagation* uses it on
``y = exp(xz) + xz/log(x) + sin(log(x))/(xz)``.
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
    """

    __slots__ = ("data", "grad", "label", "op", "_parents", "_backward")

    def __init__(self, data: Number, label: str = "", *, _parents: tuple[Value, ...] = (), op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = op
        self._parents = _parents
        self._backward: Callable[[], None] = lambda: None

    # -- construction -----------------------------------------------------------
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

    def _unary(self, data: float, op: str, local: float) -> Value:
        out = Value(data, _parents=(self,), op=op)

        def _backward() -> None:
            self.grad += local * out.grad

        out._backward = _backward
        return out

    # -- arithmetic ---------------------------------------------------------------
    def __add__(self, other: Value | Number) -> Value:
        other = self._lift(other)
        out = Value(self.data + other.data, _parents=(self, other), op="+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | Number) -> Value:
        other = self._lift(other)
        out = Value(self.data * other.data, _parents=(self, other), op="*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other: Value | Number) -> Value:
        other = self._lift(other)
        if other.data == 0:
            raise ZeroDivisionError(f"Value: division by zero ({other.label or 'denominator'} is 0)")
        out = Value(self.data / other.data, _parents=(self, other), op="/")

        def _backward() -> None:
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data**2 * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: Number) -> Value:
        if not isinstance(k, (int, float)):
            raise TypeError("Value: only constant exponents are supported (x ** 2, not x ** y); use exp(y * log(x))")
        return self._unary(self.data**k, f"**{k:g}", k * self.data ** (k - 1))

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Value | Number) -> Value:
        return self + (-self._lift(other))

    def __radd__(self, other: Number) -> Value:
        return self + other

    def __rmul__(self, other: Number) -> Value:
        return self * other

    def __rsub__(self, other: Number) -> Value:
        return self._lift(other) - self

    def __rtruediv__(self, other: Number) -> Value:
        return self._lift(other) / self

    # -- functions ------------------------------------------------------------------
    def exp(self) -> Value:
        e = math.exp(self.data)
        return self._unary(e, "exp", e)

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"Value.log: argument must be positive, got {self.data}")
        return self._unary(math.log(self.data), "log", 1.0 / self.data)

    def sin(self) -> Value:
        return self._unary(math.sin(self.data), "sin", math.cos(self.data))

    def cos(self) -> Value:
        return self._unary(math.cos(self.data), "cos", -math.sin(self.data))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, "tanh", 1 - t * t)

    def sigmoid(self) -> Value:
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        return self._unary(s, "sigmoid", s * (1 - s))

    def relu(self) -> Value:
        return self._unary(max(self.data, 0.0), "relu", 1.0 if self.data > 0 else 0.0)

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
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for p in node._parents:
                if id(p) not in seen:
                    stack.append((p, False))
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

    # -- showing the graph -------------------------------------------------------------
    def trace(self) -> list[dict[str, Any]]:
        """One row per node in forward order: ``name``, ``op``, ``inputs``, ``value``, ``grad``.

        Unnamed nodes are called ``v1``, ``v2``, ... in order.
        """
        order = self.topological_order()
        names = _names(order)
        return [
            {
                "name": names[id(v)],
                "op": v.op or "input",
                "inputs": ", ".join(names[id(p)] for p in v._parents),
                "value": v.data,
                "grad": v.grad,
            }
            for v in order
        ]

    def table(self, digits: int = 6) -> str:
        """:meth:`trace` as an aligned text table."""
        rows = self.trace()
        head = ("name", "op", "inputs", "value", "grad")
        cells = [head] + [
            (r["name"], r["op"], r["inputs"], f"{r['value']:.{digits}g}", f"{r['grad']:.{digits}g}") for r in rows
        ]
        widths = [max(len(c[i]) for c in cells) for i in range(5)]
        lines = ["  ".join(c[i].ljust(widths[i]) if i < 3 else c[i].rjust(widths[i]) for i in range(5)) for c in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def draw(self, ax: Any = None, digits: int = 4, highlight: Any = (), fontsize: float = 8) -> Any:
        """Draw the graph with matplotlib: inputs on the left, ``self`` on the right,
        each node showing its name, operation, value and gradient. Returns the axes.

        ``highlight``, a node or a collection of nodes, draws those boxes in a
        bright colour (to show, for example, the node :meth:`backward_steps`
        has just processed). ``fontsize`` (points) sets the size of the boxes'
        text, and with it of the boxes."""
        marked = {id(highlight)} if isinstance(highlight, Value) else {id(v) for v in highlight}
        import matplotlib.pyplot as plt

        order = self.topological_order()
        names = _names(order)
        depth: dict[int, int] = {}
        for v in order:
            depth[id(v)] = 1 + max((depth[id(p)] for p in v._parents), default=-1)
        columns: dict[int, list[Value]] = {}
        for v in order:
            columns.setdefault(depth[id(v)], []).append(v)
        pos = {}
        for d, nodes in columns.items():
            for i, v in enumerate(nodes):
                pos[id(v)] = (d, -(i - (len(nodes) - 1) / 2))
        if ax is None:
            n_cols = len(columns)
            n_rows = max(len(c) for c in columns.values())
            _, ax = plt.subplots(figsize=(2.3 * n_cols + 1, 1.1 * n_rows + 1))
        boxes = {}
        for v in order:
            x, y = pos[id(v)]
            op = f" = {v.op}" if v.op else ""
            text = f"{names[id(v)]}{op}\nvalue {v.data:.{digits}g}\ngrad {v.grad:.{digits}g}"
            boxes[id(v)] = ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, family="monospace",
                                   bbox=dict(boxstyle="round", ec="0.4",
                                             fc="#ffd54f" if id(v) in marked else "#eef3fb" if v._parents else "#fdf1dc"))
        for v in order:  # drawn after the boxes, and clipped at their edges whatever the size of the text
            for p in v._parents:
                ax.annotate("", xy=pos[id(v)], xytext=pos[id(p)],
                            arrowprops=dict(arrowstyle="-|>", color="0.45", lw=1, shrinkA=2, shrinkB=2,
                                            patchA=boxes[id(p)].get_bbox_patch(), patchB=boxes[id(v)].get_bbox_patch()))
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
        ax.axis("off")
        return ax

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"


def _names(order: list[Value]) -> dict[int, str]:
    names, k = {}, 0
    for v in order:
        if v.label:
            names[id(v)] = v.label
        else:
            k += 1
            names[id(v)] = f"v{k}"
    return names
