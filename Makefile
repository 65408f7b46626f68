# God-view: `make run` serves the demo; `make test` runs the whole suite on Postgres and Redis.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/godview
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: run test venv migrate seed lint format bench bench-network load backup restore clean messages compilemessages

# A Python >= 3.12, found without help: PYTHON if given, then the usual names, then pyenv's.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.14 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then echo "God-view needs Python 3.12 or newer; none was found. Install one, or pass PYTHON=/path/to/python3.12." >&2; exit 1; fi
	@[ -x $(PY) ] || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing requirements.txt (the first time takes a few minutes; pip shows each package)"
	@start=$$(date +%s); $(PY) -m pip install --progress-bar on --upgrade pip && \
		$(PY) -m pip install --progress-bar on -r requirements.txt && \
		echo "  installed in $$(( $$(date +%s) - start )) s"
	@touch $@

migrate: venv
	@echo "Migrating the database"
	@start=$$(date +%s); DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --no-input && \
		echo "  migrated in $$(( $$(date +%s) - start )) s"

seed: migrate
	@echo "Demo data (made once, when the database is empty: under half a minute)"
	@start=$$(date +%s); DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo --if-empty && \
		echo "  demo data ready in $$(( $$(date +%s) - start )) s"

# Beside the server, the offline fake Asana and ClickUp workspaces (stopped with it): the demo's
# "(offline demo)" sources point at them, so Sync now runs a real sync to the end.
FAKE_TOKEN := offline-demo-token

# The catalogs (locale/): `make messages` extracts every marked string (needs gettext's xgettext
# and msgmerge: apt-get install -y gettext), merges it into fr/ru/ar, compiles, and lists what
# still needs a translator; locale/catalogs.py writes translations in (see locale/GLOSSARY.md).
MAKEMESSAGES := DEBUG=true $(PY) manage.py makemessages -l fr -l ru -l ar --add-location=file --no-wrap -v0 \
	--ignore=.venv --ignore=staticfiles --ignore=bench --ignore='*/tests/*'
messages: venv
	$(MAKEMESSAGES)
	$(MAKEMESSAGES) -d djangojs --ignore='static/vendor'
	$(PY) locale/catalogs.py header
	$(PY) locale/catalogs.py compile
	@$(PY) locale/catalogs.py untranslated > .untranslated.txt; \
		echo "$$(wc -l < .untranslated.txt) entries need a translator (listed in .untranslated.txt)"

# Compiling needs no gettext: a few lines of Python write the .mo files.
compilemessages: venv
	$(PY) locale/catalogs.py compile

run: seed compilemessages
	@mkdir -p var
	@echo ""
	@echo "  God-view is starting on http://127.0.0.1:$(PORT)"
	@echo "  Demo logins (password: godview): leader, podlead, am, designer, admin, finance, advisor"
	@echo "  Fake Asana and ClickUp workspaces on ports 8190 and 8191 (log: var/fake_sources.log):"
	@echo "  on /sync/, Sync now on 'Asana (offline demo)' or 'ClickUp (offline demo)' runs a real sync"
	@echo ""
	@DEBUG=$${DEBUG:-true} $(PY) manage.py fake_sources --configure > var/fake_sources.log 2>&1 & fakes=$$!; \
		trap 'kill $$fakes 2>/dev/null' EXIT INT TERM; \
		FAKE_ASANA_TOKEN=$(FAKE_TOKEN) FAKE_CLICKUP_TOKEN=$(FAKE_TOKEN) DEBUG=$${DEBUG:-true} \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m godview.preflight
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(PY) -m pytest --create-db $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv
	@DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m godview.preflight
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) bench/run.py

# Every screen at the network profile (10,000 clients, 10 M tasks; built on first use, ~6 min).
bench-network: venv
	@DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m godview.preflight
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m bench.screens

# 20 users for 60 s against gunicorn on the 2,000-client demo (installs locust if missing).
load: venv
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m godview.preflight
	$(PY) -m bench.load

# Backups of whatever DATABASE_URL points at (SQLite by default): `make backup [FILE=path]`,
# `make restore FILE=path` into an empty database (add REPLACE=1 to overwrite).
backup: venv
	DEBUG=$${DEBUG:-true} $(PY) manage.py backup_db $(FILE)

restore: venv
	@[ -n "$(FILE)" ] || { echo "Usage: make restore FILE=path/to/backup [REPLACE=1]" >&2; exit 2; }
	DEBUG=$${DEBUG:-true} $(PY) manage.py restore_db $(FILE) $(if $(REPLACE),--replace,)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
