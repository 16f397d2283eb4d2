# Penggerak — the two commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-suite check lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/penggerak compile_translations
	touch $(STAMP)

run: install
	scripts/run.sh

# The whole suite on the database DATABASE_URL names (SQLite by default).
test: install
	$(BIN)/penggerak compile_translations
	$(BIN)/penggerak makemigrations --check --dry-run
	$(BIN)/pytest -n 2 -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

check: lint test

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var
