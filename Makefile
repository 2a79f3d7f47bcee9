# Developer entry points; the logic is in tools/devenv.py (python3 tools/devenv.py --help).
# Extra options: make test ARGS="--odoo-bin /path/to/odoo-bin --keep-pg"
PYTHON ?= python3
DEVENV := $(PYTHON) tools/devenv.py
ARGS ?=

.PHONY: test test-plain demo demo-stop lint

test:
	$(DEVENV) test $(ARGS)

test-plain:
	$(DEVENV) test --skip-odoo $(ARGS)

demo:
	$(DEVENV) demo $(ARGS)

demo-stop:
	$(DEVENV) demo-stop

lint:
	$(DEVENV) lint
