# The two commands of the README: `make serve` and `make test`. Each sets up .venv on first use.
# `make torture` runs the torture suite (tests/torture) in full; `make torture MODE=short` in about a minute.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
MODE ?= full

.PHONY: serve test lint bench torture install clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALLED)

serve: $(INSTALLED)
	$(BIN)/mcpgen serve specs/kanban.yaml --host $(HOST) --port $(PORT)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy --strict --explicit-package-bases tests/torture

test: lint
	$(BIN)/python -m pytest

bench: $(INSTALLED)
	$(BIN)/python bench/run.py

torture: $(INSTALLED)
	$(BIN)/python -m tests.torture $(if $(filter short,$(MODE)),--short)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis specs/data
