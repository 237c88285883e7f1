"""The default (alloy) sandbox and the Docker sandbox side by side, in one run:

1. per-sample sandbox up + down through each provider's own ``sample_init`` / ``sample_cleanup`` (what Inspect
   pays per sample), and the resident memory of one idle sample: bubblewrap + exec server + PostgreSQL for
   alloy; the container's processes + its containerd shim for Docker (the engine, dockerd + containerd, is
   shown apart: it is paid once per machine);
2. grading time per sample (host-side and identical for both sandboxes: from the oracle runs' scores);
3. an oracle run through the real agent loop with 1 and 2 concurrent samples for each sandbox: by default the
   three original tasks; ``--all-tasks`` for all of them (about 4 × 15 minutes on 2 cores).

    eval "$(scripts/docker-engine.sh env)"   # an engine with the alloy-bench image
    .venv/bin/python benchmarks/containers.py [--samples 5] [--all-tasks] [--skip-runs]

Prints a table with docker / alloy ratios. Numbers swing with the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TASK_IDS = "consultation-bookings,newsletter-resubscribe,portfolio-images"
REPO = Path(__file__).resolve().parent.parent


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(*roots: int) -> float:
    """Resident memory of ``roots`` and all their descendants, in MB."""
    tree, seen, stack = _children(), set(), [r for r in roots if r]
    while stack:
        pid = stack.pop()
        if pid not in seen:
            seen.add(pid)
            stack += tree.get(pid, [])
    return sum(_rss_kb(pid) for pid in seen) / 1024


def engine_rss_mb() -> float:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() in ("dockerd", "containerd"):
                    pids.append(int(entry))
            except OSError:
                continue
    return sum(_rss_kb(pid) for pid in pids) / 1024


async def alloy_samples(n: int) -> tuple[list[float], list[float], list[float]]:
    from evals.sandbox.provider import AlloySandboxConfig, AlloySandboxEnvironment

    config = AlloySandboxConfig()
    await AlloySandboxEnvironment.task_init("bench", config)
    up, down, rss = [], [], []
    for _ in range(n):
        start = time.perf_counter()
        envs = await AlloySandboxEnvironment.sample_init("bench", config, {})
        up.append(time.perf_counter() - start)
        await envs["default"].exec(["true"])
        instance = envs["default"].instance  # type: ignore[attr-defined]
        pid_file = instance.postgres.data_dir / "postmaster.pid"
        postmaster = int(pid_file.read_text().split()[0]) if pid_file.exists() else 0
        rss.append(tree_rss_mb(instance.session.pid or 0, postmaster))
        start = time.perf_counter()
        await AlloySandboxEnvironment.sample_cleanup("bench", config, envs, False)
        down.append(time.perf_counter() - start)
    return up, down, rss


def _container_pids(project: str) -> list[int]:
    ids = subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={project}"],
                         capture_output=True, text=True).stdout.split()  # fmt: skip
    pids = []
    for cid in ids:
        out = subprocess.run(["docker", "inspect", "-f", "{{.State.Pid}}", cid], capture_output=True, text=True)
        if out.stdout.strip().isdigit():
            pid = int(out.stdout.strip())
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            pids += [pid, ppid]  # the container's init and its containerd shim
    return pids


async def docker_samples(n: int) -> tuple[list[float], list[float], list[float]]:
    from inspect_ai.util._sandbox.docker.docker import DockerSandboxEnvironment

    from evals.containers.image import COMPOSE_FILE

    config = str(COMPOSE_FILE)
    await DockerSandboxEnvironment.task_init("bench", config)
    up, down, rss = [], [], []
    try:
        for _ in range(n):
            start = time.perf_counter()
            envs = await DockerSandboxEnvironment.sample_init("bench", config, {})
            up.append(time.perf_counter() - start)
            await envs["default"].exec(["true"])
            project = envs["default"]._project.name  # type: ignore[attr-defined]
            rss.append(tree_rss_mb(*_container_pids(project)))
            start = time.perf_counter()
            await DockerSandboxEnvironment.sample_cleanup("bench", config, envs, False)
            down.append(time.perf_counter() - start)
    finally:
        await DockerSandboxEnvironment.task_cleanup("bench", config, True)
    return up, down, rss


def oracle_run(sandbox: str, tasks: str, max_samples: int) -> tuple[float, list[float], list[float], float]:
    """Wall seconds, per-sample seconds, grading seconds and mean strict_success of one oracle run."""
    from inspect_ai.log import list_eval_logs, read_eval_log

    with tempfile.TemporaryDirectory(prefix="alloy-bench-containers-") as logs:
        start = time.monotonic()
        out = subprocess.run(
            [str(Path(sys.executable).parent / "alloy-bench"), "run", "--agent", "oracle", "--sandbox", sandbox,
             "--tasks", tasks, "--max-samples", str(max_samples), "--log-dir", logs, "--display", "none"],
            cwd=REPO, capture_output=True, text=True,
        )  # fmt: skip
        wall = time.monotonic() - start
        if out.returncode != 0:
            raise SystemExit(f"oracle run ({sandbox}, {max_samples}) failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
        samples = [s for info in list_eval_logs(logs) for s in read_eval_log(info.name).samples or []]
    scores = [s.scores["alloy_scorer"] for s in samples]
    return (
        wall,
        [s.total_time or 0.0 for s in samples],
        [sc.metadata["grading_seconds"] for sc in scores],  # type: ignore[index]
        statistics.mean(sc.value["strict_success"] for sc in scores),  # type: ignore[index]
    )


def _row(name: str, alloy: float, docker: float, unit: str) -> str:
    ratio = f"{docker / alloy:7.1f}×" if alloy else "      -"
    return f"| {name:<44} | {alloy:10.2f} {unit:<3}| {docker:10.2f} {unit:<3}| {ratio} |"


async def main(samples: int, all_tasks: bool, skip_runs: bool) -> None:
    from evals.containers.image import IMAGE, check_image, image_size
    from evals.fixture import prepare_fixture

    check_image(prepare_fixture())
    a_up, a_down, a_rss = await alloy_samples(samples)
    d_up, d_down, d_rss = await docker_samples(samples)
    med = statistics.median
    rows = [
        _row("sample up (median)", med(a_up), med(d_up), "s"),
        _row("sample down (median)", med(a_down), med(d_down), "s"),
        _row(
            "sample up + down (median)",
            med(x + y for x, y in zip(a_up, a_down, strict=True)),
            med(x + y for x, y in zip(d_up, d_down, strict=True)),
            "s",
        ),  # fmt: skip
        _row("RSS of one idle sample (median)", med(a_rss), med(d_rss), "MB"),
    ]
    tasks = "all" if all_tasks else TASK_IDS
    if not skip_runs:
        for concurrency in (1, 2):
            a_wall, a_each, a_grading, a_ok = oracle_run("alloy", tasks, concurrency)
            d_wall, d_each, d_grading, d_ok = oracle_run("docker", tasks, concurrency)
            assert a_ok == d_ok == 1.0, f"oracle strict_success: alloy {a_ok}, docker {d_ok}"
            n = len(a_each)
            rows += [
                _row(f"oracle run, {n} tasks, {concurrency} at a time: wall", a_wall, d_wall, "s"),
                _row(f"  per sample (median), {concurrency} at a time", med(a_each), med(d_each), "s"),
                _row(f"  grading per sample (median), {concurrency} at a time", med(a_grading), med(d_grading), "s"),
            ]
    print(f"\n{samples} samples per sandbox for up/down; image {IMAGE} {image_size() / 1e6:.0f} MB; "
          f"engine (dockerd + containerd, once per machine) {engine_rss_mb():.0f} MB RSS")  # fmt: skip
    print(f"| {'':<44} | {'alloy':>14} | {'docker':>14} | docker/alloy |")
    print(f"|{'-' * 46}|{'-' * 16}|{'-' * 16}|--------------|")
    print("\n".join(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="alloy vs docker sandbox, side by side")
    parser.add_argument("--samples", type=int, default=5, help="sandboxes started per provider (default 5)")
    parser.add_argument("--all-tasks", action="store_true", help="oracle runs over all tasks (default: three)")
    parser.add_argument("--skip-runs", action="store_true", help="only up/down and memory, no oracle runs")
    args = parser.parse_args()
    asyncio.run(main(args.samples, args.all_tasks, args.skip_runs))
