"""The pre-flight process score: which of the seven files were read before the first edit, in what order."""

from __future__ import annotations

from scorers.corpus import transcript_messages
from scorers.process import preflight


def test_partial_credit_order_and_first_edit() -> None:
    messages = transcript_messages(
        [
            {"text_editor": {"command": "view", "path": "/workspace/PROJECT_STANDARDS.md"}},
            {"bash": "cd /workspace && sed -n 1,80p server/index.ts"},
            {"text_editor": {"command": "create", "path": "/workspace/server/x.ts", "file_text": "export {};\n"}},
            {"bash": "cat /workspace/.env"},
        ]
    )
    process = preflight(messages)
    assert process.first_edit is not None and process.first_edit[0] == 3
    assert process.order == ["PROJECT_STANDARDS.md", "server/index.ts", ".env"]
    assert process.fraction == 2 / 7
    assert not process.passed
    evidence = process.evidence()
    assert ".env: read at step 4 (after the first edit)" in evidence
    assert "server/db.ts: never read" in evidence
    assert evidence[-1] == "read order: PROJECT_STANDARDS.md, server/index.ts, .env; 29% read before the first edit"


def test_all_read_without_any_edit_is_full_credit() -> None:
    files = ["PROJECT_STANDARDS.md", "DEVELOPMENT_MANIFEST.md", "server/index.ts", "server/routes.ts",
             "server/db.ts", "shared/schema.ts", ".env"]  # fmt: skip
    process = preflight(transcript_messages([{"bash": f"cat /workspace/{f}"} for f in reversed(files)]))
    assert process.passed and process.fraction == 1.0 and process.first_edit is None
    assert process.order == list(reversed(files))
