"""Measures how long logs take to become a scorecard: 1,000 samples (4 runs × 50 tasks × 5 epochs) of real
Inspect log files, loaded through ``inspect_ai.analysis``, tabulated, drawn and written as Markdown, HTML and
JSON; and the paired comparison of two of the runs.

    .venv/bin/python benchmarks/scorecard.py [--samples 1000] [--repeats 3]

Prints each step's median seconds over the repeats and the total (target: under 10 s for 1,000 samples).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from scorecards import load, tables
from scorecards.compare import compare
from scorecards.publish import write
from scorecards.synthetic import random_samples, write_log

RUNS = 4
EPOCHS = 5


def main(samples: int, repeats: int) -> None:
    tasks = max(1, samples // (RUNS * EPOCHS))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for run in range(RUNS):
            write_log(
                root / "logs" / f"run{run}.eval",
                f"prov/model-{run}",
                random_samples(tasks, EPOCHS, seed=run, p_violation=0.1 + 0.1 * run),
                epochs=EPOCHS,
            )
        print(f"{RUNS * tasks * EPOCHS} samples: {RUNS} runs × {tasks} tasks × {EPOCHS} epochs")
        steps: dict[str, list[float]] = {}

        def timed(name: str, action):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            value = action()
            steps.setdefault(name, []).append(time.perf_counter() - start)
            return value

        for _ in range(repeats):
            results = timed("load (inspect_ai.analysis)", lambda: load.load([root / "logs"]))
            card = timed("tables + statistics", lambda: tables.build(results))  # noqa: B023
            timed("markdown + 3 figures", lambda: write(card, "md", root / "out" / "card.md"))  # noqa: B023
            timed("html (figures embedded)", lambda: write(card, "html", root / "out" / "card.html"))  # noqa: B023
            timed("json", lambda: write(card, "json", root / "out" / "card.json"))  # noqa: B023
            timed("compare two runs (load + pair)",
                  lambda: compare(load.load([root / "logs" / "run0.eval"]), load.load([root / "logs" / "run1.eval"])))  # fmt: skip  # noqa: E501
        scorecard_steps = [name for name in steps if not name.startswith("compare")]
        for name, values in steps.items():
            print(f"  {name:<34} {statistics.median(values):6.2f} s")
        total = sum(statistics.median(steps[name]) for name in scorecard_steps)
        print(f"  {'scorecard total (md + html + json)':<34} {total:6.2f} s   (target < 10 s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    main(args.samples, args.repeats)
