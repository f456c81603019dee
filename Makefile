# rathaus — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STATIC_BUILD := build/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install ldap system-packages-run system-packages-test assets migrate demo seal demo-records messages clean format

run: system-packages-run install assets migrate demo seal demo-records ## install, build, migrate, load demo data, serve on :8000 (+ worker, clamd, demo eID)
	@echo ""
	@echo "  rathaus is running: http://$(HOST):$(PORT)/"
	@echo "  Portals: /dueren/  /guetersloh/  /cochem-zell/   API docs: /api/docs/"
	@echo "  Staff admin: /intern/admin/ (create a user: $(MANAGE) createsuperuser)"
	@echo "  Demo eID (BundID stand-in, levels substantial/high): http://$(HOST):$$(( $(PORT) + 1 ))/"
	@echo "  Background: a Celery worker (+ beat) and, when clamav-daemon is installed, a local clamd."
	@echo ""
	bin/run-local $(HOST):$(PORT)

test: system-packages-test install assets ## the whole suite (SQLite unless DATABASE_URL is set)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff, formatting, mypy, import-linter, missing migrations
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=rathaus.conf.test $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

# The Debian packages (bin/system-packages: installs them as root, otherwise names what is missing).
system-packages-run:
	bin/system-packages run

system-packages-test:
	bin/system-packages test

install: $(VENV)/.installed ldap ## virtualenv with the locked dependencies

$(VENV)/.installed: requirements.lock requirements-ldap.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "rathaus needs Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@# A relocked python-ldap that is already built (headers present) is upgraded here.
	! $(PY) -c 'import ldap' 2>/dev/null || $(PY) -m pip install --quiet --require-hashes -r requirements-ldap.lock
	touch $@

# Directory login (python-ldap) builds only with the OpenLDAP headers; optional for the demo.
# Tried on every run until it is there, so installing the headers later is enough.
ldap: $(VENV)/.installed
	@$(PY) -c 'import ldap, django_auth_ldap' 2>/dev/null \
		|| { echo '#include <ldap.h>' | cpp >/dev/null 2>&1 \
			&& $(PY) -m pip install --quiet --require-hashes -r requirements-ldap.lock; } \
		|| echo "NOTE: staff directory login (python-ldap) not installed: it needs libldap2-dev libsasl2-dev (bin/system-packages)"

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

assets: node_modules/.package-lock.json ## copy KERN UX, htmx and axe-core into build/static
	mkdir -p $(STATIC_BUILD)/kern $(STATIC_BUILD)/htmx $(STATIC_BUILD)/axe
	cp node_modules/@kern-ux/native/dist/kern.min.css $(STATIC_BUILD)/kern/
	cp -r node_modules/@kern-ux/native/dist/fonts $(STATIC_BUILD)/kern/
	cp node_modules/@kern-ux/native/LICENSE.md $(STATIC_BUILD)/kern/
	cp node_modules/htmx.org/dist/htmx.min.js $(STATIC_BUILD)/htmx/
	cp node_modules/axe-core/axe.min.js $(STATIC_BUILD)/axe/

migrate: install
	$(MANAGE) migrate --noinput

demo: install ## load the demo municipalities and services (idempotent)
	$(MANAGE) load_demo_data

seal: install ## demo CA and seal certificate under var/seal/ (only when no seal is configured)
	$(MANAGE) seal_demo_ca

demo-records: install ## the E-Akte's demo: a filed application, a scan batch, a file due for disposal (idempotent)
	$(MANAGE) load_demo_records

messages: install ## update the translation catalogues (needs gettext)
	cd src/rathaus && ../../$(PY) ../../manage.py makemessages -l de -l en --no-obsolete
	cd src/rathaus && ../../$(PY) ../../manage.py compilemessages

clean:
	rm -rf $(VENV) node_modules build var/static
