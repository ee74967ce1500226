# The two commands of this repository:
#   make demo   run the example playbook twice against the local Scalingo simulator
#   make test   run every test and quality gate
# Both set up what they need (virtual environments in .venv, .venv-3.12, .venv-3.13 and .venv-2.17) on a fresh
# machine.

# The virtual environments are independent: they are made side by side.
MAKEFLAGS += --jobs=4

VENV ?= .venv
VENV312 ?= .venv-3.12
VENV_OLDEST ?= .venv-2.17
VENV313 ?= .venv-3.13

.PHONY: demo test docs benchmark clean

demo: $(VENV)/.installed
	VENV=$(VENV) bash scripts/demo.sh

test: $(VENV)/.installed $(VENV312)/.installed $(VENV313)/.installed $(VENV_OLDEST)/.installed
	VENV=$(VENV) VENV312=$(VENV312) VENV313=$(VENV313) VENV_OLDEST=$(VENV_OLDEST) bash scripts/test.sh

# Side-by-side timing against ansible.builtin.uri; see docs/performance.md.
benchmark: $(VENV)/.installed
	bash scripts/install-collection.sh $(VENV)
	$(VENV)/bin/python scripts/benchmark.py $(BENCHMARK_ARGS)
	$(VENV)/bin/python -m pytest tests/benchmark

docs: $(VENV312)/.installed
	bash scripts/install-collection.sh $(VENV312)
	bash scripts/docs.sh $(VENV312)

# Python 3.11 with ansible-core 2.19: the demo and the tests.
$(VENV)/.installed: requirements.txt tests/requirements.txt
	bash scripts/venv.sh 3.11 $(VENV) tests/requirements.txt

# Python 3.12 with ansible-core 2.21: the tests again, and the quality gates.
$(VENV312)/.installed: requirements.txt tests/requirements.txt tests/requirements-gates.txt
	bash scripts/venv.sh 3.12 $(VENV312) tests/requirements-gates.txt

# Python 3.13 with ansible-core 2.21, the newest line on the newest Python here: the tests again.
$(VENV313)/.installed: requirements.txt tests/requirements.txt
	bash scripts/venv.sh 3.13 $(VENV313) tests/requirements.txt

# Python 3.10 with ansible-core 2.17, the oldest line meta/runtime.yml claims: the tests again.
$(VENV_OLDEST)/.installed: requirements.txt tests/requirements.txt
	bash scripts/venv.sh 3.10 $(VENV_OLDEST) tests/requirements.txt

clean:
	rm -rf build tests/output .pytest_cache .hypothesis
