# The two commands of the README: `make serve` and `make test`. Each sets up what it needs first.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup build serve live test test-fast bench lint urls

setup:
	@bash scripts/setup.sh

build: setup          ## the HTML site, then the PDF and the offline archive, into site/
	@bash scripts/build.sh

serve: build          ## build everything, then serve site/ at http://$(HOST):$(PORT)
	@echo "Serving the site at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	@$(PY) -m http.server --bind $(HOST) --directory site $(PORT)

live: setup           ## for writers: rebuild on every save (HTML only)
	@$(PY) -m mkdocs serve --dev-addr $(HOST):$(PORT)

test: setup           ## every test (on a clock 40 days ahead): pages, derivations, build, browser, PDF
	@bash scripts/run_tests.sh -n 2

test-fast: setup      ## the tests that need no browser and no PDF
	@bash scripts/run_tests.sh -n 2 -m "not browser"

bench: setup          ## time the build and the test suites on this machine
	@$(PY) scripts/benchmark.py

lint: setup
	@$(PY) -m ruff check .

urls: setup           ## add new pages and anchors to tests/public_urls.txt (never by hand)
	@$(PY) scripts/update_url_manifest.py
