# The two commands the README opens with:
#   make demo   install deploycheck and check the bundled broken example, then its fixed twin
#   make test   install everything the tests need and run the whole suite (what CI runs)
# Both install into .venv (scripts/setup.sh); `. .venv/bin/activate` puts `deploycheck` on PATH.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n 2

.PHONY: demo test test-fast lint bench install docs

install:
	scripts/setup.sh

demo: install
	@echo "== deploycheck check examples/broken-shop   (a Gin shop that will not deploy; exit 1 expected)"
	@$(VENV)/bin/deploycheck check examples/broken-shop; status=$$?; \
	  [ $$status -eq 1 ] || { echo "expected findings (exit 1), got exit $$status"; exit 1; }
	@echo
	@echo "== deploycheck check examples/fixed-shop    (the same shop, fixed)"
	$(VENV)/bin/deploycheck check examples/fixed-shop

# Everything: lint, types, unit and fixture tests, and the tests that start the Docker engine,
# build images and run servers (markers docker, server, slow).
test:
	scripts/setup.sh --test
	$(MAKE) lint
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m pytest -q -rs $(PYTEST_ARGS)

# Unit and fixture tests only: seconds, no engine or servers.
test-fast:
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m pytest -q -m "not docker and not server and not slow" $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check src tests bench
	$(PY) -m mypy

docs:
	$(PY) scripts/gen_docs.py

bench:
	$(PY) bench/run.py
