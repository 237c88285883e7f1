"""The alloy sandbox: isolation (no network, no harness files, unprivileged), its own database, exec
semantics, cleanup after crashes, and clear errors when a prerequisite is missing."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from evals.errors import SetupError
from evals.fixture import REPO_ROOT
from evals.sandbox import bwrap, layout
from evals.sandbox.instance import Instance
from evals.sandbox.layout import process_running
from evals.sandbox.provider import AlloySandboxConfig, AlloySandboxEnvironment, prepared_templates

pytestmark = pytest.mark.slow


def _mounted(path: Path) -> bool:
    return any(line.split()[1] == str(path) for line in Path("/proc/mounts").read_text().splitlines())


async def _start(mode: layout.Mode | None = None) -> Instance:
    config = AlloySandboxConfig(mode=mode)
    prepared, golden = await prepared_templates(config)
    return await config.start_instance(prepared, golden)


@pytest.fixture
async def instance() -> AsyncIterator[Instance]:
    started = await _start()
    yield started
    await started.close()


async def _sh(instance: Instance, command: str, timeout: float = 30) -> tuple[int, str]:
    out = await instance.session.exec(["bash", "-c", command], timeout=timeout)
    return out.returncode, (out.stdout + out.stderr).decode(errors="replace")


async def test_runs_unprivileged_in_the_workspace_with_its_own_database(instance: Instance) -> None:
    code, out = await _sh(instance, "id -u; pwd; psql -Atc 'select count(*) from services'; git log --oneline | wc -l")
    assert code == 0, out
    uid, cwd, services, commits = out.split()
    assert uid != "0" and cwd == "/workspace" and services == "6" and commits == "1"


async def test_harness_files_are_not_visible(instance: Instance) -> None:
    hidden = next((REPO_ROOT / "tasks").glob("*/tests/*.test.ts"))
    code, out = await _sh(
        instance,
        f"cat {hidden} 2>&1; ls {REPO_ROOT} 2>&1; ls /root 2>&1; ls / ; "
        "find / -xdev \\( -name 'task.yaml' -o -name 'patch.diff' \\) 2>/dev/null | head -3",
    )
    assert "No such file or directory" in out
    assert "task.yaml" not in out and "patch.diff" not in out
    assert hidden.read_text()[:200] not in out
    assert "tasks" not in out.split()


async def test_no_network(instance: Instance) -> None:
    code, out = await _sh(
        instance,
        "ip -o link | awk '{print $2}'; getent hosts registry.npmjs.org || echo NO-DNS; "
        "node -e \"fetch('https://registry.npmjs.org')"
        ".then(()=>console.log('REACHED')).catch(()=>console.log('NO-NET'))\"; "
        "timeout 20 npm view left-pad version >/dev/null 2>&1 && echo NPM-OK || echo NPM-FAILED",
        timeout=60,
    )
    assert out.split()[0] == "lo:" and "NO-DNS" in out and "NO-NET" in out and "NPM-FAILED" in out
    assert "REACHED" not in out and "NPM-OK" not in out


async def test_cannot_write_outside_its_directories(instance: Instance) -> None:
    code, out = await _sh(instance, "touch /usr/x /etc/x /opt/x 2>&1; echo ok > /tmp/x && echo > /var/tmp/y && echo W")
    assert out.count("Read-only file system") + out.count("Permission denied") + out.count("No such file") >= 3
    assert out.strip().endswith("W")


async def test_background_processes_outlive_their_command(instance: Instance) -> None:
    code, out = await _sh(instance, "node -e \"require('http').createServer((q,s)=>s.end('up')).listen(4321)\" &")
    assert code == 0
    code, out = await _sh(
        instance, "sleep 0.5; node -e \"fetch('http://127.0.0.1:4321').then(r=>r.text()).then(console.log)\""
    )
    assert out.strip() == "up"


async def test_exec_semantics(instance: Instance) -> None:
    out = await instance.session.exec(["cat"], input=b"\x00\xffbinary")
    assert out.stdout == b"\x00\xffbinary"
    out = await instance.session.exec(["sleep", "10"], timeout=1)
    assert out.timed_out
    out = await instance.session.exec(["no-such-program"])
    assert out.returncode == 127
    out = await instance.session.exec(["pwd"], cwd="server", env={"X": "1"})
    assert out.stdout.decode().strip() == "/workspace/server"
    with pytest.raises(FileNotFoundError):
        await instance.session.read("/workspace/nope.txt")
    with pytest.raises(IsADirectoryError):
        await instance.session.read("/workspace/server")
    with pytest.raises(PermissionError):
        await instance.session.write("/usr/local/x", b"x")


async def test_template_is_untouched_by_the_agent(instance: Instance) -> None:
    prepared, _ = await prepared_templates(AlloySandboxConfig())
    before = (prepared.app_dir / "server" / "db.ts").read_bytes()
    code, out = await _sh(
        instance,
        "echo '// agent' >> server/db.ts && rm -rf node_modules/zod && npm run check >/dev/null 2>&1; echo done",
    )
    assert (prepared.app_dir / "server" / "db.ts").read_bytes() == before
    assert (prepared.app_dir / "node_modules" / "zod" / "package.json").is_file()


async def test_close_removes_processes_mounts_and_files() -> None:
    started = await _start()
    path, pid = started.sample.path, started.session.pid
    postmaster = int((started.sample.pg_data / "postmaster.pid").read_text().split()[0])
    await started.close()
    assert not path.exists()
    assert not _mounted(path / "workspace") and not _mounted(path / "pg" / "data")
    assert not process_running(pid) and not process_running(postmaster)


async def test_copy_mode_is_equally_isolated() -> None:
    started = await _start(mode="copy")
    try:
        code, out = await _sh(started, "id -u; psql -Atc 'select 1'; ls /root 2>&1 | head -1")
        assert out.split()[:2] == [str(AlloySandboxConfig().agent_uid()), "1"] and "No such file" in out
        assert not _mounted(started.sample.workspace)
    finally:
        await started.close()


def test_cli_cleanup_removes_what_a_killed_harness_left(tmp_path: Path) -> None:
    # A harness process that creates a sandbox and is killed before it can clean up.
    script = (
        "import asyncio, os, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from tests.test_sandbox import _start\n"
        "async def main():\n"
        "    inst = await _start()\n"
        "    print(inst.sample.path, flush=True)\n"
        "    os.kill(os.getpid(), 9)\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run(
        [str(Path(os.sys.executable)), "-c", script, str(REPO_ROOT)], capture_output=True, text=True, timeout=120
    )
    path = Path(out.stdout.strip())
    assert path.is_dir(), out.stderr
    state = json.loads((path / "state.json").read_text())
    assert _mounted(path / "workspace")
    cleanup = subprocess.run(
        [str(Path(os.sys.executable).parent / "inspect"), "sandbox", "cleanup", "alloy", path.name],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cleanup.returncode == 0, cleanup.stderr
    assert not path.exists() and not _mounted(path / "workspace")
    assert state["session_pid"] and not process_running(state["session_pid"])


def test_missing_bubblewrap_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    bwrap.bwrap_binary.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        with pytest.raises(SetupError, match="bubblewrap.*apt-get install bubblewrap"):
            bwrap.bwrap_binary()
    finally:
        bwrap.bwrap_binary.cache_clear()


def test_missing_postgres_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from evals import postgres

    monkeypatch.delenv("ALLOY_PG_BINDIR", raising=False)
    monkeypatch.setattr(postgres.shutil, "which", lambda name: None)
    monkeypatch.setattr(postgres.glob, "glob", lambda pattern: [])
    with pytest.raises(SetupError, match="initdb, pg_ctl, postgres.*apt-get install postgresql"):
        postgres.find_bindir()


def test_missing_node_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from evals import toolchain

    toolchain.require_node.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        with pytest.raises(SetupError, match="node and npm not found.*Node.js 20.12"):
            toolchain.require_node()
    finally:
        toolchain.require_node.cache_clear()


def test_sandbox_is_registered_with_inspect() -> None:
    from inspect_ai.util._sandbox.registry import registry_find_sandboxenv

    assert registry_find_sandboxenv("alloy") is AlloySandboxEnvironment
    assert AlloySandboxEnvironment.config_deserialize({"mode": "copy"}) == AlloySandboxConfig(mode="copy")


def test_concurrent_instances_are_separate() -> None:
    async def main() -> list[str]:
        instances = await asyncio.gather(*(_start() for _ in range(3)))
        try:
            outs = await asyncio.gather(
                *(
                    _sh(
                        i,
                        f'echo {n} > /tmp/mine; psql -Atc "insert into services (slug, name, category, summary, '
                        f"description) values ('s{n}', 'S', 'design', 'summary text', 'd') returning slug\"",
                    )
                    for n, i in enumerate(instances)
                )
            )
            return [o for _, o in outs] + [
                (await _sh(i, "cat /tmp/mine; psql -Atc \"select count(*) from services where slug like 's_'\""))[1]
                for i in instances
            ]
        finally:
            await asyncio.gather(*(i.close() for i in instances))

    outs = asyncio.run(main())
    assert [o.split() for o in outs[3:]] == [["0", "1"], ["1", "1"], ["2", "1"]]
