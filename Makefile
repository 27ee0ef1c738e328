# Two commands do all the set-up: `make run` and `make test`. Both create .venv from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2

.PHONY: run test lint bench-provisioning bench-portal bench-checkout bench-http bench-notifications bench-ledger messages clean-data

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m cabinet.launcher run

test: $(BIN)/.installed
	$(BIN)/python -m cabinet.launcher test $(PYTEST_ARGS)

# ruff, mypy, and the import boundaries (import-linter contracts written from the module registry)
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m cabinet.import_contracts

bench-provisioning: $(BIN)/.installed
	$(BIN)/python benchmarks/provisioning.py

bench-portal: $(BIN)/.installed
	$(BIN)/python benchmarks/portal.py

# 200 buyers race for 50 units through Daphne; fails if anything is oversold or any answer is an error.
bench-checkout: $(BIN)/.installed
	$(BIN)/python benchmarks/checkout.py

# The dashboard and the health probes over HTTP through the web server as `make run` starts it, at 1, 50 and
# 200 clients, beside the same page in-process; memory of every web and worker process afterwards.
bench-http: $(BIN)/.installed
	$(BIN)/python benchmarks/http.py

# 10 000 notifications × e-mail, SMS, push through a real worker and fake providers; fails if any is lost or doubled.
bench-notifications: $(BIN)/.installed
	$(BIN)/python benchmarks/notifications.py

# 1 000 000 ledger entries over 10 000 customers: balance read and statement page p95, spends per second from
# 50 threads with 0 overdrafts, and reconcile_ledger over every account; fails when a target is missed.
bench-ledger: $(BIN)/.installed
	$(BIN)/python benchmarks/ledger.py

# After changing user-facing strings: refresh every catalogue (core and per app; each source file goes to
# the nearest locale/ folder), translate the new entries in the .po files, then `make messages` again to
# compile them. tests/test_translations.py checks that nothing is missing, fuzzy or left uncompiled.
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages -l ru -l uk --no-obsolete --ignore .venv --ignore .data \
	  --ignore kabinet.egg-info --ignore tests --ignore benchmarks --ignore helm --ignore docs
	$(BIN)/python manage.py compilemessages --ignore .venv

clean-data:
	rm -rf .data
