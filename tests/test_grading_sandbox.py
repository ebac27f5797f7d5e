"""The grading sandbox (grading/sandbox.py): what a kernel sees, may write, and may use.

The first tests run a small Python program through ``sandbox.kernel_command``; the last
grades ``tests/grading/hostile/<attack>.ipynb`` (the fixture chapter with its first
exercise replaced by an attack whose solution is defined only if the attack worked)
next to two honest students, with ``make grade``'s command and nothing granted.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grading import course as gc  # noqa: E402
from grading import sandbox  # noqa: E402

HOSTILE = ROOT / "tests" / "grading" / "hostile"
FIXTURE = ROOT / "tests" / "grading" / "fixture" / "fixture.ipynb"
KEY = ROOT / "grading" / "key"
ATTACKS = sorted(p.stem for p in HOSTILE.glob("*.ipynb"))

isolated = pytest.mark.skipif(sandbox.probe().mode == "none", reason=sandbox.probe().describe())


def run(tmp_path: Path, code: str, **kwargs) -> subprocess.CompletedProcess:
    """``code`` run by this Python in a sandbox whose folder is ``tmp_path/work``."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    cmd = sandbox.kernel_command(work, [sys.executable, "-c", textwrap.dedent(code)],
                                 runtime=tmp_path / "runtime", **kwargs)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@isolated
def test_the_kernel_sees_its_folder_python_and_nnbook_and_nothing_else(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "data.txt").write_text("the submission's file")
    (tmp_path / "other-student.txt").write_text("a classmate's file")
    proc = run(tmp_path, f"""
        import os, nnbook, numpy
        print(open("data.txt").read())
        for p in [{str(tmp_path / 'other-student.txt')!r}, {str(ROOT / 'book')!r}, {str(KEY)!r},
                  {str(ROOT / 'grading')!r}, {str(Path.home() / '.bashrc')!r}, "/home", "/etc/shadow"]:
            print(p, os.path.exists(p))
        print("pids", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
    """)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "the submission's file"
    assert [line.rsplit(" ", 1)[1] for line in lines[1:8]] == ["False"] * 7, lines
    assert lines[8] == "pids [1]"  # its own PID namespace: no other process to look at


@isolated
def test_what_the_kernel_writes_stays_in_its_scratch_folder(tmp_path):
    proc = run(tmp_path, f"""
        import os, nnbook
        open("out.txt", "w").write("scratch")
        for p in [os.path.join(os.path.dirname(nnbook.__file__), "evil.py"), {str(tmp_path / 'evil.txt')!r},
                  "/evil.txt", {sys.prefix + '/evil.txt'!r}]:
            try:
                open(p, "w").write("x")
                print("wrote", p)
            except OSError as e:
                print("refused", p, e.errno)
    """)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" not in proc.stdout, proc.stdout
    assert sorted(os.listdir(tmp_path / "work")) == []  # a copy: the folder itself is untouched
    assert not (tmp_path / "evil.txt").exists() and not (Path(sys.prefix) / "evil.txt").exists()


@isolated
def test_in_a_user_namespace_the_folders_leading_to_the_scratch_folder_are_read_only(tmp_path, monkeypatch):
    """A grader that is not root gets a user namespace, whose kernel is its root: only read-only mounts stop
    it. The folders leading from the sandbox's own /tmp to its working folder (here under /tmp) are such."""
    monkeypatch.setattr(sandbox, "probe", lambda: sandbox.Isolation("user-namespaces", "chosen by the test"))
    proc = run(tmp_path, """
        import os
        for p in ["../next-to-work.txt", "../../two-up.txt", "/tmp/own.txt"]:
            try:
                open(p, "w").write("x")
                print("wrote", p)
            except OSError as e:
                print("refused", p, e.errno)
        print("uid", os.getuid())
    """)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == "uid 0", lines  # root of its namespace
    assert lines[:2] == [f"refused ../next-to-work.txt {errno.EROFS}", f"refused ../../two-up.txt {errno.EROFS}"], lines
    assert lines[2] == "wrote /tmp/own.txt", lines  # its own /tmp stays writable
    assert not (tmp_path / "next-to-work.txt").exists() and not Path("/tmp/own.txt").exists()


@isolated
def test_allow_grants_a_path_read_only_and_the_key_variable_only_with_it(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_KEY", str(KEY))
    code = f"""
        import os
        print(os.environ.get("NNBOOK_KEY"), os.path.isfile({str(KEY / 'nnbook_key' / 'answers.py')!r}))
        try:
            open({str(KEY / 'nnbook_key' / 'evil.py')!r}, "w")
        except OSError as e:
            print("refused", e.errno)
    """
    hidden = run(tmp_path, code)
    granted = run(tmp_path, code, allow=[KEY])
    assert hidden.stdout.splitlines()[0] == "None False", hidden.stdout + hidden.stderr
    assert granted.stdout.splitlines()[0] == f"{KEY} True", granted.stdout + granted.stderr
    assert granted.stdout.splitlines()[1].startswith("refused")
    assert not (KEY / "nnbook_key" / "evil.py").exists()


@isolated
def test_no_network(tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    proc = run(tmp_path, f"""
        import socket
        for host, port in [("127.0.0.1", {server.getsockname()[1]}), ("1.1.1.1", 53)]:
            try:
                socket.create_connection((host, port), timeout=3)
                print("reached", host)
            except OSError as e:
                print("unreachable", host, e.errno)
    """)
    server.close()
    assert proc.returncode == 0, proc.stderr
    assert "reached" not in proc.stdout and proc.stdout.count("unreachable") == 2, proc.stdout


@isolated
def test_cpu_time_is_limited(tmp_path):
    proc = run(tmp_path, """
        import os, signal
        signal.signal(signal.SIGXCPU, lambda *args: (print("SIGXCPU", flush=True), os._exit(3)))
        while True:
            pass
    """, limits=sandbox.Limits(cpu_seconds=1))
    assert proc.stdout.strip() == "SIGXCPU", proc  # without a handler: the kernel ends (SIGKILL 5 s later)


@isolated
def test_memory_is_limited(tmp_path):
    proc = run(tmp_path, """
        try:
            b = bytearray(3 << 30)
            print("allocated")
        except MemoryError:
            print("MemoryError")
    """, limits=sandbox.Limits(memory_bytes=2 << 30))
    assert proc.stdout.strip() == "MemoryError", proc.stdout + proc.stderr


@isolated
def test_processes_are_limited(tmp_path):
    proc = run(tmp_path, """
        import os, time
        n = 0
        try:
            for _ in range(200):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                n += 1
        except OSError:
            pass
        print(n, flush=True)
        os._exit(0)  # the kernel is PID 1 of its namespace: its children end with it
    """, limits=sandbox.Limits(processes=20))
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) < 20


@isolated
def test_file_size_is_limited(tmp_path):
    proc = run(tmp_path, """
        try:
            open("big", "wb").write(b"x" * (2 << 20))
            print("written")
        except OSError as e:
            print("refused", e.errno)
    """, limits=sandbox.Limits(file_bytes=1 << 20))
    assert proc.stdout.startswith("refused 27"), proc.stdout + proc.stderr  # EFBIG


@isolated
def test_the_kernel_manager_starts_a_kernel_in_the_sandbox(tmp_path):
    """What another grader calls: a jupyter_client manager whose kernel is sandboxed."""
    (tmp_path / "data.txt").write_text("mine")
    km = sandbox.SandboxedSyncKernelManager(allow=[str(KEY)], limits={"processes": 32})
    km.start_kernel(cwd=str(tmp_path))
    runtime = km._sandbox_runtime
    kc = km.client()
    kc.start_channels()
    out: list[str] = []
    try:
        kc.wait_for_ready(timeout=60)
        code = (f"import os, resource; print(open('data.txt').read(), os.path.exists({str(ROOT / 'book')!r}), "
                f"os.path.isdir({str(KEY)!r}), resource.getrlimit(resource.RLIMIT_NPROC)[0])")
        kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(m["content"].get("text", "")))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert km.transport == "ipc"
    assert "".join(out).split() == ["mine", "False", "True", "32"], out
    assert not runtime.exists()  # its folder went with it


@isolated
def test_a_launcher_sandboxes_a_plain_kernel_manager_and_shares_only_the_exchange_folder(tmp_path):
    """grading.remote.Kernel(cwd, launcher=...): files exchanged in its exchange folder; the working
    folder is a scratch copy (what the kernel writes there stays there), nothing else visible."""
    from jupyter_client import KernelManager

    work, exchange = tmp_path / "work", tmp_path / "exchange"
    work.mkdir()
    exchange.mkdir()
    (work / "data.txt").write_text("data")
    (exchange / "request.txt").write_text("ping")
    km = KernelManager(kernel_name="python3")
    sandbox.launcher(allow=[str(KEY)])(km, cwd=str(work), env=dict(os.environ), exchange=str(exchange))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        code = (f"import os; ex = {str(exchange)!r}; open('written.txt', 'w').write(open('data.txt').read()); "
                "open(os.path.join(ex, 'reply.txt'), 'w').write(open(os.path.join(ex, 'request.txt')).read() + "
                f"' pong ' + str(os.path.exists({str(ROOT / 'book')!r})) + ' ' + str(os.path.isdir({str(KEY)!r})))")
        reply = kc.execute_interactive(code, timeout=60)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert (exchange / "reply.txt").read_text() == "ping pong False True"
    assert sorted(p.name for p in work.iterdir()) == ["data.txt"]  # the copy it wrote to is gone


def test_without_unshare_the_sandbox_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "UNSHARE", "/nonexistent/unshare")
    sandbox.probe.cache_clear()
    try:
        found = sandbox.probe()
        cmd = sandbox.kernel_command(tmp_path, ["python", "-c", "pass"], runtime=tmp_path / "runtime")
    finally:
        sandbox.probe.cache_clear()
    assert found.mode == "none" and "unshare" in found.detail
    assert "NO ISOLATION" in found.describe()
    assert cmd[0] == sys.executable and "--inside" in cmd  # the limits still apply


# -- hostile submissions, graded -------------------------------------------------------------------

def snapshot(*roots: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """``{path: sha256}`` of every file under ``roots`` (paths containing one of ``skip`` left out)."""
    out = {}
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.is_file() and not any(s in p.parts for s in skip):
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# the attacks that harm nothing when they work: graded without the sandbox, they must score
HARMLESS = ["read-gradebook", "read-key", "read-other-student", "read-source", "socket"]


def grade_class(tmp: Path, attacks: list[str], *options: str) -> dict:
    """``make grade`` on alice (the reference), bob (a mistake in ex2) and one student an attack."""
    book, subs = tmp / "book", tmp / "submissions"
    book.mkdir()
    (book / "00_fixture.ipynb").write_text(FIXTURE.read_text())
    fixture = nbformat.read(FIXTURE, as_version=4)
    wrong = gc.with_cell_source(fixture, "fixture-ex2", (ROOT / "tests/grading/fixture/fixture-ex2.py").read_text())
    for student, nb in [("alice", fixture), ("bob", wrong)]:
        (subs / student).mkdir(parents=True)
        nbformat.write(nb, subs / student / "00_fixture.ipynb")
    for attack in attacks:
        (subs / attack).mkdir()
        (subs / attack / "00_fixture.ipynb").write_text((HOSTILE / f"{attack}.ipynb").read_text())
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    reached: list[bytes] = []
    done = threading.Event()

    def serve():
        while not done.is_set():
            try:
                conn, _ = server.accept()
                reached.append(conn.recv(100))
            except OSError:
                pass

    threading.Thread(target=serve, daemon=True).start()
    watched = [subs, book, ROOT / "src", KEY, ROOT / "book"]
    before = snapshot(*watched, skip=("__pycache__",))
    home_before = sorted(os.listdir(Path.home()))
    env = {**os.environ, "NNBOOK_HOSTILE_PORT": str(server.getsockname()[1])}
    proc = subprocess.run([sys.executable, "-m", "grading.grade", str(subs), "--out", str(tmp / "grades"),
                           "--course", str(tmp / "course"), "--book", str(book), "--timeout", "20", *options],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    done.set()
    server.close()
    after = snapshot(*watched, skip=("__pycache__",))
    course = tmp / "course"
    return {
        "proc": proc, "tmp": tmp, "reached": reached,
        "changed": {p for p, h in after.items() if before.get(p) != h} | (set(before) - set(after)),
        "home": (home_before, sorted(os.listdir(Path.home()))),
        # what write-outside would leave: a file of its own, or a line appended to the course's files
        "course_files": sorted(str(p.relative_to(course)) for p in course.rglob("*") if p.is_file()
                               and ("hostile-was-here" in p.name or p.read_bytes().endswith(b"# hostile\n"))),
        "rows": list(csv.DictReader(open(tmp / "grades" / "exercises.csv"))),
        "grades": list(csv.DictReader(open(tmp / "grades" / "grades.csv"))),
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Every attack, graded in the sandbox with nothing granted (``--allow`` alone)."""
    return grade_class(tmp_path_factory.mktemp("hostile"), ATTACKS, "--allow")


def ex1_scores(graded: dict) -> dict[str, float]:
    return {r["student_id"]: float(r["score"] or 0) for r in graded["rows"] if r["exercise"] == "fixture-ex1"}


def attack_errors(graded: dict, attack: str) -> list[str]:
    """The errors of the attacked solution cell in the graded notebook (none: the attack worked there)."""
    nb = nbformat.read(graded["tmp"] / "course" / "autograded" / attack / "00_fixture" / "00_fixture.ipynb", as_version=4)
    cell = nb.cells[gc.find_cell(nb, "fixture-ex1")]
    return [o.ename for o in cell.get("outputs", []) if o.output_type == "error"]


@pytest.mark.slow
def test_the_harmless_attacks_work_without_the_sandbox(tmp_path):
    """The attacks are real: in a kernel started without the sandbox, in the submission's folder of the
    course (where nbgrader's own kernel would work), each runs through and gets the points of the
    sigmoid it defines (but read-key, whose source names the key): only the sandbox stops them."""
    graded = grade_class(tmp_path, HARMLESS, "--no-sandbox")
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-3000:]
    assert {a: attack_errors(graded, a) for a in HARMLESS} == {a: [] for a in HARMLESS}
    # read-key's source names the key (NNBOOK_KEY): the judge gives it 0 for that alone
    assert {a: ex1_scores(graded)[a] for a in HARMLESS} == {a: 0.0 if a == "read-key" else 2.0 for a in HARMLESS}
    assert graded["reached"] and set(graded["reached"]) == {b"hostile"}, graded["reached"]


@pytest.mark.slow
@isolated
def test_the_grade_log_says_how_the_kernels_are_isolated(hostile):
    assert hostile["proc"].returncode == 0, hostile["proc"].stderr[-3000:]
    first = hostile["proc"].stdout.splitlines()[0]
    assert first.startswith("sandbox: namespaces") or first.startswith("sandbox: user-namespaces"), first
    assert first.endswith("also readable: nothing")


@pytest.mark.slow
@isolated
@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attack_scores_zero_on_its_exercise(hostile, attack):
    scores = ex1_scores(hostile)
    assert attack in scores, f"{attack} was not graded:\n{hostile['proc'].stderr[-3000:]}"
    assert scores[attack] == 0, f"{attack} scored {scores[attack]} on the exercise it attacked"
    assert attack_errors(hostile, attack), f"{attack} ran through in the sandboxed kernel"


@pytest.mark.slow
@isolated
def test_the_other_students_grades_are_unchanged(hostile):
    got = {(r["student_id"], r["assignment"]): float(r["score"]) for r in hostile["grades"]}
    assert got[("alice", "00_fixture")] == 5.0 and got[("bob", "00_fixture")] == 3.0, got
    # the attacks touched only their own exercise: the two they solved still score (the fork bomb's
    # processes hold the kernel's process budget while its notebook runs on: it may lose them too)
    for attack in ATTACKS:
        expected = (0.0, 1.0, 2.0, 3.0) if attack == "fork-bomb" else (3.0,)
        assert got[(attack, "00_fixture")] in expected, (attack, got[(attack, "00_fixture")])


@pytest.mark.slow
@isolated
def test_no_file_outside_the_scratch_folder_changed(hostile):
    assert not hostile["changed"], f"changed by grading: {sorted(hostile['changed'])}"
    # the grader's own Jupyter and IPython make their folders in a new user's HOME on first use
    own = {".jupyter", ".ipython", ".local", ".cache", ".config"}
    home_before, home_after = ([n for n in names if n not in own] for names in hostile["home"])
    assert home_before == home_after, hostile["home"]
    assert not (Path.home() / "nnbook-hostile-was-here").exists()
    assert not hostile["course_files"], hostile["course_files"]
    assert not Path("/tmp/nnbook-hostile-was-here").exists()
    assert not hostile["reached"], f"a submission reached the grader's machine: {hostile['reached']}"
