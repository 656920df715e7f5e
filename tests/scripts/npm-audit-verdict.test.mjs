// The verdict on `npm audit --json` used by scripts/audit.sh: findings fail, an unreachable
// advisory endpoint is reported as not run (never as passed silently).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "npm-audit-verdict.mjs");
const verdict = (input) => spawnSync(process.execPath, [script], { input, encoding: "utf8" });

test("a high or critical vulnerability fails and is named", () => {
  const r = verdict(JSON.stringify({
    metadata: { vulnerabilities: { low: 1, high: 1, critical: 0, total: 2 } },
    vulnerabilities: { "left-pad": { severity: "high" }, other: { severity: "low" } },
  }));
  assert.equal(r.status, 1);
  assert.match(r.stdout, /1 high or critical/);
  assert.match(r.stdout, /left-pad: high/);
  assert.doesNotMatch(r.stdout, /other/);
});

test("only low and moderate findings pass, with their count", () => {
  const r = verdict(JSON.stringify({ metadata: { vulnerabilities: { low: 2, moderate: 1, total: 3 } } }));
  assert.equal(r.status, 0);
  assert.match(r.stdout, /3 known vulnerabilities, 0 high or critical/);
});

test("an endpoint that did not answer is reported as not run", () => {
  for (const input of [JSON.stringify({ message: "405 Method Not Allowed", error: { summary: "405 Method Not Allowed - POST …" } }), "", "<html>"]) {
    const r = verdict(input);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^NPM AUDIT NOT RUN/);
  }
});
