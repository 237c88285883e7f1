"""The harness's end of a sandbox session: one bubblewrap process running the exec server, spoken to over
an inherited socket (nothing in the sandbox's file system that the agent could remove or replace)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno as errno_codes
import itertools
import json
import os
import signal
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evals.errors import SetupError

SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class SessionClosedError(RuntimeError):
    """The sandbox process is gone (crashed, killed, or torn down)."""


class SandboxKilledError(RuntimeError):
    """The sandbox was killed from outside (a signal to bubblewrap itself): an infrastructure error. From
    inside, an agent can end only the exec server (bubblewrap is PID 1 of its namespace and ignores its
    signals), after which bubblewrap exits normally."""


@dataclass(frozen=True)
class ExecOutput:
    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool = False
    truncated: bool = False


_ERRNO_EXCEPTIONS: dict[str, type[OSError]] = {
    "ENOENT": FileNotFoundError,
    "EISDIR": IsADirectoryError,
    "EACCES": PermissionError,
    "EPERM": PermissionError,
    "EROFS": PermissionError,
    "ENOTDIR": NotADirectoryError,
    "EEXIST": FileExistsError,
}


class Session:
    """A running sandbox. Start with :meth:`start`; every call is safe to make from one event loop."""

    def __init__(self, argv: Sequence[str]) -> None:
        self._argv = list(argv)
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._listener: asyncio.Task[None] | None = None
        self._stderr = b""

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self, timeout: float = 30) -> Session:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            fd = str(child.fileno())
            self._process = await asyncio.create_subprocess_exec(
                *(arg.replace("{channel_fd}", fd) for arg in self._argv),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                pass_fds=(child.fileno(),),
                start_new_session=True,
                # bubblewrap is PID 1 of the sandbox and its /proc/1/environ is readable there: it gets nothing
                # of the harness's environment (API keys), only a PATH to find its helpers.
                env={"PATH": SYSTEM_PATH},
                cwd="/",
            )
        except FileNotFoundError as error:
            parent.close()
            raise SetupError(f"could not start the sandbox ({self._argv[0]}): {error}") from error
        finally:
            child.close()
        self._reader, self._writer = await asyncio.open_unix_connection(sock=parent, limit=2**31 - 1)
        try:
            hello = await asyncio.wait_for(self._reader.readline(), timeout)
        except TimeoutError:
            hello = b""
        if not hello:
            stderr = await self._drain_stderr()
            await self.kill()
            raise SetupError(f"the sandbox did not start: {stderr.strip() or 'no output'}")
        self._listener = asyncio.create_task(self._listen())
        return self

    async def _drain_stderr(self) -> str:
        if self._process and self._process.stderr:
            with contextlib.suppress(TimeoutError):
                self._stderr += await asyncio.wait_for(self._process.stderr.read(), 2)
        return self._stderr.decode(errors="replace")[-2000:]

    async def _listen(self) -> None:
        assert self._reader is not None
        try:
            while line := await self._reader.readline():
                message = json.loads(line)
                future = self._pending.pop(message.get("id"), None)
                if future is not None and not future.done():
                    future.set_result(message)
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(SessionClosedError("the sandbox stopped"))
            self._pending.clear()

    async def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        if self._writer is None or self._listener is None or self._listener.done():
            raise SessionClosedError("the sandbox is not running")
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self._writer.write(json.dumps({**request, "id": request_id}).encode() + b"\n")
        await self._writer.drain()
        return await future

    async def exec(
        self,
        cmd: Sequence[str],
        *,
        input: bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> ExecOutput:
        """Runs a command inside the sandbox; a timeout kills the command's process group."""
        request: dict[str, Any] = {"op": "exec", "cmd": list(cmd), "cwd": cwd, "env": env or {}, "timeout": timeout}
        if input:
            request["input"] = base64.b64encode(input).decode()
        reply = await self._call(request)
        return ExecOutput(
            returncode=int(reply["code"]),
            stdout=base64.b64decode(reply.get("stdout", "")),
            stderr=base64.b64decode(reply.get("stderr", "")),
            timed_out=bool(reply.get("timed_out")),
            truncated=bool(reply.get("truncated")),
        )

    async def _fs(self, request: dict[str, Any]) -> dict[str, Any]:
        reply = await self._call(request)
        if code := reply.get("errno"):
            message = reply.get("message", code)
            if code == "EFBIG":
                from inspect_ai.util import OutputLimitExceededError

                raise OutputLimitExceededError(limit_str=str(request.get("max_size")), truncated_output=None)
            exc = _ERRNO_EXCEPTIONS.get(code, OSError)
            raise exc(getattr(errno_codes, code, errno_codes.EIO), message, request.get("path"))
        return reply

    async def read(self, path: str, max_size: int | None = None) -> bytes:
        reply = await self._fs({"op": "read", "path": path, "max_size": max_size})
        return base64.b64decode(reply["data"])

    async def write(self, path: str, data: bytes, mode: int | None = None) -> None:
        await self._fs({"op": "write", "path": path, "data": base64.b64encode(data).decode(), "mode": mode})

    async def symlink(self, path: str, target: str) -> None:
        await self._fs({"op": "symlink", "path": path, "target": target})

    async def remove(self, path: str) -> None:
        await self._fs({"op": "remove", "path": path})

    async def killed_by(self, wait: float = 2) -> int | None:
        """The signal that killed bubblewrap, or None (still running, or it exited on its own)."""
        if self._process is None:
            return None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._process.wait(), wait)
        code = self._process.returncode
        return -code if code is not None and code < 0 else None

    async def kill(self) -> None:
        """Ends the sandbox and everything in it (its PID namespace dies with the exec server)."""
        if self._writer is not None:
            self._writer.close()
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            await self._process.wait()
        if self._listener is not None:
            await asyncio.gather(self._listener, return_exceptions=True)
