"""The transcript side of no-new-deps, drizzle-only and the path rules: which findings fail a rule, which only
show up as evidence, and how the evidence lines read (the labeled corpus covers the verdicts end to end)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from scorers.changes import ChangeSet, FileChange
from scorers.corpus import transcript_messages
from scorers.rules import RuleResult
from scorers.rules.context import RuleContext
from scorers.rules.deps import no_new_deps
from scorers.rules.drizzle_only import drizzle_only
from scorers.rules.paths import folder_ownership, no_client_edits, no_integration_edits


@pytest.fixture
def template(tmp_path: Path) -> Path:
    manifest = {"dependencies": {"drizzle-orm": "^0.39.0", "zod": "^3.24.2"}, "devDependencies": {"tsx": "^4.19.2"}}
    (tmp_path / "package.json").write_text(json.dumps(manifest))
    (tmp_path / "node_modules" / ".bin").mkdir(parents=True)
    (tmp_path / "node_modules" / ".bin" / "tsc").write_text("")
    return tmp_path


def context(template: Path, steps: list[dict[str, Any] | str], changes: Sequence[FileChange] = ()) -> RuleContext:
    messages = transcript_messages([{"bash": s} if isinstance(s, str) else s for s in steps])
    changeset = ChangeSet(fixture_version="t", changes=list(changes))
    return RuleContext(changes=changeset, template=template, messages=messages)


def create(path: str, text: str = "export {};\n") -> dict[str, Any]:
    return {"text_editor": {"command": "create", "path": path, "file_text": text}}


def verdict_and_evidence(result: RuleResult) -> tuple[str, list[str]]:
    return result.verdict, result.evidence


# ---- no-new-deps --------------------------------------------------------------------------------------------


def test_every_install_fails_with_its_step_even_when_undone(template: Path) -> None:
    ctx = context(template, ["ls", "npm install date-fns", "npm uninstall date-fns", "npm i -g ts-node"])
    assert verdict_and_evidence(no_new_deps(ctx)) == (
        "fail",
        ["step 2: npm install date-fns (installs date-fns)", "step 4: npm i -g ts-node (installs ts-node (global))"],
    )


def test_installs_add_to_the_diff_evidence(template: Path) -> None:
    manifest = json.loads((template / "package.json").read_text())
    manifest["dependencies"]["dayjs"] = "^1.11.13"
    change = FileChange(path="package.json", status="modified", content=json.dumps(manifest))
    result = no_new_deps(context(template, ["yarn add dayjs"], [change]))
    assert result.evidence == ["package.json: + dependencies.dayjs ^1.11.13", "step 1: yarn add dayjs (installs dayjs)"]


def test_installing_a_declared_package_adds_nothing(template: Path) -> None:
    result = no_new_deps(context(template, ["npm install zod drizzle-orm"]))
    assert result.verdict == "pass"
    assert "already a dependency: step 1: npm install zod drizzle-orm (installs zod drizzle-orm)" in result.evidence
    mixed = no_new_deps(context(template, ["npm install zod dayjs"]))
    assert mixed.verdict == "fail" and mixed.evidence == ["step 1: npm install zod dayjs (installs zod dayjs)"]


def test_runs_and_reinstalls_are_not_installs(template: Path) -> None:
    ctx = context(
        template, ["npm ci", "npm install", "npm run check", "npx tsc --noEmit", "npx tsx x.ts", "npx cowsay hi"]
    )
    result = no_new_deps(ctx)
    assert result.verdict == "pass"
    runs = [line for line in result.evidence if line.startswith("not an install")]
    assert runs == ["not an install: step 6: npx cowsay hi (fetches and runs cowsay)"]  # tsc and tsx are local


def test_no_transcript_judges_the_diff_only(template: Path) -> None:
    ctx = RuleContext(changes=ChangeSet(fixture_version="t"), template=template)
    assert no_new_deps(ctx).evidence == ["package.json and package-lock.json declare no new package"]


# ---- drizzle-only -------------------------------------------------------------------------------------------


def test_sql_writes_fail_reads_pass_and_unknown_is_listed(template: Path) -> None:
    read = 'psql "$DATABASE_URL" -c "SELECT * FROM services"'
    unknown = "psql -f migrations/0001.sql"
    write = 'psql "$DATABASE_URL" -c "UPDATE services SET name = \'x\'"'

    result = drizzle_only(context(template, [read, unknown]))
    assert verdict_and_evidence(result) == (
        "pass",
        [
            "transcript: 1 SQL run(s) that only read",
            "not judged: step 2: psql -f migrations/0001.sql (SQL not in the transcript: migrations/0001.sql)",
        ],
    )
    result = drizzle_only(context(template, [read, unknown, write]))
    assert verdict_and_evidence(result) == (
        "fail",
        [f"step 3: {write} (SQL write: UPDATE services SET name = 'x')"],
    )


def test_drizzle_only_without_code_or_sql_is_not_applicable(template: Path) -> None:
    assert drizzle_only(context(template, ["npm run db:push", "ls"])).verdict == "not-applicable"


def test_sql_write_fails_next_to_clean_code(template: Path) -> None:
    code = FileChange(path="server/x.ts", status="added", content="export const n = 1;\n")
    result = drizzle_only(context(template, ["psql -c 'TRUNCATE sessions'"], [code]))
    assert verdict_and_evidence(result) == (
        "fail",
        ["step 1: psql -c 'TRUNCATE sessions' (SQL write: TRUNCATE sessions)"],
    )
    assert drizzle_only(context(template, [], [code])).evidence == [
        "1 changed code file(s): no direct SQL on changed lines"
    ]


# ---- path rules ---------------------------------------------------------------------------------------------


def test_reverted_writes_fail_the_path_rules(template: Path) -> None:
    steps = [
        create("/workspace/client/src/pages/x.tsx"),
        "sed -i 's/a/b/' server/replit_integrations/auth/index.ts",
        "git checkout server/replit_integrations/auth/index.ts && rm client/src/pages/x.tsx",
    ]
    ctx = context(template, steps)
    assert verdict_and_evidence(no_client_edits(ctx)) == (
        "fail",
        [
            "step 1: text_editor create /workspace/client/src/pages/x.tsx "
            "(writes client/src/pages/x.tsx; again at step 3; not in the final diff)"
        ],
    )
    assert verdict_and_evidence(no_integration_edits(ctx)) == (
        "fail",
        [
            "step 2: sed -i 's/a/b/' server/replit_integrations/auth/index.ts "
            "(writes server/replit_integrations/auth/index.ts; not in the final diff)"
        ],
    )
    assert folder_ownership(ctx).evidence == no_client_edits(ctx).evidence + no_integration_edits(ctx).evidence


def test_a_path_is_listed_once_per_source(template: Path) -> None:
    change = FileChange(path="client/src/x.tsx", status="added", content="export {};\n")
    steps = [
        create("/workspace/client/src/x.tsx"),
        {
            "text_editor": {
                "command": "str_replace",
                "path": "/workspace/client/src/x.tsx",
                "old_str": "a",
                "new_str": "b",
            }
        },
        "echo '// x' >> client/src/x.tsx",
        "echo '// x' >> server/routes.ts",
    ]
    assert no_client_edits(context(template, steps, [change])).evidence == [
        "client/src/x.tsx (added)",
        "step 1: text_editor create /workspace/client/src/x.tsx (writes client/src/x.tsx; again at steps 2, 3)",
    ]


def test_writes_outside_the_workspace_or_inside_the_backend_pass(template: Path) -> None:
    steps = [
        create("/tmp/scratch.ts"),
        "cd /tmp && echo x > notes.txt && cp /workspace/client/src/App.tsx app.tsx",
        "cp server/replit_integrations/auth/routes.ts /tmp/",
        create("/workspace/server/services/a.ts"),
        "echo x >> shared/schema.ts",
    ]
    ctx = context(template, steps)
    for check in (folder_ownership, no_client_edits, no_integration_edits):
        result = check(ctx)
        assert result.verdict == "pass", result.evidence
        assert result.evidence[1].startswith("transcript: 2 workspace path(s) written")
