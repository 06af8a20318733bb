# PaperDesk: `make run` starts the app, `make test` runs the tests. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5003

.PHONY: run test lint format clean mysqlclient

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.dev-installed: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(BIN)/.installed
	$(FLASK) db upgrade
	$(FLASK) ensure-admin
	@echo ""
	@echo "PaperDesk: open http://$(HOST):$(PORT)/"
	@echo "  users register at  http://$(HOST):$(PORT)/auth/register"
	@echo "  admins sign in at  http://$(HOST):$(PORT)/auth/admin-login"
	@echo ""
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production server: gunicorn with gunicorn.conf.py (4 processes x 8 threads by default).
.PHONY: serve
serve: $(BIN)/.installed
	$(FLASK) db upgrade
	$(FLASK) ensure-admin
	PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

# The suite runs on SQLite; with TEST_DATABASE_URL set it runs on that database too.
test: $(BIN)/.dev-installed
	env -u TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on $$TEST_DATABASE_URL"; \
		$(BIN)/pytest $(PYTEST_ARGS); \
	fi

# Optional C driver for MySQL/MariaDB; needs libmariadb-dev, pkg-config and a C compiler.
mysqlclient: $(BIN)/.installed
	$(BIN)/pip install --quiet -r requirements-mysql.txt

lint: $(BIN)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
