# litnotes: two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := fixtures/demo-vault

.PHONY: run test bench check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "litnotes needs Python >= 3.10 (found " + sys.version.split()[0] + ")")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

# Check the demo vault: it contains every kind of problem on purpose, so exit status 1 (errors found) is expected.
run: $(VENV)/.installed-run
	$(BIN)/litnotes check $(DEMO) || [ $$? -eq 1 ]

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

# Benchmarks on generated vaults (1k and 10k notes; BENCH_SIZES="1000 10000 100000" for the big one).
BENCH_SIZES ?= 1000 10000
bench: $(VENV)/.installed-run
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES)
	$(BIN)/python bench/bib_load.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# Editor integrations (editors/), tested in the real editors, headless: Neovim 0.11 (PyPI, into
# .venv) and Emacs + eglot (Debian, apt-get when missing). Tools are cached in .e2e/.
.PHONY: e2e
e2e: $(VENV)/.installed-run
	$(BIN)/python tests/editors/e2e.py nvim emacs
