# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up .venv, generate the demo study if absent, run the workflow, build the report
#   make test   set up .venv, lint, and run the test suite (unit + end-to-end)
#   make test-cluster   add the SLURM executor plugin, then run the workflow on a real
#                       one-node SLURM cluster it sets up (root + apt-get; else skipped)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2
STAMP := $(VENV)/.installed
CLUSTER_STAMP := $(VENV)/.installed-cluster
# The cluster test's own bound (it must finish in under 10 minutes). SIGINT lets pytest tear
# down: cancel the SLURM jobs and stop the daemons it started.
CLUSTER_TEST_TIMEOUT ?= 600

.PHONY: run reports test lint install install-cluster test-cluster bench clean-results

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

$(CLUSTER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev,cluster]"
	touch $(CLUSTER_STAMP)

install-cluster: $(CLUSTER_STAMP)

# The run includes the disclosure audit and stops when a suppressed count can be recovered,
# so neither report is built from outputs that leak. results/report.html may leave the data
# environment; results/audit/audit_report.html (a superset, with exact counts) may not.
# The reports are rebuilt only when something they show changed (a sub-make, so the list of
# results is read after the workflow ran): a no-op `make run` stays a no-op. The two are built
# at once (-j2): each is a Snakemake process that only reads the results (about 3 s each).
run: $(STAMP)
	$(BIN)/snakemake --profile profiles/default --cores $(CORES)
	@$(MAKE) --no-print-directory -j2 reports
	@echo "Public report: $(CURDIR)/results/report.html"
	@echo "Audit report (stays in the data environment): $(CURDIR)/results/audit/audit_report.html"

# What a report shows or is made from: every published and audit output, the captions, the
# configs and the rules. Deleting a report also rebuilds it.
REPORT_INPUTS = $(shell find results/tables results/models results/figures results/notebooks \
	results/audit/disclosure_audit.csv results/manifest.json workflow/report workflow/rules \
	config Snakefile -type f ! -name '*.html.tmp*' 2>/dev/null)

reports: results/report.html results/audit/audit_report.html

results/report.html: $(REPORT_INPUTS)
	$(BIN)/snakemake --profile profiles/default --cores 1 --report $@

results/audit/audit_report.html: $(REPORT_INPUTS)
	$(BIN)/snakemake --profile profiles/default --cores 1 --config report=audit --report $@

lint: $(STAMP)
	$(BIN)/ruff check src tests workflow/scripts benchmarks
	$(BIN)/ruff format --check src tests workflow/scripts benchmarks
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint --cores 1

test: lint
	$(BIN)/pytest

test-cluster: $(CLUSTER_STAMP)
	timeout -s INT -k 30 $(CLUSTER_TEST_TIMEOUT) $(BIN)/pytest -m cluster -s tests/cluster

# Not part of the tests: the scaled benchmark (1x, 10x, 100x) writes benchmarks/results.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean-results:
	rm -rf results logs .snakemake/metadata
