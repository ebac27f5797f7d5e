"""The exercises' rules, read from the submission's source by the judge (no code of it runs here).

The guard in the grading kernel (``grading/nnbook_rules.py``) sees the calls
as they happen, but it lives where the submission can change it. The judge
reads the submission's own cells (those that are not cells of the book) as
text, and an exercise whose rule forbids ``nnbook.Linear`` scores 0 when the
code written for it names it: ``nb.Linear``, ``nnbook.layers.Linear``, ``from
nnbook import Linear as L``, ``getattr(nb, "Linear")``, a subclass
``class MyLinear(nb.Linear)``, or a name defined in an earlier cell of the
submission whose definition does. Where an exercise has a rule, the code
written for it may not reach names in ways that cannot be read
(``exec``, ``eval``, ``__import__``, ``importlib``, ``sys.modules``, ``getattr``
of a computed name). The code written for an exercise is, as for the guard,
the submission's cells from the end of the previous exercise's tests to this
exercise's tests. A submission that names the instructor's key
(``nnbook_key``, ``NNBOOK_KEY``) scores 0 on the exercise it was written for.
"""

from __future__ import annotations

import ast
import importlib
from typing import Any

#: names that reach other names in ways the source does not show
INDIRECT = {"exec", "eval", "compile", "__import__", "importlib", "__builtins__", "builtins"}
#: how the book imports its packages
DEFAULT_ALIASES = {"nb": "nnbook", "np": "numpy"}
KEY_NAMES = ("nnbook_key", "NNBOOK_KEY")


def parse(source: str) -> ast.Module | None:
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def aliases(sources: list[str]) -> dict[str, str]:
    """``{name: dotted module or object}`` bound by the import statements of ``sources``."""
    out = dict(DEFAULT_ALIASES)
    for source in sources:
        tree = parse(source)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import):
                for a in node.names:
                    out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for a in node.names:
                    out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _dotted(node: ast.AST, names: dict[str, str]) -> str | None:
    """``nb.functional.sigmoid`` as ``"nnbook.functional.sigmoid"`` (``getattr(x, "y")`` counts as ``x.y``)."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
            parts.append(node.args[1].value)
            node = node.args[0]
        elif isinstance(node, ast.Name):
            base = names.get(node.id)
            return ".".join([base, *reversed(parts)]) if base else None
        else:
            return None


def _nnbook_object(dotted: str) -> Any:
    """The object ``dotted`` names in the judge's own ``nnbook`` (only that package is imported here)."""
    parts = dotted.split(".")
    if parts[0] != "nnbook":
        return None
    obj: Any = importlib.import_module("nnbook")
    for i, part in enumerate(parts[1:], 1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            try:
                obj = importlib.import_module(".".join(parts[: i + 1]))
            except ImportError:
                return None
    return obj


def forbidden(dotted: str, forbid: list[str]) -> str | None:
    """The forbidden name that ``dotted`` is, is part of, or (a class) derives from; None if none."""
    obj = _nnbook_object(dotted)
    for f in forbid:
        if dotted == f or dotted.startswith(f + "."):
            return f
        target = _nnbook_object(f)
        if obj is None or target is None:
            continue
        if obj is target:
            return f
        if isinstance(target, type(importlib)):  # a module: everything defined in it
            prefix = target.__name__
            name = obj.__name__ if isinstance(obj, type(importlib)) else getattr(obj, "__module__", "") or ""
            if name == prefix or name.startswith(prefix + "."):
                return f
        elif isinstance(target, type):
            if isinstance(obj, type) and issubclass(obj, target):
                return f
            qual = getattr(obj, "__qualname__", "")
            if getattr(obj, "__module__", None) == target.__module__ and qual.startswith(target.__qualname__ + "."):
                return f
    return None


def _defined(tree: ast.Module) -> dict[str, ast.AST]:
    out: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        out[n.id] = node
    return out


def _problems(node: ast.AST, forbid: list[str], names: dict[str, str]) -> tuple[str | None, set[str]]:
    """The first way ``node`` breaks the rule (None: none), and the names it loads."""
    loads: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            loads.add(n.id)
            if n.id in INDIRECT:
                return f"uses {n.id}, which the grader cannot follow where a rule forbids names", loads
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            for a in n.names:
                full = a.name if isinstance(n, ast.Import) else f"{n.module}.{a.name}" if n.module else a.name
                if full.split(".")[0] in INDIRECT or full.startswith("sys.modules"):
                    return f"imports {full}, which the grader cannot follow where a rule forbids names", loads
                hit = forbidden(full, forbid)
                if hit:
                    return f"imports {full} ({hit})", loads
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("getattr", "vars") and not (
                n.func.id == "getattr" and len(n.args) >= 2 and isinstance(n.args[1], ast.Constant)):
            target = _dotted(n.args[0], names) if n.args else None
            if target and target.split(".")[0] in ("nnbook", "sys"):
                return f"looks up a computed name in {target}", loads
        if isinstance(n, (ast.Attribute, ast.Call)):
            dotted = _dotted(n, names)
            if dotted and dotted.startswith("sys.modules"):
                return "uses sys.modules, which the grader cannot follow where a rule forbids names", loads
            hit = forbidden(dotted, forbid) if dotted else None
            if hit:
                return f"uses {dotted}" + ("" if dotted == hit else f" ({hit})"), loads
        if isinstance(n, ast.Name) and n.id in names:
            hit = forbidden(names[n.id], forbid)
            if hit:
                return f"uses {n.id}, which is {names[n.id]}" + ("" if names[n.id] == hit else f" ({hit})"), loads
    return None, loads


def violation(window: list[str], earlier: list[str], every: list[str], forbid: list[str]) -> str | None:
    """Why the submission's code ``window`` (written for the exercise) breaks a rule forbidding ``forbid``;
    ``earlier`` are the submission's cells before it, ``every`` every code cell (for the import names)."""
    names = aliases(every)
    defs: dict[str, ast.AST] = {}
    for source in earlier:
        tree = parse(source)
        if tree:
            defs.update(_defined(tree))
    todo: list[tuple[ast.AST, str]] = []
    for source in window:
        tree = parse(source)
        if tree is None:
            continue
        todo.append((tree, "your code"))
        for name, node in _defined(tree).items():  # a name the student binds is theirs, not an import's
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                names.pop(name, None)
                defs.pop(name, None)
    seen: set[str] = set()
    while todo:
        node, where = todo.pop()
        problem, loads = _problems(node, forbid, names)
        if problem:
            return f"{where} {problem}"
        for name in sorted(loads & set(defs) - seen):
            seen.add(name)
            todo.append((defs[name], f"{name}, defined in an earlier cell,"))
    return None


def names_the_key(window: list[str]) -> str | None:
    for source in window:
        for name in KEY_NAMES:
            if name in source:
                return f"your code names the instructor's answer key ({name}), which is the grader's"
    return None
