# Everything a comms team needs: `make build` and `make test` set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build serve test check check-links publish cms-export import clean distclean schema bench lint help

help:
	@echo "make build        set up (first time) and build the site into output/"
	@echo "make serve        preview the site at http://127.0.0.1:8000/, rebuilding as you save"
	@echo "make check        check the content for mistakes without building"
	@echo "make check-links  check every link, anchor and image in the built site"
	@echo "make publish      build for the real address and push it to GitHub Pages (gh-pages)"
	@echo "make cms-export   write site-cms.zip: the pages and files for the university CMS"
	@echo "make import       turn a plan table (Word, Excel, CSV) into a plan file: ARGS=plan.docx"
	@echo "make test         set up and run the tests"
	@echo "make lint         check style, formatting, complexity (ruff) and types (mypy)"
	@echo "make bench        measure build speed and memory"
	@echo "make clean        remove output/ and the image cache"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "site_builder needs Python 3.11 or newer; this is " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing site_builder into $(VENV)/ (first time only)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

build: $(STAMP)
	@$(BIN)/site-builder build $(ARGS)

serve: $(STAMP)
	@$(BIN)/site-builder serve $(ARGS)

check: $(STAMP)
	@$(BIN)/site-builder check $(ARGS)

check-links: $(STAMP)
	@$(BIN)/site-builder check --links $(ARGS)

publish: $(STAMP)
	@$(BIN)/site-builder publish $(ARGS)

cms-export: $(STAMP)
	@$(BIN)/site-builder export cms $(ARGS)

import: $(STAMP)
	@$(BIN)/site-builder import $(ARGS)

test: $(STAMP)
	@$(BIN)/python -m pytest $(ARGS)

lint: $(STAMP)
	@$(BIN)/ruff check site_builder benchmarks tests
	@$(BIN)/ruff format --check site_builder benchmarks tests
	@$(BIN)/mypy

schema: $(STAMP)
	@$(BIN)/site-builder schema --out schemas --reference docs/content-reference.md

bench: $(STAMP)
	@$(BIN)/python -m benchmarks.bench $(ARGS)

clean:
	rm -rf output .cache

distclean: clean
	rm -rf $(VENV)
