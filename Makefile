.PHONY: bench test test-docker test-long setup

# Set up, then run the benchmark (scripted oracle and no-op agents; MODEL=provider/model for a real one),
# print its scorecard and publish it as results/scorecard.md (+ figures) and results/scorecard.html.
# LOGS=DIR resumes an interrupted run in DIR.
ifndef LOGS
LOGS := results/logs/bench-$(shell date -u +%Y%m%d-%H%M%S)
endif
bench: setup
	.venv/bin/alloy-bench run --log-dir $(LOGS) $(if $(MODEL),--model $(MODEL),)
	.venv/bin/alloy-bench scorecard $(LOGS) --format md --out results/scorecard.md
	.venv/bin/alloy-bench scorecard $(LOGS) --format html --out results/scorecard.html

# Set up, then run the whole test suite.
test:
	bash scripts/setup.sh --test
	.venv/bin/pytest -q --durations=10

setup:
	bash scripts/setup.sh

# The Docker sandbox against the default one, on the engine of scripts/docker-engine.sh start.
test-docker:
	eval "$$(scripts/docker-engine.sh env)" && ALLOY_REQUIRE_DOCKER=1 .venv/bin/pytest -q -s -m docker

# The long checks (hours on 2 cores): the oracle's hidden tests pass ten epochs out of ten on every task.
# ALLOY_LONG_TASKS=a,b runs some tasks only.
test-long:
	ALLOY_LONG=1 .venv/bin/pytest -q -m long
