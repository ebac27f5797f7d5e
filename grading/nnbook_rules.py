"""The exercises' rules, enforced inside the grading kernel (the judge's kernel starts with it loaded).

``grading/rules.py`` declares, for an exercise, the ``nnbook`` names its text
forbids (``nnbook.Linear``, ``nnbook.init``, ``nnbook`` itself for "NumPy
only"). ``make grade`` writes them, with a fingerprint of every cell of the
book that is not a solution (``rules.json``), into the course folder, and
the judge (``grading/judge.py``) starts every grading kernel with this module
loaded. This module does not import ``grading`` or the book: it only reads
that table.

How a use is seen
    Every Python function a rule covers (a function, the methods of a class,
    every function and method of a module) gets, in place, a first step that
    looks at who calls it; the function object stays the same, so an alias
    (``from nnbook.layers import Linear as L``, ``importlib``, a copy taken in
    an earlier cell, a default argument) reaches the same step. A call is
    the *submission's* when a frame on its stack, up to the cell being run,
    is code that is neither the book's (a cell whose text is a cell of the
    book, other than a solution cell) nor a library's (a file under the
    Python installation, ``nnbook`` or ``grading``). The book's own calls
    (the chapter, the checks and their reference implementations) are not
    the submission's. Calls are only looked at once a cell that is not the
    book's has run.

When it counts
    A submission's calls are collected from the end of one exercise's test
    cells to the next test cell, and during a test cell. A test cell of an
    exercise with a rule (run by the judge outside the kernel: the judge asks
    :meth:`Guard.end_tests`) fails with ``RuleViolation`` when the code
    before it used a forbidden name, or when a name the exercise defines
    *is* one (``sigmoid = nb.functional.sigmoid``), subclasses one
    (``class MyLinear(nb.Linear)``), or holds one (``functools.partial``,
    ``np.vectorize``, default arguments, closures, class attributes). A
    forbidden call made while the test cell runs raises ``RuleViolation``
    there (a ``BaseException``, so the checks' ``except Exception`` does
    not catch it); if the submission catches it anyway, the message goes to
    stderr, which nbgrader also scores 0.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.abc
import importlib.util
import inspect
import json
import os
import sys
import sysconfig
import types
from pathlib import Path

MODULE_NAME = "_nnbook_rules"
DISPATCH = "__nnbook_rules_dispatch__"
GUARD: Guard | None = None


class RuleViolation(BaseException):
    """A submission used what its exercise says not to use."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of the guard's frames
        return [f"RuleViolation: {self}"]


def fingerprint(source: str) -> str:
    """The fingerprint of a cell's text, as ``grading/rules.py`` writes it (trailing spaces ignored)."""
    text = "\n".join(line.rstrip() for line in source.splitlines()).strip()
    return hashlib.sha256(text.encode()).hexdigest()


def _trusted_roots() -> list[str]:
    roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    spec = importlib.util.find_spec("nnbook")
    if spec and spec.origin:
        roots.add(os.path.dirname(spec.origin))
    if os.environ.get("NNBOOK_KEY"):  # the instructor's key (grading/key): the reference the checks call
        roots.add(os.environ["NNBOOK_KEY"])
    return sorted(os.path.realpath(r) + os.sep for r in roots)


class _PatchingLoader(importlib.abc.Loader):
    """A module's own loader, then the guard's patches on what the module defines."""

    def __init__(self, loader, guard: Guard):
        self._loader, self._guard = loader, guard

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._guard.patch_module(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _Finder(importlib.abc.MetaPathFinder):
    """Patches a module a rule covers when it is first imported (``nnbook.diagnostics`` loads lazily)."""

    def __init__(self, guard: Guard):
        self._guard, self._busy = guard, set()

    def find_spec(self, name, path=None, target=None):
        if name in self._busy or not self._guard.covers_module(name):
            return None
        self._busy.add(name)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self._busy.discard(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader, self._guard)
        return spec


class Guard:
    def __init__(self, table: dict, shell) -> None:
        self.shell = shell
        self.cells: dict[str, dict] = table["cells"]  # fingerprint -> {"chapter", "tests": grade_id or None}
        self.rules: dict[str, dict] = table["rules"]  # grade_id -> {"forbid", "sentence", "names", "chapter"}
        self.targets = sorted({t for r in self.rules.values() for t in r["forbid"]})
        self.active: frozenset[str] = frozenset(self.targets)  # the chapter's, once known
        self.roots = _trusted_roots()
        self.files: dict[str, bool] = {}  # file name -> trusted
        self.untrusted_seen = False
        self.registry: list[tuple[types.FunctionType, str, frozenset[str]]] = []
        self.owners: dict[int, tuple[str, frozenset[str]]] = {}  # id(function) -> (name, targets)
        self.objects: dict[str, object] = {}  # resolved function and class targets
        self.window: list[tuple[frozenset[str], str, str]] = []  # (targets, what, where) since the last test cell
        self.before_tests: dict[str, list] = {}
        self.current: str | None = None  # the exercise whose test cell runs
        self.last: str | None = None
        self.cell_files: set[str] = set()  # the file names of the book's cells that ran
        self._keys: dict[int, int] = {}  # id(function) -> its index in the registry
        self.files[os.path.abspath(__file__)] = True  # the trampolines' own code

    # -- which targets cover what ---------------------------------------------------------
    def covers_module(self, name: str) -> bool:
        return any(name == t or name.startswith(t + ".") for t in self.targets if t not in self.objects)

    def _owners(self, module: str, obj: object, cls: type | None) -> frozenset[str]:
        out = {t for t in self.targets if t not in self.objects and (module == t or module.startswith(t + "."))}
        out |= {t for t, o in self.objects.items() if o is obj or (cls is not None and o is cls)}
        return frozenset(out)

    def resolve(self) -> None:
        """Find the function and class targets (module targets are patched as they are imported)."""
        for target in self.targets:
            if importlib.util.find_spec(target.split(".")[0]) is None:
                continue  # not installed (SciPy): nothing to patch
            try:
                if importlib.util.find_spec(target) is not None:
                    continue  # a module
            except (ImportError, ValueError):
                pass
            parts = target.split(".")
            for i in range(len(parts) - 1, 0, -1):
                try:
                    obj = importlib.import_module(".".join(parts[:i]))
                except ImportError:
                    continue
                for attr in parts[i:]:
                    obj = getattr(obj, attr, None)
                if obj is not None:
                    self.objects[target] = obj
                break
        for target, obj in self.objects.items():
            if isinstance(obj, type):
                self.patch_class(obj, obj.__module__)
            elif isinstance(obj, types.FunctionType):
                self.patch_function(obj, obj.__module__, None)
        for name, module in list(sys.modules.items()):
            if module is not None and self.covers_module(name):
                self.patch_module(module)

    # -- patching ------------------------------------------------------------------------
    def patch_module(self, module: types.ModuleType) -> None:
        name = module.__name__
        for key, obj in list(vars(module).items()):
            if getattr(obj, "__module__", None) != name or (key.startswith("__") and key.endswith("__")):
                continue  # not the module's own, or its machinery (a lazy module's __getattr__)
            if isinstance(obj, type):
                self.patch_class(obj, name)
            elif isinstance(obj, types.FunctionType):
                self.patch_function(obj, name, None)

    def patch_class(self, cls: type, module: str) -> None:
        for value in list(vars(cls).values()):
            for fn in (value, getattr(value, "__func__", None), getattr(value, "fget", None), getattr(value, "fset", None)):
                if isinstance(fn, types.FunctionType):
                    self.patch_function(fn, module, cls)

    def patch_function(self, fn: types.FunctionType, module: str, cls: type | None) -> None:
        owners = self._owners(module, fn, cls)
        if id(fn) in self.owners:
            name, before = self.owners[id(fn)]
            self.owners[id(fn)] = (name, before | owners)
            self.registry[self._keys[id(fn)]] = (self.registry[self._keys[id(fn)]][0], name, before | owners)
            return
        if not owners:
            return
        original = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
        original.__kwdefaults__ = fn.__kwdefaults__
        original.__qualname__ = fn.__qualname__
        original.__dict__.update(fn.__dict__)
        key = len(self.registry)
        name = f"{module}.{fn.__qualname__}"
        self.registry.append((original, name, owners))
        self.owners[id(fn)] = (name, owners)
        self._keys[id(fn)] = key
        try:
            fn.__signature__ = inspect.signature(original)
        except (TypeError, ValueError):
            pass
        fn.__globals__[DISPATCH] = self.dispatch
        fn.__code__ = _trampoline(key, fn.__code__.co_freevars)

    # -- calls -----------------------------------------------------------------------------
    def dispatch(self, key: int, args: tuple, kwargs: dict):
        original, name, owners = self.registry[key]
        if self.untrusted_seen:
            hit = owners & self.active
            if hit:
                where = self._submission_frame()
                if where is not None:
                    self._record(hit, name, where)
        return original(*args, **kwargs)

    def _trusted_file(self, frame) -> bool:
        filename = frame.f_code.co_filename
        known = self.files.get(filename)
        if known is not None:
            return known
        if filename.startswith("<frozen "):
            return True
        if filename.startswith("<"):  # exec'd code: the library's only when run in a library module
            name = frame.f_globals.get("__name__")
            module = sys.modules.get(name) if isinstance(name, str) else None
            return (module is not None and name != "__main__" and vars(module) is frame.f_globals
                    and self._trusted_path(getattr(module, "__file__", None) or ""))
        trusted = self._trusted_path(filename)
        self.files[filename] = trusted
        return trusted

    def _trusted_path(self, filename: str) -> bool:
        path = os.path.realpath(filename) if filename else ""
        return bool(path) and any(path.startswith(root) for root in self.roots)

    def _submission_frame(self) -> str | None:
        """Where the submission's code is on the stack (None: the call is the book's or a library's)."""
        frame = sys._getframe(2)
        while frame is not None:
            filename = frame.f_code.co_filename
            if not self._trusted_file(frame):
                return f"{frame.f_code.co_name}, line {frame.f_lineno}"
            if filename in self.cell_files and frame.f_code.co_name == "<module>":
                return None  # the top of a cell of the book
            frame = frame.f_back
        return None

    def _record(self, targets: frozenset[str], name: str, where: str) -> None:
        self.window.append((targets, name, where))

    def message(self, grade_id: str, targets, detail: str) -> str:
        forbidden = [t for t in self.rules[grade_id]["forbid"] if t in targets] or self.rules[grade_id]["forbid"]
        return (f"{grade_id}: this exercise is to be solved without {' or '.join(forbidden)} ({detail}). "
                f"The exercise says: \"{self.rules[grade_id]['sentence']}\"")

    # -- cells ---------------------------------------------------------------------------
    def pre_run_cell(self, info) -> None:
        entry = self.cells.get(fingerprint(info.raw_cell))
        transformed = getattr(info, "transformed_cell", None) or info.raw_cell
        filename = self.shell.compile.get_code_name(info.raw_cell, transformed, self.shell.execution_count - 1)
        if entry is None:
            self.untrusted_seen = True
            self.files[filename] = False
            self.cell_files.discard(filename)
            return
        self.files[filename] = True
        self.cell_files.add(filename)
        chapter = entry["chapter"]
        self.active = frozenset(t for r in self.rules.values() if r["chapter"] == chapter for t in r["forbid"])
        exercise = entry.get("tests")
        if exercise:
            self.begin_tests(exercise)

    def post_run_cell(self, result) -> None:
        if self.current is None:
            return
        raised = isinstance(result.error_in_exec, RuleViolation)
        text = self.end_tests()
        if text and not raised:  # the cell failed before its last line, or the submission caught the error
            print(f"RuleViolation: {text}", file=sys.stderr, flush=True)

    def begin_tests(self, exercise: str) -> None:
        """A test cell of ``exercise`` starts: what the submission called since the last one is its."""
        if self.last != exercise:
            self.before_tests[exercise] = self.window
        else:
            self.before_tests.setdefault(exercise, []).extend(self.window)
        self.window, self.current = [], exercise

    def end_tests(self) -> str | None:
        """The test cell that began ends: why its exercise breaks its rule (None: it does not, or has none).

        The judge runs the test cells outside this kernel: it calls :meth:`begin_tests` and this, around
        the calls it makes into the submission for a test cell, to learn what the guard saw."""
        exercise = self.current
        if exercise is None:
            return None
        text = self.verdict(exercise) if exercise in self.rules else None
        self.current, self.last = None, exercise
        self.before_tests.setdefault(exercise, []).extend(self.window)
        self.window = []
        return text

    def transform(self, lines: list[str]) -> list[str]:
        """A test cell of an exercise with a rule ends by checking the rule."""
        entry = self.cells.get(fingerprint("".join(lines)))
        exercise = entry and entry.get("tests")
        if exercise in self.rules:
            last = lines[-1] if lines else "\n"
            end = [] if last.endswith("\n") else ["\n"]
            return [*lines, *end, f"__import__('sys').modules[{MODULE_NAME!r}].GUARD.check({exercise!r})\n"]
        return lines

    def check(self, grade_id: str) -> None:
        text = self.verdict(grade_id)
        if text:
            raise RuleViolation(text)

    def verdict(self, grade_id: str) -> str | None:
        """Why the submission breaks the rule of exercise ``grade_id`` (None: it does not)."""
        forbid = set(self.rules[grade_id]["forbid"])
        for targets, name, where in [*self.before_tests.get(grade_id, []), *self.window]:
            if targets & forbid:
                return self.message(grade_id, targets, f"your code called {name} in {where}")
        ns = self.shell.user_ns
        for var in self.rules[grade_id]["names"]:
            if var in ns:
                found = self._refers(ns[var], forbid, 3, set())
                if found:
                    return self.message(grade_id, found[0], f"{var} {found[1]}")
        return None

    # -- what a name holds ----------------------------------------------------------------
    def _refers(self, obj, forbid: set[str], depth: int, seen: set[int]):
        if id(obj) in seen or depth < 0:
            return None
        seen.add(id(obj))
        owned = self.owners.get(id(getattr(obj, "__func__", obj)))
        if owned and owned[1] & forbid:
            return owned[1] & forbid, f"is {owned[0]}"
        if isinstance(obj, types.ModuleType):
            hit = {t for t in forbid if t not in self.objects and (obj.__name__ == t or obj.__name__.startswith(t + "."))}
            return (frozenset(hit), f"is the module {obj.__name__}") if hit else None
        for target in forbid:
            o = self.objects.get(target)
            if isinstance(o, type) and isinstance(obj, type) and issubclass(obj, o):
                return frozenset({target}), f"is {o.__module__}.{o.__qualname__}" if obj is o else \
                    f"is a subclass of {o.__module__}.{o.__qualname__}"
            if isinstance(o, type) and isinstance(obj, o):
                return frozenset({target}), f"is an instance of {o.__module__}.{o.__qualname__}"
        if isinstance(obj, type):
            for klass in obj.__mro__:
                mod = klass.__module__
                hit = {t for t in forbid if t not in self.objects and (mod == t or mod.startswith(t + "."))}
                if hit:
                    return frozenset(hit), f"is a subclass of {mod}.{klass.__qualname__}"
        for inner in self._parts(obj):
            found = self._refers(inner, forbid, depth - 1, seen)
            if found:
                targets, how = found
                return targets, f"holds an object that {how}" if not how.startswith("holds") else how
        return None

    @staticmethod
    def _parts(obj) -> list:
        if isinstance(obj, (list, tuple, set, frozenset)):
            return list(obj)
        if isinstance(obj, dict):
            return list(obj.values())
        parts: list = []
        if isinstance(obj, functools.partial):
            parts += [obj.func, *obj.args, *obj.keywords.values()]
        fn = getattr(obj, "__func__", obj)
        if isinstance(fn, types.FunctionType):
            parts += list(fn.__defaults__ or ()) + list((fn.__kwdefaults__ or {}).values())
            for cell in fn.__closure__ or ():
                try:
                    parts.append(cell.cell_contents)
                except ValueError:
                    pass
        if isinstance(obj, type):
            parts += list(vars(obj).values())
        elif not isinstance(obj, (types.ModuleType, types.FunctionType, str, bytes, int, float)):
            try:
                parts += list(vars(obj).values())
            except TypeError:
                pass
        wrapped = getattr(obj, "__wrapped__", None)
        if wrapped is not None:
            parts.append(wrapped)
        return parts


def _trampoline(key: int, freevars: tuple[str, ...]) -> types.CodeType:
    """Code that hands the call to the guard, with as many free variables as the code it replaces."""
    lines = ["def _outer():"]
    lines += [f"    {v} = None" for v in freevars]
    lines += ["    def _nnbook_rules_trampoline(*args, **kwargs):"]
    if freevars:
        lines += [f"        ({', '.join(freevars)},)"]
    lines += [f"        return {DISPATCH}({key}, args, kwargs)", "    return _nnbook_rules_trampoline"]
    namespace: dict = {}
    exec(compile("\n".join(lines), os.path.abspath(__file__), "exec"), namespace)
    return namespace["_outer"]().__code__


def install(shell, table_path: str) -> Guard:
    """Load the rules of ``table_path`` into the kernel of ``shell`` (once)."""
    global GUARD
    if GUARD is not None:
        return GUARD
    table = json.loads(Path(table_path).read_text())
    guard = Guard(table, shell)
    guard.resolve()
    sys.meta_path.insert(0, _Finder(guard))
    shell.events.register("pre_run_cell", guard.pre_run_cell)
    shell.events.register("post_run_cell", guard.post_run_cell)
    shell.input_transformers_cleanup.insert(0, guard.transform)
    GUARD = guard
    return guard
