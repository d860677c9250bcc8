# The portal's commands. `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py
# Unset, the portal applies production rules (it fails closed); these commands are for a
# developer's machine unless PORTAL_ENV says otherwise.
export PORTAL_ENV ?= development

.DEFAULT_GOAL := help
.PHONY: help install run test test-clock lock mutate lint format assets db-upgrade readability openapi bench bench-pair lighthouse \
        translations-update translations-compile clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 24

# Every package at the version and hash of requirements-dev.lock (made from pyproject.toml by
# `make lock`), then the portal itself, editable, adding nothing.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) translations-compile ## Create .venv and install everything the portal needs

run: install db-upgrade ## Start the portal and the test IdP on SQLite with demo data
	$(BIN)/flask seed-demo
	$(BIN)/python -m portal.devserver

test: install ## Run every test (SQLite; set PORTAL_TEST_DATABASE_URL for PostgreSQL)
	PORTAL_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

# When it is 23:30 or 00:30 UTC, the Danish date is not always the UTC date (docs/architecture.md §9).
# The tests that start gunicorn instances (marked "processes") prove how instances share a
# server, not the date, and run in `make test`; under libfaketime Python's time.sleep fails
# (clock_nanosleep answers EINVAL), and with it gunicorn and subprocess waits, so they are
# left out of these two runs. So are the browser journeys (marked "browser"): they drive the
# same views the integration tests call at these hours, through Chromium, and took 4 of each
# run's 9 minutes on a 2-core machine, where CI must finish within 30.
FAKE_CLOCK := PORTAL_ENV=test TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime
test-clock: install ## Run the tests at 23:30 and at 00:30 UTC, browser journeys aside (needs faketime)
	@command -v faketime >/dev/null || { echo "faketime is missing: apt-get install -y faketime"; exit 1; }
	$(FAKE_CLOCK) "$$(date -u +%F) 23:30:00" $(BIN)/pytest -q -m "not processes and not browser" $(PYTEST_ARGS)
	$(FAKE_CLOCK) "$$(date -u -d tomorrow +%F) 00:30:00" $(BIN)/pytest -q -m "not processes and not browser" $(PYTEST_ARGS)

# The lock files: requirements.lock (what the image installs) and requirements-dev.lock (make
# install: the tests' tools too), every package pinned with its hashes, for Python 3.11 on any
# platform. Run after changing a pin in pyproject.toml; tests/unit/test_locks.py checks they agree.
LOCK := $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.11 --no-header
lock: install ## Write requirements.lock and requirements-dev.lock from pyproject.toml (uv)
	$(LOCK) --output-file requirements.lock
	$(LOCK) --extra test --output-file requirements-dev.lock

# Mutation testing of the rules: mutmut changes portal/domain one small step at a time and runs
# the unit tests against each change (settings: [tool.mutmut] in pyproject.toml). About two
# minutes on two cores. Fails under 90 % or when a survivor is not explained in the README.
mutate: install ## Mutation testing of portal/domain (mutmut); prints the score and the survivors
	rm -rf mutants && mkdir -p build
	$(BIN)/mutmut run --max-children 4 > build/mutmut.log 2>&1 || { tail -20 build/mutmut.log; exit 1; }
	$(BIN)/python scripts/mutation_score.py

lint: install ## Check code style (ruff) and dead code (vulture, see vulture_whitelist.py)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vulture

format: install ## Format the code with ruff
	$(BIN)/ruff format .

assets: ## Refresh the vendored DKFDS from npm (version pinned in package.json)
	npm install --no-audit --no-fund
	bash scripts/vendor-dkfds.sh

db-upgrade: install ## Apply database migrations
	$(BIN)/flask db upgrade

readability: install ## LIX of every rules page and help text (goal 30, limit 35)
	$(BIN)/flask readability

bench: install ## Measure the portal against a bare Flask app (PostgreSQL, Redis, wrk; 10–20 min)
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	PORTAL_ENV=development $(BIN)/python scripts/bench.py

bench-pair: install ## This tree's drawn pages (BENCH_PAIR_MEASURE=pages,import: and import) against AGAINST=<commit>'s, in turns (5–10 min)
	@test -n "$(AGAINST)" || { echo "usage: make bench-pair AGAINST=<commit>"; exit 1; }
	PORTAL_ENV=development $(BIN)/python scripts/bench_pair.py $(AGAINST)

lighthouse: install ## Lighthouse (mobile) on the start, a rules and the logged-in front page (npx, chromium)
	$(BIN)/python scripts/lighthouse.py

openapi: install ## Write schemas/openapi.json from schemas/api.json and the import schema
	$(BIN)/python scripts/build_openapi.py

translations-update: install ## Extract messages and update translations/en (and the helper texts in /da)
	$(BIN)/python scripts/extract_messages.py translations/messages.pot translations/helper.pot
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel update -i translations/helper.pot -d translations -l da --no-fuzzy-matching --ignore-obsolete

translations-compile: $(STAMP) ## Compile translations (.po → .mo)
	$(BIN)/pybabel compile -d translations

clean: ## Remove the virtualenv and the local database
	rm -rf $(VENV) instance
