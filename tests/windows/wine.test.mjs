// The Windows build's command line, run under Wine, gives what the Linux build gives on the
// same files: a workspace written, checked, imported into (a CSV from Excel in
// Windows-1252), exported (CSV, JSON, a note as DOCX, PDF and Markdown), saved and restored,
// in a user folder whose path holds a space and accents (C:\users\Élodie Martin\Documents\…).
//
// CATALYSE_WINDOWS_EXE is the cross-built catalyse.exe (scripts/windows.sh builds it, with
// the shim Wine 8 needs beside it); CATALYSE_BIN the Linux build.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, copyFileSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const exe = process.env.CATALYSE_WINDOWS_EXE;
const linux = process.env.CATALYSE_BIN;
if (!exe || !linux) throw new Error("CATALYSE_WINDOWS_EXE and CATALYSE_BIN name the two builds (scripts/windows.sh)");

const root = mkdtempSync(path.join(tmpdir(), "catalyse-wine-"));
const prefix = path.join(root, "wine");
const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: "-all", WINEDLLOVERRIDES: "mscoree,mshtml=", HOME: root };
/** The user's documents folder, as Windows names it and as Linux sees it. */
const winDir = "C:\\users\\Élodie Martin\\Documents\\Mon territoire";
const winUnix = path.join(prefix, "drive_c", "users", "Élodie Martin", "Documents", "Mon territoire");
const linDir = path.join(root, "linux", "Élodie Martin", "Mon territoire");

/** Runs the Windows build with `args` (paths in Windows form). @returns {string} its stdout */
const win = (...args) => execFileSync("wine", [exe, ...args], { env, encoding: "utf8", maxBuffer: 1 << 26 });
/** Runs the Linux build. */
const lin = (...args) => execFileSync(linux, args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
const w = (name) => `${winDir}\\${name}`;
const wu = (name) => path.join(winUnix, name);
const l = (name) => path.join(linDir, name);

/** A CSV as Excel in France saves it: `;`, Windows-1252, CRLF. */
function cp1252(text) {
  const table = { "é": 0xe9, "è": 0xe8, "ê": 0xea, "à": 0xe0, "ç": 0xe7, "ô": 0xf4, "É": 0xc9, "Œ": 0x8c, "œ": 0x9c, "’": 0x92 };
  return Buffer.from([...text].map((c) => {
    const b = table[c] ?? c.charCodeAt(0);
    if (b > 0xff) throw new Error(`${c}: not in the table`);
    return b;
  }));
}
const CSV = cp1252([
  "Nom;Monde;Commune;Niveau d'engagement",
  "Mairie de Sainte-Cécile;Collectivité territoriale;Sainte-Cécile (85);Partenaire",
  "Cœur de Pays (Œuvre sociale);Association;Saint-Étienne-de-Tinée;Impliqué",
  "L’Épicerie de Génolhac;Entreprise;Génolhac;Informé",
].join("\r\n") + "\r\n");

before(() => {
  mkdirSync(winUnix, { recursive: true });
  mkdirSync(linDir, { recursive: true });
  // The first run makes the Wine prefix (a few seconds).
  win("--version");
});

// The folder (its Wine prefix alone weighs 700 MB) goes with the test, its Wine server first,
// unless CATALYSE_KEEP_E2E=1 keeps it for a post-mortem.
after(() => {
  try {
    execFileSync("wineserver", ["-k"], { env });
  } catch {
    // No server left running.
  }
  if (process.env.CATALYSE_KEEP_E2E === "1") console.log(`# Wine files kept in ${root}`);
  else rmSync(root, { recursive: true, force: true, maxRetries: 3 });
});

test("the same version, and a demo workspace written in a folder with a space and accents", () => {
  assert.equal(win("--version").trim(), lin("--version").trim());
  const said = win("demo", w("démo.catalyse"));
  assert.match(said, /Espace de démonstration écrit dans C:\\users\\Élodie Martin\\Documents\\Mon territoire\\démo\.catalyse/);
  lin("demo", l("démo.catalyse"));
  const wc = JSON.parse(win("check", "--json", w("démo.catalyse")));
  const lc = JSON.parse(lin("check", "--json", l("démo.catalyse")));
  assert.deepEqual(wc.counts, lc.counts);
  assert.ok(wc.counts.actors > 0);
});

test("one workspace, the same exports, imports, notes and backups from both builds", () => {
  // One file, copied for each build: every output can be compared byte for byte.
  lin("demo", l("source.catalyse"));
  copyFileSync(l("source.catalyse"), wu("territoire.catalyse"));
  copyFileSync(l("source.catalyse"), l("territoire.catalyse"));
  const same = (what, a, b) => assert.ok(Buffer.compare(readFileSync(a), readFileSync(b)) === 0, `${what}: ${a} and ${b} differ`);

  win("export", "--workspace", w("territoire.catalyse"), "workspace", w("espace.json"));
  lin("export", "--workspace", l("territoire.catalyse"), "workspace", l("espace.json"));
  same("workspace JSON", wu("espace.json"), l("espace.json"));

  // An Excel CSV in Windows-1252, imported, then the actors exported.
  writeFileSync(wu("acteurs excel.csv"), CSV);
  writeFileSync(l("acteurs excel.csv"), CSV);
  win("import", "actors", w("acteurs excel.csv"), "--workspace", w("territoire.catalyse"));
  lin("import", "actors", l("acteurs excel.csv"), "--workspace", l("territoire.catalyse"));
  win("export", "--workspace", w("territoire.catalyse"), "actors", w("acteurs.csv"));
  lin("export", "--workspace", l("territoire.catalyse"), "actors", l("acteurs.csv"));
  same("actors CSV", wu("acteurs.csv"), l("acteurs.csv"));
  const exported = readFileSync(l("acteurs.csv"), "utf8");
  for (const name of ["Mairie de Sainte-Cécile", "Cœur de Pays (Œuvre sociale)", "L’Épicerie de Génolhac"]) {
    assert.ok(exported.includes(name), `${name} was imported with its accents`);
  }
  win("export", "--workspace", w("territoire.catalyse"), "links", w("liens.xlsx"));
  lin("export", "--workspace", l("territoire.catalyse"), "links", l("liens.xlsx"));
  const wcheck = JSON.parse(win("check", "--json", w("territoire.catalyse")));
  assert.deepEqual(wcheck.counts, JSON.parse(lin("check", "--json", l("territoire.catalyse"))).counts);

  // A decision note in each format.
  const notes = JSON.parse(win("note", "list", "--json", "--workspace", w("territoire.catalyse")));
  assert.deepEqual(notes, JSON.parse(lin("note", "list", "--json", "--workspace", l("territoire.catalyse"))));
  const id = String(notes[0].id);
  for (const format of ["md", "docx", "pdf"]) {
    win("note", "export", "--format", format, "--out", w(`note.${format}`), "--workspace", w("territoire.catalyse"), id);
    lin("note", "export", "--format", format, "--out", l(`note.${format}`), "--workspace", l("territoire.catalyse"), id);
  }
  same("note as Markdown", wu("note.md"), l("note.md"));
  // The DOCX's text and the PDF's text (their containers carry the time they were written).
  const docx = (f) => execFileSync("python3", ["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode())", f], { encoding: "utf8" });
  assert.equal(docx(wu("note.docx")), docx(l("note.docx")));
  const pdf = (f) => execFileSync("pdftotext", ["-layout", f, "-"], { encoding: "utf8" });
  const text = pdf(wu("note.pdf"));
  assert.equal(text, pdf(l("note.pdf")));
  assert.ok(text.includes(notes[0].title.slice(0, 20)), "the note's title is in its PDF");

  // Saved, then restored into a new workspace: the same records.
  win("backup", "--workspace", w("territoire.catalyse"), "--out", w("sauvegarde du 1er décembre.catalyse"));
  win("restore", "--to", w("restauré.catalyse"), w("sauvegarde du 1er décembre.catalyse"));
  assert.deepEqual(JSON.parse(win("check", "--json", w("restauré.catalyse"))).counts, wcheck.counts);
});
