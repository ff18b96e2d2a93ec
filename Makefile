# schemac developer commands. `make setup` once, then `make demo` / `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
DEMO_OUT ?= .demo/migrations

.PHONY: setup npm-tools demo test lint format bench docs clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --upgrade --quiet pip

# Test referees from npm, into .tools/: dbmate (tests/referees.py), Mermaid's own parser
# (tests/mermaid_referee.py) and a GFM parser (tests/markdown_referee.py). One npm install for
# all of them: a later `npm install --no-save` removes what an earlier one added. Without npm
# their tests skip (fail on CI).
NPM_TOOLS := dbmate@2 mermaid@11 marked@16
NPM_MARKS := $(foreach tool,dbmate mermaid marked,.tools/node_modules/$(tool)/package.json)
npm-tools:
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "setup: npm not found, $(NPM_TOOLS) not installed (apt-get install nodejs npm)"; \
	elif ! ls $(NPM_MARKS) >/dev/null 2>&1; then \
	  npm install --no-save --no-audit --no-fund --loglevel=error --prefix .tools $(NPM_TOOLS); \
	fi

setup: $(PY) npm-tools
	$(VENV)/bin/pip install --quiet -e '.[dev]'

# Builds the bundled specs into a fresh directory and proves the result on a throwaway PostgreSQL.
demo: setup
	rm -rf $(DEMO_OUT)
	$(VENV)/bin/schemac lint specs
	$(VENV)/bin/schemac build specs -o $(DEMO_OUT) --verify
	$(VENV)/bin/schemac check specs -m $(DEMO_OUT)

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: setup
	$(PY) bench/bench.py
	$(PY) bench/import_bench.py

docs: setup
	$(PY) -m schemac.rules.docs docs/rules
	$(PY) -m schemac.spec.reference docs/spec-format.template.md docs/spec-format.md

clean:
	rm -rf .demo build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
