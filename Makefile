# The two commands a new user needs: `make run` and `make test`. Everything else is help.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install runtime prepare run dev test test-fast pow-cost bench bench-national load faults cluster cluster-stop fuzz lint format migrations messages lock check clean

# The moment this make started: `make run` says how long the site took to answer.
MAKE_STARTED := $(shell date +%s)

# What serving needs (`make run`, `make dev`): the runtime lock only.
$(BIN)/.runtime: requirements/main.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/main.txt
	touch $@

# Everything: the runtime and the test, lint and load tools (requirements/dev.txt).
$(BIN)/.installed: requirements/dev.txt requirements/main.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(BIN)/.runtime

runtime: $(BIN)/.runtime
install: $(BIN)/.installed

# axe-core for the accessibility tests (the only JavaScript dependency; tests only).
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility tests (axe-core) will be skipped"; fi

# Migrate, seed what is missing, create the demo admin, gather the static files.
prepare: runtime
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_offices
	$(BIN)/python manage.py seed_terms
	$(BIN)/python manage.py ensure_demo_admin
	$(BIN)/python manage.py ensure_demo_second_factor
	$(BIN)/python manage.py collectstatic --noinput -v0

## run: the whole app on embedded defaults (SQLite, filesystem broker) on http://127.0.0.1:$(PORT),
## served by gunicorn (static files by whitenoise), with the Celery worker and beat
run: prepare
	@echo "Web server: gunicorn (WSGI, $${WEB_WORKERS:-2} workers x $${WEB_THREADS:-4} threads, static files by whitenoise) on http://127.0.0.1:$(PORT)/"
	@echo "Site: http://127.0.0.1:$(PORT)/  (Ctrl-C stops the site, the worker and beat)"
	@echo "Emails: files under var/mail/ (one per message)"
	@$(BIN)/python -c "$$SAY_WHEN_UP" $(MAKE_STARTED) http://127.0.0.1:$(PORT)/healthz &
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/honcho -f Procfile.dev start -p $(PORT)

## dev: the same with Django's auto-reloading development server and DEBUG on (never to serve people)
dev: prepare
	@echo "Web server: Django's development server (auto-reload, DEBUG on) on http://127.0.0.1:$(PORT)/"
	DEBUG=True $(BIN)/honcho -f Procfile.reload start -p $(PORT)

# Waits (in the background) for the site to answer, then says how long it took from the
# start of `make run` (on a fresh clone: the install, migrations and seeding included).
define SAY_WHEN_UP
import sys, time, urllib.request
started, url = float(sys.argv[1]), sys.argv[2]
while time.time() - started < 900:
    try:
        urllib.request.urlopen(url, timeout=2)
    except Exception:
        time.sleep(0.5)
        continue
    print(f"Started: the site answered {time.time() - started:.0f} s after make run began", flush=True)
    break
endef
export SAY_WHEN_UP

## test: the whole suite (PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set): all
## but the browser tests in parallel (pytest-xdist, TEST_WORKERS processes, each with a
## test database of its own), then the browser tests one at a time
TEST_WORKERS ?= auto
test: install node_modules/.installed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser and not measure" $(PYTEST_ARGS) || [ $$? = 5 ]
	$(BIN)/python -m pytest -m "browser and not measure" $(PYTEST_ARGS) || [ $$? = 5 ]

## test-fast: the inner loop: no browser and no slow system test (real servers, faults,
## fuzzing), in parallel
## pow-cost: what the proof of work costs a phone-class CPU in Chromium (quiet, busy)
pow-cost: install
	$(BIN)/python -m pytest -q -s -m measure tests/e2e/test_proof_of_work.py

test-fast: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -q -m "not browser and not slow and not measure" $(PYTEST_ARGS)

## bench: figures for availability, booking rate and the slots endpoint, then the
## dashboard on two years of history (a million bookings), on a database of its own
## (flushed each run): BENCH_DATABASE_URL, SQLite under var/ by default
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bench.sqlite3
bench: install
	mkdir -p var
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=False $(BIN)/python manage.py bench --yes
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=False $(BIN)/python manage.py bench_reports --yes

## bench-national: the dashboard at the national size, 600 offices and 10 million bookings
## (5 million a year for two years), drawn by PostgreSQL on a database of its own; reused
## when seeded at that size, BENCH_ARGS=--reseed to draw it anew (BENCH_OFFICES and
## BENCH_BOOKINGS scale it down: 20 and 100000 take about a minute)
BENCH_NATIONAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/consult_national
BENCH_OFFICES ?= 600
BENCH_BOOKINGS ?= 10000000
bench-national: install
	psql "$(dir $(BENCH_NATIONAL_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_NATIONAL_DATABASE_URL))'" | grep -q 1 \
	  || psql "$(dir $(BENCH_NATIONAL_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(BENCH_NATIONAL_DATABASE_URL))"
	DATABASE_URL=$(BENCH_NATIONAL_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_NATIONAL_DATABASE_URL) DEBUG=False $(BIN)/python manage.py bench_reports --yes \
	  --offices $(BENCH_OFFICES) --bookings $(BENCH_BOOKINGS) $(BENCH_ARGS)

## load: the app under a realistic mix and a 200-client burst, then the database checked
## (PostgreSQL and Redis on 127.0.0.1; the database and Redis db below are flushed)
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/consult_load
LOAD_REDIS_URL ?= redis://127.0.0.1:6379/14
LOAD_SECONDS ?= 60
load: install
	psql "$(dir $(LOAD_DATABASE_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(LOAD_DATABASE_URL))'" | grep -q 1 \
	  || psql "$(dir $(LOAD_DATABASE_URL))postgres" -c "CREATE DATABASE $(notdir $(LOAD_DATABASE_URL))"
	DATABASE_URL=$(LOAD_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(LOAD_DATABASE_URL) REDIS_URL=$(LOAD_REDIS_URL) $(BIN)/python manage.py load --yes --seconds $(LOAD_SECONDS)

## faults: faults injected into the running system (its own PostgreSQL cluster, Redis, SMTP
## and fake Zoom, all on loopback), then what must still hold checked; var/faults/report.txt
faults: install
	$(BIN)/python -m loadtest.faults

## cluster: a fleet on this machine (HAProxy over gunicorn nodes on 127.0.0.2, 127.0.0.3,
## Celery workers per queue and one beat, a PostgreSQL primary with a streaming replica and
## Redis, all its own under var/cluster/), the drills run against it, each printing its
## figure and checks, then everything stopped (Ctrl-C too); var/cluster/report.txt.
## CLUSTER_DRILLS=burst,node,... runs some (loadtest/cluster.py names them)
cluster: install
	$(BIN)/python -m loadtest.cluster

## cluster-stop: ends whatever a killed `make cluster` left running (var/cluster/pids)
cluster-stop:
	$(BIN)/python -c "from loadtest.fleet import stop_leftovers; print(stop_leftovers(), 'ended')"

## fuzz: the long fuzzing run of the JSON API (schemathesis, FUZZ_EXAMPLES per operation)
FUZZ_EXAMPLES ?= 1000
fuzz: install node_modules/.installed
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_api_fuzz.py -q -p no:randomly

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

## messages: regenerate every catalogue under locale/ (the languages of common/languages.py,
## shipped or not) and compile them; tests/test_translations_public.py names what is missing
messages: install
	$(BIN)/python manage.py makemessages $$($(BIN)/python -c "from common.languages import CATALOGUES; print(' '.join('-l ' + lang.locale for lang in CATALOGUES))") --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "node_modules/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

## lock: recompile requirements/*.txt from pyproject.toml (needs `pip install uv`)
lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/main.txt
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf var .pytest_cache
