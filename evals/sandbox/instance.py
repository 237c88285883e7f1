"""A running sample environment: its directories, its PostgreSQL server and its confined session.

Used by the Inspect sandbox provider for the agent, and by the grader for a fresh environment of its own.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from evals.postgres import PostgresCluster, server_uid
from evals.sandbox.bwrap import bwrap_argv, check_user_namespaces, install_exec_server, sandbox_env
from evals.sandbox.golden import DATABASE
from evals.sandbox.layout import Mode, SampleDir, run_root
from evals.sandbox.limits import Limits, create_groups, join_command
from evals.sandbox.session import Session


@dataclass
class Instance:
    sample: SampleDir
    postgres: PostgresCluster
    session: Session

    @classmethod
    async def start(
        cls, app_template: Path, pg_template: Path, mode: Mode, uid: int, limits: Limits | None = None
    ) -> Instance:
        """Creates the sample's directories, starts its database and its confined session (within ``limits``)."""
        limits = limits or Limits()
        root = run_root()
        if mode == "copy":
            check_user_namespaces()
        exec_server = install_exec_server(root)
        sample = await asyncio.to_thread(
            SampleDir.create, app_template, pg_template, uid, server_uid(), mode, root, limits.disk_mb
        )
        try:
            sample.state.cgroups = await asyncio.to_thread(create_groups, sample.state.key, limits)
            sample.save()
            postgres = PostgresCluster(root=sample.pg_root)
            await asyncio.to_thread(postgres.start)
            argv = bwrap_argv(
                workspace=sample.workspace,
                tmp=sample.tmp,
                var_tmp=sample.var_tmp,
                pg_socket=sample.pg_socket,
                exec_server=exec_server,
                env=sandbox_env(DATABASE),
                uid=uid if os.geteuid() == 0 else None,
            )
            session = await Session(join_command(sample.state.cgroups, argv)).start()
            sample.state.session_pid = session.pid
            sample.save()
        except BaseException:
            await asyncio.to_thread(sample.teardown)
            raise
        return cls(sample, postgres, session)

    async def stop_session(self) -> None:
        """Ends every process in the sandbox; files and the database stay."""
        await self.session.kill()

    async def close(self) -> None:
        """Ends the session, stops PostgreSQL, unmounts and deletes the sample's directories."""
        await self.session.kill()
        await asyncio.to_thread(self.sample.teardown)
