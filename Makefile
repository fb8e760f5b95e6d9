# Zhengcai 政采 — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
HOST ?= 127.0.0.1:8000
WORKERS ?= 4
# the app server: several workers, static files through WhiteNoise (collected first), logs on the console
GUNICORN := $(VENV)/bin/gunicorn zhengcai.wsgi:application --bind $(HOST) --workers $(WORKERS) --timeout 120 \
	--access-logfile - --error-logfile -

.PHONY: install demo serve test test-pg browser-deps lint bench clean-demo

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

# The server (gunicorn, as `make serve`) starts in the background with one task worker (`db_worker`: large
# exports) and the periodic-job loop (`run_periodic --loop`; production uses cron or a systemd timer, README),
# the budget platform simulator pushes its year of indicators to it over HTTP (signed; a second `make demo`
# only gets "duplicate" acknowledgements), then the server stays in the foreground until Ctrl-C stops all three.
demo: install
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_demo
	@$(GUNICORN) & pid=$$!; \
	$(PY) manage.py db_worker --no-reload --queue-name '*' & wpid=$$!; \
	$(PY) manage.py run_periodic --loop & ppid=$$!; \
	stop() { kill $$pid $$wpid $$ppid 2>/dev/null; wait $$pid $$wpid $$ppid 2>/dev/null; }; \
	trap 'stop; exit 0' INT TERM; \
	if ! $(PY) manage.py simulate_budget_platform --url http://$(HOST) --wait 60; then stop; exit 1; fi; \
	$(PY) manage.py load_demo --projects; \
	echo "政采已启动： http://$(HOST)/  （Ctrl-C 停止；演示账号见上表，密码均为 Zc@123456）"; \
	wait $$pid; stop

# Production-style run: DEBUG off (DJANGO_DEBUG=1 only for development), gunicorn with $(WORKERS) workers.
# Behind an HTTPS reverse proxy set ZHENGCAI_HTTPS=1 and DJANGO_ALLOWED_HOSTS (see README).
serve: install
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(GUNICORN)

browser-deps:
	scripts/ensure_browser.sh

test: install browser-deps
	mkdir -p var
	scripts/run_tests.sh

test-pg: install browser-deps
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} scripts/run_tests.sh

lint: install
	$(VENV)/bin/ruff check .


# 1,000,000 projects on PostgreSQL (BENCH_DATABASE_URL, default a zhengcai_bench database on the local server)
bench: install
	$(PY) bench/run.py

clean-demo:
	rm -f var/zhengcai.sqlite3 var/zhengcai.sqlite3-wal var/zhengcai.sqlite3-shm
