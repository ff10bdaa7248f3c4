# Quick start: `make run` serves the app (PORT=8502 make run if 8501 is taken); `make test`
# runs every check and test. Both create (or reuse) .venv and install the pinned
# dependencies: `make run` only what the app needs, `make test` the test tools as well.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
APP_STAMP := $(VENV)/.app-stamp
PORT ?= 8501

.PHONY: run test quick install install-app db admin lint typecheck pytest bench clean

# The app's own dependencies; the test tools come with `make test`.
$(APP_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(APP_STAMP)

# Everything, test tools included (ruff, mypy, pytest, Playwright, pypdf).
$(STAMP): $(APP_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Translations: each model/locale/<lang>/LC_MESSAGES/fomento.po compiles to its .mo
# (docs/glossary.md; babel.cfg says how to extract new messages).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard model/locale/*/LC_MESSAGES/fomento.po))

model/locale/%/LC_MESSAGES/fomento.mo: model/locale/%/LC_MESSAGES/fomento.po $(APP_STAMP)
	$(BIN)/python -m model.formatting.i18n $< $@

# The project's own modules byte-compiled, as pip does for the packages it installs: a
# command then starts without compiling ~60 modules (0.05 s of `fomento allocate` on a
# small scenario, bench/README.md), also where PYTHONDONTWRITEBYTECODE is set. Up-to-date
# files are skipped; a stale one is simply compiled again when imported.
COMPILE := $(BIN)/python -m compileall -q model pages app.py

install: $(STAMP) $(MO_FILES)
	@$(COMPILE)

install-app: $(APP_STAMP) $(MO_FILES)
	@$(COMPILE)

db: install-app
	$(BIN)/fomento db upgrade
	$(BIN)/fomento db seed

run: db
	@echo "Fomento on http://127.0.0.1:$(PORT) (Ctrl-C stops it; PORT=8502 make run for another port)"
	$(BIN)/streamlit run app.py --server.headless true --server.address 127.0.0.1 --server.port $(PORT)

# The first admin account turns on sign-in (asks for a password): make admin ADMIN=ana
ADMIN ?= admin
admin: db
	$(BIN)/fomento users create-admin --username $(ADMIN)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy model pages app.py bench tests

pytest: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck pytest

# A quick local check (about a tenth of the property-test examples, no browser tests):
# lint, then pytest on the Hypothesis "dev" profile (tests/profiles.py). Not a substitute
# for `make test`, which CI runs with the full "ci" counts.
quick: lint
	FOMENTO_HYPOTHESIS=dev $(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/allocator.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
