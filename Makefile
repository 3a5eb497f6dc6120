# The development commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
SHARED ?= ../shared
TABLES := $(SHARED)/reference/tables

.PHONY: run serve rankings test system messages lint bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(NODE_STAMP)

# The front-end packages (htmx, and axe-core for the accessibility tests), exactly as
# package-lock.json pins them, with the machine's Node.js (Debian's nodejs and npm when
# missing). Served as static files from node_modules: nothing is fetched at run time.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { $(APT_INSTALL) nodejs npm \
	    || { $(SUDO) apt-get update -q && $(APT_INSTALL) nodejs npm; }; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The English interface: the .po catalogues compiled into the .mo files Django reads (built,
# never committed; docs/i18n.md). msgfmt comes from Debian's gettext, installed when missing.
PO_FILES := $(wildcard src/portal/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

messages: $(MO_FILES)
# compilemessages loads the settings, which refuse production mode without a secret key.
messages: export DTI_DEBUG := 1

$(MO_FILES): %.mo: %.po $(STAMP)
	@command -v msgfmt >/dev/null || { $(APT_INSTALL) gettext \
	    || { $(SUDO) apt-get update -q && $(APT_INSTALL) gettext; }; }
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	touch $@

PORT ?= 8000

# The portal with the demo province: migrate, load the demo once (it prints the logins), serve,
# with the task worker beside the server (reports and exports are made by it: docs/tasks.md).
# In development mode: DTI_DEBUG is off unless asked for, as production needs (docs/security.md).
run: export DTI_DEBUG := 1
run: $(STAMP) $(NODE_STAMP) messages
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py load_demo --tables $(TABLES)
	$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production stack on this machine: gunicorn, DEBUG off, static files collected under
# hashed names, the task worker beside it, no demo (scripts/serve; a server puts Caddy in
# front: docs/deployment.md).
serve: $(STAMP) $(NODE_STAMP) messages
	DTI_BIND=127.0.0.1:$(PORT) scripts/serve

# The scoring core alone: the Bình Định 2023 rankings computed from the printed tables.
rankings: $(STAMP)
	$(BIN)/dti score examples/binhdinh-2023.yaml $(TABLES)/binhdinh-2023/bang-1-tong-the-cap-so.tsv --level so
	$(BIN)/dti score examples/binhdinh-2023.yaml $(TABLES)/binhdinh-2023/bang-2-tong-the-cap-huyen.tsv --level huyen

# Everything on SQLite, then the portal's tests again on a throwaway PostgreSQL 15
# (scripts/with-postgres), with the saves benchmark's measure of the audit trail's head,
# which only PostgreSQL takes. Both runs always happen; the target fails if either failed.
HEAD_MEASURE := tests/bench/test_bench_saves_smoke.py::test_each_save_is_timed_holding_the_audit_trails_head_on_postgresql
test: system $(STAMP) $(NODE_STAMP) messages
	status=0; \
	$(BIN)/pytest -n auto || status=1; \
	scripts/with-postgres $(BIN)/pytest -n auto tests/portal $(HEAD_MEASURE) -p no:cacheprovider || status=1; \
	exit $$status

# What the tests need from Debian (Caddy and systemd-analyze for docs/deployment.md;
# PostgreSQL 15, Chromium for the browser tests, fonts with Vietnamese glyphs, gettext's
# msgfmt for the messages, Pango for the PDFs rendered from HTML), installed with apt-get
# only when missing: as root, or through sudo.
SYSTEM_PACKAGES := caddy systemd postgresql-15 chromium chromium-driver fonts-liberation2 fonts-noto-core gettext libreoffice-writer-nogui poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends

system:
	@missing=$$(for package in $(SYSTEM_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$package 2>/dev/null | grep -q 'ok installed' \
	    || echo $$package; done); \
	if [ -n "$$missing" ]; then \
	    echo "Installing" $$missing; \
	    $(APT_INSTALL) $$missing || { $(SUDO) apt-get update -q && $(APT_INSTALL) $$missing; }; \
	fi

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench deploy
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/lint-imports
	$(BIN)/mypy --strict src
# mypy checks the portal too: its Django plugin loads the settings, which refuse production
# mode without a secret key.
lint: export DTI_DEBUG := 1

bench: $(STAMP)
	$(BIN)/python bench/bench_engine.py --out docs/performance.md
	$(BIN)/python bench/bench_robustness.py --out docs/performance-robustness.md
	$(BIN)/python bench/bench_reports.py --out docs/performance-reports.md
	$(BIN)/python bench/bench_ledger.py --out docs/performance-ledger.md
	$(BIN)/python bench/bench_public.py --out docs/performance-public.md
	$(BIN)/python bench/bench_writes.py --out docs/performance-writes.md
	scripts/with-postgres --durable $(BIN)/python bench/bench_writes.py --postgres --out docs/performance-writes-postgresql.md
	$(BIN)/python bench/bench_saves.py --out docs/performance-saves.md
	scripts/with-postgres --durable $(BIN)/python bench/bench_saves.py --postgres --out docs/performance-saves-postgresql.md
	$(BIN)/python bench/bench_login.py --out docs/performance-login.md
	scripts/with-postgres --durable $(BIN)/python bench/bench_login.py --postgres --out docs/performance-login-postgresql.md
	$(BIN)/python bench/bench_load.py --out docs/performance-load.md
	scripts/with-postgres --durable $(BIN)/python bench/bench_load.py --postgres --out docs/performance-load-postgresql.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
