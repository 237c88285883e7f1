"""Measures the alloy sandbox: per-sample up/down time, one exec's round trip, and a grading run.

    .venv/bin/python benchmarks/sandbox.py [--samples 10]

Prints medians (and min/max) in milliseconds; numbers swing with the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from evals.sandbox.provider import AlloySandboxConfig, prepared_templates
from evals.task_spec import load_tasks
from scorers.changes import ChangeSet
from scorers.grading import run_grading


def _line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{name:<28} median {statistics.median(ms):8.1f} ms   min {min(ms):8.1f}   max {max(ms):8.1f}   n={len(ms)}"


async def main(samples: int, mode: str | None) -> None:
    config = AlloySandboxConfig(mode=mode)  # type: ignore[arg-type]
    prepared, golden = await prepared_templates(config)
    up, down, exec_rt = [], [], []
    for _ in range(samples):
        start = time.perf_counter()
        instance = await config.start_instance(prepared, golden)
        up.append(time.perf_counter() - start)
        for _ in range(10):
            start = time.perf_counter()
            await instance.session.exec(["true"])
            exec_rt.append(time.perf_counter() - start)
        start = time.perf_counter()
        await instance.close()
        down.append(time.perf_counter() - start)
    print(f"alloy sandbox, mode {config.resolved_mode()}, fixture {prepared.version}")
    print(_line("sample up", up))
    print(_line("sample down", down))
    print(_line("exec round trip (true)", exec_rt))
    for spec in load_tasks("all"):
        instance = await config.start_instance(prepared, golden)
        start = time.perf_counter()
        grading = await run_grading(instance, spec, ChangeSet(fixture_version=prepared.version))
        total = time.perf_counter() - start
        await instance.close()
        steps = ", ".join(f"{k} {v:.2f}s" for k, v in grading.seconds.items())
        print(f"grading {spec.id:<24} {total:6.2f} s  ({steps}; {len(grading.tests.results)} tests, base fixture)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--mode", choices=("overlay", "copy"), default=None)
    args = parser.parse_args()
    asyncio.run(main(args.samples, args.mode))
