.PHONY: bench test setup

# Set up, then run the main job and print its report.
bench: setup
	.venv/bin/alloy-bench fixture

# Set up, then run the whole test suite.
test: setup
	.venv/bin/pytest -q

setup:
	bash scripts/setup.sh
