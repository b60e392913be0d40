# Two commands on a fresh machine:
#   make demo              synthetic authority -> warehouse -> committee pack -> dashboard
#   make test              the whole test suite (installs Chromium for the browser tests)
# Everything installs into .venv; the demo writes into ./workspace (HEADWAY_WORKSPACE to move it).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NO_SERVE ?=
DEMO_FLAGS := $(if $(NO_SERVE),--no-serve,)

.PHONY: demo test install chromium validators benchmark clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium drives the browser tests (Playwright's own browser download
# does not work on a closed network).
chromium:
	@test -x /usr/bin/chromium && test -x /usr/bin/pdftotext || \
	  ( apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null )

demo: $(STAMP)
	$(BIN)/headway demo $(DEMO_FLAGS)

# The DfE's validators (csc-validator-be-903, csc-validator-be-cin) pin pandas<2 and
# numpy<1.25, so they get an environment of their own: .venv-validators (see
# docs/validation.md). Quick when it is already built.
validators: $(STAMP)
	$(BIN)/python -c 'from headway.validate.dfe import setup; setup()'

test: $(STAMP) chromium validators
	$(BIN)/python -m pytest

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Headway beside liiatools (Social Finance's cleaner) on the same 903 and Annex A files;
# liiatools pins pandas<2 and numpy<2, so it gets .venv-liiatools (built on first use).
.PHONY: liiatools-compare
liiatools-compare: $(STAMP)
	$(BIN)/python benchmarks/liiatools_compare.py

clean:
	rm -rf workspace build dist .pytest_cache
