# The two commands a new user needs: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint format openapi migrate demo-data clean

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

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache .ruff_cache
