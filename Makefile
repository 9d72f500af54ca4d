# One command each: `make run` sets up and starts the site with demo content;
# `make test` sets up and runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean bench load fuzz audit

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Starting The WP Times on http://127.0.0.1:8000 (admin: http://127.0.0.1:8000/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Two workers: CI and a developer's machine both have at least two cores.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# ruff (checks and formatting), the architecture's import contracts (pyproject.toml) and the missing-migrations check.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

# The property-based tests with FUZZ_SCALE times as many examples as the suite tries, new ones each run
# (failing examples are kept in .hypothesis/ and tried first next time). FUZZ_SCALE=100 for a long run.
FUZZ_SCALE ?= 20
fuzz: $(STAMP)
	FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/python -m pytest -p no:cacheprovider tests/articles/test_fuzz_input.py tests/reader/test_fuzz_urls.py $(PYTEST_ARGS)

# The installed dependencies against PyPI's and OSV's advisories (pip-audit); "NOT CHECKED" when neither answers.
audit: $(STAMP)
	$(BIN)/python .ci/audit_dependencies.py --python $(BIN)/python

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles test-artifacts

# Throughput of every reader page at 1,000 and 100,000 articles, then of a working newsroom (readers while
# drafts are saved and stories published); writes docs/performance.md.
# BENCH_ARGS="--sizes 1000,20000" for a quicker run; "--postgres postgres://user@host:5432/dbname" runs
# on that PostgreSQL database, which it empties first.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Load and fault runs (bench/load.py): gunicorn with production settings, PostgreSQL with at least 5,000
# articles, wrk at 32 and 256 connections, a PostgreSQL restart mid-run, then two app servers behind HAProxy
# with readers and writers through it and PostgreSQL restarted again (bench/cluster.py). About six minutes.
# LOAD_ARGS="--scenarios steady --duration 20" for a quick run; "--database postgres://…" for another database.
# LOAD_ARGS="--scenarios backup": no server; backup_site and restore_site of 100,000 articles in a database of their
# own (newsroom_backup_bench: filled the first time, about five minutes), timed with peak memory, then compared
# (about three minutes).
load: $(STAMP)
	$(BIN)/python bench/load.py $(LOAD_ARGS)
