// Workspaces at a real scale for the end-to-end tests: a département's network (5,000 actors)
// and a country's (100,000), built the way a user builds them: CSV files imported with the
// `catalyse import` command. Names look French (accents, hyphens, "Saint-…"), are
// deterministic, and each actor lives in a commune.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import path from "node:path";

const SYLLABLES = ["ver", "dan", "son", "or", "giè", "res", "mont", "clar", "sal", "ce", "lar", "rieu", "bru",
  "ne", "é", "crins", "bel", "gar", "pey", "ro", "vil", "la", "chà", "teau", "lan", "mas", "quey", "bri"];
const PREFIXES = ["Mairie de", "Association", "Comité des fêtes de", "Ferme", "Tiers-lieu", "Office de tourisme de",
  "Collège de", "Fondation", "Scop", "Chambre d'agriculture de", "Réseau", "Café associatif de"];
const WORLDS = ["local_authority", "association", "association", "business", "business", "research", "funder",
  "network", "business", "network", "network", "association"];
const ENGAGEMENTS = ["informed", "consulted", "involved", "partner", "lead"];
const NATURES = ["partnership", "funding", "dialogue", "service", "membership", "conflict"];

/** A deterministic generator (xorshift32), so every run builds the same workspace. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s % n;
  };
}

/** The current communes of France whose name no other commune bears (the package Catalyse's
 * list comes from), in INSEE order: an import places them without a code. */
function uniqueCommunes() {
  const require = createRequire(import.meta.url);
  const all = JSON.parse(readFileSync(require.resolve("@etalab/decoupage-administratif/data/communes.json"), "utf8"));
  // Folded more strictly than Catalyse folds (accents, case, every separator), over current,
  // delegated and associated communes alike: « Tréban » (81) and « Treban » (03) are homonyms.
  const key = (name) => name.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z0-9]/g, "");
  const count = new Map();
  for (const c of all) count.set(key(c.nom), (count.get(key(c.nom)) ?? 0) + 1);
  return all.filter((c) => c.type === "commune-actuelle" && count.get(key(c.nom)) === 1).map((c) => c.nom);
}

const word = (r) => {
  let w = "";
  for (let i = 0, n = 2 + r(2); i < n; i += 1) w += SYLLABLES[r(SYLLABLES.length)];
  return w[0].toUpperCase() + w.slice(1);
};

/**
 * Writes `actors.csv` (and `links.csv` when `links` > 0) into `dir`, in the format the
 * export writes (`;`, French headers). Names are unique (a number when needed).
 * @returns {{actors: string, links: string|null, names: string[]}}
 */
export function writeScaleCsv(dir, actors, links = 0, seed = 7) {
  const r = rng(seed);
  const france = uniqueCommunes();
  const communes = Array.from({ length: Math.min(france.length, Math.max(10, Math.round(actors / 15))) },
    () => france[r(france.length)]);
  const names = [];
  const seen = new Set();
  const lines = ["Nom;Monde;Commune;Niveau d'engagement"];
  for (let i = 0; i < actors; i += 1) {
    const k = r(PREFIXES.length);
    const commune = communes[r(communes.length)];
    let name = k % 3 === 0 ? `${PREFIXES[k]} ${commune}` : `${PREFIXES[k]} ${word(r)}`;
    // Unique as the import compares names: ignoring case and accents.
    const key = (x) => x.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    if (seen.has(key(name))) name = `${name} ${i}`;
    seen.add(key(name));
    names.push(name);
    lines.push(`${name};${WORLDS[k]};${commune};${ENGAGEMENTS[r(5)]}`);
  }
  const actorsFile = path.join(dir, "acteurs.csv");
  writeFileSync(actorsFile, `${lines.join("\n")}\n`);
  let linksFile = null;
  if (links > 0) {
    const pairs = new Set();
    const out = ["Acteur A;Acteur B;Nature;Force"];
    while (out.length - 1 < links) {
      const a = r(actors);
      const b = r(actors);
      const n = r(6);
      const key = a < b ? `${a}-${b}-${n}` : `${b}-${a}-${n}`;
      if (a === b || pairs.has(key)) continue;
      pairs.add(key);
      out.push(`${names[a]};${names[b]};${NATURES[n]};${1 + r(3)}`);
    }
    linksFile = path.join(dir, "liens.csv");
    writeFileSync(linksFile, `${out.join("\n")}\n`);
  }
  return { actors: actorsFile, links: linksFile, names };
}

/**
 * Builds a workspace of `actors` actors (and `links` links) with the command line, as a
 * user would: `catalyse demo`-free, an empty workspace then the imports.
 * @param {string} binary the catalyse binary
 * @param {string} file the workspace to create
 * @param {Record<string, string>} env the environment of the commands (its HOME)
 */
export function buildScaleWorkspace(binary, file, actors, links, env) {
  const dir = path.dirname(file);
  const csv = writeScaleCsv(dir, actors, links);
  const run = (...args) => execFileSync(binary, args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
  run("new", file, "--territory", "Département de test", "--kind", "department", "--title", "Réseau départemental");
  run("import", "actors", csv.actors, "--workspace", file);
  if (csv.links) run("import", "links", csv.links, "--workspace", file);
  return csv;
}

/** Who edits the journal written by {@link withJournal}: a PETR team. */
export const JOURNAL_AUTHORS = ["Claire Vasseur", "Julien Morel", "Aïcha Benali", "Éric Dupré", "Sophie Lefèvre", "Marc Olivier"];

/**
 * Adds years of a team's editing to the journal of a workspace JSON document (its text, as
 * `catalyse export workspace` writes it): `sets` change sets of 1 to 19 edits of actors, one
 * a day or so from 2023 to 2026, `changes` journal entries in all. One change set in the
 * middle, and only that one, writes « Comité de pilotage à Saint-Éloi » in an actor's notes.
 * Clock values are written as text from BigInts: JSON numbers read by JavaScript lose digits
 * beyond 2^53.
 * @param {string} text the document's JSON text @param {number} sets @param {number} changes
 * @returns {{text: string, marked: number}} the document and the marked change set's id
 */
export function withJournal(text, sets, changes) {
  const doc = JSON.parse(text);
  const actors = doc.tables.actor;
  const r = rng(11);
  const engagements = ENGAGEMENTS;
  const device = "01a234cd-047a-71f0-9750-6949db2a6e07";
  let setId = Math.max(0, ...doc.tables.change_set.map((s) => s.id));
  let changeId = Math.max(0, ...doc.tables.change.map((c) => c.id));
  const start = Date.UTC(2023, 0, 1);
  const span = Date.UTC(2026, 10, 1) - start;
  const setRows = [];
  const changeRows = [];
  let marked = 0;
  let pair = 0;
  for (let i = 0; i < sets; i += 1) {
    setId += 1;
    const ms = start + Math.floor((span * i) / sets) + r(1000);
    const author = JSON.stringify(JOURNAL_AUTHORS[r(JOURNAL_AUTHORS.length)]);
    setRows.push(`{"at":${BigInt(ms) << 16n},"author":${author},"device":"${device}","id":${setId},"label":"","undoes":null}`);
    // 1 to 2×base-1 edits, each pair of change sets 2×base: `changes` in all.
    const base = Math.max(1, Math.floor(changes / sets));
    const n = i === sets - 1 ? changes - changeRows.length
      : i % 2 === 0 ? (pair = 1 + r(2 * base - 1)) : 2 * base - pair;
    for (let k = 0; k < n; k += 1) {
      const a = actors[r(actors.length)];
      changeId += 1;
      const f = r(3);
      let [field, before, after] = f === 0 ? ["engagement", engagements[k % 5], engagements[(k + 1 + r(4)) % 5]]
        : f === 1 ? ["commune", a.commune, `${a.commune} (${1 + r(9)})`]
          : ["notes", "", `Rencontré au comité du ${1 + r(28)}/${1 + r(12)} : suite à donner n° ${i}`];
      if (i === Math.floor(sets / 2) && k === 0) {
        [field, before, after] = ["notes", "", "Comité de pilotage à Saint-Éloi"];
        marked = setId;
      }
      changeRows.push(`{"after":${JSON.stringify(after)},"before":${JSON.stringify(before)},"field":"${field}","id":${changeId},"op":2,"record":"${a.uid}","set_id":${setId},"tbl":"actor"}`);
    }
  }
  // Each table's new rows go first in its list; the later list is spliced first.
  const lists = [["change", changeRows], ["change_set", setRows]].map(([name, rows]) => {
    const at = text.indexOf(`"${name}": [`);
    if (at < 0) throw new Error(`no table ${name} in the document`);
    return { open: at + name.length + 5, rows };
  }).sort((x, y) => y.open - x.open);
  let out = text;
  for (const { open, rows } of lists) {
    const empty = /^\s*\]/.test(out.slice(open, open + 64));
    out = `${out.slice(0, open)}${rows.join(",")}${empty ? "" : ","}${out.slice(open)}`;
  }
  return { text: out, marked };
}

/**
 * Writes `contours.geojson` for every current commune of a région (Grand Est, 5,115 communes,
 * by default; `dep:22`: a département's; `null`: all of France's): invented contours laid out as a grid of cells about 4 km wide, their shared
 * edges bent the same way on both sides (neighbours touch, as real contours do), each edge
 * `perEdge` positions. Real contours are not shipped: this is their size, not their shape.
 * @returns {{file: string, communes: number, departements: string[], positions: number}}
 */
export function writeScaleContours(dir, region = "44", perEdge = 25) {
  const require = createRequire(import.meta.url);
  const all = JSON.parse(readFileSync(require.resolve("@etalab/decoupage-administratif/data/communes.json"), "utf8"))
    .filter((c) => c.type === "commune-actuelle" && (region === null || c.region === region
      || (region.startsWith("dep:") && c.departement === region.slice(4))));
  const cols = Math.ceil(Math.sqrt(all.length));
  const [lon0, lat0, step] = [4.0, 48.0, 0.05];
  const corner = (i, j) => [lon0 + i * step, lat0 + j * step];
  // A deterministic bend of the edge from corner a to corner b, the same whichever way round.
  const edge = (a, b) => {
    const forward = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const [p, q] = forward ? [a, b] : [b, a];
    const r = rng(Math.round(p[0] * 1e4) * 7919 + Math.round(p[1] * 1e4) * 104729 + Math.round(q[0] * 1e4) * 31 + Math.round(q[1] * 1e4));
    const pts = [];
    for (let k = 1; k < perEdge; k += 1) {
      const t = k / perEdge;
      const bend = (r(1000) / 1000 - 0.5) * step * 0.08;
      // Perpendicular to the edge.
      const [dx, dy] = [q[0] - p[0], q[1] - p[1]];
      pts.push([+(p[0] + dx * t - dy * bend / step).toFixed(6), +(p[1] + dy * t + dx * bend / step).toFixed(6)]);
    }
    return forward ? pts : pts.reverse();
  };
  let positions = 0;
  const features = all.map((c, n) => {
    const [i, j] = [n % cols, Math.floor(n / cols)];
    const cs = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)];
    const ring = [];
    for (let k = 0; k < 4; k += 1) {
      ring.push(cs[k], ...edge(cs[k], cs[(k + 1) % 4]));
    }
    ring.push(cs[0]);
    positions += ring.length;
    return { type: "Feature", properties: { INSEE_COM: c.code, NOM_COM: c.nom }, geometry: { type: "Polygon", coordinates: [ring] } };
  });
  const file = path.join(dir, "contours.geojson");
  writeFileSync(file, JSON.stringify({ type: "FeatureCollection", features }));
  return { file, communes: all.length, departements: [...new Set(all.map((c) => c.departement))], positions };
}
