"""What passes between the judge and the grading kernel (grading/judge_wire.py): data, and nothing else."""

from __future__ import annotations

import base64
import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nnbook as nb  # noqa: E402
from grading import judge_wire as wire  # noqa: E402

encode, decode = wire.Encoder(), wire.Decoder()


def roundtrip(x):
    return decode(json.loads(json.dumps(encode(x))))


def test_arrays_travel_exactly_with_their_dtype_and_shape():
    a = np.random.default_rng(0).normal(size=(3, 4))
    b = roundtrip(a)
    assert b.dtype == a.dtype and b.shape == a.shape and np.array_equal(a, b)
    assert roundtrip(np.arange(5)).dtype == np.arange(5).dtype
    assert roundtrip(np.float64(2.5)) == 2.5 and isinstance(roundtrip(np.float64(2.5)), np.float64)


def test_containers_keep_their_kind():
    x = {"a": [1, 2.5, None], "b": (True, "s"), 3: {"x", "y"}, "f": frozenset({1})}
    assert roundtrip(x) == x
    assert isinstance(roundtrip((1, 2)), tuple) and isinstance(roundtrip([1, 2]), list)


def test_an_rng_travels_as_its_state():
    rng = np.random.default_rng(5)
    copy = roundtrip(rng)
    assert copy is not rng and np.array_equal(copy.normal(size=3), rng.normal(size=3))


def test_the_packages_layers_are_rebuilt_from_their_attributes():
    model = nb.Sequential(nb.Linear(2, 3, rng=np.random.default_rng(0)), nb.ReLU(), nb.Linear(3, 1, rng=np.random.default_rng(1)))
    model.forward(np.ones((4, 2)))  # a cache, which does not travel
    copy = roundtrip(model)
    assert type(copy) is nb.Sequential and [type(m) for m in copy] == [nb.Linear, nb.ReLU, nb.Linear]
    X = np.random.default_rng(2).normal(size=(5, 2))
    assert np.array_equal(copy.forward(X), model.forward(X))
    p = roundtrip(nb.Parameter(np.ones(3), decay=False))
    assert isinstance(p, nb.Parameter) and p.decay is False and np.array_equal(p.value, np.ones(3))


def test_a_playground_config_is_rebuilt_and_validated():
    cfg = nb.playground.PlaygroundConfig(hidden=(4, 2))
    assert roundtrip(cfg) == cfg
    bad = encode(cfg)
    bad["fields"]["lr"] = -1.0
    with pytest.raises(ValueError):
        decode(bad)


def test_what_is_not_data_is_refused_on_the_judges_side():
    class Mine:
        pass

    for x in (Mine(), lambda: 1, np.array([object()]), np.array(["a"])):
        with pytest.raises(wire.WireError):
            encode(x)


@pytest.mark.parametrize("message", [
    {"t": "nd", "dtype": "|O", "shape": [1], "b64": base64.b64encode(pickle.dumps([1])).decode()},  # objects
    {"t": "obj", "cls": "os:system", "state": {}},  # not the package's
    {"t": "obj", "cls": "nnbook.exercises:Checks", "state": {}},  # the checks are not data
    {"t": "obj", "cls": "nnbook:functional.sigmoid", "state": {}},  # not a class
    {"t": "rng", "state": {"bit_generator": "os.system"}},
    {"t": "pickle", "v": "..."},
    ["a list without its tag"],
])
def test_decoding_refuses_anything_but_data(message):
    with pytest.raises((wire.WireError, ValueError, TypeError, KeyError, AttributeError)):
        decode(message)


def test_the_kernel_keeps_what_is_not_data_as_a_handle():
    class MyLayer:
        def __init__(self):
            self.weight = nb.Parameter(np.zeros((2, 2)))
            self.fn = print

        def forward(self, x):
            return x @ self.weight.value

    server = wire.Server({"MyLayer": MyLayer, "answer": {"a", "b"}, "np": np})
    cls = server.request({"op": "get", "name": "MyLayer"})["value"]
    assert cls["t"] == "handle" and cls["kind"] == "class"
    obj = server.request({"op": "call", "id": cls["id"], "method": None, "args": [], "kwargs": {}})["value"]
    assert obj["t"] == "handle" and obj["kind"] == "object" and set(obj["state"]) == {"weight"}  # fn stays there
    assert decode(server.request({"op": "get", "name": "answer"})["value"]) == {"a", "b"}
    assert server.request({"op": "get", "name": "np"}) == {"module": "numpy"}


def test_an_error_in_the_students_code_comes_back_as_data():
    def broken(x):
        raise ValueError("shapes (2,) and (3,) not aligned")

    server = wire.Server({"broken": broken})
    h = server.request({"op": "get", "name": "broken"})["value"]
    reply = wire.loads(server.serve(wire.dumps({"op": "call", "id": h["id"], "args": [1], "kwargs": {}})))
    assert reply["error"][:2] == ["ValueError", "shapes (2,) and (3,) not aligned"]


def test_a_layer_from_the_kernel_cannot_bring_its_own_methods():
    """A model whose layer's ``forward`` is the student's handle would make the key compute the student's answer."""
    layer = encode(nb.ReLU())
    layer["state"]["forward"] = {"t": "handle", "id": 1, "kind": "function", "name": "mine"}
    with pytest.raises(wire.WireError):
        wire.Decoder(lambda x: print)(layer)
    inside = encode(nb.Sequential(nb.ReLU()))
    inside["state"]["layers"]["v"][0] = {"t": "handle", "id": 1, "kind": "object", "name": "MyReLU"}
    with pytest.raises(wire.WireError):
        wire.Decoder(lambda x: print)(inside)
