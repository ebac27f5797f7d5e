"""How the API reference documents ``nnbook``.

Attribute docstrings are plain reST
-----------------------------------
napoleon reads the first line of an attribute's or property's docstring as
``type: description`` (Google style), so a property documented as ``"Raw input dimension: 1 or 2."``
would get the type "Raw input dimension", a broken link. NumPy-style sections
belong in function and class docstrings, so napoleon is only applied there.

No docstring borrowed from a value's type
-----------------------------------------
A property without a docstring that overrides a plain class attribute
(``skips_input_grad: bool = False``) inherits, through autodoc, the docstring
of ``bool`` itself; such borrowed builtin docstrings are dropped.

Slots are documented by their class
-----------------------------------
A class with ``__slots__`` lists its attributes in the docstring's
``Attributes`` section; autodoc's ``:undoc-members:`` would document each slot
a second time (a duplicate description, an error in the strict build), so
undocumented slots are skipped.

References resolve the way Python resolves the names
----------------------------------------------------

The API reference documents every object where it is defined
(``nnbook.layers.Linear``), but chapters and docstrings naturally write the
names a reader types: ``nnbook.Linear`` (re-exported at the top level),
``:meth:`backward``` inside a class that inherits it, or
``:meth:`Sequential.backward``` in a module that never imported
``Sequential``. Sphinx alone finds none of these, and the strict (nitpicky)
build turns each into an error.

On a missing Python reference this extension looks the name up as Python
would, then links to the documented definition:

1. a dotted ``nnbook.<...>`` name is imported and followed to the object's
   defining module (``nnbook.Linear`` -> ``nnbook.layers.Linear``);
2. a name used inside a class is looked up along that class's MRO
   (``Step.backward`` inherited from ``Elementwise``);
3. otherwise the name is looked up in the current module, then in the
   top-level ``nnbook`` namespace.

A reference that still does not resolve stays a warning (an error under -W).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def _import_dotted(name: str) -> Any:
    """The object named by a dotted path (``nnbook.layers.Linear.forward``), or None."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _defining_name(obj: Any) -> str | None:
    """Where ``obj`` is defined: ``module.qualname`` (None for plain values)."""
    if obj is None:
        return None
    if isinstance(obj, property):
        obj = obj.fget
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if module and qualname and "<" not in qualname:
        return f"{module}.{qualname}"
    return None


def _candidates(target: str, modname: str | None, classname: str | None) -> list[str]:
    """Fully qualified names, most specific first, that ``target`` may refer to."""
    names: list[str] = []
    if target.startswith("nnbook."):
        names.append(target)
    else:
        if modname and classname:
            names.append(f"{modname}.{classname}.{target}")
        if modname:
            names.append(f"{modname}.{target}")
        names.append(f"nnbook.{target}")
    return names


def resolve_by_python_lookup(app: Sphinx, env: Any, node: nodes.Element, contnode: nodes.Element) -> nodes.Element | None:
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    modname = node.get("py:module")
    classname = node.get("py:class")
    if not (target.startswith("nnbook.") or (modname or "").startswith("nnbook")):
        return None
    domain = env.get_domain("py")
    for candidate in _candidates(target, modname, classname):
        names = []
        name = _defining_name(_import_dotted(candidate))
        if name is not None:
            names.append(name)
        # an attribute looked up on a class (possibly an instance attribute,
        # documented only in a base class's docstring): follow the MRO
        owner_path, _, attr = candidate.rpartition(".")
        owner = _import_dotted(owner_path)
        if isinstance(owner, type):
            names += [f"{klass.__module__}.{klass.__qualname__}.{attr}" for klass in owner.__mro__ if klass.__module__.startswith("nnbook")]
        for name in names:
            if name == target:
                continue
            resolved = domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], name, node, contnode)
            if resolved is not None:
                return resolved
    return None


def skip_slots(app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any) -> bool | None:
    from sphinx.ext.autodoc import SLOTSATTR

    if obj is SLOTSATTR:
        return True
    return None


_BUILTIN_DOCS = {
    inspect.cleandoc(t.__doc__)
    for t in (bool, int, float, complex, str, bytes, tuple, list, dict, set, frozenset, type(None), object)
    if t.__doc__
}


def _napoleon_except_attributes(app: Sphinx) -> None:
    from sphinx.ext.napoleon import _process_docstring

    app.setup_extension("sphinx.ext.napoleon")
    for listener in list(app.events.listeners.get("autodoc-process-docstring", [])):
        if listener.handler is _process_docstring:
            app.disconnect(listener.id)

    def process(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
        if inspect.cleandoc("\n".join(lines)) in _BUILTIN_DOCS:
            lines[:] = []
            return
        if what not in ("attribute", "data", "property"):
            _process_docstring(app, what, name, obj, options, lines)

    app.connect("autodoc-process-docstring", process)


def setup(app: Sphinx) -> dict[str, Any]:
    _napoleon_except_attributes(app)
    app.connect("missing-reference", resolve_by_python_lookup)
    app.connect("autodoc-skip-member", skip_slots)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
