"""``alloy-bench validate`` catches a broken task: a reference that does not resolve, and no labeled violation."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from evals.sandbox.provider import AlloySandboxConfig
from evals.task_spec import TASKS_DIR, load_task
from scorers.task_validation import render_checks, validate_task

TRIVIAL_PATCH = """\
diff --git a/server/routes.ts b/server/routes.ts
--- a/server/routes.ts
+++ b/server/routes.ts
@@ -1,3 +1,4 @@
+// Newsletter fixes come later.
 import { createServer, type Server } from "node:http";
 import type { Express } from "express";
 import { z } from "zod";
"""


def test_a_task_whose_reference_does_not_resolve_fails_validation(tmp_path: Path) -> None:
    copy = tmp_path / "newsletter-resubscribe"
    shutil.copytree(TASKS_DIR / "newsletter-resubscribe", copy)
    (copy / "solution" / "patch.diff").write_text(TRIVIAL_PATCH)
    check = asyncio.run(validate_task(load_task(copy), AlloySandboxConfig(), corpus=[]))
    assert not check.ok
    oracle = [p for p in check.problems if p.startswith("oracle: resolved 0")]
    assert len(oracle) == 1, check.problems
    assert "no labeled violation in violations/" in check.problems
    assert not any(p.startswith(("no-op:", "flaky", "reference does not type-check")) for p in check.problems)
    text = render_checks([check], 1.0)
    assert "newsletter-resubscribe" in text and "FAIL" in text and text.endswith("1 task(s), 1 failed, 1s wall\n")
