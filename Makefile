# The two commands a new user needs: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint format openapi migrate demo-data bench system-deps clean

# The environment is rebuilt only when pyproject.toml changes, so a second `make run` reuses it.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: create the environment, migrate the SQLite default, load demo data (once), serve on 127.0.0.1:8000
run: $(STAMP)
	$(BIN)/tilsyn migrate
	$(BIN)/tilsyn demo-data
	$(BIN)/tilsyn serve --host $(HOST) --port $(PORT)

## test: lint, then the whole suite on SQLite and on a throwaway PostgreSQL 15 cluster
test: $(STAMP) lint
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

bench: $(STAMP)
	$(BIN)/python -m bench

## system-deps: install the system programs the tests use, if missing (Debian/Ubuntu, as root)
system-deps:
	@missing=""; \
	command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql-15"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -z "$$missing" ]; then echo "system programs present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "missing:$$missing; install them with apt-get (as root)"; exit 1; fi; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache .ruff_cache
