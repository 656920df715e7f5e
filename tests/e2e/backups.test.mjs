// End-to-end: the backups screen (automatic backup on opening, a backup on demand, a restore
// over the open workspace that keeps its current state), and a damaged workspace that is not
// opened but offers its latest backup.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync, chmodSync, readdirSync } from "node:fs";
import path from "node:path";
import {
  launch, freshHome, find, visible, waitText, fill, choose, screenshot, click, actorNames, By, BINARY,
  answerFileDialog, addActor,
} from "./harness.mjs";

/** Rows of the backups table: [type, contents]. @param {import("selenium-webdriver").WebDriver} d */
async function backupRows(d) {
  await visible(d, "#backups-dialog");
  return d.executeScript(
    "return [...document.querySelectorAll('#backups-table tbody tr')].map((tr) => [tr.cells[1].textContent, tr.cells[3].textContent])");
}

test("backups: one on opening, one on demand, and a restore that keeps the replaced state", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#top-backups");
    let rows = await backupRows(d);
    assert.equal(rows.length, 1, "the backup made on opening");
    assert.equal(rows[0][0], "Automatique");
    assert.match(rows[0][1], /^\d+ acteurs, \d+ rencontres, 2 notes$/);
    const actorsBefore = Number(rows[0][1].split(" ")[0]);
    await click(d, "#backups-now");
    await waitText(d, "#toasts", "Sauvegarde faite");
    rows = await backupRows(d);
    assert.equal(rows.length, 2);
    assert.equal(rows[0][0], "Demandée");
    await screenshot(d, "70-sauvegardes");
    await click(d, "#backups-close");

    // A change after the backup, then the backup restored in place of the workspace.
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    await addActor(d, "Acteur ajouté après la sauvegarde");
    await d.wait(async () => (await actorNames(d)).includes("Acteur ajouté après la sauvegarde"), 10000);

    await click(d, "#top-backups");
    await visible(d, "#backup-restore-latest");
    await click(d, "#backup-restore-latest");
    await visible(d, "#restore-dialog");
    await choose(d, "#restore-dialog select[name=where]", "replace");
    await click(d, "#restore-dialog button[type=submit]");
    await visible(d, "#confirm-yes");
    await click(d, "#confirm-yes");
    await waitText(d, "#toasts", "L'état précédent a été gardé");
    await visible(d, "#workspace");
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    const names = await actorNames(d);
    assert.equal(names.length, actorsBefore);
    assert.ok(!names.includes("Acteur ajouté après la sauvegarde"));

    // The state before the restore is in the list, with the extra actor.
    await click(d, "#top-backups");
    rows = await backupRows(d);
    const kept = rows.find((r) => r[0] === "Avant une restauration");
    assert.ok(kept, JSON.stringify(rows));
    assert.equal(Number(kept[1].split(" ")[0]), actorsBefore + 1);
    await click(d, "#backups-close");
  } finally {
    await app.quit();
  }
});

test("a damaged workspace is not opened, stays untouched, and its latest backup can be restored", async () => {
  const home = freshHome();
  const ws = path.join(home, "territoire.catalyse");
  execFileSync(BINARY, ["demo", ws], { env: { ...process.env, HOME: home } });
  // A first opening makes the automatic backup.
  let app = await launch(home, ["--workspace", ws]);
  try {
    await visible(app.driver, "#workspace");
  } finally {
    await app.quit();
  }
  // The file gets damaged (a disk fault, a bad copy) after the header.
  const bytes = readFileSync(ws);
  bytes.fill(0x5a, 8 * 4096 + 100, 12 * 4096);
  writeFileSync(ws, bytes);

  app = await launch(home, ["--workspace", ws]);
  try {
    const d = app.driver;
    await waitText(d, "#notice-corrupt", "endommagé");
    await waitText(d, "#notice-corrupt", "n'a pas été modifié");
    assert.deepEqual(readFileSync(ws), bytes, "the damaged file is left as it was");
    await click(d, "#notice-backups");
    await visible(d, "#backups-damaged");
    await screenshot(d, "71-espace-endommage");
    await click(d, "#backup-restore-latest");
    await visible(d, "#restore-dialog");
    assert.equal(await (await find(d, "#restore-dialog select[name=where]")).getAttribute("value"), "replace");
    await click(d, "#restore-dialog button[type=submit]");
    await click(d, "#confirm-yes");
    await visible(d, "#workspace");
    await waitText(d, "#toasts", "territoire.catalyse");
    await d.wait(async () => (await d.findElements(By.css("#notice-corrupt"))).length === 0, 10000);
  } finally {
    await app.quit();
  }
  const check = JSON.parse(execFileSync(BINARY, ["check", "--json", ws], { env: { ...process.env, HOME: home }, encoding: "utf8" }));
  assert.equal(check.counts.decision_notes, 2);
});

/**
 * Makes `file` write-protected for the app: its mode, and for root (whom modes do not bind)
 * the immutable flag. Returns the function that lifts the protection.
 * @param {string} file
 */
function writeProtect(file) {
  chmodSync(file, 0o444);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("chattr", ["+i", file]);
  return () => {
    if (asRoot) execFileSync("chattr", ["-i", file]);
    chmodSync(file, 0o644);
  };
}

test("a read-only workspace is refused untouched, a copy of it opens, and it opens once writable", async () => {
  const home = freshHome();
  const ws = path.join(home, "lecture-seule.catalyse");
  execFileSync(BINARY, ["demo", ws], { env: { ...process.env, HOME: home } });
  const unprotect = writeProtect(ws);
  const bytes = readFileSync(ws);
  try {
    const app = await launch(home, ["--workspace", ws]);
    try {
      const d = app.driver;
      await waitText(d, "#notice-read_only_file", "est en lecture seule");
      await waitText(d, "#notice-read_only_file", "n'a pas été modifié");
      await visible(d, "#welcome");
      assert.deepEqual(readFileSync(ws), bytes, "the read-only file is left as it was");
      assert.ok(!existsSync(`${ws}-wal`) && !existsSync(`${ws}-shm`), "no journal was created beside it");
      await screenshot(d, "75-lecture-seule");

      // A copy the user can work on.
      const copy = path.join(home, "copie-modifiable.catalyse");
      await click(d, "#notice-copy");
      answerFileDialog("Enregistrer une copie modifiable", copy);
      await waitText(d, "#ws-file", "copie-modifiable.catalyse");
      await d.wait(async () => (await d.findElements(By.css("#notice-read_only_file"))).length === 0, 10000);
      await click(d, "#nav-actors");
      await visible(d, "#actors-table");
      const before = (await actorNames(d)).length;
      await addActor(d, "Acteur ajouté dans la copie");
      await d.wait(async () => (await actorNames(d)).length === before + 1, 10000);
      assert.deepEqual(readFileSync(ws), bytes, "the original is still untouched");

      // The protection lifted, the original opens and takes changes.
      unprotect();
      await click(d, "#top-open");
      answerFileDialog("Ouvrir un espace de travail", ws, { locationBar: true });
      await waitText(d, "#ws-file", "lecture-seule.catalyse");
      await click(d, "#nav-actors");
      await visible(d, "#actors-table");
      assert.equal((await actorNames(d)).length, before);
      await addActor(d, "Acteur ajouté une fois le fichier modifiable");
      await d.wait(async () => (await actorNames(d)).includes("Acteur ajouté une fois le fichier modifiable"), 10000);
    } finally {
      await app.quit();
    }
  } finally {
    try { unprotect(); } catch { /* already lifted */ }
  }
});

test("a workspace open in one window is refused, clearly, in a second one", async () => {
  const home = freshHome();
  const ws = path.join(home, "partage.catalyse");
  execFileSync(BINARY, ["demo", ws], { env: { ...process.env, HOME: home } });
  const first = await launch(home, ["--workspace", ws]);
  try {
    await visible(first.driver, "#workspace");
    const other = freshHome();
    const second = await launch(other, ["--workspace", ws]);
    try {
      const d = second.driver;
      await waitText(d, "#notice-locked", "déjà ouvert dans une autre fenêtre");
      await visible(d, "#welcome");
      await screenshot(d, "72-deja-ouvert");
    } finally {
      await second.quit();
    }
    // The first window goes on working with the file.
    await click(first.driver, "#nav-actors");
    await visible(first.driver, "#actors-table");
  } finally {
    await first.quit();
  }
});

test("the whole workspace exported as JSON and imported into a new file", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    // The list is virtualised: the page holds the rows in view; the count says how many.
    const count = async () => Number((await (await find(d, "#actors-count")).getText()).replace(/\D/g, ""));
    const total = await count();
    const names = (await actorNames(d)).slice(0, 20);
    await click(d, "#top-backups");
    await visible(d, "#backups-export-json");
    const json = path.join(home, "territoire.json");
    await click(d, "#backups-export-json");
    answerFileDialog("Exporter tout", json);
    await waitText(d, "#toasts", "territoire.json");
    const doc = JSON.parse(readFileSync(json, "utf8"));
    assert.equal(doc.format, "catalyse-workspace");
    assert.equal(doc.tables.actor.length, total);

    const copy = path.join(home, "copie-importee.catalyse");
    // The export closed the dialog (it ran as a task in the window): open it again.
    await click(d, "#top-backups");
    await click(d, "#backups-import-json");
    answerFileDialog("Choisir l'export complet", json, { locationBar: true });
    answerFileDialog("Créer l'espace de travail importé", copy);
    await waitText(d, "#toasts", "copie-importee.catalyse");
    await waitText(d, "#ws-file", "copie-importee.catalyse");
    assert.ok(existsSync(copy));
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    await waitText(d, "#actors-count", String(total));
    assert.equal(await count(), total);
    assert.deepEqual((await actorNames(d)).slice(0, 20), names);
  } finally {
    await app.quit();
  }
});

/** Every backup file under `home`'s data folder, with its bytes. @param {string} home */
function backupFiles(home) {
  const root = path.join(home, ".local", "share", "fr.catalyse.desktop", "sauvegardes");
  const out = [];
  for (const dir of readdirSync(root)) {
    for (const f of readdirSync(path.join(root, dir))) {
      if (f.endsWith(".catalyse")) out.push([f, readFileSync(path.join(root, dir, f))]);
    }
  }
  return out;
}

test("RGPD: a team member's data exported, then the member anonymised everywhere, backups included", async () => {
  const home = freshHome();
  const ws = path.join(home, "rgpd.catalyse");
  execFileSync(BINARY, ["demo", ws], { env: { ...process.env, HOME: home } });
  const app = await launch(home, ["--workspace", ws]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    await click(d, "#nav-team");
    await visible(d, "#team-table");
    const button = await d.findElement(By.css("#team-table tr[data-member-id] button[aria-label$='données personnelles de Mathis Ferrand']"));
    await button.click();
    await visible(d, "#rgpd-dialog");
    const out = path.join(home, "mathis.json");
    await click(d, "#rgpd-export");
    answerFileDialog("Exporter les données", out);
    await waitText(d, "#toasts", "mathis.json");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(doc.person.name, "Mathis Ferrand");
    assert.ok(doc.records.self_assessment.length > 0);
    await screenshot(d, "73-rgpd");
    await click(d, "#rgpd-erase");
    await visible(d, "#confirm-yes");
    await click(d, "#confirm-yes");
    await waitText(d, "body", "« Mathis Ferrand » a été effacé(e)");
    await waitText(d, "#team-table", "Membre anonymisé");
    const rows = await d.executeScript("return document.querySelector('#team-table').textContent");
    assert.ok(!String(rows).includes("Ferrand"));
    // The backup made on opening still holds him: « Effacer aussi des sauvegardes ».
    assert.ok(backupFiles(home).some(([, b]) => b.includes("Ferrand")), "the backup holds him before");
    await click(d, "#confirm-yes");
    await waitText(d, "dialog.confirm", "sera réécrite sans cette personne");
    await screenshot(d, "74-rgpd-sauvegardes");
    await click(d, "#confirm-yes");
    await waitText(d, "#toasts", "1 réécrite(s) sans la personne, 0 supprimée(s)");
  } finally {
    await app.quit();
  }
  const json = path.join(home, "apres.json");
  execFileSync(BINARY, ["export", "workspace", json, "--workspace", ws], { env: { ...process.env, HOME: home } });
  assert.ok(!readFileSync(json, "utf8").includes("Ferrand"), "the name is nowhere in the workspace");
  // Read as bytes: neither the workspace nor any backup holds the name.
  assert.ok(!readFileSync(ws).includes("Ferrand"), "no byte of the workspace file");
  for (const [name, bytes] of backupFiles(home)) assert.ok(!bytes.includes("Ferrand"), `no byte of ${name}`);
});

test("RGPD: restoring a backup made before an erasure erases the person again, and says so", async () => {
  const home = freshHome();
  const ws = path.join(home, "rgpd-restauration.catalyse");
  execFileSync(BINARY, ["demo", ws], { env: { ...process.env, HOME: home } });
  const app = await launch(home, ["--workspace", ws]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    await click(d, "#nav-team");
    await visible(d, "#team-table");
    await (await d.findElement(By.css("#team-table tr[data-member-id] button[aria-label$='données personnelles de Mathis Ferrand']"))).click();
    await visible(d, "#rgpd-dialog");
    await click(d, "#rgpd-erase");
    await click(d, "#confirm-yes");
    await waitText(d, "body", "« Mathis Ferrand » a été effacé(e)");
    // Not from the backups this time: « Compris ».
    await click(d, "#confirm-no");
    await waitText(d, "#team-table", "Membre anonymisé");
    // The backup made on opening (before the erasure) restored in place of the workspace.
    await click(d, "#top-backups");
    await visible(d, "#backup-restore-latest");
    await click(d, "#backup-restore-latest");
    await visible(d, "#restore-dialog");
    await choose(d, "#restore-dialog select[name=where]", "replace");
    await click(d, "#restore-dialog button[type=submit]");
    await click(d, "#confirm-yes");
    await waitText(d, "#toasts", "1 personne(s) effacée(s) (RGPD) depuis cette sauvegarde l'ont été à nouveau");
    await visible(d, "#workspace");
    await click(d, "#nav-team");
    await waitText(d, "#team-table", "Membre anonymisé");
    const rows = await d.executeScript("return document.querySelector('#team-table').textContent");
    assert.ok(!String(rows).includes("Ferrand"));
    await screenshot(d, "75-rgpd-restauration");
  } finally {
    await app.quit();
  }
  assert.ok(!readFileSync(ws).includes("Ferrand"), "no byte of the restored workspace");
});
