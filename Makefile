# secure-bank-workshop — run `make help` for the list of targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STACK := $(PY) -m stack

.DEFAULT_GOAL := help
.PHONY: help up down restart destroy status logs reconcile reset-db doctor test lint bench venv \
	check-% hint-% attack-% progress restore stage stages

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_%-]+:.*## ' $(MAKEFILE_LIST) | \
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

destroy: ## stop everything and delete .workshop/ (data, logs, secrets), keeping backups/
	@if [ -x $(PY) ]; then $(STACK) destroy; else echo 'nothing to destroy: run make up first'; fi

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

# --- exercises: grade, hint, attack (TARGET=k3d after kubectl port-forward svc/api 3000:80) ---
check-%: $(STAMP) ## check-a01 …: grade your running stack for that exercise
	@$(PY) -m checks run $* --target $(or $(TARGET),local)

hint-%: $(STAMP) ## hint-a01 …: the hint for the first failing check
	@$(PY) -m checks hint $* --target $(or $(TARGET),local)

attack-%: $(STAMP) ## attack-a01 …: what an outsider can do to your stack
	@$(PY) -m checks attack $* --target $(or $(TARGET),local)

progress: $(STAMP) ## one table of all exercises: passed / not yet / not started
	@$(PY) -m checks progress

# --- stages: reset / solve / restore (no $(STAMP): a reset must work even with a broken pyproject.toml)
STAGES = $(if $(wildcard $(PY)),$(PY),$(PYTHON)) -m stages

reset-%: ## reset-a01 …: back up your files, then put them at the start of that exercise
	@$(STAGES) reset $*

solve-%: ## solve-a01 …: apply that exercise's solution to your files (backed up first)
	@$(STAGES) solve $*

restore: ## put back the files of the latest backup (BACKUP=<dir> for another)
	@$(STAGES) restore $(if $(BACKUP),--backup '$(BACKUP)')

stage: ## which exercise's start your files match
	@$(STAGES) which

stages: ## list the exercises and whether their solution exists
	@$(STAGES) list

-include mk/k3d.mk
