# Two commands do all set-up on a fresh machine: `make site` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Debian packages the browser tests drive (Playwright never downloads a browser)
BROWSER_PACKAGES := chromium fonts-noto-cjk
# Python keeps the compiled package in __pycache__/ (git-ignored); a shell that turns this
# off would have every run compile generator/ again (0.3 s of each rebuild)
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install browser site extract validate generate build test lint clean

$(STAMP): pyproject.toml
	@echo "first run: creating $(VENV) and installing budget-site with its Python dependencies (pyproject.toml)"
	@$(PY) -m venv $(VENV)
	@# pip's own output goes to a log, shown only when the install fails
	@{ $(BIN)/pip install --disable-pip-version-check --upgrade pip && \
	   $(BIN)/pip install --disable-pip-version-check -e '.[test]'; } > $(VENV)/pip.log 2>&1 \
	  || { cat $(VENV)/pip.log; echo "pip install failed (log above, also in $(VENV)/pip.log)"; exit 1; }
	@echo "installed: $$($(BIN)/pip list --disable-pip-version-check 2>/dev/null | wc -l) packages in $(VENV) (log: $(VENV)/pip.log)"
	@touch $(STAMP)

install: $(STAMP)

# Chromium and the CJK fonts for the browser tests: installed with apt-get when we are
# root, otherwise we stop at once with the exact command to run.
browser:
	@if ! dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "first run: installing Debian packages $(BROWSER_PACKAGES) for the browser tests"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq >/dev/null && apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null || exit 1; \
	  else \
	    echo "the browser tests need Debian's $(BROWSER_PACKAGES); run:"; \
	    echo "    sudo apt-get update && sudo apt-get install -y $(BROWSER_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

# Extract every document in data/raw/, validate the records, generate the pages
# and build site/, in one process with one summary line per stage. A bad document or
# record is reported and skipped; the rest is still published (exit 1 if any error).
site: install
	$(BIN)/budget-site site

extract: install
	$(BIN)/budget-site extract

validate: install
	$(BIN)/budget-site validate

generate: install
	$(BIN)/budget-site generate

build: install
	$(BIN)/budget-site build

lint: install
	@$(BIN)/ruff check --quiet generator tests bench
	@$(BIN)/ruff format --check --quiet generator tests bench
	@$(BIN)/mypy generator | tail -n 1

test: install browser lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
