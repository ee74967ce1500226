# The two commands of this repository:
#   make demo   run the example playbook twice against the local Scalingo simulator
#   make test   run every test
# Both set up what they need (a virtual environment in .venv) on a fresh machine.

PYTHON ?= python3.11
VENV ?= .venv

.PHONY: demo test venv clean

demo: venv
	VENV=$(VENV) bash scripts/demo.sh

test: venv
	VENV=$(VENV) bash scripts/test.sh

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r tests/requirements.txt
	touch $@

clean:
	rm -rf build tests/output .pytest_cache .hypothesis
