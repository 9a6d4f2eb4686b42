# The two commands a newcomer needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test test-python test-js browser-fixtures admin-axe firefox-deps rules-test score clean package fleet

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever the package metadata changes.
$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/postcheck serve --host $(HOST) --port $(PORT)

test: test-js test-python

# The whole pytest suite, browser tests included (they need the fixture pages built first), on
# PYTEST_WORKERS processes at once (pytest-xdist; tests/conftest.py says which tests share one), with a
# throwaway PostgreSQL that tools/test_postgres.sh starts and stops, so that no storage test skips.
PYTEST_WORKERS ?= 4
test-python: $(STAMP) browser-fixtures admin-axe firefox-deps
	tools/test_postgres.sh $(BIN)/python -m pytest -n $(PYTEST_WORKERS)

# Unit tests of the extension's shared logic with Node's own test runner.
test-js:
	@if [ -f extension/package.json ]; then cd extension && node --test; else echo "no extension tests yet"; fi

# Each npm folder below is installed by lock file (`npm ci`) when its node_modules is missing or older
# than its lock file (npm writes node_modules/.package-lock.json at each install), not at every run.
%/node_modules/.package-lock.json: %/package-lock.json
	cd $* && npm ci --no-audit --no-fund --silent

# Third-party editors (Draft.js, Lexical) for the browser tests' fixture pages: installed from the
# npm registry by lock file and bundled at test time, never committed.
browser-fixtures: tests/browser/fixtures/node_modules/.package-lock.json
	cd tests/browser/fixtures && npm run --silent build

# axe-core for the /admin pages' accessibility checks in the browser tests: installed from the npm
# registry by lock file at test time, never committed.
admin-axe: tests/admin/axe/node_modules/.package-lock.json

# Mozilla's addons-linter and puppeteer-core (drives Debian's firefox-esr over WebDriver BiDi and
# downloads no browser) for tests/firefox/: installed from the npm registry by lock file, never committed.
firefox-deps: tests/firefox/node_modules/.package-lock.json

# The extension for IT (docs/deploying.md): Chrome/Edge zip, signed CRX, Firefox build and policy templates
# in dist/. Needs POSTCHECK_PUBLIC_URL and the signing key (POSTCHECK_EXTENSION_KEY=path); the version is
# postcheck.__version__.
package: $(STAMP)
	$(BIN)/python tools/package_extension.py

# Several servers as one service on this machine (docs/deploying.md, "Several servers"): a throwaway
# PostgreSQL and Redis, INSTANCES production servers and nginx in front; Ctrl-C stops them all.
INSTANCES ?= 3
fleet: $(STAMP)
	$(BIN)/python tools/fleet.py --instances $(INSTANCES)

rules-test: $(STAMP)
	$(BIN)/postcheck rules test

# Both kinds of corpus, each scored for the rules alone, the model alone and both together: the training
# files and the shared development set (regression floors: the model learned from them), then the sealed
# slices (first-sight figures in tests/sealed/first_sight.json).
score: $(STAMP)
	@for corpus in ../shared/eval/dev.jsonl policy_rules/corpus/*.jsonl tests/sealed/slice-*.jsonl; do \
	  echo "== $$corpus"; POSTCHECK_CHECK_RATE_LIMIT="1000000 per minute" $(BIN)/python ../shared/eval/score.py --app postcheck:create_app --by-source --corpus $$corpus; \
	done

clean:
	rm -rf $(VENV) build dist server/*.egg-info
