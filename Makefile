# The two commands a newcomer needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test test-python rules-test score clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever the package metadata changes.
$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/postcheck serve --host $(HOST) --port $(PORT)

test: test-python

test-python: $(STAMP)
	$(BIN)/python -m pytest

rules-test: $(STAMP)
	$(BIN)/postcheck rules test

score: $(STAMP)
	$(BIN)/python ../shared/eval/score.py --app postcheck:create_app --show-misses

clean:
	rm -rf $(VENV) build dist server/*.egg-info
