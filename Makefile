# The two commands: `make run` and `make test`. Both create .venv and install on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# `make test` runs on every core (pytest-xdist), one test module per worker at a time, so a
# module's fixtures (the meta-tests' demo organisations) are built once. TEST_WORKERS=0 runs
# it in this process.
TEST_WORKERS ?= auto

.PHONY: run test e2e install lint format migrate demo worker beat bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest -m "not e2e" -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

e2e: install
	$(PY) -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A mentorship worker -l info

beat: install
	$(VENV)/bin/celery -A mentorship beat -l info

bench: install
	$(PY) -m bench.matching --mentees 20000 --mentors 5000 --capacity 4

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
