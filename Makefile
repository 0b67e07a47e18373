# Haven: `make run` serves the embedded default on 127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test test-sqlite test-postgres lint translations extract bench clean axe

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-installed

translations: $(VENV)/.run-installed
	$(BIN)/pybabel compile --statistics -d app/translations 2>&1 | grep -v '^$$' || true

run: $(VENV)/.run-installed translations
	$(BIN)/haven db upgrade
	$(BIN)/haven demo
	@echo "Haven is serving http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/gunicorn -c python:app.gunicorn_conf --workers 2 --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: $(VENV)/.test-installed translations
	env -u HAVEN_TEST_DATABASE_URL $(BIN)/pytest -q
	@if [ -n "$$HAVEN_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		$(BIN)/pytest -q; \
	else echo "HAVEN_TEST_DATABASE_URL is not set: PostgreSQL run skipped (CI sets it)"; fi

# axe-core (npm) for the accessibility checks of the browser tests (tests/web/test_axe.py);
# without it those tests are skipped.
AXE := tests/.axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	npm install --silent --no-save --no-audit --no-fund --prefix tests/.axe axe-core@4

lint: $(VENV)/.test-installed
	$(BIN)/ruff check app crypto policies tests bench migrations wsgi.py
	$(BIN)/mypy
	$(BIN)/lint-imports

extract: $(VENV)/.run-installed
	$(BIN)/pybabel extract -F app/babel.cfg -k N_ -k _l -o app/translations/messages.pot app
	$(BIN)/pybabel update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations

bench: $(VENV)/.test-installed
	$(BIN)/python bench/crypto.py
	$(BIN)/python bench/policy_decision.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
