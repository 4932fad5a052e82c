# Two commands do all set-up on a fresh machine: `make site` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install site extract validate generate build test lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Extract every document in data/raw/, validate the records, generate the pages
# and build site/. On the bundled data this changes no tracked file: records and
# the extract report are committed and deterministic; pages and site/ are ignored.
site: install extract validate generate build

extract: install
	$(BIN)/budget-site extract

validate: install
	$(BIN)/budget-site validate

generate: install
	$(BIN)/budget-site generate

build: install
	$(BIN)/budget-site build

lint: install
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy generator

test: install lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
