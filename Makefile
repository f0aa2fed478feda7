# The two set-up commands of the README. Both work on a fresh machine (Python 3.10–3.12, pip, venv).
#   make app   install repcheck and open the analyzer notebook in JupyterLab
#   make test  install what the tests need (venv, test extras, Debian chromium) and run the whole suite
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8888

.PHONY: app voila test install install-test lint

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	    || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "warning: chromium missing and not root; browser tests will be skipped"; fi; }

# JupyterLab on the analyzer notebook. Headless machines: open the printed URL through a tunnel,
# or use `make voila`, or the CLI (`.venv/bin/repcheck analyze VIDEO --exercise plank`).
app: install
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) $(if $(filter root,$(shell whoami)),--allow-root) \
	  notebooks/01_analyze_a_set.ipynb

voila: install
	$(BIN)/voila --port=$(PORT) --no-browser notebooks/01_analyze_a_set.ipynb

test: install-test
	$(BIN)/ruff check repcheck tests benchmarks
	$(BIN)/python -m pytest -ra

lint: install-test
	$(BIN)/ruff check repcheck tests benchmarks
