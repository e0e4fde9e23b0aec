# pypioncouch: two commands on a fresh machine, `make run` and `make test`.
# Everything they need is installed here, into ./.venv and ./node_modules.

PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
HOST        ?= 127.0.0.1
PORT        ?= 5984
COUCH       ?= http://$(HOST):$(PORT)
DB          ?= pypi
PYTEST_ARGS ?=
# The server the tests run on: pouchdb (the embedded PouchDB Server) or couchdb (Apache CouchDB 3.x).
SERVER      ?= pouchdb
# Where `make couchdb` installs CouchDB 3.5.0 from, and to (unless COUCHDB_RELEASE or /opt/couchdb has one).
SHARED_COUCHDB ?= ../shared/couchdb
COUCHDB_DEST   := var/couchdb

.PHONY: help run test test-couchdb couchdb push bench deps python-deps python-test-deps node-deps browser-deps nginx-deps clean

help:
	@echo "make run    start the embedded server on $(COUCH), push the CouchApp, import, print URLs"
	@echo "make test   install what is missing, then run every test (SERVER=couchdb: on Apache CouchDB)"
	@echo "make test-couchdb  the same on Apache CouchDB 3.x (installed by make couchdb when missing)"
	@echo "make push   push the CouchApp to $(COUCH)/$(DB)"
	@echo "make bench  run the benchmarks and write docs/benchmarks.md"

deps: python-test-deps node-deps browser-deps nginx-deps

# `make run` needs the importer and its runtime dependencies only; `make test` adds the test
# extras (pytest, uv, pip, selenium, aiohttp). Each step says what it does before it starts.
python-deps: $(VENV)/.installed
$(VENV)/.installed: setup.cfg pyproject.toml
	@echo "Installing the importer and its dependencies into $(VENV)/ (pip)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e .
	@touch $@

python-test-deps: $(VENV)/.installed-test
$(VENV)/.installed-test: $(VENV)/.installed setup.cfg pyproject.toml
	@echo "Installing the test tools into $(VENV)/ (pip: pytest, uv, selenium, aiohttp)..."
	@$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# npm ci leaves out optional packages (.npmrc: omit=optional): only sqlite3, which PouchDB
# Server loads for its --sqlite option alone and which npm would compile from source.
node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json .npmrc
	@echo "Installing PouchDB Server 4.2.0 into node_modules/ (npm ci)..."
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Headless Chromium and its driver, from Debian, for the browser tests.
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

# Debian's nginx, for the read-only public front's test (tests/test_public_front.py, docs/nginx-public-node.conf).
nginx-deps:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx >/dev/null; }

run: python-deps node-deps
	$(PY) -m pypioncouch.quickstart --host $(HOST) --port $(PORT) --db $(DB)

push: python-deps
	$(PY) -m pypioncouch.designdoc $(COUCH)/$(DB)

test: deps $(if $(filter couchdb,$(SERVER)),couchdb)
	PYPIONCOUCH_SERVER=$(SERVER) $(PY) -m pytest $(PYTEST_ARGS)

test-couchdb:
	$(MAKE) test SERVER=couchdb

# Apache CouchDB 3.x for the tests: COUCHDB_RELEASE, or /opt/couchdb, or installed here into
# var/couchdb from the release in ../shared/couchdb (prebuilt, or built from its sources).
couchdb:
	@if [ -n "$$COUCHDB_RELEASE" ] && [ -x "$$COUCHDB_RELEASE/bin/couchdb" ]; then :; \
	elif [ -x /opt/couchdb/bin/couchdb ]; then :; \
	elif [ -x "$(SHARED_COUCHDB)/install.sh" ]; then "$(SHARED_COUCHDB)/install.sh" "$(COUCHDB_DEST)"; \
	else echo "no CouchDB release: set COUCHDB_RELEASE to one (the folder with bin/couchdb)," \
	          "install Apache CouchDB 3.x under /opt/couchdb, or set SHARED_COUCHDB" >&2; exit 2; fi

bench: python-deps node-deps
	$(PY) -m bench.run --output docs/benchmarks.md

# Hours: 100,000 PyPI-shaped projects imported into each server (bench/bench_scale.py); replaces
# only its own section of docs/benchmarks.md. BENCH_SCALE_PROJECTS/BENCH_SCALE_RELEASES: smaller.
bench-scale: python-deps node-deps
	$(PY) -m bench.run --only scale --output docs/benchmarks.md

clean:
	rm -rf var tests/artifacts
