# Community Agenda Workbench. `make run` to use it, `make test` to check it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install init run test test-fast bench system-deps clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  (sh tools/install-system-deps.sh venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## install: create .venv and install the project with everything it needs
install: $(STAMP)

## init: create or upgrade the database with the demo community (keeps existing data)
init: install
	$(BIN)/workbench init

## run: init, then serve residents (Voilà, :8866) and planners (JupyterLab, :8888) until Ctrl-C
run: install
	$(BIN)/workbench serve

## system-deps: Debian's Chromium and CJK fonts for browser tests and Chinese screenshots
system-deps:
	@sh tools/install-system-deps.sh browser

## test: the whole suite, browser tests included
test: install system-deps
	$(BIN)/python -m pytest

## test-fast: everything but the tests that start servers or browsers
test-fast: install
	$(BIN)/python -m pytest -m "not server and not browser"

## bench: every benchmark, with its baseline in the same run; table in bench/results/latest.md
bench: install system-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache
