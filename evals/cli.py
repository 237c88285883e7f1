"""The ``alloy-bench`` command line."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

from evals.errors import SetupError


def _cmd_fixture(args: argparse.Namespace) -> int:
    """Prepares the fixture and checks it end to end: install, types, schema, seed, its own tests."""
    import tempfile
    from pathlib import Path

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alloy-bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    fixture = sub.add_parser("fixture", help="prepare the AlloyWebSite fixture and check it end to end")
    fixture.set_defaults(func=_cmd_fixture)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SetupError as error:
        print(f"alloy-bench: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
