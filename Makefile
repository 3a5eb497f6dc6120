# The development commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
TABLES := $(SHARED)/reference/tables

.PHONY: run test lint bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# For now: the Bình Định 2023 rankings computed from the seed tables (the portal comes later).
run: $(STAMP)
	$(BIN)/dti score examples/binhdinh-2023.yaml $(TABLES)/binhdinh-2023/bang-1-tong-the-cap-so.tsv --level so
	$(BIN)/dti score examples/binhdinh-2023.yaml $(TABLES)/binhdinh-2023/bang-2-tong-the-cap-huyen.tsv --level huyen

test: $(STAMP)
	$(BIN)/pytest -n auto -q

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy --strict src/dti

bench: $(STAMP)
	$(BIN)/python bench/bench_engine.py --out docs/performance.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
