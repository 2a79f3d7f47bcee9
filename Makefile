# Developer entry points; the logic is in the package tools/devenv/ (standard library only):
# python3 tools/devenv --help
# Extra options: make test ARGS="--odoo-bin /path/to/odoo-bin --keep-pg"
PYTHON ?= python3
DEVENV := $(PYTHON) tools/devenv
ARGS ?=
# make chaos SIZE=small: the CI size (a few minutes); full: at least 10,000 operations
SIZE ?= full

.PHONY: test test-plain demo demo-stop bench workers chaos lint wheel

test:
	$(DEVENV) test $(ARGS)

test-plain:
	$(DEVENV) test --skip-odoo $(ARGS)

demo:
	$(DEVENV) demo $(ARGS)

demo-stop:
	$(DEVENV) demo-stop

bench:
	$(DEVENV) bench $(ARGS)

workers:
	$(DEVENV) workers $(ARGS)

chaos:
	$(DEVENV) chaos --size $(SIZE) $(ARGS)

lint:
	$(DEVENV) lint

# The addon's wheel, as OCA's (whool, fetched from PyPI), in dist/ (docs/install.md)
wheel:
	WHOOL_POST_VERSION_STRATEGY_OVERRIDE=$(if $(filter 1 yes true,$(RELEASE)),none,) $(PYTHON) -m pip wheel --no-deps --wheel-dir dist ./xero_connector
