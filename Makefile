# Two commands for a fresh machine:  make run  (the whole system, demo network)
#                                     make test (every test)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install browser lint typecheck check messages bench clean test-pythons

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

## The other supported interpreters (3.12, 3.13): a fast slice of the non-browser suite in
## .venv-3.12 / .venv-3.13, installed with the same constraints. An absent one is skipped.
OTHER_PYTHONS ?= 3.12 3.13
PYTHONS_TESTS ?= tests/test_chat_router.py tests/test_chat_bad_input.py tests/test_chat_frames.py \
  tests/test_chat_lifecycle.py tests/test_field_encryption.py tests/test_key_rotation.py \
  tests/test_translations.py tests/test_plural_forms.py tests/test_public_pages.py \
  tests/test_search.py tests/test_open_now.py tests/test_schedule_gaps.py tests/test_ical.py \
  tests/test_import_contracts.py tests/test_settings_and_services.py tests/test_session_timeouts.py

# Where pythonX.Y is: pyenv's, then PATH's (pyenv's shims count only when they run).
python_for = $(firstword $(wildcard $(shell pyenv prefix $(1) 2>/dev/null)/bin/python$(1)) \
  $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/$(1).*/bin/python$(1)) $(shell command -v python$(1) 2>/dev/null))

.venv-%/.installed: pyproject.toml constraints.txt
	@py="$(call python_for,$*)"; [ -n "$$py" ] && "$$py" -c pass 2>/dev/null || { echo "python$* not found"; exit 1; }; \
	  rm -rf .venv-$* && "$$py" -m venv .venv-$* && \
	  .venv-$*/bin/pip install --quiet --upgrade pip && \
	  .venv-$*/bin/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

test-pythons:
	@for v in $(OTHER_PYTHONS); do \
	  py="$$( $(MAKE) -s --no-print-directory python-path-$$v )"; \
	  if [ -z "$$py" ] || ! "$$py" -c pass 2>/dev/null; then \
	    echo "== Python $$v: not on this machine, skipped"; continue; fi; \
	  echo "== Python $$v ($$py)"; \
	  $(MAKE) --no-print-directory .venv-$$v/.installed || exit 1; \
	  .venv-$$v/bin/python -m pytest -q -m "not browser" -p no:cacheprovider $(PYTEST_ARGS) $(PYTHONS_TESTS) || exit 1; \
	done

python-path-%:
	@echo $(call python_for,$*)

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
	rm -rf $(VENV) .venv-3.* staticfiles
