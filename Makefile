# The two commands of the README's quick start. Each sets itself up on a fresh machine that
# has only Python 3.11+ and pip: a local virtual environment in .venv, then the job.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the package metadata changes.
$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[report]"
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test,notebooks,report,scale,fast]"
	@touch $@ $(VENV)/.installed-demo

## demo: the main job: the bundled trials, the flagship's numbers, and every figure
demo: $(VENV)/.installed-demo
	$(BIN)/trialkit list
	@echo
	$(BIN)/trialkit show mejuto2014
	@echo
	$(BIN)/trialkit effects mejuto2014 --outcome pain
	@echo
	$(BIN)/trialkit check mejuto2014
	@echo
	@for trial in mejuto2014 anorexia; do for style in slide paper; do \
		$(BIN)/trialkit figures $$trial --out figures --style $$style --format png || exit 1; \
	done; done
	@echo
	$(BIN)/trialkit report mejuto2014 --html figures/mejuto2014_report.html \
		--pptx figures/mejuto2014_deck.pptx
	@echo
	@echo "Figures written to figures/ (slide: 16:9 for a projector; paper: journal column);"
	@echo "the report (HTML) and the deck (PPTX) beside them."

## test: the whole test suite (unit, reference values, data, CLI, wheel, style)
# The browser tests need Debian's chromium and chromedriver: installed here when missing and
# running as root; otherwise those tests skip with one line saying why.
test: $(VENV)/.installed-test
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update && apt-get install -y chromium chromium-driver) || \
			echo "could not install chromium: the browser tests will skip"; \
		else echo "chromium not installed and not root: the browser tests will skip"; fi
	$(BIN)/python -m pytest

## bench: timing goals, measured side by side with the peers; writes bench/RESULTS.md
# DABEST pins older numpy/pandas/scipy, so it gets an environment of its own (.venv-dabest).
# The R peers of screening (simdistr, reappraised) are not in Debian: install them from
# their CRAN sources into TRIALKIT_R_LIB with `R CMD INSTALL -l` (bench/README.md); where
# they are missing their rows say "peer not installed" and why.
TRIALKIT_R_LIB ?= $(CURDIR)/.r-peers
bench: $(VENV)/.installed-test .venv-dabest/.installed
	TRIALKIT_DABEST_PYTHON=$(CURDIR)/.venv-dabest/bin/python TRIALKIT_R_LIB=$(TRIALKIT_R_LIB) \
		$(BIN)/python bench/run.py

.venv-dabest/.installed:
	$(PYTHON) -m venv .venv-dabest
	.venv-dabest/bin/python -m pip --disable-pip-version-check --quiet install dabest
	@touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .venv-dabest build dist .pytest_cache .ruff_cache .hypothesis
