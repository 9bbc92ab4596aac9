# The two commands a new user needs: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Pinned versions with their hashes, for CPython 3.11 on Linux x86-64: requirements.lock is what the service needs
# (the Dockerfile installs it), requirements-dev.lock adds the tools to test and lint. `make lock` writes both.
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_FLAGS ?=
LOCK_NOTE := \# Resolved for CPython 3.11 on Linux x86-64; pip installs it with --require-hashes (see the Makefile).
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--all-build-deps --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_FLAGS)

.PHONY: run test lint format openapi migrate demo-data bench system-deps lock clean

# The environment is exactly the lock: rebuilt from scratch when the lock (or pyproject.toml) changes, and reused
# otherwise, so a second `make run` starts at once. The project itself goes in last, without resolving anything.
$(STAMP): $(DEV_LOCK) pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## run: create the environment, migrate the SQLite default, load demo data (once), serve on 127.0.0.1:8000
run: $(STAMP)
	$(BIN)/tilsyn migrate
	$(BIN)/tilsyn demo-data
	$(BIN)/tilsyn serve --host $(HOST) --port $(PORT)

## test: the system programs (installed or asked for), lint, then the whole suite on SQLite and PostgreSQL 15
test: system-deps $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## openapi: regenerate the committed contract in openapi/openapi.json
openapi: $(STAMP)
	$(BIN)/tilsyn openapi --output openapi/openapi.json

migrate: $(STAMP)
	$(BIN)/tilsyn migrate

demo-data: $(STAMP)
	$(BIN)/tilsyn demo-data

## bench: plain reads against bare FastAPI (wrk: `apt-get install -y wrk`; a Python loop without it), then PDFs
bench: $(STAMP)
	$(BIN)/python -m bench

## system-deps: install the system programs the tests use where missing (Debian/Ubuntu, as root); else say what to do
# `make test` runs this first, so a machine without them stops before any test with one line that says what to run.
system-deps:
	@missing=""; packages=""; \
	if [ "$$TILSYN_TEST_POSTGRES" != skip ] && ! command -v initdb >/dev/null 2>&1 \
		&& ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		missing="$$missing initdb"; packages="$$packages postgresql-15"; fi; \
	command -v pdftotext >/dev/null 2>&1 || { missing="$$missing pdftotext"; packages="$$packages poppler-utils"; }; \
	command -v chromium >/dev/null 2>&1 || { missing="$$missing chromium"; packages="$$packages chromium"; }; \
	if [ -z "$$missing" ]; then echo "system programs present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "missing:$$missing; run \`sudo make system-deps\` (Debian/Ubuntu) or install them, then \`make test\`" >&2; \
		exit 1; fi; \
	echo "installing$$packages for$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$packages

## lock: re-pin both lock files to pyproject.toml, keeping the pins that still fit (LOCK_FLAGS=--upgrade: newest)
# The runtime lock is held to the dev lock's versions, so the service runs exactly what the tests ran.
lock: $(STAMP)
	$(PIP_COMPILE) --extra dev --output-file $(DEV_LOCK) pyproject.toml
	$(PIP_COMPILE) --constraint $(DEV_LOCK) --output-file $(LOCK) pyproject.toml
	sed -i '1i $(LOCK_NOTE)' $(LOCK) $(DEV_LOCK)

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache .ruff_cache
