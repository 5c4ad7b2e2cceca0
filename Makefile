# Gruppeportalen. `make run` starts everything on embedded defaults; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python 3.12+ interpreter: on PATH, under pyenv, or one uv already knows.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	  c=$$(command -v $$p 2>/dev/null) && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; exit; }; \
	done; for c in $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	  [ -x "$$c" ] && { echo $$c; exit; }; done)
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: help env run test lint audit messages benchmarks system-deps clean

help:
	@echo "make run    – set up, migrate, load demo data, start portal + Celery worker + beat"
	@echo "make test   – the whole test suite"
	@echo "make lint   – ruff, mypy and bandit"
	@echo "make audit  – known vulnerabilities in the locked dependencies (config/lock_audit.py)"

.tools/bin/uv:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 on PATH)"; exit 1; }
	$(PYTHON) -m venv .tools && .tools/bin/pip install -q uv

env: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 on PATH)"; exit 1; }
	$(UV) sync --frozen --python $(PYTHON) -q

system-deps:
	@bash .ci/system-deps || echo "(system packages not installed: not root or no apt; see README)"

run: env
	@mkdir -p var
	.venv/bin/python manage.py migrate --noinput -v0
	.venv/bin/python manage.py demo
	@echo "Starting portal on $(SITE_URL)/ with Celery worker and beat (Ctrl-C stops all)"
	@DEBUG=$${DEBUG:-false} .venv/bin/python -m config.runall $(HOST):$(PORT)

# The suite runs in one process per core (pytest-xdist); `make test XDIST=` runs it in one.
# Tests marked serial (fault injection with servers of their own, a browser solving a
# proof-of-work puzzle against the clock) then run alone, with the machine to themselves.
XDIST ?= -n auto --dist loadgroup
test: env system-deps
	.venv/bin/python -m pytest -p no:cacheprovider $(XDIST) -m "not serial" $(PYTEST_ARGS)
	.venv/bin/python -m pytest -p no:cacheprovider -m serial $(PYTEST_ARGS)

lint: env
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/bandit -q -c pyproject.toml -r .

# The lock file, exported with hashes, against PyPI's advisory data: pip-audit where the
# per-release data is reachable, the latest-release data otherwise (see config/lock_audit.py).
audit: env
	@mkdir -p var
	$(UV) export --frozen --all-groups --no-emit-project -q -o var/requirements-audit.txt
	.venv/bin/python -m config.lock_audit var/requirements-audit.txt

messages: env
	@for app in groups meetings attendance whistleblowing; do \
	  (cd $$app && ../.venv/bin/python ../manage.py makemessages -l en --no-obsolete -v0 && ../.venv/bin/python ../manage.py compilemessages -l en -v0); done
	.venv/bin/python manage.py makemessages -l en --no-obsolete -v0 --ignore='.venv/*' --ignore='groups/*' --ignore='meetings/*' --ignore='attendance/*' --ignore='whistleblowing/*' --ignore='tests/*' --ignore='var/*' --ignore='.tools/*'
	.venv/bin/python manage.py compilemessages -l en -v0 --ignore='.venv/*' --ignore='.tools/*'

# Every benchmark on SQLite, and on PostgreSQL too when DATABASE_URL is set (fresh databases
# named after it); one table at the end. BENCHMARKS=groups_bench,... picks some.
benchmarks: env system-deps
	.venv/bin/python -m tests.benchmarks.run

clean:
	rm -rf var .pytest_cache
