# secure-bank-workshop — run `make help` for the list of targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STACK := $(PY) -m stack

.DEFAULT_GOAL := help
.PHONY: help up down restart destroy status logs reconcile reset-db doctor test lint bench venv

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: found " + sys.version.split()[0] + " (run make doctor)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "cannot create a virtualenv: on Debian/Ubuntu run 'sudo apt-get install -y python3-venv'"; exit 1; }
	@echo "installing the project into $(VENV) …"
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP) ## create the virtualenv and install the project

up: $(STAMP) ## start PostgreSQL, the API (127.0.0.1:3000) and the reconciler
	@$(STACK) up

down: ## stop everything `make up` started
	@if [ -x $(PY) ]; then $(STACK) down; else echo "nothing to stop"; fi

status: $(STAMP) ## show what is running
	@$(STACK) status

logs: $(STAMP) ## show the last lines of every log
	@$(STACK) logs

restart: $(STAMP) ## restart the API and the reconciler after you change src/
	@$(STACK) restart

destroy: ## stop everything and delete .workshop/ (data, logs, generated secrets)
	@if [ -x $(PY) ]; then $(STACK) destroy; else rm -rf .workshop; fi

reconcile: $(STAMP) ## run the reconciler job once, now
	@$(STACK) reconcile

reset-db: $(STAMP) ## reload the synthetic data set into the running database
	@$(STACK) reset-db

doctor: ## check prerequisites (TARGET=k3d for the Kubernetes path)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "✘ Python 3.11+ is needed: found " + sys.version.split()[0])'
	@$(MAKE) -s --no-print-directory $(STAMP)
	@$(STACK) doctor --target $(or $(TARGET),local)

test: $(STAMP) ## run the test suite (starts its own database and API)
	@$(PY) -m pytest

lint: $(STAMP) ## ruff over the Python code
	@$(VENV)/bin/ruff check .

bench: $(STAMP) ## measure requests/s and latency of the running stack (baseline)
	@$(PY) -m stack.bench

-include mk/k3d.mk
