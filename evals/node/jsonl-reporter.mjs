// node:test reporter that prints one JSON object per finished test (not per suite):
//   {"nonce": "...", "file": "...", "name": "suite > test", "status": "pass"|"fail"|"skip"|"todo", "duration_ms": n, "error": "..."}
// Test names are the chain of describe/it titles, so they stay stable across runs.

import { readFileSync } from "node:fs";

// A secret the harness writes to our stdin: records carry it, so output printed by the code under test
// (which never sees it: it is read and gone before any test file starts) cannot pass for a result.
const nonce = process.env.ALLOY_NONCE_FROM_STDIN === "1" ? readFileSync(0, "utf8").trim() : "";

const stacks = new Map(); // file -> [names by nesting level]

function pathOf(data) {
  const stack = stacks.get(data.file) ?? [];
  return [...stack.slice(0, data.nesting), data.name].join(" > ");
}

function errorText(error) {
  if (!error) return undefined;
  const cause = error.cause ?? error;
  const text = cause?.stack ?? cause?.message ?? String(cause);
  return String(text).slice(0, 2000);
}

export default async function* jsonlReporter(source) {
  for await (const event of source) {
    const data = event.data ?? {};
    if (event.type === "test:start") {
      const stack = stacks.get(data.file) ?? [];
      stack.length = data.nesting;
      stack.push(data.name);
      stacks.set(data.file, stack);
      continue;
    }
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const details = data.details ?? {};
    if (details.type === "suite") continue;
    // A file that fails to load is reported as a failing "test" named after the file.
    let status = event.type === "test:pass" ? "pass" : "fail";
    if (data.skip !== undefined) status = "skip";
    if (data.todo !== undefined) status = "todo";
    const record = {
      nonce,
      file: data.file ?? null,
      name: pathOf(data),
      status,
      duration_ms: details.duration_ms ?? null,
    };
    if (status === "fail") record.error = errorText(details.error);
    yield `${JSON.stringify(record)}\n`;
  }
}
