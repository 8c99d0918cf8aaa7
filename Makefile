# Commonroom: `make run` to try it, `make test` to check everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= instance
PYTEST_ARGS ?= -n 2

.PHONY: run test lint types pytest bench clean deps test-deps browser

# Running needs the package alone; testing adds the dev tools and the protocol peers.
$(VENV)/.run-deps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: $(VENV)/.run-deps
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# Third-party browser code comes from npm at build time, never from the repository.
static/vendor/socket.io.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js $@

# bovine (a fediverse server, the peer of tests/federation/test_bovine.py) pins libraries
# of its own, so it lives in a virtualenv of its own.
.venv-bovine/bin/python:
	$(PYTHON) -m venv .venv-bovine
	.venv-bovine/bin/pip install --quiet "bovine-herd==0.5.19"

deps: $(VENV)/.run-deps node_modules/.package-lock.json static/vendor/socket.io.min.js

test-deps: deps $(VENV)/.test-deps .venv-bovine/bin/python

## Create the virtualenv, install everything, load the demo organisation once, serve on :5000.
run: deps
	@mkdir -p $(DATA_DIR)
	@if [ ! -f $(DATA_DIR)/demo-admin-password ]; then \
		$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(9))" > $(DATA_DIR)/demo-admin-password; fi
	COMMONROOM_DATA_DIR=$(DATA_DIR) $(BIN)/commonroom demo --if-empty \
		--admin-password "$$(cat $(DATA_DIR)/demo-admin-password)"
	@echo "Sign in at http://127.0.0.1:5000/ as 'admin' with password '$$(cat $(DATA_DIR)/demo-admin-password)'"
	COMMONROOM_DATA_DIR=$(DATA_DIR) $(BIN)/commonroom run --host 127.0.0.1 --port 5000

## Lint, type-check and run the whole test suite (tests/README.md; e2e in Chromium included).
test: test-deps browser lint types pytest

# Debian's Chromium for the browser tests (a browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
		else echo "Chromium not found: the browser tests will skip (install chromium)"; fi; }

# ruff, then the layout's import contracts ([tool.importlinter] in pyproject.toml).
lint:
	$(BIN)/ruff check forum search federation tests bench
	$(BIN)/lint-imports

types:
	$(BIN)/mypy

# The PostgreSQL and Redis tests use the local services when they answer and
# no URL is set; .ci/run sets the URLs and makes a missing service a failure.
pytest:
	COMMONROOM_TEST_DATABASE_URL="$${COMMONROOM_TEST_DATABASE_URL:-$$(pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo postgresql+psycopg://postgres@127.0.0.1:5432/test)}" \
	COMMONROOM_TEST_REDIS_URL="$${COMMONROOM_TEST_REDIS_URL:-$$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && echo redis://127.0.0.1:6379/0)}" \
	$(BIN)/pytest -q $(PYTEST_ARGS)

## Benchmarks against named peers; results go to bench/RESULTS.md.
bench: test-deps
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
