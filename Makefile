# The two commands of the README: `make demo` and `make test`. Both install what they need into
# .venv and .cache on first use (Python >= 3.12 and the PyPI registry are all they need).
SHELL := /bin/bash
STAMP := .venv/.bootstrapped

.PHONY: demo test unit integration localaws sanity lint molecule compat release-check bench bootstrap clean

$(STAMP): requirements.txt test-requirements.txt scripts/bootstrap.sh
	@scripts/bootstrap.sh

bootstrap: $(STAMP)

demo: $(STAMP)
	@scripts/demo.sh

test: $(STAMP)
	@scripts/test.sh all

unit integration localaws sanity lint molecule compat release-check: $(STAMP)
	@scripts/test.sh $@

bench: $(STAMP)
	@PYTHONPATH=tests/localaws .venv/bin/python tests/benchmark/bench.py

clean:
	rm -rf .venv .cache .ansible .pytest_cache tests/output
