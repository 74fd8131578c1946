# `make demo` and `make test` build .venv from pyproject.toml on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= 2

.PHONY: demo test lint doctest docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# The CPU build of torch that lies on this machine's disk, pinned before the package's range.
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	# Every extra: train (torch), plots (matplotlib, markdown-it-py), and ray, since the sweep
	# tests run against a local Ray instance.
	$(BIN)/python -m pip install --quiet -e ".[all,dev,docs,ray]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/bilinear demo

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks docs/_ext docs/conf.py
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n $(JOBS) tests
	BILINEAR_DOCS_STRICT_DOCSTRINGS=1 $(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	$(BIN)/python -m pytest -q --nbmake notebooks/
	$(BIN)/python -m pytest -q --doctest-modules src/bilinear
	$(BIN)/python -m pytest -q --doctest-glob='README.md' README.md
	$(BIN)/python benchmarks/run.py --quick --smoke

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks docs/_ext docs/conf.py
	$(BIN)/mypy
	$(BIN)/ruff format --check src tests benchmarks

doctest: $(STAMP)
	$(BIN)/python -m pytest -q --doctest-modules src/bilinear

docs: $(STAMP)
	BILINEAR_DOCS_STRICT_DOCSTRINGS=1 $(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info docs/_build
