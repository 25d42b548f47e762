# Kollegalæring: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# make run always uses SQLite and runs tasks in-process, whatever the shell has set.
DEV_ENV := DEBUG=1 DATABASE_URL= REDIS_URL=

.PHONY: install axe run serve test lint messages lock worker beat clean bench bench-pages bench-reminders bench-reports

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

# axe-core from npm, for the accessibility checks in the browser tests (tests/browser).
# Without npm those checks skip, or fail where REQUIRE_SERVICES is set (as in CI).
AXE_DIR := tests/browser/axe
AXE := $(AXE_DIR)/node_modules/axe-core/axe.min.js

$(AXE): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	npm ci --prefix $(AXE_DIR) --no-audit --no-fund
	touch $(AXE)

axe:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(AXE); \
	else echo "npm is not installed: the accessibility checks will skip"; fi

run: install
	$(DEV_ENV) $(PY) manage.py check --tag pdf
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo
	@echo "Kollegalæring runs at http://127.0.0.1:8000/ (stop with Ctrl+C)"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# Like run, but with the database, Redis and DEBUG the environment gives.
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver 127.0.0.1:8000

test: install axe
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

messages: install
	DEBUG=1 $(PY) manage.py makemessages -l nb -l nn -l en --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

worker: install
	$(PY) -m celery -A config worker -l info

beat: install
	$(PY) -m celery -A config beat -l info

# All benchmarks (bench/README.md), not part of make test: the large municipality built
# afresh from its seed, the daily pages over HTTP (wrk against gunicorn), the reports and the
# reminder sweep. Needs DATABASE_URL to point at a PostgreSQL database of its own, and wrk
# (Debian: apt-get install wrk). Results go to bench/results/; exits non-zero when a budget
# is missed.
BENCH_DB_CHECK = case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "$@ needs DATABASE_URL=postgres://... (a database of its own)" >&2; exit 1;; esac

bench: install
	@$(BENCH_DB_CHECK)
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk" >&2; exit 1; }
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_scale --replace --seed 1
	status=0; \
	$(PY) bench/pages.py || status=1; \
	$(PY) bench/report_render.py || status=1; \
	$(PY) bench/reminder_sweep.py || status=1; \
	exit $$status

# The daily pages only, on the large municipality already in the database (or seeded now).
bench-pages: install
	@$(BENCH_DB_CHECK)
	$(PY) bench/pages.py --migrate --seed-if-missing

# The reminder benchmark (bench/README.md), not part of make test. Needs DATABASE_URL to
# point at a PostgreSQL database of its own: it migrates it, seeds the large municipality
# if it is missing (seed_scale), and empties its notification table.
bench-reminders: install
	@$(BENCH_DB_CHECK)
	$(PY) bench/reminder_sweep.py --migrate --seed-if-missing

# The report benchmark (bench/README.md): the cycle report and the programme report for 50
# units, timed. Needs DATABASE_URL to point at a PostgreSQL database of its own: it migrates
# it and builds its own benchmark municipality there the first time.
bench-reports: install
	@$(BENCH_DB_CHECK)
	$(PY) bench/report_render.py --migrate

# Regenerate the pinned versions after changing dependencies in pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip && .lock-venv/bin/pip install --quiet ".[dev]"
	{ echo "# Exact versions CI tested. Regenerate with: make lock"; .lock-venv/bin/pip freeze --exclude kollegalaering; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache $(AXE_DIR)/node_modules
