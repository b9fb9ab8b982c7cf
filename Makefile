# Two commands on a fresh machine (Python 3.11 and make):
#   make run    the platform with demo content on SQLite at http://127.0.0.1:8000
#   make test   the whole test suite
# Each creates .venv and installs the pinned dependencies it needs first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	WAGTAILADMIN_BASE_URL=$${WAGTAILADMIN_BASE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py load_demo
	@echo "ADVANCE training: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-test
	$(VENV)/bin/pytest -n 2

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.installed
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The benchmarks print figures (queries, timings, memory); they assert nothing.
bench: $(VENV)/.installed
	$(PY) benchmarks/bench_certificates.py
	$(PY) benchmarks/bench_reports.py
	$(PY) benchmarks/export.py

clean:
	rm -rf $(VENV) var db.sqlite3 media
