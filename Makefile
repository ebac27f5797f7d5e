# The two commands: `make book` and `make test`. Both set up .venv on a fresh
# machine (Python 3.11+ and make are all they need).
#
#   make book                      build the HTML book into _build/html (strict)
#   make test                      every test: the package, nbval on every notebook,
#                                  the book built from the verified outputs, nbgrader,
#                                  the HTML checks; its last line says what was skipped
#   make check                     the fast loop: package, exercise-checker and
#                                  configuration tests (no book, no nbgrader)
#   make execute NB=book/x.ipynb   re-run a notebook in place in a fresh kernel
#   make nbval NB=book/x.ipynb     nbval on one notebook (its stored outputs against a fresh run)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# The same digits on every machine. nbval compares each stored output digit for digit,
# and some chapters print numbers that hang on the last bit of every step (training at a
# high learning rate, finite differences at the rounding limit). NumPy and OpenBLAS pick
# their kernels by CPU, AVX-512 or AVX2, and the last bits differ between the two: pin
# both to the AVX2 kernels (every x86-64 machine of the last decade has them) and to one
# BLAS thread, for the book, the tests and `make execute` alike. Set a variable in the
# environment to override it.
ifeq ($(shell uname -m),x86_64)
export NPY_DISABLE_CPU_FEATURES ?= X86_V4 AVX512_ICL AVX512_SPR
export OPENBLAS_CORETYPE        ?= Haswell
endif
export OPENBLAS_NUM_THREADS     ?= 1
export OMP_NUM_THREADS          ?= 1
export MKL_NUM_THREADS          ?= 1
# matplotlib's font cache and settings live in the venv: a cache shared between checkouts
# can list the fonts of a venv since deleted (mathtext then falls back and warns on stderr),
# and a reader's own matplotlibrc would change the figures.
export MPLCONFIGDIR             ?= $(CURDIR)/$(VENV)/matplotlib
# The instructor's answer key (grading/key/nnbook_key, never released): the book's own runs
# check every exercise against it, hidden tests included. Without it (a student's copy) the
# checks read the key's answers on the visible tests' inputs (src/nnbook/exercises/expected).
export NNBOOK_KEY               ?= $(CURDIR)/grading/key

# Strict build: every notebook is executed (execute_notebooks: force in
# _config.yml), every page is re-read (--all), and any warning, including a
# broken cross-reference (-n), fails the build once all pages are done.
BOOK_FLAGS  := --all -W -n --keep-going
NOTEBOOKS    = $(sort $(wildcard book/*.ipynb))
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

.PHONY: venv book test check execute nbval clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (set PYTHON=...)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# NNBOOK_BOOK_EXECUTE=off builds from the stored outputs instead (book/_ext/nnbook_execution.py).
# EDITION=course builds the course's book: no solutions, launch buttons open the student
# edition (book/_ext/nnbook_editions.py; the reader's edition, the default, has no hidden tests).
EDITION ?= reader
book: $(STAMP)
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	NNBOOK_EDITION=$(EDITION) $(VENV)/bin/jupyter-book build . $(BOOK_FLAGS)

# Every notebook is executed once in `make test`, by nbval, which compares each output with
# the stored one; the HTML is then built strictly from those stored outputs (a broken
# reference or a warning still fails it), and the HTML checks read that build. nbgrader
# executes each chapter once more, with its exercises' variants (tests/test_grading.py).
# Each pytest run records what it skipped; the last line of `make test` sums it up.
REPORT   := _build/test-report
PYTEST   := NNBOOK_TEST_REPORT=$(CURDIR)/$(REPORT) $(PY) -m pytest -p tests.skip_report

# pytest-xdist: one worker a core. nbval keeps each notebook in one worker (loadscope: its cells
# share a kernel, in order); the slow tests keep each file in one worker (loadfile: the grading
# pipeline is one module-scoped fixture, built once).
JOBS     ?= auto

check: $(STAMP)
	$(PY) -m pytest -m "not slow" -n $(JOBS)

test: $(STAMP)
	rm -rf $(REPORT)
	$(PYTEST) -m "not slow" -n $(JOBS)
	$(if $(NOTEBOOKS),$(PYTEST) $(NBVAL_FLAGS) -n $(JOBS) --dist loadscope $(NOTEBOOKS),@echo "no notebooks in book/: nbval has nothing to run")
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	NNBOOK_BOOK_EXECUTE=off $(VENV)/bin/jupyter-book build . $(BOOK_FLAGS)
	$(PYTEST) -m slow -n $(JOBS) --dist loadfile
	@$(PY) -m tests.skip_report $(REPORT)

# nbval on one notebook (or a few): NB="book/a.ipynb book/b.ipynb"
nbval: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make nbval NB=book/NN_slug.ipynb" >&2; exit 2; }
	$(PY) -m pytest $(NBVAL_FLAGS) $(NB)

execute: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make execute NB=book/NN_slug.ipynb" >&2; exit 2; }
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.record_timing=False $(NB)

# Course tools (grading/README.md): the student edition and autograding.
#   make student                        the student edition into _build/student
#                                       (its nbgrader course in _build/nbgrader)
#   make grade SUBMISSIONS=<folder>     autograde <folder>/<student_id>/<chapter>.ipynb,
#                                       grade tables into $(GRADES)/ (TIMEOUT: s a cell);
#                                       every kernel in a sandbox (grading/sandbox.py)
#   make grade SUBMISSIONS=<folder> SHARD=i/N
#                                       only shard i of N (1 <= i <= N), into $(GRADES)/shards/
#   make grade-merge                    the shards' tables, merged: the tables of one run
SUBMISSIONS ?=
GRADES      ?= _build/grades
TIMEOUT     ?= 60
SHARD       ?=

.PHONY: student grade grade-merge expected

student: $(STAMP)
	$(PY) -m grading.student --out _build/student --course _build/nbgrader

# the key's answers on the visible tests' inputs, for a student's copy (grading/expected.py)
expected: $(STAMP)
	$(PY) -m grading.expected

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder of <student_id>/<chapter>.ipynb>" >&2; exit 2; }
	$(PY) -m grading.grade "$(SUBMISSIONS)" --out "$(GRADES)" --course _build/grading --timeout $(TIMEOUT) \
		$(if $(SHARD),--shard "$(SHARD)")

grade-merge: $(STAMP)
	$(PY) -m grading.shard merge --out "$(GRADES)"

clean:
	rm -rf _build
