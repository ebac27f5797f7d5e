"""The judge's end of the grading kernel: run a submission's cells, call its names, read back numbers.

:class:`Kernel` starts a kernel (``jupyter_client``) without the answer key in
its environment, loads ``grading/judge_wire.py`` into it and runs the
submission's cells there. The judge then asks it for the names a test cell
uses (:meth:`Kernel.get`): data comes back as data (arrays, numbers, strings,
the package's own layers and configurations, rebuilt here from their
attributes), and whatever the student defined (a function, a class, an object)
as a :class:`Remote` handle. Calling a handle sends its arguments to the kernel
as data, runs the student's code there and returns the result as data;
arguments the code changes in place (an array, a ``Parameter``, an ``rng``, a
model) are changed here too. Attributes of a student's object that are data
(its ``Parameter`` objects, arrays, numbers) are mirrored here: the checkers
read and write them as on a local object, and every call sends the changed
ones first and reads them all back after.

Whatever the kernel does, what reaches the judge passes through
:class:`grading.judge_wire.Decoder`: no pickles, and no object of the
submission whose methods would run here. A kernel that dies or does not answer
in time raises :class:`KernelLost`, which ends the test cell being judged.
"""

from __future__ import annotations

import builtins
import os
import queue
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from grading import judge_wire as wire

WIRE = Path(wire.__file__).resolve()
#: variables the grading kernel does not get: the key and the grading switches are the judge's
HIDDEN_ENV = ("NNBOOK_KEY", "NNBOOK_GRADING", "NNBOOK_KEY_RECORD")
#: bytes of one answer of the kernel that the judge reads at most
MAX_REPLY = 512 << 20
#: the modules a name of the kernel may stand for; the judge imports its own copy
MODULES = ("numpy", "nnbook", "math")


class KernelLost(BaseException):
    """The kernel died, exited, or did not answer in time: nothing it did after that counts."""


class CellTimeoutError(BaseException):
    """The student's code ran out of time and was interrupted: the test cell that called it scores 0
    (named as nbclient names a cell that timed out)."""


class RemoteError(Exception):
    """An error raised by the student's code in the kernel, of a type the judge does not re-create."""


def remote_exception(name: str, message: str, lineno: Any, line: str) -> Exception:
    """The student's error as the judge raises it: the built-in class of that name when there is one
    (so that a checker's hint for a ``ValueError`` still applies), with the student's line attached."""
    cls = getattr(builtins, str(name), None)
    exc: Exception
    try:
        if not (isinstance(cls, type) and issubclass(cls, Exception)) or cls.__module__ != "builtins":
            raise TypeError
        exc = cls(str(message))
    except Exception:  # noqa: BLE001 - a class that needs other arguments
        exc = RemoteError(f"{name}: {message}")
    exc.nnbook_where = (lineno, line)  # read by nnbook.exercises.error_hint
    return exc


class Remote:
    """A function, class or object of the submission; it stays in the kernel."""

    def __init__(self, kernel: Kernel, key: int, kind: str, name: str) -> None:
        object.__setattr__(self, "_r", {"kernel": kernel, "id": key, "kind": kind, "name": name,
                                        "state": {}, "sent": {}})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._r["kernel"].call(self, None, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        r = object.__getattribute__(self, "_r")
        if name in r["state"]:
            return r["state"][name]
        if r["kind"] == "function":
            raise AttributeError(f"{r['name']} has no attribute {name!r} the judge can read")
        return _Method(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._r["state"][name] = value

    def __getitem__(self, key: Any) -> Any:  # a large dict or list of the notebook, read item by item
        return self._r["kernel"].item(self, key)

    def __repr__(self) -> str:
        return f"<{self._r['kind']} {self._r['name']} of the submission>"


class _Method:
    def __init__(self, owner: Remote, name: str) -> None:
        self.owner, self.name = owner, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        r = self.owner._r
        return r["kernel"].call(self.owner, self.name, args, kwargs)


def write_back(local: Any, new: Any, depth: int = 0) -> None:
    """Make ``local`` (the judge's argument) hold what the kernel's copy ``new`` holds after the call."""
    from nnbook.module import Parameter

    if depth > 20 or local is new:
        return
    if isinstance(local, np.ndarray) and isinstance(new, np.ndarray):
        if local.shape == new.shape and local.flags.writeable:
            local[...] = new
    elif isinstance(local, Parameter) and isinstance(new, Parameter):
        for attr in ("value", "_grad"):
            a, b = getattr(local, attr), getattr(new, attr)
            if a.shape == b.shape:
                a[...] = b
            else:
                object.__setattr__(local, attr, b)
        local.decay = new.decay
    elif isinstance(local, np.random.Generator) and isinstance(new, np.random.Generator):
        local.bit_generator.state = new.bit_generator.state
    elif isinstance(local, (list, tuple)) and isinstance(new, (list, tuple)) and len(local) == len(new):
        for a, b in zip(local, new):
            write_back(a, b, depth + 1)
    elif isinstance(local, dict) and isinstance(new, dict):
        for k in local:
            if k in new:
                write_back(local[k], new[k], depth + 1)
    elif type(local) is type(new) and wire._class_path(type(local)) and not hasattr(local, "__dataclass_fields__"):
        for name in wire._state_names(new):
            if hasattr(new, name):
                old = getattr(local, name, None)
                if isinstance(old, (np.ndarray, Parameter, list, tuple, dict)) or wire._class_path(type(old)):
                    write_back(old, getattr(new, name), depth + 1)
                else:
                    object.__setattr__(local, name, getattr(new, name))


def _update_mirror(remote: Remote, state: dict, decode: wire.Decoder) -> None:
    r = remote._r
    for name, enc in state.items():
        new = decode(enc)
        old = r["state"].get(name)
        if old is not None and type(old) is type(new) and isinstance(new, (np.ndarray,)) and old.shape == new.shape:
            old[...] = new
        elif old is not None and type(old) is type(new) and not isinstance(new, (int, float, str, bool, tuple)):
            write_back(old, new)
        else:
            r["state"][name] = new
        r["sent"][name] = wire.Encoder()(r["state"][name])


#: bytes of a cell's outputs the judge keeps (what is over is cut, and says so)
MAX_OUTPUT = 4 << 20


class _Outputs:
    """What the kernel publishes for one cell, as notebook outputs (``nbformat.v4.output_from_msg``)."""

    def __init__(self, msg_id: str, into: list | None) -> None:
        self.msg_id, self.into, self.size, self.idle, self.cut = msg_id, into, 0, False, False
        self.clear_next = False  # a clear_output(wait=True): clear when the next output comes

    def take(self, msg: dict) -> None:
        if msg.get("parent_header", {}).get("msg_id") != self.msg_id:
            return
        kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
        content = msg.get("content", {})
        if kind == "status":
            self.idle = self.idle or content.get("execution_state") == "idle"
            return
        if self.into is None:
            return
        if kind == "clear_output":
            if content.get("wait"):
                self.clear_next = True
            else:
                self.into.clear()
            return
        if kind not in ("stream", "display_data", "execute_result", "error"):
            return
        if self.clear_next:
            self.into.clear()
            self.clear_next = False
        size = len(repr(content))
        if self.size + size > MAX_OUTPUT:
            if not self.cut:
                self.cut = True
                self.into.append(_stream("stdout", f"\n[the rest of this cell's output, over {MAX_OUTPUT >> 20} MB, "
                                                   "is not kept]\n"))
            return
        self.size += size
        from nbformat.v4 import output_from_msg

        try:
            out = output_from_msg(msg)
        except (ValueError, KeyError, TypeError):  # not an output nbformat knows: left out
            return
        last = self.into[-1] if self.into else None
        if kind == "stream" and last is not None and last.get("output_type") == "stream" and last.get("name") == out.name:
            last["text"] += out.text  # one output a stream, as nbclient keeps them
        else:
            self.into.append(out)

    def timed_out(self, seconds: float) -> None:
        if self.into is not None:
            self.into.append(error_output("CellTimeoutError", f"the cell ran longer than {seconds:g} s and was "
                                                              "interrupted"))


def _stream(name: str, text: str) -> dict:
    from nbformat.v4 import new_output

    return new_output("stream", name=name, text=text)


def error_output(ename: str, evalue: str) -> dict:
    """A notebook error output (nbgrader scores a grade cell that has one 0)."""
    from nbformat.v4 import new_output

    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class Kernel:
    """A grading kernel running one submission, and the calls the judge makes into it."""

    def __init__(self, cwd: Path, *, timeout: float = 60.0, startup: str = "", launcher=None) -> None:
        """A kernel working in ``cwd`` (in the sandbox: a scratch copy of it), started by ``launcher``
        (e.g. ``grading.sandbox.launcher(...)``; default: as ``jupyter_client`` starts kernels)."""
        from jupyter_client import KernelManager

        self.timeout = timeout
        self.last_error = ""  # the kernel's error of the last cell that failed (its name and message)
        self.cwd = Path(cwd)
        # the judge's requests and the kernel's replies: a fresh folder of the judge's, the only one the
        # sandboxed kernel may write to that the judge reads
        self.exchange = Path(tempfile.mkdtemp(prefix="nnbook-judge-"))
        self.remotes: dict[int, Remote] = {}
        env = {k: v for k, v in os.environ.items() if k not in HIDDEN_ENV}
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")
        self.km = KernelManager(kernel_name="python3")
        self.kc = None
        self.encode = wire.Encoder(self._ref)
        self.decode = wire.Decoder(self._remote)
        try:
            if launcher is not None:  # e.g. a sandboxed launcher: it starts the kernel given this manager
                launcher(self.km, cwd=str(cwd), env=env, exchange=str(self.exchange))
            else:
                self.km.start_kernel(cwd=str(cwd), env=env)
            self.kc = self.km.client()
            self.kc.start_channels()
            self.kc.wait_for_ready(timeout=60)
            code = ("import importlib.util as _u; "
                    f"_s = _u.spec_from_file_location('_nnbook_judge_wire', {str(WIRE)!r}); "
                    "_m = _u.module_from_spec(_s); _s.loader.exec_module(_m); _nnbook_judge = _m.Server(globals()); "
                    "del _u, _s, _m")
            status, _ = self.execute((startup + "\n" if startup else "") + code, silent=True)
            if status != "ok":
                raise RuntimeError(f"the grading kernel could not start the judge's wire ({self.last_error})")
        except BaseException:  # a kernel that started but cannot be used goes, with its folder
            self.shutdown()
            raise

    # -- running code ----------------------------------------------------------------------
    def alive(self) -> bool:
        return self.km.is_alive()

    def execute(self, code: str, *, silent: bool = False, expressions: dict | None = None,
                timeout: float | None = None, outputs: list | None = None) -> tuple[str, dict]:
        """Run ``code`` (a cell) in the kernel: its status (``"ok"``, ``"error"``, or ``"timeout"`` when it was
        interrupted after ``timeout`` seconds) and its user expressions. ``outputs``: a list that gets what the
        cell displayed, as notebook outputs (at most :data:`MAX_OUTPUT` bytes of them)."""
        if not self.alive():
            raise KernelLost("the kernel is no longer running")
        # stop_on_error=False: a student cell that raised must not make the kernel abort the judge's next request
        # (ipykernel aborts what arrives while it recovers from an error: under load, the judge's request did)
        msg_id = self.kc.execute(code, silent=silent, store_history=not silent, allow_stdin=False,
                                 stop_on_error=False, user_expressions=expressions or {})
        sink = _Outputs(msg_id, outputs)
        deadline = time.monotonic() + (timeout or self.timeout)
        interrupted = False
        while True:
            try:
                reply = self.kc.get_shell_msg(timeout=0.2)
            except queue.Empty:
                self._drain(sink)
                if not self.alive():
                    raise KernelLost("the kernel died or exited") from None
                if time.monotonic() > deadline:
                    if interrupted:
                        raise KernelLost("the kernel does not answer") from None
                    self.km.interrupt_kernel()
                    interrupted, deadline = True, time.monotonic() + 10
                continue
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            self._drain(sink, until_idle=outputs is not None)
            content = reply.get("content", {})
            if interrupted:
                sink.timed_out(timeout or self.timeout)
                return "timeout", {}
            self.last_error = f"{content.get('ename')}: {content.get('evalue')}" if content.get("status") == "error" else ""
            return str(content.get("status")), content.get("user_expressions") or {}

    def _drain(self, sink: _Outputs | None = None, until_idle: bool = False) -> None:
        """Read what the kernel published: all of it that is there, or (``until_idle``) up to the end of the
        cell ``sink`` stands for (its ``idle`` status; a kernel that never sends it is waited for 5 s)."""
        give_up = time.monotonic() + 5
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.05 if until_idle else 0)
            except queue.Empty:
                if until_idle and not sink.idle and time.monotonic() < give_up and self.alive():
                    continue
                return
            if sink is not None:
                sink.take(msg)
                if until_idle and sink.idle:
                    return

    def request(self, req: dict) -> dict:
        """One request to the kernel's :class:`grading.judge_wire.Server`; its reply, checked to be data.

        The request and the reply go through two files of the exchange folder (a model's
        weights are megabytes: as the text of a cell they would be parsed as code)."""
        ask, answer = self.exchange / "request", self.exchange / "reply"
        answer.unlink(missing_ok=True)
        ask.write_text(wire.dumps(req))
        status, _ = self.execute(f"_nnbook_judge.serve_file({str(ask)!r}, {str(answer)!r})", silent=True)
        if status == "timeout":
            raise CellTimeoutError(f"the submission's code ran longer than {self.timeout:g} s and was interrupted")
        if status != "ok" or not answer.is_file():
            why = self.last_error if status == "error" else f"status {status!r}, no reply file"
            raise KernelLost(f"the kernel did not answer the judge ({why})")
        if answer.stat().st_size > MAX_REPLY:
            raise KernelLost(f"the kernel's answer is over {MAX_REPLY >> 20} MB")
        try:
            reply = wire.loads(answer.read_text())
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise KernelLost(f"the kernel's answer is not data: {exc}") from None
        if type(reply) is not dict:
            raise KernelLost("the kernel's answer is not data")
        if "error" in reply:
            name, message, lineno, line = (list(reply["error"]) + [None] * 4)[:4]
            raise remote_exception(str(name), str(message), lineno, str(line or ""))
        return reply

    def shutdown(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        finally:
            try:
                if self.km.has_kernel:
                    self.km.shutdown_kernel(now=True)
            finally:
                shutil.rmtree(self.exchange, ignore_errors=True)

    # -- names and calls -------------------------------------------------------------------
    def _remote(self, x: dict) -> Remote:
        key = int(x["id"])
        remote = self.remotes.get(key)
        if remote is None:
            remote = self.remotes[key] = Remote(self, key, str(x.get("kind")), str(x.get("name")))
        if x.get("state"):
            _update_mirror(remote, dict(x["state"]), wire.Decoder(self._remote))
        return remote

    def _ref(self, obj: Any) -> dict:
        if not isinstance(obj, Remote):
            raise wire.WireError(f"a {type(obj).__name__} cannot be passed to the submission's code")
        return {"t": "ref", "id": obj._r["id"], "state": self._changed(obj)}

    @staticmethod
    def _changed(remote: Remote) -> dict:
        r = remote._r
        out = {}
        for name, value in r["state"].items():
            enc = wire.Encoder()(value)
            if r["sent"].get(name) != enc:
                out[name] = enc
        return out

    def get(self, name: str) -> Any:
        """The kernel's value of the name ``name``: data, a module of the judge's own, or a handle."""
        reply = self.request({"op": "get", "name": name})
        if "missing" in reply:
            raise NameError(f"name {name!r} is not defined in the submission")
        if "module" in reply:
            module = str(reply["module"])
            if module.split(".")[0] not in MODULES:
                raise NameError(f"{name!r} is the module {module}, which the judge does not import")
            import importlib

            return importlib.import_module(module)
        return self.decode(reply["value"])

    def item(self, target: Remote, key: Any) -> Any:
        return self.decode(self.request({"op": "item", "id": target._r["id"], "key": wire.Encoder()(key)})["value"])

    def call(self, target: Remote, method: str | None, args: tuple, kwargs: dict) -> Any:
        req = {"op": "call", "id": target._r["id"], "method": method,
               "state": self._changed(target) if method else None,
               "args": [self.encode(a) for a in args], "kwargs": {k: self.encode(v) for k, v in kwargs.items()},
               "errstate": np.geterr()}
        reply = self.request(req)
        if method is not None and isinstance(reply.get("state"), dict):
            _update_mirror(target, reply["state"], self.decode)
        value = self.decode(reply.get("value"))
        for local, new in zip(args, reply.get("args") or []):
            if new is not None:  # None: the call left it as it was
                write_back(local, self.decode(new))
        for k, new in dict(reply.get("kwargs") or {}).items():
            if k in kwargs and new is not None:
                write_back(kwargs[k], self.decode(new))
        return value
