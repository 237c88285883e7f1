"""The ``alloy`` Inspect sandbox provider (registered through the package's ``inspect_ai`` entry point).

Per sample: the prepared fixture as an overlay (root) or a copy (ordinary user), a private PostgreSQL
started from the golden data directory and reachable only over a Unix socket, and a bubblewrap session
with no network running as an unprivileged user. ``inspect sandbox cleanup alloy`` removes what a
crashed run left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
from pathlib import Path
from typing import Any, Literal, overload

from inspect_ai.util import (
    ExecResult,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    sandboxenv,
)
from inspect_ai.util._sandbox.environment import SandboxUserUnsupportedError
from inspect_ai.util._sandbox.limits import SandboxEnvironmentLimits
from pydantic import BaseModel, ConfigDict, model_validator

from evals.fixture import FIXTURE_DIR, PreparedFixture, prepare_fixture
from evals.postgres import find_bindir
from evals.sandbox.bwrap import WORKSPACE, bwrap_binary
from evals.sandbox.golden import ensure_template_owner, golden_pgdata
from evals.sandbox.instance import Instance
from evals.sandbox.layout import Mode, default_mode, stale_samples, teardown_path
from evals.sandbox.limits import Limits
from evals.sandbox.session import SandboxKilledError, SessionClosedError


class AlloySandboxConfig(BaseModel):
    """Settings of the ``alloy`` sandbox (all optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode | None = None
    """``overlay`` (needs root) or ``copy``; default: overlay as root, copy otherwise."""
    uid: int = 1000
    """The unprivileged user the agent runs as when the harness runs as root."""
    fixture: str | None = None
    """The fixture directory (default: the repository's ``fixtures_repo``)."""
    pids: int = Limits.pids
    """At most this many processes and threads in the sandbox (needs root: control groups)."""
    memory_mb: int = Limits.memory_mb
    """Memory of everything the sandbox runs (needs root: control groups)."""
    disk_mb: int = Limits.disk_mb
    """Everything the sample writes, database included (overlay mode: a tmpfs of this size)."""

    @model_validator(mode="after")
    def _limits(self) -> AlloySandboxConfig:
        self.limits()
        return self

    def limits(self) -> Limits:
        return Limits(pids=self.pids, memory_mb=self.memory_mb, disk_mb=self.disk_mb)

    def resolved_mode(self) -> Mode:
        return self.mode or default_mode()

    def agent_uid(self) -> int:
        return self.uid if os.geteuid() == 0 else os.geteuid()

    async def start_instance(self, prepared: PreparedFixture, golden: Path) -> Instance:
        """A fresh sample environment from the prepared fixture and golden database, with these settings."""
        return await Instance.start(prepared.app_dir, golden, self.resolved_mode(), self.agent_uid(), self.limits())


def _config(config: SandboxEnvironmentConfigType | None) -> AlloySandboxConfig:
    if config is None:
        return AlloySandboxConfig()
    if isinstance(config, AlloySandboxConfig):
        return config
    if isinstance(config, BaseModel):
        return AlloySandboxConfig.model_validate(config.model_dump())
    raise ValueError(f"the alloy sandbox takes an AlloySandboxConfig, not {config!r}")


async def prepared_templates(config: AlloySandboxConfig) -> tuple[PreparedFixture, Path]:
    """The prepared fixture and its golden database for the configured fixture (built on first use)."""

    def prepare() -> tuple[PreparedFixture, Path]:
        bwrap_binary()
        find_bindir()
        prepared = prepare_fixture(Path(config.fixture) if config.fixture else FIXTURE_DIR)
        golden = golden_pgdata(prepared)
        ensure_template_owner(prepared, config.agent_uid())
        return prepared, golden

    return await asyncio.to_thread(prepare)


@sandboxenv(name="alloy")
class AlloySandboxEnvironment(SandboxEnvironment):
    """One sample's isolated fixture workspace (at ``/workspace``) with its own database."""

    def __init__(self, instance: Instance, config: AlloySandboxConfig) -> None:
        super().__init__()
        self.instance = instance
        self.config = config
        self._user_names = {str(config.agent_uid())}
        with contextlib.suppress(KeyError):
            self._user_names.add(pwd.getpwuid(config.agent_uid()).pw_name)

    # ---- lifecycle ----------------------------------------------------------------

    @classmethod
    async def task_init(cls, task_name: str, config: SandboxEnvironmentConfigType | None) -> None:
        for path in stale_samples():
            await asyncio.to_thread(teardown_path, path)
        await prepared_templates(_config(config))

    @classmethod
    async def sample_init(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None, metadata: dict[str, str]
    ) -> dict[str, SandboxEnvironment]:
        settings = _config(config)
        prepared, golden = await prepared_templates(settings)
        instance = await settings.start_instance(prepared, golden)
        return {"default": cls(instance, settings)}

    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        for environment in environments.values():
            if isinstance(environment, AlloySandboxEnvironment):
                await environment.instance.close()

    @classmethod
    async def cli_cleanup(cls, id: str | None) -> None:
        for path in stale_samples(key=id):
            await asyncio.to_thread(teardown_path, path)

    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return AlloySandboxConfig(**config)

    @classmethod
    def default_concurrency(cls) -> int | None:
        return max(2, (os.cpu_count() or 2) * 2)

    # ---- operations ---------------------------------------------------------------

    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        if user is not None and user not in self._user_names:
            raise SandboxUserUnsupportedError(f"the alloy sandbox runs commands only as its worker user, not {user!r}")
        data = input.encode() if isinstance(input, str) else input
        try:
            out = await self.instance.session.exec(cmd, input=data, cwd=cwd, env=env, timeout=timeout)
        except SessionClosedError as error:
            from inspect_ai.util._sandbox.environment import SandboxUnavailableError

            if signal_number := await self.instance.session.killed_by():
                raise SandboxKilledError(
                    f"the sandbox was killed from outside (signal {signal_number}); rerun the sample"
                ) from error
            raise SandboxUnavailableError(str(error)) from error  # the agent ended it: it is told, and graded
        if out.timed_out:
            raise TimeoutError(f"command timed out after {timeout} seconds: {cmd[:3]}")
        return ExecResult(
            success=out.returncode == 0,
            returncode=out.returncode,
            stdout=out.stdout.decode("utf-8", errors="replace"),
            stderr=out.stderr.decode("utf-8", errors="replace"),
        )

    async def write_file(self, file: str, contents: str | bytes) -> None:
        data = contents.encode() if isinstance(contents, str) else contents
        await self.instance.session.write(file, data)

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    async def read_file(self, file: str, text: bool = True) -> str | bytes:
        data = await self.instance.session.read(file, max_size=SandboxEnvironmentLimits.MAX_READ_FILE_SIZE)
        return data.decode("utf-8") if text else data

    def default_polling_interval(self) -> float:
        return 0.2

    @property
    def workdir(self) -> str:
        return WORKSPACE
