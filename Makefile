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

.PHONY: help run test push bench deps python-deps node-deps browser-deps clean lint

help:
	@echo "make run    start the embedded server on $(COUCH), push the CouchApp, import, print URLs"
	@echo "make test   install what is missing, then run every test"
	@echo "make push   push the CouchApp to $(COUCH)/$(DB)"
	@echo "make bench  run the benchmarks and write docs/benchmarks.md"

deps: python-deps node-deps browser-deps

python-deps: $(VENV)/.installed
$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Headless Chromium and its driver, from Debian, for the browser tests.
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

run: python-deps node-deps
	$(PY) -m pypioncouch.quickstart --host $(HOST) --port $(PORT) --db $(DB)

push: python-deps
	$(PY) -m pypioncouch.designdoc $(COUCH)/$(DB)

test: deps
	$(PY) -m pytest $(PYTEST_ARGS)

bench: python-deps node-deps
	$(PY) -m bench.run --output docs/benchmarks.md

clean:
	rm -rf var tests/artifacts
