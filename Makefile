# Two commands: `make run` (set up, migrate, seed, serve) and `make test` (set up, run the suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
HOST ?= 127.0.0.1
PORT ?= 5000
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres test-all setup db seed clean help

help:
	@echo "make run            set up .venv, migrate, seed and serve on http://$(HOST):$(PORT)"
	@echo "make test           set up .venv with the test extras and run the whole suite (SQLite)"
	@echo "make test-postgres  the same suite against $(POSTGRES_TEST_URL)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[postgres]'
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@ $(VENV)/.installed-app

setup: $(VENV)/.installed-app

db: setup
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed

run: seed
	$(FLASK) users demo --url http://$(HOST):$(PORT)
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-test
	TRACKER_TEST_DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# Interface text: extract the catalogue, merge it into each language, compile.
# Both .po and .mo are committed, so setting up needs no compile step.
.PHONY: translations
translations: $(VENV)/.installed-app
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d tracker/translations
