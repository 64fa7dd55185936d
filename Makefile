# The two commands of the README: `make up` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: up test lint typecheck pytest bench clean

# Tests and benchmarks that need the SigmaHQ snapshot read it from WARROOM_SIGMA_DIR; it is
# never copied into this tree. Beside a checkout with ../shared, that is the default.
SIGMA_BESIDE := $(abspath ../shared/data/sigma)
ifneq ($(wildcard $(SIGMA_BESIDE)/rules),)
export WARROOM_SIGMA_DIR ?= $(SIGMA_BESIDE)
endif

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files re-run pip only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

up: $(VENV)/.installed
	$(BIN)/warroom up

test: lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/ruff format --check src tests bench conftest.py

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# pytest exits 5 when it collected nothing; that must fail loudly, never pass as green.
pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

# The web app (case page, timeline API), the scenario generator, the hunt over EVTX and IIS,
# then the public status page under load.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py && $(BIN)/python bench/scenario.py && $(BIN)/python bench/hunt_evtx.py && $(BIN)/python bench/hunt_iis.py && $(BIN)/python bench/statuspage.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
