"""Write tests/grading/hostile/<attack>.ipynb: the fixture chapter, its first exercise replaced by an attack.

    .venv/bin/python tests/grading/hostile/make_notebooks.py

Each attack's solution cell defines the (right) sigmoid only if the attack worked, so a
grader that lets it through gives it the points (tests/test_grading_sandbox.py).
Exercises 2 and 3 keep the fixture's solutions. The fork bomb and the 20 GB array are
kept harmless on a grader without limits (sleeping children that end by themselves, an
array never touched).
"""
import copy
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from grading import course as gc  # noqa: E402

fixture = nbformat.read(ROOT / "tests/grading/fixture/fixture.ipynb", as_version=4)
SOLUTION = '''def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))'''
HEAD = ("# attack: {what}\n# The sigmoid below is defined only if the attack worked: a sandboxed grader gives 0 here.\n"
        "import os, glob, pathlib\n\n\ndef sigmoid(z):  # the stub, as the student edition has it\n    raise NotImplementedError()\n\n")
ATTACKS = {
 "read-source": ("read the instructor's source notebook (the course's source/ and the book's) and run its solution", '''
import json, nnbook
paths = glob.glob("../../../source/*/*.ipynb") + glob.glob(str(pathlib.Path(nnbook.__file__).parents[2] / "book" / "*.ipynb"))
found = False
for p in paths:
    for c in json.load(open(p))["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "fixture-ex1":
            exec("".join(c["source"])); found = True
assert found, "no source notebook found"
'''),
 "read-gradebook": ("read the gradebook of the course", '''
import sqlite3
db = sqlite3.connect("file:../../../gradebook.db?mode=ro", uri=True)
rows = db.execute("select * from grade").fetchall()
assert rows is not None
''' + SOLUTION),
 "read-key": ("read the instructor's answer key (NNBOOK_KEY or grading/key next to the package)", '''
import nnbook
keys = [os.environ.get("NNBOOK_KEY", ""), str(pathlib.Path(nnbook.__file__).parents[2] / "grading" / "key")]
answers = [open(os.path.join(k, "nnbook_key", "answers.py")).read() for k in keys if os.path.isfile(os.path.join(k, "nnbook_key", "answers.py"))]
assert answers, "no key found"
''' + SOLUTION),
 "read-other-student": ("copy a classmate's solution from the submitted or graded notebooks", '''
import json
paths = [p for p in glob.glob("../../../*/*/*/*.ipynb") + glob.glob("../../*/*/*.ipynb") if os.path.abspath(p) != os.path.abspath("fixture.ipynb")]
copied = False
for p in paths:
    for c in json.load(open(p))["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "fixture-ex1" and "NotImplementedError" not in "".join(c["source"]):
            exec("".join(c["source"])); copied = True
assert copied, "no classmate's notebook found"
'''),
 "write-outside": ("write outside its folder: the gradebook, the sources, other students, the package, /tmp, HOME", '''
import nnbook
shared = ["../../../gradebook.db", *glob.glob("../../../source/*/*.ipynb"), *glob.glob("../../../submitted/*/*/*.ipynb"),
          *glob.glob("../../*/*/*.ipynb"), os.path.join(os.path.dirname(nnbook.__file__), "evil.py"),
          "../../../nnbook-hostile-was-here"]
shared = [t for t in shared if not os.path.realpath(t).startswith(os.getcwd() + os.sep)]  # not its own folder
wrote = []
for t in [*shared, "/tmp/nnbook-hostile-was-here", os.path.expanduser("~/nnbook-hostile-was-here")]:
    try:
        with open(t, "a") as f:
            f.write("# hostile\\n")
        wrote.append(t)
    except OSError:
        pass
# /tmp and HOME may be private to the kernel: the test looks at the grader's; the points need a shared file
assert set(wrote) & set(shared), "wrote nothing shared"
''' + SOLUTION),
 "fork-bomb": ("fork without end (1000 processes, each asleep for 30 s: a bomb that ends by itself on a grader without limits)", '''
import time
for _ in range(1000):
    if os.fork() == 0:
        time.sleep(30)
        os._exit(0)
''' + SOLUTION),
 "memory": ("allocate 20 GB (not touched: a grader without limits is not brought down by it)", '''
big = np.empty(20 * 2**30 // 8)
''' + SOLUTION),
 "socket": ("open a socket to the grader's machine (NNBOOK_HOSTILE_PORT on 127.0.0.1) and to the internet", '''
import socket
reached = []
for host, port in [("127.0.0.1", int(os.environ.get("NNBOOK_HOSTILE_PORT", "80"))), ("1.1.1.1", 53)]:
    try:
        socket.create_connection((host, port), timeout=3).sendall(b"hostile")
        reached.append(host)
    except OSError:
        pass
assert reached, "no network"
''' + SOLUTION),
}
ex1 = gc.find_cell(fixture, "fixture-ex1")
for name, (what, code) in ATTACKS.items():
    nb = copy.deepcopy(fixture)
    nb.cells[ex1].source = HEAD.format(what=what) + code.strip("\n")
    nbformat.write(nb, Path(__file__).parent / f"{name}.ipynb")
print(sorted(ATTACKS))
