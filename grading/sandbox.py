"""A grading kernel that a submission cannot get out of (``make grade``).

Every kernel the autograder (the judge, ``grading/judge_step.py``) starts runs in a
sandbox of its own:

- **its own scratch folder**: the kernel's working folder (a fresh folder the
  judge makes for each submission) is, for the kernel, a fresh ``tmpfs``
  holding a copy of that folder's files and nothing else; what the kernel
  writes there is thrown away with it, and nothing it writes reaches a file
  of the grader's;
- **nothing else to see**: a new mount namespace whose root holds only the
  scratch folder, the Python installation and the venv (read-only), the
  ``nnbook`` package (read-only), a private ``/tmp`` and ``/dev/shm``, a few
  device files and ``/proc`` of its own PID namespace. The source notebooks,
  the gradebook, the answer key (``grading/key``, ``NNBOOK_KEY``) and the
  other students' folders are not in it, unless a path is granted with
  ``allow=[...]`` (read-only);
- **no network**: a new network namespace (only a loopback device, down), so
  no socket reaches another machine, the grader or another kernel (the kernel
  talks to the grader over Unix sockets in a folder of its own, ``ipc``
  transport);
- **limits** (``setrlimit`` in the kernel's process, :class:`Limits`): CPU
  seconds, address space, processes and file size; the kernel runs as a user
  id of its own (as root: no capabilities, ``no_new_privs``), so the process
  limit counts only its processes, and it is PID 1 of its PID namespace, so
  every process it started ends with it.

How much of this the system allows is found once a process (:func:`probe`):

``namespaces``       run as root: ``unshare`` (util-linux) with new mount,
                     network, PID, IPC and UTS namespaces; the kernel then
                     drops to a user id of its own;
``user-namespaces``  not root, but unprivileged user namespaces work: the
                     same, in a new user namespace (the process limit then
                     counts the grading user's processes);
``none``             neither: only the limits and the scratch folder's path;
                     the kernel can read what the grading user can, and use
                     the network. :func:`probe` says why, and the grade log
                     prints it.

Two ways in, for whatever starts a kernel:

:func:`kernel_command`
    ``kernel_command(workdir, argv, allow=[...], limits=Limits(...))`` is the
    command line that runs ``argv`` (e.g. an ipykernel) in a sandbox whose
    scratch folder is a copy of ``workdir``; ``runtime`` names a folder of the
    kernel's own, whose ``conn/`` the sandbox may write to (bound read-write
    at the same path: the kernel's connection file and ``ipc`` sockets).
:class:`SandboxedKernelManager`
    a ``jupyter_client`` ``AsyncKernelManager`` whose kernels run so (and
    :class:`SandboxedSyncKernelManager`, the blocking one); nbclient takes it
    as ``kernel_manager_class``; its ``allow`` and ``limits`` are
    configurable (``c.SandboxedKernelManager.allow = [...]``).
    :func:`launcher` makes a manager the judge started a sandboxed one; the
    judge uses it when ``NNBOOK_SANDBOX`` is set (``grading/grade.py`` sets
    it), granting the wire module and the rules guard;
    ``NNBOOK_SANDBOX_ALLOW`` adds paths.

No kernel is granted the answer key: the hidden tests run in the judge's
process, outside the kernel.
"""

from __future__ import annotations

import ctypes
import dataclasses
import fnmatch
import functools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path

HERE = Path(__file__).resolve()
UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"
NAMESPACES = ["--mount", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--propagation", "private"]
# what of /etc a Python kernel needs: the dynamic loader's cache and the time zone
ETC = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/nsswitch.conf"]
DEVICES = ["null", "zero", "full", "random", "urandom"]
# the environment a kernel keeps (everything else, e.g. tokens and JPY_PARENT_PID, is dropped)
ENV_KEEP = ["PATH", "LANG", "LC_*", "TZ", "TERM", "OPENBLAS_*", "OMP_*", "MKL_*", "NPY_*", "PYTHONHASHSEED",
            "PYDEVD_*", "NNBOOK_*", "VIRTUAL_ENV", "JPY_PARENT_PID"]
FIRST_UID = 1 << 20  # kernels run as FIRST_UID + (pid << 8) + k: one user id a kernel, no one else's


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one kernel may use (``setrlimit`` in its process, and the sizes of its ``tmpfs`` folders)."""

    cpu_seconds: int = 600        # RLIMIT_CPU: a chapter needs under 30; then SIGXCPU ends the kernel
    memory_bytes: int = 6 << 30   # RLIMIT_AS: address space (a 20 GB array is a MemoryError)
    processes: int = 64           # RLIMIT_NPROC: processes and threads of the kernel's user id
    file_bytes: int = 256 << 20   # RLIMIT_FSIZE: the largest file it may write
    scratch_bytes: int = 512 << 20  # the scratch folder (tmpfs)
    tmp_bytes: int = 256 << 20    # /tmp and /dev/shm (tmpfs each)


@dataclasses.dataclass(frozen=True)
class Isolation:
    """What :func:`probe` found: ``mode`` (``namespaces``, ``user-namespaces`` or ``none``) and why."""

    mode: str
    detail: str

    def describe(self) -> str:
        if self.mode == "none":
            return (f"sandbox: NO ISOLATION ({self.detail}): kernels run with limits only; they can read what "
                    "the grading user can, and use the network")
        return f"sandbox: {self.mode} ({self.detail})"


def _try(cmd: list[str]) -> str | None:
    """None when ``cmd`` runs and exits 0, else what went wrong."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    return None if proc.returncode == 0 else (proc.stderr.strip() or f"exit {proc.returncode}")


@functools.cache
def probe() -> Isolation:
    """Which isolation this system allows (tried once a process)."""
    if not sys.platform.startswith("linux"):
        return Isolation("none", f"namespaces need Linux, this is {sys.platform}")
    if not os.path.exists(UNSHARE):
        return Isolation("none", "no `unshare` command (util-linux)")
    spaces = "mount, network, PID, IPC and UTS namespaces"
    if os.geteuid() == 0:
        why = _try([UNSHARE, *NAMESPACES, "true"])
        if why is None:
            return Isolation("namespaces", f"{spaces}; kernels run as their own user id")
    why = _try([UNSHARE, "--user", "--map-root-user", *NAMESPACES, "true"])
    if why is None:
        return Isolation("user-namespaces", f"{spaces} in a user namespace; the process limit counts the "
                                            "grading user's processes")
    return Isolation("none", f"`unshare` failed: {why}")


_counter = iter(range(1 << 30))


def kernel_command(workdir: str | os.PathLike, argv: list[str], *, allow: list[str | os.PathLike] = (),
                   limits: Limits = Limits(), runtime: str | os.PathLike | None = None,
                   env: dict[str, str] | None = None, exchange: str | os.PathLike | None = None) -> list[str]:
    """The command line that runs ``argv`` in a sandbox (see the module docstring).

    ``workdir``: the kernel's working folder; it gets a scratch copy of it.
    ``allow``: more paths the kernel may read (files or folders, read-only), e.g. the answer key.
    ``runtime``: a folder of this kernel's own (default: a new temporary one; the caller removes
    it): ``runtime/conn`` is bound read-write at its own path, for the connection file and the
    ``ipc`` sockets (the kernel has no network), and ``runtime/root`` becomes the sandbox's root.
    ``env``: the kernel's environment, filtered by ``ENV_KEEP`` (default: this process's).
    ``exchange``: a fresh folder of the caller's, bound read-write at its own path (and given to the
    kernel's user), for a caller that exchanges files with the kernel there; nothing else of the
    caller's is writable.
    """
    mode = probe().mode
    runtime = Path(runtime or tempfile.mkdtemp(prefix="nnbook-sandbox-")).resolve()
    env = dict(os.environ if env is None else env)
    exposed = [str(p) for p in allow]
    if "NNBOOK_KEY" in env and not any(_inside(env["NNBOOK_KEY"], p) for p in exposed):
        del env["NNBOOK_KEY"]  # the path of something the kernel cannot see
    spec = {
        "mode": mode, "workdir": str(Path(workdir).resolve()), "argv": list(argv), "runtime": str(runtime),
        "readonly": _system_paths() + exposed, "limits": dataclasses.asdict(limits),
        "uid": FIRST_UID + (os.getpid() << 8) + next(_counter) % 256,
        "env": {k: v for k, v in env.items() if any(fnmatch.fnmatchcase(k, p) for p in ENV_KEEP)},
        "mpl_cache": _matplotlib_cache(env), "exchange": str(Path(exchange).resolve()) if exchange else None,
    }
    inner = [sys.executable, "-I", str(HERE), "--inside", json.dumps(spec)]
    if mode == "namespaces":
        return [UNSHARE, *NAMESPACES, *inner]
    if mode == "user-namespaces":
        return [UNSHARE, "--user", "--map-root-user", *NAMESPACES, *inner]
    return inner


def _inside(path: str, root: str) -> bool:
    path, root = os.path.realpath(path), os.path.realpath(root)
    return path == root or path.startswith(root.rstrip("/") + "/")


def _system_paths() -> list[str]:
    """Read-only in every sandbox: the system's programs and libraries, Python, the venv, nnbook."""
    import importlib.util

    paths = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", *ETC,
             sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))]
    spec = importlib.util.find_spec("nnbook")
    if spec and spec.submodule_search_locations:
        paths += list(spec.submodule_search_locations)  # the package folder only (an editable install: src/nnbook)
    return [p for p in dict.fromkeys(paths) if os.path.lexists(p)]


def _matplotlib_cache(env: dict[str, str]) -> str | None:
    """The grader's matplotlib font cache (copied in: a kernel without one rebuilds it, seconds)."""
    home = Path(env.get("HOME", str(Path.home())))
    for d in [env.get("MPLCONFIGDIR"), home / ".cache" / "matplotlib", home / ".matplotlib"]:
        if d and Path(d).is_dir() and any(Path(d).glob("fontlist-*.json")):
            return str(d)
    return None


# -- inside the namespaces (run as `python -I sandbox.py --inside SPEC`): build the root, then exec ----

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 8, 32, 4096, 16384
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_SET_PDEATHSIG = 38, 24, 1
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "ppc64le": 203, "s390x": 217}
_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(src: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda s: None if s is None else s.encode())
    _check(_libc.mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _bind(src: str, root: str, readonly: bool = True) -> None:
    """Show ``src`` at the same path under ``root`` (a symlink stays a symlink, its target shown too)."""
    target = root + src
    if os.path.islink(src):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.lexists(target):
            os.symlink(os.readlink(src), target)
        real = os.path.realpath(src)
        if os.path.exists(real) and not os.path.lexists(root + real):
            _bind(real, root, readonly)
        return
    if os.path.isdir(src):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(src, target, None, MS_BIND | MS_REC)
    if readonly:
        _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _tmpfs(target: str, size: int, mode: str = "1777", uid: int = 0) -> None:
    os.makedirs(target, exist_ok=True)
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode={mode},uid={uid},gid={uid}")


def _skeletons(paths: list[str]) -> list[str]:
    """The folders ``/tmp/<name>`` and ``/dev/shm/<name>`` that lead to paths shown deeper down.

    The sandbox's ``/tmp`` and ``/dev/shm`` are its own and writable; the folders that lead from them to
    what is shown there (a working folder under ``/tmp``, the kernel's connection folder) get a file
    system of their own that is made read-only, as the root's is. Without it, a kernel that is root of a
    user namespace could create files next to them (say ``../../gradebook.db``, in its own ``/tmp``):
    nothing anyone else sees, but a submission could take it for a write that worked."""
    tops: set[str] = set()
    exact: set[str] = set()
    for path in paths:
        for base in ("/tmp", "/dev/shm"):
            rel = os.path.relpath(os.path.realpath(path), base)
            if rel.startswith("..") or rel == ".":
                continue
            parts = rel.split(os.sep)
            (exact if len(parts) == 1 else tops).add(os.path.join(base, parts[0]))
    return sorted(tops - exact)


def _build_root(spec: dict, uid: int) -> None:
    """The sandbox's file system under ``runtime/root``, then ``pivot_root`` into it."""
    runtime, workdir, lim = spec["runtime"], spec["workdir"], spec["limits"]
    root = os.path.join(runtime, "root")
    os.makedirs(root, exist_ok=True)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=755")
    for sub in ["tmp", "dev/shm"]:  # first: what is shown below /tmp goes on top of it
        _tmpfs(os.path.join(root, sub), lim["tmp_bytes"])
    skeletons = _skeletons([*spec["readonly"], os.path.join(runtime, "conn"), workdir, *([spec["exchange"]] if spec["exchange"] else [])])
    for top in skeletons:  # the folders that lead to what is shown there, read-only once it is shown
        _tmpfs(root + top, 1 << 20, mode="755")
    for path in spec["readonly"]:
        if os.path.lexists(path) and not os.path.lexists(root + path):
            _bind(path, root)
    conn = os.path.join(runtime, "conn")
    os.makedirs(conn, exist_ok=True)
    for p in [conn, *(os.path.join(conn, f) for f in os.listdir(conn))]:
        os.chown(p, uid, uid)
    _bind(conn, root, readonly=False)
    for dev in DEVICES:
        if os.path.exists(f"/dev/{dev}"):
            _bind(f"/dev/{dev}", root, readonly=False)
    for name, target in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")]:
        os.symlink(target, os.path.join(root, "dev", name))
    os.makedirs(root + "/proc", exist_ok=True)
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    if spec["exchange"]:  # the caller's fresh folder, which it reads the kernel's files from
        os.chown(spec["exchange"], uid, uid)
        _bind(spec["exchange"], root, readonly=False)
    # the scratch folder: a copy of the working folder's files, at the same path
    _tmpfs(root + workdir, lim["scratch_bytes"], mode="700", uid=uid)
    if os.path.isdir(workdir):
        shutil.copytree(workdir, root + workdir, dirs_exist_ok=True, symlinks=True)
    home = root + "/tmp/home"
    os.makedirs(home)
    if spec["mpl_cache"]:
        shutil.copytree(spec["mpl_cache"], home + "/.matplotlib", ignore=shutil.ignore_patterns("tex.cache"))
    for dirpath, dirs, files in [*os.walk(home), *os.walk(root + workdir)]:
        for p in [dirpath, *(os.path.join(dirpath, f) for f in files)]:
            os.lchown(p, uid, uid)
    os.makedirs(root + "/etc", exist_ok=True)
    with open(root + "/etc/passwd", "w") as f:
        f.write(f"root:x:0:0::/:/bin/false\nstudent:x:{uid}:{uid}::/tmp/home:/bin/false\n")
    with open(root + "/etc/group", "w") as f:
        f.write(f"root:x:0:\nstudent:x:{uid}:\n")
    for top in skeletons:
        _mount(None, root + top, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(root)
    machine = os.uname().machine
    _check(_libc.syscall(SYS_PIVOT_ROOT[machine], b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount the old root")
    os.chdir("/")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _set_limits(lim: dict) -> None:
    for which, value in [(resource.RLIMIT_CPU, lim["cpu_seconds"]), (resource.RLIMIT_AS, lim["memory_bytes"]),
                         (resource.RLIMIT_NPROC, lim["processes"]), (resource.RLIMIT_FSIZE, lim["file_bytes"]),
                         (resource.RLIMIT_CORE, 0)]:
        hard = value + 5 if which == resource.RLIMIT_CPU else value  # SIGXCPU first, then SIGKILL
        resource.setrlimit(which, (value, hard))


def _drop_privileges(uid: int | None) -> None:
    """To ``uid`` (as root), or, in a user namespace, keep the id and give up every capability at exec."""
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    else:
        for cap in range(64):
            if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                break  # past the last capability the kernel knows
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def inside(spec: dict) -> None:
    """Set the sandbox up in this process and replace it with the kernel."""
    mode, lim = spec["mode"], spec["limits"]
    env = dict(spec["env"])
    env.update(HOME="/tmp/home", TMPDIR="/tmp", MPLCONFIGDIR="/tmp/home/.matplotlib", USER="student")
    if mode == "none":
        env["HOME"] = env["TMPDIR"] = env["MPLCONFIGDIR"] = spec["workdir"]
        os.chdir(spec["workdir"])
        _set_limits(lim)
        os.execve(spec["argv"][0], spec["argv"], env)
    uid = spec["uid"] if mode == "namespaces" else None
    _build_root(spec, uid if uid is not None else 0)
    os.chdir(spec["workdir"])
    _set_limits(lim)
    _drop_privileges(uid)
    os.execve(spec["argv"][0], spec["argv"], env)


# -- a jupyter_client kernel manager whose kernels run in the sandbox ------------------------------------

MANAGER_DOC = """A jupyter_client kernel manager whose kernels run in the sandbox (see grading/sandbox.py).

    Each kernel gets a folder of its own (a temporary folder: its connection file and Unix
    sockets, ``ipc`` transport; removed at shutdown) and runs as ``kernel_command(cwd, ...)``,
    ``cwd`` being the working folder given to ``start_kernel`` (nbclient passes the notebook's).

    ``allow``: paths the kernel may also read (read-only), e.g. ``[NNBOOK_KEY]``;
    ``limits``: fields of :class:`Limits` to change, e.g. ``{"cpu_seconds": 120}``.
    Both are configurable: ``c.SandboxedKernelManager.allow = [...]``. Use it as
    ``NotebookClient(nb, kernel_manager_class=SandboxedKernelManager, ...)``, or
    ``SandboxedSyncKernelManager(allow=[...])`` then ``start_kernel(cwd=...)``.
    """


def _manager_mixin():
    from traitlets import Dict, HasTraits, List, Unicode

    class SandboxMixin(HasTraits):
        allow = List(Unicode(), help="paths the kernel may also read (read-only), e.g. the answer key").tag(config=True)
        limits = Dict(help="Limits fields to change, e.g. {'memory_bytes': 2 << 30}").tag(config=True)
        exchange = Unicode("", help="a folder bound read-write, to exchange files with the kernel "
                                    "(kernel_command's exchange)").tag(config=True)
        _announced = False

        async def _async_pre_start_kernel(self, **kw):
            if getattr(self, "_sandbox_runtime", None):  # a restart: the old kernel's folder goes
                shutil.rmtree(self._sandbox_runtime, ignore_errors=True)
            self._sandbox_runtime = Path(tempfile.mkdtemp(prefix="nnbook-sandbox-"))
            # also when the manager is dropped without a shutdown, or at exit
            weakref.finalize(self, shutil.rmtree, self._sandbox_runtime, True)
            conn = self._sandbox_runtime / "conn"
            conn.mkdir()
            self.transport = "ipc"  # Unix sockets: the kernel has no network
            self.connection_file = str(conn / "kernel.json")
            self.ip = str(conn / "kernel-ipc")
            kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
            isolation = probe()
            if not SandboxMixin._announced:
                SandboxMixin._announced = True
                (self.log.warning if isolation.mode == "none" else self.log.info)(isolation.describe())
            cmd = kernel_command(kw.get("cwd") or os.getcwd(), kernel_cmd, allow=list(self.allow),
                                 limits=Limits(**self.limits), runtime=self._sandbox_runtime, env=kw.get("env"),
                                 exchange=self.exchange or None)
            return cmd, kw

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart and getattr(self, "_sandbox_runtime", None):
                shutil.rmtree(self._sandbox_runtime, ignore_errors=True)

    return SandboxMixin


def launcher(allow: list[str | os.PathLike] = (), limits: dict | None = None):
    """A function ``launch(km, cwd=..., env=..., exchange=...)`` that starts ``km``'s kernel in the sandbox.

    For a grader that makes its own ``jupyter_client`` manager and exchanges files with the
    kernel (``grading.remote.Kernel(cwd, launcher=sandbox.launcher(allow=[...]))``):
    the manager becomes a sandboxed one (its class gets :class:`SandboxedSyncKernelManager`'s
    steps, or the asynchronous ones); the kernel works in a scratch copy of ``cwd`` and exchanges
    files with the grader in the folder ``exchange``.
    """
    def launch(km, *, cwd: str, env: dict[str, str] | None = None, exchange: str | None = None, **kw):
        from jupyter_client.manager import AsyncKernelManager

        sandboxed = __getattr__("SandboxedKernelManager" if isinstance(km, AsyncKernelManager)
                                else "SandboxedSyncKernelManager")
        if not isinstance(km, sandboxed):
            km.__class__ = _sandboxed_class(sandboxed, type(km))
        km.allow, km.limits, km.exchange = [str(p) for p in allow], dict(limits or {}), str(exchange or "")
        return km.start_kernel(cwd=cwd, **({} if env is None else {"env": env}), **kw)

    return launch


@functools.cache
def _sandboxed_class(sandboxed: type, cls: type) -> type:
    return type(sandboxed.__name__, (sandboxed, cls), {"__module__": __name__})


def __getattr__(name: str):
    """``SandboxedKernelManager`` and ``SandboxedSyncKernelManager``, made when first asked for
    (``jupyter_client`` is imported only then: the sandbox itself needs only the standard library)."""
    if name not in ("SandboxedKernelManager", "SandboxedSyncKernelManager"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from jupyter_client.manager import AsyncKernelManager, KernelManager

    mixin = _manager_mixin()
    classes = {
        "SandboxedKernelManager": type("SandboxedKernelManager", (mixin, AsyncKernelManager), {"__doc__": MANAGER_DOC, "__module__": __name__}),
        "SandboxedSyncKernelManager": type("SandboxedSyncKernelManager", (mixin, KernelManager), {"__doc__": MANAGER_DOC, "__module__": __name__}),
    }
    globals().update(classes)
    return classes[name]


if __name__ == "__main__" and sys.argv[1:2] == ["--inside"]:
    inside(json.loads(sys.argv[2]))
