# The two commands the README opens with:
#   make demo   install deploycheck and check the bundled broken example, then its fixed twin
#   make test   install everything the tests need and run the whole suite (what CI runs)
PYTHON ?= python3
PYTEST_ARGS ?=

.PHONY: demo test test-fast lint bench install

install:
	scripts/setup.sh

demo: install
	@echo "== deploycheck check examples/broken-shop (a Gin shop that will not deploy)"
	@deploycheck check examples/broken-shop; status=$$?; [ $$status -eq 1 ] || { echo "expected findings (exit 1), got exit $$status"; exit 1; }
	@echo
	@echo "== deploycheck check examples/fixed-shop (the same shop, fixed)"
	deploycheck check examples/fixed-shop

test:
	scripts/setup.sh --test
	$(MAKE) lint
	$(PYTHON) -m pytest -q $(PYTEST_ARGS)

# Unit and fixture tests only: seconds, no engine or servers.
test-fast:
	$(PYTHON) -m pytest -q -m "not docker and not server and not slow" $(PYTEST_ARGS)

lint:
	$(PYTHON) -m ruff check src tests bench
	$(PYTHON) -m mypy

bench:
	$(PYTHON) bench/run.py
