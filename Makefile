.PHONY: bench test test-docker setup

# Set up, then run the benchmark (scripted oracle and no-op agents; MODEL=provider/model for a real one),
# print its scorecard and publish it as results/scorecard.md (+ figures) and results/scorecard.html.
bench: setup
	.venv/bin/alloy-bench run $(if $(MODEL),--model $(MODEL),)
	.venv/bin/alloy-bench scorecard results/logs --format md --out results/scorecard.md
	.venv/bin/alloy-bench scorecard results/logs --format html --out results/scorecard.html

# Set up, then run the whole test suite.
test:
	bash scripts/setup.sh --test
	.venv/bin/pytest -q --durations=10

setup:
	bash scripts/setup.sh

# The Docker sandbox against the default one, on the engine of scripts/docker-engine.sh start.
test-docker:
	eval "$$(scripts/docker-engine.sh env)" && ALLOY_REQUIRE_DOCKER=1 .venv/bin/pytest -q -s -m docker
