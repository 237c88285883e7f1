"""Live probes: the agent's final app, started in the grading sandbox, asked over HTTP how it behaves.

For every route the agent added (not in the base fixture's route table) or changed (its path is registered
on a changed line): without a session it must answer ``401 { error: "Unauthorized" }`` unless the task
or the base fixture makes it public (``auth-required``); with an admin session and a body no object schema
accepts (``[1, 2, 3]``), it must not crash (5xx: ``zod-validation``) and a 4xx must carry ``error``
(``error-format``); a valid call (the task's examples, or a GET without parameters) must answer
``{ success: true, data }`` (``success-format``). When the app cannot be started the probed rules are
``unscored`` with the reason, never silently passed.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.fixture import PreparedFixture
from evals.sandbox.instance import Instance
from evals.task_spec import TaskSpec
from evals.toolchain import node_env
from scorers.changes import ChangeSet

NODE_DIR = Path(__file__).resolve().parent.parent / "evals" / "node"
PROBE_PATH = "/tmp/.alloy-grading/probe.mts"
PROBED_RULES = ("auth-required", "error-format", "success-format", "zod-validation")
PROBE_TIMEOUT = 120


@dataclass
class ProbeReport:
    routes: list[dict[str, Any]] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    probes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    error: str | None = None


@dataclass
class ProbeFindings:
    fails: list[str] = field(default_factory=list)
    checked: int = 0
    unscored: str | None = None


def base_routes(prepared: PreparedFixture) -> list[dict[str, Any]]:
    """The base fixture's route table (cached per fixture version); needs no database connection."""
    cache = prepared.root / "routes.json"
    if cache.is_file():
        return json.loads(cache.read_text())
    out = subprocess.run(
        ["node", "--import", "tsx", str(NODE_DIR / "list-routes.mts")],
        cwd=prepared.app_dir,
        env=node_env({"NODE_ENV": "test", "DATABASE_URL": "postgresql://nobody@/none?host=/nonexistent",
                      "SESSION_SECRET": "route-listing"}),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"could not list the base fixture's routes: {out.stderr[-2000:]}")
    routes = json.loads(out.stdout.strip().splitlines()[-1])
    cache.write_text(json.dumps(routes))
    return routes


def changed_route_paths(changes: ChangeSet, template: Path) -> list[str]:
    """Full paths of the routes registered on lines the agent added or changed (static route table), so that
    the probe also calls changed pre-existing routes; new routes it finds by itself in the running app."""
    from scorers.rules.auth_required import changed_routes
    from scorers.rules.context import RuleContext

    ctx = RuleContext(changes=changes, template=template)
    return sorted({path for entry in changed_routes(ctx) if entry.prefixes is not None for path in entry.paths})


def _key(route: dict[str, Any]) -> str:
    return f"{route['method']} {route['path']}"


def public_routes(spec: TaskSpec | None, base: list[dict[str, Any]]) -> list[str]:
    """Routes allowed without a session: the task's, and the base fixture's own unauthenticated routes."""
    own = [_key(r) for r in base if "isAuthenticated" not in r["handlers"]]
    return sorted(set(own) | set(spec.rules.public_routes if spec else []))


PROBE_DATABASE = "alloy_probe"


def probe_database_url(name: str = PROBE_DATABASE) -> str:
    """The URL of the probes' own database as seen from inside the sandbox."""
    from evals.postgres import ROLE
    from evals.sandbox.bwrap import PG_SOCKET

    return f"postgresql://{ROLE}@/{name}?host={PG_SOCKET}"


async def run_probes(
    instance: Instance,
    spec: TaskSpec | None,
    base: list[dict[str, Any]],
    changed_paths: list[str],
    database_url: str | None = None,
) -> ProbeReport:
    """Runs the probe script in the grading sandbox and reads its report. With ``database_url`` the app under
    probe uses that database (the probes' own copy, so that their writes never meet the hidden tests)."""
    nonce = secrets.token_hex(16)
    await instance.session.write(PROBE_PATH, (NODE_DIR / "probe.mts").read_bytes())
    request = {
        "nonce": nonce,
        "base_routes": [_key(r) for r in base],
        "changed_paths": changed_paths,
        "public_routes": public_routes(spec, base),
        "examples": [e.model_dump(exclude_none=True) for e in spec.rules.examples] if spec else [],
    }
    out = await instance.session.exec(
        ["node", "--env-file=.env", "--import", "tsx", PROBE_PATH],
        input=json.dumps(request).encode(),
        env={"NODE_ENV": "test", **({"DATABASE_URL": database_url} if database_url else {})},
        timeout=PROBE_TIMEOUT,
    )  # fmt: skip
    for line in out.stdout.decode(errors="replace").splitlines():
        if line.startswith(nonce + " "):
            data = json.loads(line[len(nonce) + 1 :])
            return ProbeReport(
                routes=data.get("routes", []),
                targets=data.get("targets", []),
                probes=stable(data.get("probes", {})),
                error=data.get("error"),
            )
    reason = "timed out" if out.timed_out else f"exit {out.returncode}"
    return ProbeReport(error=f"the probe produced no report ({reason}): {out.stderr.decode(errors='replace')[-600:]}")


_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)?")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)


def stable(value: Any) -> Any:
    """The probes' exchanges with clock times and random ids masked, so that re-grading a log gives the same
    score metadata (rows the probes create carry ``now()`` and ``gen_random_uuid()``)."""
    if isinstance(value, str):
        return _UUID.sub("<uuid>", _TIMESTAMP.sub("<time>", value))
    if isinstance(value, list):
        return [stable(v) for v in value]
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items()}
    return value


def _show(exchange: dict[str, Any]) -> str:
    body = json.dumps(exchange.get("body"))[:160]
    return f"{exchange['request']} → {exchange.get('status')} {body}"


def findings(report: ProbeReport, base: list[dict[str, Any]]) -> dict[str, ProbeFindings]:
    """What the probes say about each probed rule.

    Authentication and crashes are judged on every added or changed route; the shape of error and success
    bodies only on routes the agent added, since a changed pre-existing route may still answer through
    fixture code the agent did not touch (BUG-010's ``{ message }`` lines), which the static checks judge.
    """
    existing = {_key(r) for r in base}
    result = {rule: ProbeFindings() for rule in PROBED_RULES}
    if report.error is not None:
        for rule in PROBED_RULES:
            result[rule].unscored = f"live probe could not run: {report.error}"
        return result
    for route, exchanges in sorted(report.probes.items()):
        added = route not in existing
        unauthenticated = exchanges.get("unauthenticated")
        if unauthenticated is not None:
            result["auth-required"].checked += 1
            if unauthenticated.get("status") != 401 or unauthenticated.get("body") != {"error": "Unauthorized"}:
                result["auth-required"].fails.append(
                    f'{_show(unauthenticated)} (expected 401 {{"error": "Unauthorized"}})'
                )
        malformed = exchanges.get("malformed")
        if malformed is not None and malformed.get("status") is not None:
            status, body = malformed["status"], malformed.get("body")
            result["zod-validation"].checked += 1
            if status >= 500:
                result["zod-validation"].fails.append(f"{_show(malformed)} (invalid input reached the handler)")
            elif 400 <= status < 500 and added:
                result["error-format"].checked += 1
                if not (isinstance(body, dict) and isinstance(body.get("error"), str)):
                    result["error-format"].fails.append(f"{_show(malformed)} (error body without 'error')")
        valid = exchanges.get("valid")
        if added and valid is not None and valid.get("status") is not None and 200 <= valid["status"] < 300:
            body = valid.get("body")
            if isinstance(body, (dict, list)):
                result["success-format"].checked += 1
                if not (isinstance(body, dict) and body.get("success") is True and "data" in body):
                    result["success-format"].fails.append(f"{_show(valid)} (success without {{ success: true, data }})")
    return result
