# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up .venv, generate the demo study if absent, run the workflow, build the report
#   make test   set up .venv, lint, and run the test suite (unit + end-to-end)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2
STAMP := $(VENV)/.installed

.PHONY: run test lint install bench clean-results

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/snakemake --profile profiles/default --cores $(CORES)
	$(BIN)/snakemake --profile profiles/default --cores 1 --report results/report.html
	@echo "Report: $(CURDIR)/results/report.html"

lint: $(STAMP)
	$(BIN)/ruff check src tests workflow/scripts benchmarks
	$(BIN)/ruff format --check src tests workflow/scripts benchmarks
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint --cores 1

test: lint
	$(BIN)/pytest

# Not part of the tests: the scaled benchmark (1x, 10x, 100x) writes benchmarks/results.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean-results:
	rm -rf results logs .snakemake/metadata
