"""The AlloyWebSite fixture: it installs, type-checks, migrates, seeds, passes its own tests, starts as a
server, and its documents agree with its code (public routes, known bugs, the files the prompt names)."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from evals.fixture import FIXTURE_DIR, PreparedFixture, git, run_npm_script
from evals.node_tests import run_node_tests
from evals.postgres import PostgresCluster
from evals.toolchain import node_env

HARNESS_TESTS = Path(__file__).parent / "fixture"
LIST_ROUTES = Path(__file__).parent.parent / "evals" / "node" / "list-routes.mts"

# Files the Backend Worker prompt tells the agent to read or names as its working area.
PROMPT_FILES = [
    "PROJECT_STANDARDS.md",
    "DEVELOPMENT_MANIFEST.md",
    "BUGS.md",
    ".env",
    "server/index.ts",
    "server/routes.ts",
    "server/db.ts",
    "server/storage.ts",
    "shared/schema.ts",
    "server/replit_integrations/auth/index.ts",
    "package-lock.json",
]


def copy_into(workspace: Path, source: Path, rel: str) -> None:
    """Copies a harness-owned test file into the workspace, as hidden tests are at grading time."""
    target = workspace / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)


def _psql(url_db: str, pg: PostgresCluster, query: str) -> str:
    out = subprocess.run(
        ["psql", "-h", str(pg.socket_dir), "-U", pg.user, "-d", url_db, "-Atc", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_prompt_files_exist_with_their_roles() -> None:
    for rel in PROMPT_FILES:
        assert (FIXTURE_DIR / rel).is_file(), f"fixtures_repo/{rel} is missing"
    standards = (FIXTURE_DIR / "PROJECT_STANDARDS.md").read_text()
    for section in ("## §2 API response patterns", "## §3 Naming conventions", "## §4 Authentication flow"):
        assert section in standards
    env_keys = {
        line.split("=", 1)[0]
        for line in (FIXTURE_DIR / ".env").read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    assert {"DATABASE_URL", "SESSION_SECRET", "MAIL_FROM", "MAIL_PROVIDER_API_KEY"} <= env_keys
    manifest = (FIXTURE_DIR / "DEVELOPMENT_MANIFEST.md").read_text()
    assert "Infrastructure status" in manifest and "Not done" in manifest
    assert not (FIXTURE_DIR / "migrations").exists(), "schema changes go through db:push, not migration files"


def test_lockfile_pins_every_dependency() -> None:
    package = json.loads((FIXTURE_DIR / "package.json").read_text())
    lock = json.loads((FIXTURE_DIR / "package-lock.json").read_text())
    assert lock["lockfileVersion"] >= 3
    declared = {**package["dependencies"], **package["devDependencies"]}
    for name in declared:
        assert f"node_modules/{name}" in lock["packages"], f"{name} is not in package-lock.json"
    # Grading runs hidden tests with these; no task may need a network install.
    for needed in ("supertest", "tsx", "typescript", "drizzle-kit", "pg"):
        assert needed in declared
    assert not {"postgres", "pg-pool", "@neondatabase/serverless", "mysql2"} & set(declared)
    assert len(lock["packages"]) < 300, "keep the dependency set lean"


def test_fixture_size_is_realistic() -> None:
    def lines(pattern: str) -> int:
        return sum(len(p.read_text().splitlines()) for p in FIXTURE_DIR.glob(pattern))

    server_and_shared = lines("server/**/*.ts") + lines("shared/**/*.ts")
    client = lines("client/src/**/*.ts") + lines("client/src/**/*.tsx") + lines("client/src/**/*.css")
    assert 1500 <= server_and_shared <= 3000, server_and_shared
    assert client >= 1000, client


@pytest.mark.slow
def test_prepared_fixture_has_one_base_commit(prepared: PreparedFixture) -> None:
    log = git(["log", "--format=%H"], prepared.app_dir)
    assert log.stdout.split() == [prepared.base_commit()]
    status = git(["status", "--porcelain"], prepared.app_dir)
    assert status.stdout == "", "node_modules and build output must be ignored by the fixture's .gitignore"
    tracked = git(["ls-files"], prepared.app_dir).stdout
    assert ".env" in tracked.split() and "package-lock.json" in tracked.split()


@pytest.mark.slow
def test_typecheck_passes_in_strict_mode(workspace: Path) -> None:
    tsconfig = json.loads((workspace / "tsconfig.json").read_text())
    assert tsconfig["compilerOptions"]["strict"] is True
    out = run_npm_script(workspace, "check", {})
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.slow
def test_schema_push_and_seed(pg: PostgresCluster, seeded_db: str, workspace: Path) -> None:
    tables = _psql("alloy_fixture", pg, "select count(*) from information_schema.tables where table_schema='public'")
    assert int(tables) >= 8
    assert _psql("alloy_fixture", pg, "select count(*) from services") == "6"
    # Pushing and seeding again changes nothing.
    for script in ("db:push", "db:seed"):
        out = run_npm_script(workspace, script, {"DATABASE_URL": seeded_db})
        assert out.returncode == 0, out.stdout + out.stderr
    assert _psql("alloy_fixture", pg, "select count(*) from services") == "6"
    assert _psql("alloy_fixture", pg, "select count(*) from users where role = 'admin'") == "1"
    # Columns are snake_case in the database.
    columns = _psql(
        "alloy_fixture", pg, "select column_name from information_schema.columns where table_schema='public'"
    )
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", column) for column in columns.split())


@pytest.mark.slow
def test_fixture_suite_passes(seeded_db: str, workspace: Path) -> None:
    files = sorted(str(p.relative_to(workspace)) for p in (workspace / "tests").glob("*.test.ts"))
    run = run_node_tests(workspace, files, {"DATABASE_URL": seeded_db})
    assert run.results, f"no test results parsed; runner said:\n{run.stderr[-3000:]}"
    assert not run.failed, "\n\n".join(f"{r.id}\n{r.error}" for r in run.failed)
    assert len(run.results) >= 50
    assert {r.id.split("::")[0] for r in run.results} == set(files), "every test file reports tests"


@pytest.mark.slow
def test_every_listed_bug_reproduces(seeded_db: str, workspace: Path) -> None:
    listed = re.findall(r"^### (BUG-\d{3})\b", (FIXTURE_DIR / "BUGS.md").read_text(), flags=re.M)
    assert len(listed) >= 10 and "BUG-010" in listed
    copy_into(workspace, HARNESS_TESTS / "known-bugs.test.ts", "tests/harness-known-bugs.test.ts")
    run = run_node_tests(workspace, ["tests/harness-known-bugs.test.ts"], {"DATABASE_URL": seeded_db})
    reproduced = {re.search(r"BUG-\d{3}", r.id).group(0) for r in run.results if r.passed}  # type: ignore[union-attr]
    assert reproduced == set(listed), f"not reproduced: {sorted(set(listed) - reproduced)}; " + "\n".join(
        f"{r.id}: {r.error}" for r in run.failed
    )


def _public_routes_in_standards() -> set[tuple[str, str]]:
    text = (FIXTURE_DIR / "PROJECT_STANDARDS.md").read_text()
    section = text.split("### §4.1 Public routes", 1)[1].split("\n## ", 1)[0]
    routes = set(re.findall(r"`(GET|POST|PATCH|PUT|DELETE) (/api/[^`]*)`", section))
    auth_routes = {("POST", "/api/register"), ("POST", "/api/login"), ("POST", "/api/logout"), ("GET", "/api/logout")}
    return routes | auth_routes


@pytest.mark.slow
def test_route_table_matches_the_standards(seeded_db: str, workspace: Path) -> None:
    out = subprocess.run(
        ["node", "--env-file=.env", "--import", "tsx", str(LIST_ROUTES)],
        cwd=workspace,
        env=node_env({"DATABASE_URL": seeded_db, "NODE_ENV": "test"}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    routes = json.loads(out.stdout)
    api = [r for r in routes if r["path"].startswith("/api/")]
    assert len(api) >= 25
    unauthenticated = {(r["method"], r["path"]) for r in api if "isAuthenticated" not in r["handlers"]}
    assert unauthenticated == _public_routes_in_standards()
    admin = [r for r in api if r["path"].startswith("/api/admin/")]
    assert admin and all(r["handlers"][:2] == ["isAuthenticated", "requireAdmin"] for r in admin)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_dev_server_serves_api_and_client(seeded_db: str, workspace: Path) -> None:
    port = _free_port()
    env = node_env({"DATABASE_URL": seeded_db, "PORT": str(port), "HOST": "127.0.0.1"})
    proc = subprocess.Popen(
        ["npm", "run", "dev"],
        cwd=workspace,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
                    health = json.load(response)
                break
            except OSError:
                time.sleep(0.25)
        if health is None:
            proc.kill()
            pytest.fail(f"npm run dev never answered /api/health:\n{proc.communicate()[0].decode()[-3000:]}")
        assert health["success"] is True and health["data"]["status"] == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/portfolio", timeout=30) as response:
            page = response.read().decode()
        assert '<div id="root">' in page and "/src/main.tsx" in page
        # Vite compiles the client's modules on request; a broken import would answer 500 here.
        for module in ("/src/main.tsx", "/src/App.tsx", "/src/pages/admin.tsx"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{module}", timeout=30) as response:
                assert response.status == 200 and "import" in response.read().decode()
    finally:
        subprocess.run(["kill", "--", f"-{proc.pid}"], check=False)
        proc.wait(timeout=10)


@pytest.mark.slow
def test_client_builds(workspace: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        ["npx", "vite", "build", "--outDir", str(tmp_path / "public"), "--emptyOutDir", "--logLevel", "error"],
        cwd=workspace,
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert (tmp_path / "public" / "index.html").is_file()
    assert list((tmp_path / "public" / "assets").glob("*.js"))
