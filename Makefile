# Two commands for a fresh machine:  make run  (the whole system, demo network)
#                                     make test (every test)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install browser lint typecheck check messages bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, load the demo network, start the worker and serve it at http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/fristad migrate --no-input
	FRISTAD_DEMO=1 $(BIN)/fristad demo --site-url http://$(HOST):$(PORT)
	$(BIN)/fristad collectstatic --no-input --verbosity 0
	@# The worker (scheduled purges, expiries, e-mail) runs beside the server and stops with it.
	$(BIN)/fristad worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/fristad serve --host $(HOST) --port $(PORT)

## Every test: unit, integration and browser tests (installs Debian's chromium where missing)
test: $(STAMP) browser
	$(BIN)/ruff check fristad tests bench
	$(BIN)/mypy fristad tests
	$(BIN)/lint-imports
	@# The chat's scripts: ESLint and node's own test runner (npm ci when eslint is missing).
	@[ -f node_modules/eslint/package.json ] && [ -f node_modules/@eslint/js/package.json ] || npm ci --no-audit --no-fund
	node_modules/.bin/eslint
	node --test tests/js/*.test.js
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

browser:
	@bash scripts/ensure-browser.sh
	@bash scripts/ensure-caddy.sh

lint: $(STAMP)
	$(BIN)/ruff check fristad tests bench
	$(BIN)/ruff format --check fristad tests bench

typecheck: $(STAMP)
	$(BIN)/mypy fristad tests

## Recompile the .mo catalogues from the .po files (no GNU gettext needed)
messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) staticfiles
