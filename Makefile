# ALF Admin. `make run` needs only Python 3.11; `make test` uses PostgreSQL/Redis when
# DATABASE_URL / CELERY_BROKER_URL are set (.ci/run sets them).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000

.PHONY: run test test-fast bench golden lint venv deps dev-deps messages

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.deps

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

run: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: dev-deps
	$(PY) -m pytest

# The inner loop: everything but the browser and real-worker tests (SQLite unless DATABASE_URL is set).
test-fast: dev-deps
	$(PY) -m pytest -m "not browser and not celery_worker"

bench: dev-deps
	$(PY) -m bench

# Regenerate the engine's golden file after bumping ENGINE_VERSION (alfrules/tests/golden).
golden: dev-deps
	$(PY) -m alfrules.tests.golden --write

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

messages: dev-deps
	$(PY) manage.py makemessages -l en -l sv --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv
