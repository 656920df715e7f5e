// Static checks of the front end: catalogues complete, every key used exists, no raw HTML.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fr from "../../ui/i18n/fr.js";
import en from "../../ui/i18n/en.js";
import { frenchTypographyProblems, firstOfMonthProblems } from "./typography.mjs";

const ui = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "ui");
const sources = readdirSync(path.join(ui, "js"), { recursive: true }).map(String).filter((f) => f.endsWith(".js"))
  .map((f) => ({ file: f, text: readFileSync(path.join(ui, "js", f), "utf8") }));

test("fr and en catalogues have the same keys and no empty string", () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort());
  for (const [k, v] of [...Object.entries(fr), ...Object.entries(en)]) {
    assert.ok(typeof v === "string" && v.trim().length > 0, `empty value for ${k}`);
  }
});

test("the French catalogue follows French typography (no-break spaces, « 1er »)", () => {
  const problems = [];
  for (const [k, v] of Object.entries(fr)) {
    for (const p of [...frenchTypographyProblems(v), ...firstOfMonthProblems(v)]) problems.push(`${k}: ${p}`);
  }
  assert.deepEqual(problems, []);
});

test("the typography checks catch what they are for", () => {
  assert.equal(frenchTypographyProblems("Statut : brouillon").length, 1);
  assert.equal(frenchTypographyProblems("Statut: brouillon").length, 1);
  assert.equal(frenchTypographyProblems("Vraiment ?").length, 1);
  assert.equal(frenchTypographyProblems("Vraiment?").length, 1);
  assert.equal(frenchTypographyProblems("« Mobilités »").length, 2);
  assert.deepEqual(frenchTypographyProblems("Statut\u00a0: «\u00a0Mobilités\u00a0»\u00a0; 14:02, https://exemple.fr\u202f?"), []);
  assert.equal(firstOfMonthProblems("du 1 janvier 2024 au 31 décembre 2030").length, 1);
  assert.deepEqual(firstOfMonthProblems("du 1er janvier 2024, le 11 mai, le 21 juin"), []);
});

test("English text uses English quotation marks", () => {
  const bad = Object.entries(en).filter(([, v]) => /[«»]/.test(v)).map(([k]) => k);
  assert.deepEqual(bad, []);
});

test("placeholders match between languages", () => {
  const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const k of Object.keys(fr)) assert.deepEqual(vars(en[k]), vars(fr[k]), k);
});

test("every literal key passed to t() exists", () => {
  const missing = [];
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/\bt\(\s*"([\w.]+)"/g)) if (!(m[1] in fr)) missing.push(`${file}: ${m[1]}`);
  }
  assert.deepEqual(missing, []);
});

test("every enumerated code has a label in both languages", async () => {
  // The lists are generated from the Rust enums (`cargo test` writes bindings/codes.js).
  const codes = await import(path.join(ui, "bindings", "codes.js"));
  assert.ok(Object.keys(codes).length >= 18, Object.keys(codes).join(", "));
  // Where the catalogue's keys are not the enum's name in snake case; and the one list the
  // interface never labels (the kinds of records a note links to).
  const prefix = { EvidenceKind: "evidence", AssessmentStatus: "grid.status", SectionKey: "section" };
  const unlabelled = ["NoteRecordKind"];
  for (const [name, list] of Object.entries(codes)) {
    if (unlabelled.includes(name)) continue;
    const kind = prefix[name] ?? name.replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase();
    // The generated TypeScript union agrees with the list.
    const ts = readFileSync(path.join(ui, "bindings", `${name}.ts`), "utf8");
    const union = ts.match(/export type \w+ = ([^;]+);/)[1];
    assert.deepEqual([...union.matchAll(/"(\w+)"/g)].map((m) => m[1]), [...list], name);
    for (const code of list) assert.ok(`${kind}.${code}` in fr && `${kind}.${code}` in en, `${kind}.${code}`);
  }
  // No module writes a list of codes of its own.
  for (const { file, text } of sources) {
    for (const [name, list] of Object.entries(codes)) {
      if (list.length < 3) continue;
      const literal = list.map((c) => `"${c}"`).join(", ");
      assert.ok(!text.includes(literal), `${file} writes the codes of ${name}: import them from bindings/codes.js`);
    }
  }
});

test("every kind of record has its name and its « of … » phrase in both languages", async () => {
  // The kinds come from the record descriptors (`cargo test` writes bindings/kinds.js): their
  // names are merged into the catalogues by i18n.js; the phrase the Journal's sentences use
  // (« de l'acteur « X » ») is the catalogue's, one per kind, never a generic fallback.
  const { KINDS, KIND_LABELS } = await import(path.join(ui, "bindings", "kinds.js"));
  const tables = Object.keys(KIND_LABELS.fr);
  assert.ok(tables.length >= 29, tables.join(", "));
  assert.deepEqual(Object.keys(KIND_LABELS.en), tables);
  for (const k of KINDS) assert.ok(tables.includes(k), k);
  for (const table of tables) {
    assert.ok(KIND_LABELS.fr[table] && KIND_LABELS.en[table], table);
    assert.ok(`history.of.${table}` in fr && `history.of.${table}` in en, `history.of.${table}`);
    assert.ok(!(`history.kind.${table}` in fr), `history.kind.${table} comes from the descriptors, not fr.js`);
  }
  // No module writes the list of kinds of its own.
  for (const { file, text } of sources) {
    assert.ok(!text.includes(KINDS.slice(0, 3).map((k) => `"${k}"`).join(", ")), `${file} lists the kinds: import them from bindings/kinds.js`);
  }
});

test("every monde, engagement level and link nature has its colours", async () => {
  // A code added to one of these enums needs its colours as much as its labels: the map and
  // the chips would otherwise draw it in no colour at all.
  const codes = await import(path.join(ui, "bindings", "codes.js"));
  const css = readFileSync(path.join(ui, "css", "app.css"), "utf8");
  const map = readFileSync(path.join(ui, "js", "screens", "network", "network.js"), "utf8");
  const block = (name) => map.slice(map.indexOf(`const ${name} = {`), map.indexOf("};", map.indexOf(`const ${name} = {`)));
  const missing = [];
  for (const code of codes.World) {
    if (!css.includes(`.world-${code} {`)) missing.push(`app.css .world-${code}`);
    if (!new RegExp(`\\b${code}: "#[0-9a-f]{6}"`).test(block("WORLD_COLOURS"))) missing.push(`WORLD_COLOURS.${code}`);
  }
  for (const code of codes.Engagement) if (!css.includes(`.engagement-${code} {`)) missing.push(`app.css .engagement-${code}`);
  for (const code of codes.LinkNature) {
    if (!css.includes(`.nature-line-${code} {`)) missing.push(`app.css .nature-line-${code}`);
    if (!new RegExp(`\\b${code}: \\{ colour: "#`).test(block("NATURE_STYLES"))) missing.push(`NATURE_STYLES.${code}`);
  }
  assert.deepEqual(missing, []);
});

test("modules are laid out by screen, and no import goes round in a circle", () => {
  assert.ok(sources.length >= 25, `${sources.length} modules`);
  const known = new Set(sources.map((x) => x.file));
  /** @type {Map<string, string[]>} */
  const imports = new Map();
  for (const { file, text } of sources) {
    assert.match(file, /^(app\.js|core[\/\\][a-z0-9]+\.js|screens[\/\\][a-z]+[\/\\][a-z]+\.js)$/, `${file}: in core/ or screens/<screen>/`);
    const targets = [...text.matchAll(/^import [^;]*? from "(\.[^"]+\.js)";/gms)]
      .map((m) => path.normalize(path.join(path.dirname(file), m[1])))
      .filter((f) => known.has(f));
    imports.set(file, targets);
    // The shared modules never reach up into a screen.
    if (file.startsWith("core")) assert.deepEqual(targets.filter((t) => !t.startsWith("core")), [], `${file} imports a screen`);
  }
  // Depth-first search for a cycle.
  const state = new Map();
  const visit = (f, trail) => {
    if (state.get(f) === "done") return;
    assert.notEqual(state.get(f), "open", `import cycle: ${[...trail, f].join(" → ")}`);
    state.set(f, "open");
    for (const t of imports.get(f) ?? []) visit(t, [...trail, f]);
    state.set(f, "done");
  };
  for (const f of imports.keys()) visit(f, []);
});

test("the UI never builds HTML from strings and calls Rust from one module only", () => {
  for (const { file, text } of sources) {
    assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, file);
    if (file !== path.join("core", "ipc.js")) assert.doesNotMatch(text, /__TAURI__|invoke\(/, `${file} must go through core/ipc.js`);
  }
});

test("every problem an import finds has its message in both languages", () => {
  // The exchange folder, all its files: where the codes are listed and where they are used.
  const folder = path.resolve(ui, "..", "src-tauri", "core", "src", "exchange");
  const text = readdirSync(folder).filter((f) => f.endsWith(".rs")).map((f) => readFileSync(path.join(folder, f), "utf8")).join("\n");
  const list = text.match(/pub const PROBLEM_CODES: &\[&str\] = &\[([^\]]*)\]/);
  assert.ok(list, "PROBLEM_CODES not found in core/src/exchange/");
  const codes = [...list[1].matchAll(/"([a-z_.]+)"/g)].map((m) => m[1]);
  assert.ok(codes.length >= 15, `${codes.length} codes`);
  const used = [...text.matchAll(/Said::new\(\s*"([a-z_.]+)"/g)].map((m) => m[1]);
  assert.deepEqual(used.filter((c) => !codes.includes(c)), [], "codes used but not listed in PROBLEM_CODES");
  const missing = codes.filter((c) => !(`import_problem.${c}` in en && `import_problem.${c}` in fr));
  assert.deepEqual(missing, []);
  // The fields an import fills: named in both languages, the French name the core's own.
  const columns = [...text.matchAll(/col\(\s*"([a-z_]+)",\s*"([^"]+)"/g)];
  assert.ok(columns.length >= 30, `${columns.length} columns`);
  for (const [, key, label] of columns) {
    assert.ok(`exchange.field.${key}` in en, `exchange.field.${key} (en)`);
    assert.equal(fr[`exchange.field.${key}`], label, `exchange.field.${key} (fr)`);
  }
});

test("every error kind of the core and every error of the shell has its English message", () => {
  const src = path.resolve(ui, "..", "src-tauri");
  const errors = readFileSync(path.join(src, "core", "src", "shared", "error.rs"), "utf8");
  const kinds = [...errors.matchAll(/CoreError::\w+(?: \{ \.\. \}|\(_\))? => "([a-z_]+)"/g)].map((m) => m[1]);
  assert.ok(kinds.length >= 15, `${kinds.length} kinds found`);
  const missing = kinds.filter((k) => k !== "validation" && !(`error.${k}` in en && `error.${k}` in fr));
  assert.deepEqual(missing, [], "error kinds without a message");
  const shell = path.join(src, "src");
  const files = [...readdirSync(shell).filter((x) => x.endsWith(".rs")).map((x) => path.join(shell, x)),
    ...readdirSync(path.join(shell, "commands")).map((x) => path.join(shell, "commands", x))];
  const codes = new Set();
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/ErrorPayload::new\(\s*"[a-z_]+",\s*"([a-z_.]+)"/g)) codes.add(m[1]);
    for (const m of text.matchAll(/Err\(\(\s*"([a-z_.]+)",/g)) codes.add(m[1]);
  }
  assert.ok(codes.size >= 12, `${codes.size} shell codes found`);
  const unsaid = [...codes].filter((c) => !c.endsWith(".unknown") && !(`error.${c}` in en && `error.${c}` in fr));
  assert.deepEqual(unsaid, [], "shell error codes without a message");
});

test("every validation code of the core has its English message", () => {
  const core = path.resolve(ui, "..", "src-tauri", "core", "src");
  const codes = new Set();
  for (const f of readdirSync(core, { recursive: true }).filter((x) => String(x).endsWith(".rs"))) {
    const text = readFileSync(path.join(core, f), "utf8");
    for (const m of text.matchAll(/validation\(\s*[^,()]*,\s*"([A-Za-z_.]+)"/g)) codes.add(m[1]);
  }
  assert.ok(codes.size > 30, `${codes.size} codes found`);
  const missing = [...codes].filter((c) => !c.endsWith(".unknown") && !(`error.${c}` in en));
  assert.deepEqual(missing, []);
});
