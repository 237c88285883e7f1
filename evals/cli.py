"""The ``alloy-bench`` command line."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from evals.agents.names import AGENTS, TOOL_TIMEOUT
from evals.errors import SetupError
from scorecards import FORMATS


def _cmd_fixture(args: argparse.Namespace) -> int:
    """Prepares the fixture and checks it end to end: install, types, schema, seed, its own tests."""
    import tempfile

    from evals.fixture import copy_workspace, prepare_fixture, run_npm_script
    from evals.node_tests import run_node_tests
    from evals.postgres import PostgresCluster

    steps: list[tuple[str, bool, float, str]] = []

    def step(name: str, action: Callable[[], tuple[bool, str]]) -> bool:
        start = time.monotonic()
        ok, detail = action()
        steps.append((name, ok, time.monotonic() - start, detail))
        print(f"  {'ok  ' if ok else 'FAIL'} {name:<32} {time.monotonic() - start:6.1f}s  {detail}", flush=True)
        return ok

    print("AlloyWebSite fixture")
    prepared = None

    def prepare() -> tuple[bool, str]:
        nonlocal prepared
        prepared = prepare_fixture()
        return True, f"version {prepared.version} in {prepared.root}"

    step("prepare (copy, npm ci, commit)", prepare)
    assert prepared is not None
    scratch = tempfile.TemporaryDirectory(prefix="alloy-fixture-")
    app = copy_workspace(prepared, Path(scratch.name) / "app")

    def npm(script: str, env: dict[str, str]) -> Callable[[], tuple[bool, str]]:
        def run() -> tuple[bool, str]:
            out = run_npm_script(app, script, env)
            tail = (out.stderr or out.stdout).strip().splitlines()[-1:] if out.returncode else []
            return out.returncode == 0, " ".join(tail)

        return run

    ok = step("typecheck (npm run check)", npm("check", {}))
    with PostgresCluster.temporary() as cluster:
        url = cluster.create_database("alloy")
        env = {"DATABASE_URL": url}
        ok &= step("schema (npm run db:push)", npm("db:push", env))
        ok &= step("seed (npm run db:seed)", npm("db:seed", env))

        def tests() -> tuple[bool, str]:
            files = sorted(str(p.relative_to(app)) for p in (app / "tests").glob("*.test.ts"))
            run = run_node_tests(app, files, env)
            passed = sum(r.passed for r in run.results)
            failed = [r.id for r in run.failed]
            detail = f"{passed}/{len(run.results)} passed" + (f"; failed: {', '.join(failed)}" if failed else "")
            return bool(run.results) and not failed, detail

        ok &= step("fixture tests (node:test)", tests)
    scratch.cleanup()
    print(f"\n{'fixture ready' if ok else 'fixture check FAILED'} in {sum(s[2] for s in steps):.1f}s")
    return 0 if ok else 1


DEFAULT_LOG_DIR = "results/logs"
SCRIPTED_HELP = (
    "a scripted agent (repeatable): oracle (reference solution), noop (does nothing), replay (--replay-dir), "
    "sloppy-preflight (skips the pre-flight reads), sloppy-message (answers errors as { message }), "
    "sloppy-deps (runs npm install for a package it does not need), "
    "attack-* (adversarial agents that try to cheat or break out; the README's security section lists them)"
)


def check_replay_patches(directory: Path, tasks: str) -> None:
    """SetupError for a replay directory that is missing or holds a patch that does not apply to the fixture."""
    from evals.fixture import git, prepare_fixture
    from evals.task_spec import load_tasks

    if not directory.is_dir():
        raise SetupError(f"--replay-dir {directory} is not a directory")
    app = prepare_fixture().app_dir
    for spec in load_tasks(tasks):
        patch = directory / f"{spec.id}.patch"
        if patch.is_file() and patch.read_text().strip():
            out = git(["apply", "--check", str(patch.resolve())], app)
            if out.returncode != 0:
                raise SetupError(
                    f"{patch} does not apply to the fixture ({out.stderr.strip()}); make it with `git diff` "
                    "against the unchanged fixture (fixtures_repo/)"
                )


def _models(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The models to run: --model, else the scripted agent(s) named by --agent, else oracle and noop."""
    if args.model and args.agent:
        raise SetupError("give either --model or --agent, not both")
    if args.model:
        return list(args.model), {}
    agents = args.agent or ["oracle", "noop"]
    model_args = {}
    if "replay" in agents:
        if not args.replay_dir:
            raise SetupError("--agent replay needs --replay-dir DIR (holding <task_id>.patch and <task_id>.report.md)")
        model_args["dir"] = str(Path(args.replay_dir).resolve())
        check_replay_patches(Path(args.replay_dir), args.tasks)
    return [f"scripted/{agent}" for agent in agents], model_args


def _cmd_run(args: argparse.Namespace) -> int:
    """Runs the benchmark as an Inspect eval set and prints the scorecard of this run.

    An eval set makes the log directory resumable: run the same command with the same ``--log-dir`` after an
    interruption and only the unfinished samples run again; a finished directory is left as it is.
    """
    from inspect_ai import eval_set
    from inspect_ai._util.error import PrerequisiteError

    from evals.alloy import alloy_bench
    from scorecards import load, tables
    from scorecards.publish import write

    models, model_args = _models(args)
    log_dir = args.log_dir or time.strftime(f"{DEFAULT_LOG_DIR}/run-%Y%m%d-%H%M%S", time.gmtime())
    task = alloy_bench(prompt=args.prompt, tasks=args.tasks, sandbox=args.sandbox, tool_timeout=args.tool_timeout)
    resume = f"alloy-bench {' '.join(_resume_args(args))} --log-dir {log_dir}"
    _interrupt_on_term()
    try:
        _, logs = eval_set(
            task,
            log_dir=log_dir,
            model=models,
            model_args=model_args,
            epochs=args.epochs,
            max_samples=args.max_samples,
            display=args.display,
            fail_on_error=False,
            retry_attempts=args.retry_attempts,
            retry_wait=1,
            log_buffer=1,  # every finished sample is on disk at once: a killed run loses only unfinished ones
        )
    except KeyboardInterrupt:
        print(f"\ninterrupted; finished samples are kept in {log_dir}; to resume: {resume}", file=sys.stderr)
        return 130
    except PrerequisiteError as exc:  # eval_set refuses a directory holding another run's logs
        raise SetupError(
            f"{log_dir} holds logs of a different run (other agents, tasks, epochs or prompt); give a new --log-dir, "
            "or the same options as that run to resume it"
        ) from exc
    locations = [log.location for log in logs if log.location and log.status != "started"]
    if not locations:
        print(f"\nno finished log; to resume: {resume}", file=sys.stderr)
        return 1
    card = tables.build(load.load(locations))
    print()
    print(write(card, args.format, None), end="")
    print(f"\nlogs: {log_dir}  (inspect view --log-dir {log_dir})")
    if not all(log.status == "success" for log in logs):
        print(f"the run did not finish; to resume: {resume}", file=sys.stderr)
        return 1
    return 0


def _interrupt_on_term() -> None:
    """SIGTERM (a CI job cancelled, ``kill``) and SIGINT stop a run the way Ctrl-C does: finished samples are
    kept and sandboxes torn down. SIGINT is re-armed when the shell started us with it ignored (``cmd &``)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _resume_args(args: argparse.Namespace) -> list[str]:
    """The command line that repeats this run (for the resume hint)."""
    out = ["run"]
    for model in args.model or []:
        out += ["--model", model]
    for agent in args.agent or []:
        out += ["--agent", agent]
    for flag, value, default in (
        ("--replay-dir", args.replay_dir, None),
        ("--tasks", args.tasks, "all"),
        ("--prompt", args.prompt, None),
        ("--epochs", args.epochs, 1),
        ("--sandbox", args.sandbox, "alloy"),
        ("--tool-timeout", args.tool_timeout, TOOL_TIMEOUT),
    ):
        if value != default:
            out += [flag, str(value)]
    return out


def _cmd_scorecard(args: argparse.Namespace) -> int:
    """Writes the scorecard of the Inspect logs in the given files or directories."""
    from scorecards import load, tables
    from scorecards.publish import write

    if args.format == "dataset" and not args.out:
        raise SetupError("--format dataset writes a directory: add --out DIR")
    card = tables.build(load.load(args.paths))
    print(write(card, args.format, Path(args.out) if args.out else None), end="")
    return 0


def _comparison(args: argparse.Namespace) -> dict:
    from scorecards import load
    from scorecards.compare import compare

    return compare(load.load([args.baseline]), load.load([args.candidate]), args.tasks_metric)


def _cmd_compare(args: argparse.Namespace) -> int:
    """Pairs two runs by task and epoch and prints each metric's change with its interval and p-value."""
    import json

    from scorecards.compare_text import render

    comparison = _comparison(args)
    text = json.dumps(comparison, indent=2) + "\n" if args.format == "json" else render(comparison)
    if args.out:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}")
    else:
        print(text, end="")
    return 0


def _cmd_gate(args: argparse.Namespace) -> int:
    """Exits 1 only for a drop larger than --max-drop that is significant at --alpha."""
    import json

    from scorecards.compare import gate

    if not 0 < args.alpha < 1 or args.max_drop < 0:
        raise SetupError("--alpha must be between 0 and 1 and --max-drop at least 0")
    result = gate(_comparison(args), args.metric, args.max_drop, args.alpha)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result.data, indent=2) + "\n")
    print(result.line)
    return 1 if result.failed else 0


def _cmd_validate(args: argparse.Namespace) -> int:
    """Validates the tasks both ways, or (``--scorers``) the graders on their labeled corpora."""
    if args.scorers:
        from scorers.validate import render, validate_scorers

        report = validate_scorers(live=not args.static_only)
        print(render(report), end="")
        return 0 if report.ok else 1
    import asyncio
    import time

    from evals.sandbox.provider import AlloySandboxConfig
    from evals.task_spec import load_tasks
    from scorers.task_validation import render_checks, validate_tasks

    specs = load_tasks(args.tasks)
    started = time.monotonic()
    checks = asyncio.run(validate_tasks(specs, AlloySandboxConfig(), concurrency=args.concurrency))
    print(render_checks(checks, time.monotonic() - started), end="")
    return 0 if all(c.ok for c in checks) else 1


def _cmd_tasks(args: argparse.Namespace) -> int:
    """Lists the tasks with their lock status; records versions or regenerates the README on request."""
    from evals.task_catalog import README_FILE, lock_problems, readme, write_lock
    from evals.task_spec import load_tasks

    specs = load_tasks("all")
    if args.lock:
        write_lock(specs)
    if args.readme:
        README_FILE.write_text(readme(specs))
    for spec in specs:
        print(
            f"{spec.id:<32} v{spec.version:<3} {spec.category:<12} {spec.difficulty:<7} {', '.join(spec.temptations)}"
        )
    problems = lock_problems(specs)
    for problem in problems:
        print(f"  ! {problem}")
    return 1 if problems else 0


def _cmd_export(args: argparse.Namespace) -> int:
    """Writes the task set (no hidden tests, no solutions) as a Hugging Face dataset."""
    from evals.task_catalog import export_dataset
    from evals.task_spec import load_tasks

    specs = load_tasks("all")
    target = export_dataset(specs, Path(args.dir))
    print(f"{len(specs)} tasks written to {target}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """Runs the rule checks on a git checkout's diff."""
    import json

    from scorers.check_repo import as_json, as_text, check_repo

    results = check_repo(Path(args.repo).resolve(), args.base)
    print(
        json.dumps(as_json(results), indent=2) if args.format == "json" else as_text(results),
        end="\n" if args.format == "json" else "",
    )
    return 1 if any(r.verdict == "fail" for r in results.values()) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alloy-bench", description="alloy-bench: rule compliance of coding agents")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the benchmark and print its scorecard")
    who = run.add_argument_group("who works (default: the scripted oracle and noop agents)")
    who.add_argument("--model", action="append", help="an Inspect model, e.g. anthropic/claude-sonnet-4-0 (repeatable)")
    who.add_argument("--agent", action="append", choices=AGENTS, metavar="AGENT", help=SCRIPTED_HELP)
    who.add_argument("--replay-dir", help="for --agent replay: DIR/<task_id>.patch and DIR/<task_id>.report.md")
    run.add_argument("--tasks", default="all", help="task ids, comma-separated, or 'all' (default)")
    run.add_argument("--prompt", help="system prompt file or variant name (default: the baseline)")
    run.add_argument("--epochs", type=int, default=1)
    run.add_argument(
        "--sandbox",
        default="alloy",
        help="the agent's sandbox: alloy (default), docker or k8s (docker:FILE / k8s:FILE for your own config)",
    )
    run.add_argument(
        "--log-dir",
        help=f"the run's eval-set directory (default: a new {DEFAULT_LOG_DIR}/run-<UTC time>); "
        "give an interrupted run's directory to resume it",
    )
    run.add_argument(
        "--tool-timeout", type=int, default=TOOL_TIMEOUT, help="seconds one tool call may take (default %(default)s)"
    )
    run.add_argument("--retry-attempts", type=int, default=3, help="eval-set retries of a failed run (default 3)")
    run.add_argument("--max-samples", type=int, default=None, help="samples run at once")
    run.add_argument("--display", default="plain", choices=("full", "conversation", "rich", "plain", "log", "none"))
    run.add_argument("--format", default="md", choices=("md", "json"))
    run.set_defaults(func=_cmd_run)

    card = sub.add_parser("scorecard", help="scorecard of Inspect logs: CIs, pass^k, rules, breakdowns, figures")
    card.add_argument("paths", nargs="+", help="log files or directories")
    card.add_argument("--format", default="md", choices=FORMATS)
    card.add_argument("--out", help="write here (md: figures beside it; html: self-contained; dataset: a directory)")
    card.set_defaults(func=_cmd_scorecard)

    for name, helptext in (
        ("compare", "pair two runs by task and epoch: each metric's change, paired CI, p-value, rules that moved"),
        ("gate", "fail (exit 1) only on a significant drop larger than --max-drop; for CI on prompt changes"),
    ):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument("baseline", help="log file or directory of the baseline run")
        cmd.add_argument("candidate", help="log file or directory of the candidate run")
        cmd.add_argument("--tasks-metric", default="strict_success", help="metric whose per-task moves are listed")
        if name == "compare":
            cmd.add_argument("--format", default="text", choices=("text", "json"))
            cmd.add_argument("--out", help="write the comparison to this file")
            cmd.set_defaults(func=_cmd_compare)
        else:
            cmd.add_argument("--metric", default="strict_success", help="a scorecard metric or a rule id")
            cmd.add_argument("--max-drop", type=float, default=0.05, help="largest tolerated drop (default 0.05)")
            cmd.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
            cmd.add_argument("--json", default="gate.json", help="where to write the verdict (default gate.json)")
            cmd.set_defaults(func=_cmd_gate)

    validate = sub.add_parser(
        "validate",
        help="validate the tasks (oracle, no-op, reruns, type-check, violations) or, with --scorers, the graders",
    )
    validate.add_argument("--tasks", default="all", help="task ids, comma-separated, or 'all' (default)")
    validate.add_argument("--concurrency", type=int, default=2, help="tasks validated at once (default 2)")
    validate.add_argument(
        "--scorers", action="store_true", help="rule checks and report grader on their labeled corpora"
    )
    validate.add_argument("--static-only", action="store_true", help="skip corpus cases that need live probes")
    validate.set_defaults(func=_cmd_validate)

    check = sub.add_parser("check", help="run the rule checks on a git checkout's diff")
    check.add_argument("--repo", required=True, help="a git checkout (e.g. the fixture after an outside agent)")
    check.add_argument("--base", default="HEAD", help="the commit to diff against (default HEAD)")
    check.add_argument("--format", default="text", choices=("text", "json"))
    check.set_defaults(func=_cmd_check)

    tasks = sub.add_parser("tasks", help="list the tasks; record their versions; regenerate tasks/README.md")
    tasks.add_argument("--lock", action="store_true", help="record every task's version and content hash")
    tasks.add_argument("--readme", action="store_true", help="regenerate tasks/README.md")
    tasks.set_defaults(func=_cmd_tasks)

    export = sub.add_parser("export-dataset", help="write the task set as a Hugging Face dataset (parquet)")
    export.add_argument("dir", help="output directory")
    export.set_defaults(func=_cmd_export)

    fixture = sub.add_parser("fixture", help="prepare the AlloyWebSite fixture and check it end to end")
    fixture.set_defaults(func=_cmd_fixture)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SetupError as error:
        print(f"alloy-bench: {' '.join(str(error).split())}", file=sys.stderr)  # one line, whatever it holds
        return 2


if __name__ == "__main__":
    sys.exit(main())
