# The portal's commands. `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.DEFAULT_GOAL := help
.PHONY: help install run test lint format assets db-upgrade readability translations-update \
        translations-compile clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 24

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations-compile ## Create .venv and install everything the portal needs

run: install db-upgrade ## Start the portal and the test IdP on SQLite with demo data
	$(BIN)/flask seed-demo
	$(BIN)/python -m portal.devserver

test: install ## Run every test (SQLite; set PORTAL_TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install ## Check code style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Format the code with ruff
	$(BIN)/ruff format .

assets: ## Refresh the vendored DKFDS from npm (version pinned in package.json)
	npm install --no-audit --no-fund
	bash scripts/vendor-dkfds.sh

db-upgrade: install ## Apply database migrations
	$(BIN)/flask db upgrade

readability: install ## LIX of every rules page and help text (goal 30, limit 35)
	$(BIN)/flask readability

translations-update: install ## Extract messages and update translations/en
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

translations-compile: $(STAMP) ## Compile translations (.po → .mo)
	$(BIN)/pybabel compile -d translations

clean: ## Remove the virtualenv and the local database
	rm -rf $(VENV) instance
