.PHONY: bench test setup

# Set up, then run the benchmark (scripted oracle and no-op agents; MODEL=provider/model for a real one)
# and print its scorecard.
bench: setup
	.venv/bin/alloy-bench run $(if $(MODEL),--model $(MODEL),)

# Set up, then run the whole test suite.
test:
	bash scripts/setup.sh --test
	.venv/bin/pytest -q

setup:
	bash scripts/setup.sh
