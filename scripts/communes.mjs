// Writes src-tauri/core/data/communes.tsv.gz, the list of French communes Catalyse ships
// (code officiel géographique), from the npm package @etalab/decoupage-administratif at the
// version package.json pins (MIT; the data is INSEE's, Licence Ouverte 2.0).
//
//   node scripts/communes.mjs          regenerate the file
//   node scripts/communes.mjs --check  exit 1 if the committed file differs from what the
//                                      pinned package gives
//
// Lines (tab-separated, UTF-8), in this order:
//   R  code  name                                  a région
//   D  code  région  name                          a département
//   E  siren  kind  name                           an EPCI (CC, CA, CU, METRO, MET69)
//   C  insee  name  département  epci  population  postal codes (comma-separated)
//   A  code  name  insee  kind                     another name or code of a current commune:
//        kind « deleguee », « associee » (a former commune, merged), « ancien » (a former
//        code without its own name), « arrondissement » (a municipal arrondissement)
// The gzip stream has no name and no time, so the same data gives the same bytes.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync, gunzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const pkgDir = dirname(require.resolve("@etalab/decoupage-administratif/package.json"));
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
const data = (name) => JSON.parse(readFileSync(join(pkgDir, "data", `${name}.json`), "utf8"));

const clean = (s) => String(s ?? "").replace(/[\t\r\n]/g, " ").trim();
const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

const lines = [
  `# communes de France (code officiel géographique) : @etalab/decoupage-administratif ${pkg.version} (MIT ; données INSEE, Licence Ouverte 2.0)`,
];
for (const r of data("regions").sort(byCode)) lines.push(["R", r.code, clean(r.nom)].join("\t"));
for (const d of data("departements").sort(byCode)) {
  lines.push(["D", d.code, d.region, clean(d.nom)].join("\t"));
}
const epciOf = new Map();
for (const e of data("epci").sort(byCode)) {
  lines.push(["E", e.code, e.type, clean(e.nom)].join("\t"));
  for (const m of e.membres) epciOf.set(m.code, e.code);
}
const communes = data("communes").sort(byCode);
const current = new Set(communes.filter((c) => c.type === "commune-actuelle").map((c) => c.code));
for (const c of communes.filter((c) => c.type === "commune-actuelle")) {
  lines.push(
    [
      "C",
      c.code,
      clean(c.nom),
      c.departement,
      epciOf.get(c.code) ?? "",
      c.population ?? "",
      (c.codesPostaux ?? []).join(","),
    ].join("\t"),
  );
}
const aliases = [];
const named = new Set();
for (const c of communes) {
  const kind = {
    "commune-deleguee": "deleguee",
    "commune-associee": "associee",
    "arrondissement-municipal": "arrondissement",
  }[c.type];
  if (!kind) continue;
  const to = c.chefLieu ?? c.commune;
  if (!current.has(to)) throw new Error(`${c.code} ${c.nom}: no current commune ${to}`);
  aliases.push(["A", c.code, clean(c.nom), to, kind]);
  named.add(c.code);
}
for (const c of communes.filter((c) => c.type === "commune-actuelle")) {
  for (const old of c.anciensCodes ?? []) {
    if (!named.has(old)) aliases.push(["A", old, "", c.code, "ancien"]);
  }
}
aliases.sort((a, b) => (a[1] + a[4] < b[1] + b[4] ? -1 : a[1] + a[4] > b[1] + b[4] ? 1 : 0));
for (const a of aliases) lines.push(a.join("\t"));

const text = lines.join("\n") + "\n";
const out = join(root, "src-tauri", "core", "data", "communes.tsv.gz");
if (process.argv.includes("--check")) {
  const committed = gunzipSync(readFileSync(out)).toString("utf8");
  if (committed !== text) {
    console.error(`${out} differs from what ${pkg.name} ${pkg.version} gives: run node scripts/communes.mjs`);
    process.exit(1);
  }
  console.log(`${out}: as ${pkg.name} ${pkg.version} gives it (${current.size} communes)`);
} else {
  const gz = gzipSync(Buffer.from(text, "utf8"), { level: 9 });
  writeFileSync(out, gz);
  console.log(
    `${out}: ${current.size} communes, ${aliases.length} other names and codes, ` +
      `${(text.length / 1e6).toFixed(2)} MB of text, ${(gz.length / 1e3).toFixed(0)} kB compressed`,
  );
}
