# Two commands do all the set-up: `make run` and `make test`. Both create .venv from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2

.PHONY: run test lint bench-provisioning clean-data

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m cabinet.launcher run

test: $(BIN)/.installed
	$(BIN)/python -m cabinet.launcher test $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

bench-provisioning: $(BIN)/.installed
	$(BIN)/python benchmarks/provisioning.py

clean-data:
	rm -rf .data
