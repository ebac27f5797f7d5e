"""What passes between the judge and the grading kernel: plain data, and the kernel's side of the calls.

This one file runs on both sides. The judge (``grading/judge.py``) imports it;
the grading kernel loads it from its file (``grading/remote.py`` sends that
one line) and answers the judge's requests through :func:`serve`.

The wire format is JSON, and only this:

- ``None``, booleans, integers, floats and strings;
- ``{"t": "nd", "dtype": "<f8", "shape": [...], "b64": ...}``: an array of
  booleans or numbers, its bytes in base64 (``np.frombuffer``, never a pickle);
  ``"np"`` the same for a NumPy scalar;
- ``"list"``, ``"tuple"``, ``"set"``, ``"dict"`` of such values;
- ``"rng"``: a ``numpy.random.Generator``, as its bit generator's state (numbers);
- ``"param"``: an :class:`nnbook.Parameter`: its value, gradient and decay flag;
- ``"obj"``: an instance of a class of the ``nnbook`` package (a layer, a
  ``Sequential``, a ``PlaygroundConfig``), as its class's dotted name and its
  attributes (values of this list; a layer's private arrays, what it kept
  from its last forward pass, travel as ``None``); it is rebuilt from the
  class the reading side imports itself, so no code travels;
- ``"handle"``: something that only the kernel has (a function, class or
  object the student defined), by number: the judge calls it through the
  kernel (:func:`serve`) and gets back values of this list.

Decoding refuses anything else, so whatever a submission returns, the judge
gets numbers, strings and its own package's objects.
"""

from __future__ import annotations

import base64
import dataclasses
import importlib
import json
import traceback
import types
from typing import Any

import numpy as np

#: array kinds that travel: booleans, integers, unsigned, floats
KINDS = set("biuf")
#: the only bit generators an ``rng`` may name
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


_FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, types.MethodType)


class WireError(ValueError):
    """A value that the wire format does not carry (or a malformed message)."""


def _array(a: np.ndarray) -> dict:
    if a.dtype.kind not in KINDS:
        raise WireError(f"an array of dtype {a.dtype} is not numbers")
    data = a.tobytes(order="C")  # a 0-d array keeps its shape ()
    return {"t": "nd", "dtype": a.dtype.str, "shape": list(a.shape), "b64": base64.b64encode(data).decode()}


def _read_array(x: dict) -> np.ndarray:
    dtype = np.dtype(str(x["dtype"]))
    if dtype.kind not in KINDS:
        raise WireError(f"an array of dtype {dtype} is not numbers")
    shape = tuple(int(s) for s in x["shape"])
    data = base64.b64decode(str(x["b64"]), validate=True)
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def nnbook_class(path: str) -> type:
    """The class ``module:qualname`` of the ``nnbook`` package (not of its exercises), imported here."""
    module, _, qualname = str(path).partition(":")
    if not (module == "nnbook" or module.startswith("nnbook.")) or module.startswith("nnbook.exercises") \
            or not qualname or "<" in qualname:
        raise WireError(f"{path!r} is not a class of the nnbook package")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, type):
        raise WireError(f"{path!r} is not a class")
    return obj


def _class_path(cls: type) -> str | None:
    module = getattr(cls, "__module__", "") or ""
    if not (module == "nnbook" or module.startswith("nnbook.")) or module.startswith("nnbook.exercises"):
        return None
    path = f"{module}:{cls.__qualname__}"
    try:
        return path if nnbook_class(path) is cls else None
    except (WireError, ImportError, AttributeError):
        return None


def _state_names(obj: Any) -> list[str]:
    names = list(getattr(obj, "__dict__", {}))
    for klass in type(obj).__mro__:
        names += [s for s in getattr(klass, "__slots__", ()) if s not in names and s != "__dict__"]
    return names


#: how deeply values may nest (lists in dicts in ...), on both sides
MAX_DEPTH = 40


class Encoder:
    """Values to the wire; ``handle(obj)`` (the kernel's) numbers what is not data, else it is an error."""

    def __init__(self, handle=None) -> None:
        self.handle = handle

    def __call__(self, x: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError(f"a value nested more than {MAX_DEPTH} levels deep")
        enc = lambda v: self(v, depth + 1)  # noqa: E731
        if x is None or isinstance(x, (bool, str)):
            return x
        if isinstance(x, int) and type(x) is int:
            return x
        if type(x) is float:
            return x
        if isinstance(x, np.ndarray) and type(x) is np.ndarray:
            return _array(x)
        if isinstance(x, np.generic) and x.dtype.kind in KINDS:
            return {**_array(np.asarray(x)), "t": "np"}
        if isinstance(x, np.dtype):
            return {"t": "dtype", "v": x.str} if x.kind in KINDS else self._other(x, f"dtype {x}")
        if type(x) in (list, tuple):
            return {"t": type(x).__name__, "v": [enc(v) for v in x]}
        if type(x) in (set, frozenset):
            return {"t": "set", "frozen": type(x) is frozenset, "v": [enc(v) for v in x]}
        if type(x) is dict:
            return {"t": "dict", "k": [enc(k) for k in x], "v": [enc(v) for v in x.values()]}
        if isinstance(x, np.random.Generator) and type(x) is np.random.Generator:
            return {"t": "rng", "state": x.bit_generator.state}
        from nnbook.module import Parameter

        if type(x) is Parameter:
            return {"t": "param", "value": enc(x.value), "grad": enc(x._grad), "decay": bool(x.decay)}
        path = _class_path(type(x))
        if path is not None:
            try:
                return self.nnbook_object(x, path, depth)
            except WireError:
                pass
        return self._other(x, type(x).__name__)

    def nnbook_object(self, x: Any, path: str, depth: int) -> dict:
        if dataclasses.is_dataclass(x):
            fields = {f.name: self(getattr(x, f.name), depth + 1) for f in dataclasses.fields(x) if f.init}
            return {"t": "obj", "cls": path, "fields": fields}
        from nnbook.module import Module

        state = {}
        for name in _state_names(x):
            if hasattr(x, name):
                value = getattr(x, name)
                if isinstance(x, Module) and name.startswith("_") and isinstance(value, np.ndarray):
                    value = None  # what a layer kept from its last forward pass does not travel
                state[name] = self(value, depth + 1)
        return {"t": "obj", "cls": path, "state": state}

    def _other(self, x: Any, what: str) -> Any:
        if self.handle is None:
            raise WireError(f"a value of type {what} is not numbers")
        return self.handle(x)


class Decoder:
    """The wire to values; ``handle(x)`` (each side's own) turns ``"handle"``/``"ref"`` entries into objects."""

    def __init__(self, handle=None) -> None:
        self.handle = handle

    def __call__(self, x: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError(f"a value nested more than {MAX_DEPTH} levels deep")
        dec = lambda v: self(v, depth + 1)  # noqa: E731
        if x is None or type(x) in (bool, int, float, str):
            return x
        if type(x) is not dict or not isinstance(x.get("t"), str):
            raise WireError(f"not a value of the wire format: {type(x).__name__}")
        t = x["t"]
        if t == "nd":
            return _read_array(x)
        if t == "np":
            return _read_array(x)[()]
        if t == "dtype":
            dtype = np.dtype(str(x["v"]))
            if dtype.kind not in KINDS:
                raise WireError(f"dtype {dtype}")
            return dtype
        if t in ("list", "tuple"):
            items = [dec(v) for v in _list(x["v"])]
            return items if t == "list" else tuple(items)
        if t == "set":
            items = {dec(v) for v in _list(x["v"])}
            return frozenset(items) if x.get("frozen") else items
        if t == "dict":
            return {dec(k): dec(v) for k, v in zip(_list(x["k"]), _list(x["v"]), strict=True)}
        if t == "rng":
            return _generator(x["state"])
        if t == "param":
            return self.parameter(x, depth)
        if t == "obj":
            return self.nnbook_object(x, depth)
        if t in ("handle", "ref") and self.handle is not None:
            return self.handle(x)
        raise WireError(f"unknown entry {t!r}")

    def parameter(self, x: dict, depth: int) -> Any:
        from nnbook.module import Parameter

        value, grad = self(x["value"], depth + 1), self(x["grad"], depth + 1)
        if not isinstance(value, np.ndarray) or not isinstance(grad, np.ndarray):
            raise WireError("a Parameter's value and grad are arrays")
        p = Parameter(value, decay=bool(x["decay"]))
        p.grad = grad
        return p

    def nnbook_object(self, x: dict, depth: int) -> Any:
        """An object of the package, rebuilt from data only: no handle inside it, and no attribute that
        would hide a method or property of its class (its ``forward`` stays the package's)."""
        cls = nnbook_class(x["cls"])
        plain = Decoder()
        if "fields" in x:
            if not dataclasses.is_dataclass(cls):
                raise WireError(f"{x['cls']} is not a dataclass")
            fields = {str(k): plain(v, depth + 1) for k, v in dict(x["fields"]).items()}
            return cls(**fields)
        obj = cls.__new__(cls)
        slots = {s for klass in cls.__mro__ for s in getattr(klass, "__slots__", ())}
        for name, value in dict(x["state"]).items():
            name = str(name)
            own = getattr(cls, name, None)
            if name.startswith("__") or (name not in slots and (callable(own) or hasattr(own, "__get__"))):
                raise WireError(f"{x['cls']}: the attribute {name!r} would hide its class's own")
            object.__setattr__(obj, name, plain(value, depth + 1))
        return obj


def _list(x: Any) -> list:
    if type(x) is not list:
        raise WireError("a list was expected")
    return x


def _generator(state: Any) -> np.random.Generator:
    if type(state) is not dict or state.get("bit_generator") not in BIT_GENERATORS:
        raise WireError("an rng is one of numpy's bit generators and its state")
    bits = getattr(np.random, state["bit_generator"])()
    bits.state = state
    return np.random.Generator(bits)


def dumps(x: Any) -> str:
    return base64.b64encode(json.dumps(x).encode()).decode()


def loads(text: str) -> Any:
    return json.loads(base64.b64decode(text, validate=True))


#: bytes of arrays above which a container the judge asks for by name is sent item by item
LAZY = 4_000_000


def _size(x: Any, limit: int, depth: int = 0) -> int:
    """The bytes of the arrays in ``x`` (counting stops past ``limit``)."""
    if isinstance(x, np.ndarray):
        return int(x.nbytes)
    if depth > 20:
        return 0
    items = x.values() if type(x) is dict else x if type(x) in (list, tuple, set) else ()
    total = 0
    for v in items:
        total += _size(v, limit, depth + 1)
        if total > limit:
            break
    return total


# -- the kernel's side ------------------------------------------------------------------------

def set_state(obj: Any, name: str, new: Any) -> None:
    """Put the judge's value of ``obj.name`` into the kernel's object (a Parameter's arrays in place)."""
    from nnbook.module import Parameter

    old = getattr(obj, name, None)
    if isinstance(old, Parameter) and isinstance(new, Parameter):
        for attr in ("value", "_grad"):
            a, b = getattr(old, attr), getattr(new, attr)
            if isinstance(a, np.ndarray) and a.shape == b.shape:
                a[...] = b
            else:
                object.__setattr__(old, attr, b)
        old.decay = new.decay
    else:
        setattr(obj, name, new)


class Server:
    """The kernel's end: holds the handles and runs the judge's requests on the student's names."""

    def __init__(self, namespace: dict) -> None:
        self.namespace = namespace
        self.objects: dict[int, Any] = {}
        self.encode = Encoder(self._handle)
        self.decode = Decoder(self._resolve)

    def _handle(self, obj: Any) -> dict:
        key = id(obj)
        self.objects[key] = obj
        kind = "class" if isinstance(obj, type) else "function" if isinstance(obj, _FUNCTIONS) else "object"
        out = {"t": "handle", "id": key, "kind": kind, "name": getattr(obj, "__name__", type(obj).__name__)}
        if kind == "object":
            out["state"] = self.state(obj)
        return out

    def _lazy(self, value: Any) -> Any:
        """A large dict, list or tuple stays here, as a handle the judge indexes; anything else is encoded."""
        if type(value) in (dict, list, tuple) and _size(value, LAZY) > LAZY:
            return self._handle(value)
        return self.encode(value)

    def state(self, obj: Any) -> dict:
        plain = Encoder()
        state = {}
        for name in _state_names(obj):
            try:
                state[name] = plain(getattr(obj, name))
            except Exception:  # noqa: BLE001 - what is not data stays in the kernel
                continue
        return state

    def _resolve(self, x: dict) -> Any:
        obj = self.objects[int(x["id"])]
        for name, value in dict(x.get("state") or {}).items():
            set_state(obj, str(name), Decoder(self._resolve)(value))
        return obj

    def request(self, req: dict) -> dict:
        op = req["op"]
        if op == "get":
            name = str(req["name"])
            if name not in self.namespace:
                return {"missing": name}
            value = self.namespace[name]
            if type(value).__name__ == "module":
                return {"module": value.__name__}
            return {"value": self._lazy(value)}
        if op == "item":
            obj = self.objects[int(req["id"])]
            return {"value": self._lazy(obj[self.decode(req["key"])])}
        if op == "call":
            target = self.objects[int(req["id"])]
            if req.get("method") is not None:
                self._resolve({"id": req["id"], "state": req.get("state")})
                target = getattr(target, str(req["method"]))
            args = [self.decode(a) for a in _list(req["args"])]
            kwargs = {str(k): self.decode(v) for k, v in dict(req["kwargs"]).items()}
            with np.errstate(**{k: str(v) for k, v in dict(req.get("errstate") or {}).items()}):
                result = target(*args, **kwargs)
            # what the call changed in its arguments goes back (None: unchanged, nothing to send)
            after = [self.encode(a) for a in args]
            kwafter = {k: self.encode(v) for k, v in kwargs.items()}
            reply = {"value": self.encode(result),
                     "args": [None if new == old else new for new, old in zip(after, req["args"])],
                     "kwargs": {k: v for k, v in kwafter.items() if v != req["kwargs"].get(k)}}
            if req.get("method") is not None:
                reply["state"] = self.state(self.objects[int(req["id"])])
            return reply
        if op == "state":
            return {"state": self.state(self.objects[int(req["id"])])}
        raise WireError(f"unknown request {op!r}")

    def serve_file(self, request: str, reply: str) -> str:
        """:meth:`serve` through two files (a large request or reply does not go through the cell's text)."""
        with open(request) as f:
            text = f.read()
        with open(reply, "w") as f:
            f.write(self.serve(text))
        return "done"

    def serve(self, text: str) -> str:
        try:
            return dumps(self.request(loads(text)))
        except BaseException as exc:  # noqa: BLE001 - the student's error goes back as data
            if isinstance(exc, KeyboardInterrupt):
                raise
            frames = traceback.extract_tb(exc.__traceback__)
            line = next(((f.lineno, f.line) for f in reversed(frames) if f.filename != __file__), (None, None))
            return dumps({"error": [type(exc).__name__, str(exc)[:2000], line[0], (line[1] or "")[:300]]})
