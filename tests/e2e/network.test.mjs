// End-to-end: the network. Map → actor card, a link with an introducer, a meeting with
// participants (and the links it proposes), the matrix, the valorisation report, and a CSV
// import with its preview, refused while a row is wrong.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  launch, freshHome, find, visible, waitText, fill, choose, screenshot, texts, click, answerFileDialog, pick, actorNames, By,
  WAIT_MS,
} from "./harness.mjs";

async function openDemo(d) {
  await click(d, "#open-demo");
  await visible(d, "#workspace");
}

async function submitDialog(d, id) {
  await click(d, `#${id} button[type=submit]`);
  await d.wait(async () => (await d.findElements(By.css(`#${id}`))).length === 0, 10000, `${id} stayed open`);
}

/** Ticks the checkbox whose label is `text` inside `css` (a filterable list is filtered first). */
async function tick(d, css, text) {
  const filter = await d.findElements(By.css(`${css} .check-filter`));
  if (filter.length) await fill(d, `${css} .check-filter`, text);
  const labels = await d.findElements(By.css(`${css} .check label`));
  for (const l of labels) {
    if ((await l.isDisplayed()) && (await l.getText()).startsWith(text)) { await l.click(); return; }
  }
  throw new Error(`no checkbox “${text}” in ${css}`);
}

test("the map opens an actor's card; the card shows its links; a link is added with an introducer", async () => {
  const app = await launch(freshHome());
  try {
    const d = app.driver;
    await openDemo(d);
    await click(d, "#nav-network");
    await visible(d, "#network-canvas");
    await waitText(d, "#map-status", "45 acteur(s)");
    await screenshot(d, "40-reseau-carte");

    // Search-to-focus puts the actor at the centre of the map; clicking there opens its card.
    await fill(d, "input[placeholder^='Trouver un acteur']", "fabrique du verdanson");
    await click(d, "#map-find");
    await waitText(d, "#map-selected", "Tiers-lieu La Fabrique du Verdanson");
    await screenshot(d, "41-reseau-acteur-trouve");
    const canvas = await find(d, "#network-canvas");
    // Clicks land on the centre of the element's visible part: bring the whole map into view.
    await d.executeScript("arguments[0].scrollIntoView({block: 'center'})", canvas);
    const rect = await canvas.getRect();
    await d.actions().move({ origin: canvas, x: 0, y: 0 }).click().perform();
    await visible(d, "#actor-card");
    assert.equal(await (await find(d, "#card-title")).getText(), "Tiers-lieu La Fabrique du Verdanson");
    assert.ok(rect.width > 300 && rect.height > 300, "the map has room");
    const linkRows = await texts(d, "#card-links-table tbody tr");
    assert.ok(linkRows.length >= 3, `links on the card: ${linkRows.length}`);
    await screenshot(d, "42-fiche-acteur");

    // Add a link to another actor, introduced by a team member.
    await click(d, "#add-link");
    // The other actor and the introducer are found by typing, without accents.
    await pick(d, "#link-dialog input[name=actor_b]", "scierie des orgieres", "Scierie des Orgières");
    await choose(d, "#link-dialog select[name=nature]", "service");
    await pick(d, "#link-dialog input[name=introduced_by]", "paul", "Équipe : Paul Granier");
    await fill(d, "#link-dialog input[name=since]", "2026-05-04");
    await submitDialog(d, "link-dialog");
    await waitText(d, "#card-links-table", "Scierie des Orgières");
    const rows = await texts(d, "#card-links-table tbody tr");
    const added = rows.find((r) => r.includes("Scierie des Orgières"));
    assert.ok(added && added.includes("Prestation") && added.includes("Paul Granier"), added);
    await waitText(d, "#card-introduced", "Paul Granier l'a mis en relation avec Scierie des Orgières");
    await d.executeScript("document.getElementById('card-links').scrollIntoView({block: 'start'})");
    await screenshot(d, "42b-fiche-acteur-liens");

    // The same link again is refused with a clear message, and nothing changes.
    await click(d, "#add-link");
    await pick(d, "#link-dialog input[name=actor_b]", "Scierie des Orgières");
    await choose(d, "#link-dialog select[name=nature]", "service");
    await click(d, "#link-dialog button[type=submit]");
    await waitText(d, "#link-dialog .form-summary", "existe déjà");
    await click(d, "#link-dialog .dialog-buttons .btn:not(.primary)");
    assert.equal((await texts(d, "#card-links-table tbody tr")).length, linkRows.length + 1);

    // Another actor's card from a link.
    await click(d, "#card-links-table button.link");
    await d.wait(async () => (await (await find(d, "#card-title")).getText()) !== "Tiers-lieu La Fabrique du Verdanson", WAIT_MS);
  } finally {
    await app.quit();
  }
});

test("recording a meeting with participants proposes the links it made; the report counts it", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await openDemo(d);
    await click(d, "#nav-meetings");
    await visible(d, "#meetings-table");
    const before = (await texts(d, "#meetings-table tbody tr[data-meeting-id]")).length;
    await click(d, "#add-meeting");
    await visible(d, "#meeting-dialog");
    await fill(d, "#meeting-dialog input[name=title]", "Atelier circuits courts");
    await fill(d, "#meeting-dialog input[name=date]", "2026-06-15");
    await choose(d, "#meeting-dialog select[name=kind]", "workshop");
    await choose(d, "#meeting-dialog select[name=practice]", "dialogue:4");
    await fill(d, "#meeting-dialog input[name=hours]", "2,5");
    await pick(d, "#meeting-dialog input[name=actor_ids]", "boulangerie", "Boulangerie Les Trois Épis");
    await pick(d, "#meeting-dialog input[name=actor_ids]", "Camping-village de La Salce");
    await tick(d, "#meeting-dialog fieldset:nth-of-type(1)", "Claire Vasseur");
    await click(d, "#meeting-dialog .add-followup");
    await fill(d, "#meeting-dialog .followup-text", "Envoyer le compte rendu");
    await fill(d, "#meeting-dialog .followup-due", "2026-06-22");
    await screenshot(d, "43-rencontre-formulaire");
    await submitDialog(d, "meeting-dialog");

    // The two participants had no link: the app proposes one, the user ticks it.
    await visible(d, "#propose-links-dialog");
    await waitText(d, "#propose-links-dialog", "Boulangerie Les Trois Épis — Camping-village de La Salce");
    await click(d, "#propose-links-dialog .check label");
    await submitDialog(d, "propose-links-dialog");
    await waitText(d, "#toasts", "1 lien(s) créé(s)");
    await d.wait(async () => (await texts(d, "#meetings-table tbody tr[data-meeting-id]")).length === before + 1, WAIT_MS);
    const row = (await texts(d, "#meetings-table tbody tr[data-meeting-id]")).find((r) => r.includes("Atelier circuits courts"));
    assert.ok(row && row.includes("2,5") && row.includes("Claire Vasseur") && row.includes("Boulangerie"), row);

    // The valorisation report for June 2026 counts the meeting, its hours and the new link.
    await click(d, "#meetings-tab-report");
    await visible(d, "#report");
    await fill(d, "#report input[placeholder='AAAA-MM-JJ']", "2026-06-01");
    const inputs = await d.findElements(By.css("#report input[placeholder='AAAA-MM-JJ']"));
    await inputs[1].click();
    await inputs[1].sendKeys("2026-06-30");
    await click(d, "#report-apply");
    await waitText(d, "#report-period", "1er juin 2026");
    assert.equal(await (await find(d, "#report-meetings")).getText(), "1");
    assert.equal(await (await find(d, "#report-hours")).getText(), "2,5");
    assert.equal(await (await find(d, "#report-links")).getText(), "1");
    await waitText(d, "#report-member", "Claire Vasseur");
    await waitText(d, "#report-new-links", "Boulangerie Les Trois Épis — Camping-village de La Salce");
    await screenshot(d, "44-valorisation");
    // Export through the save dialog: a CSV that Excel opens (BOM, semicolons).
    const report = path.join(home, "valorisation-juin.csv");
    await click(d, "#report-export");
    answerFileDialog("Exporter le rapport", report);
    await waitText(d, "#toasts", "valorisation-juin.csv");
    const csv = readFileSync(report, "utf8");
    assert.ok(csv.startsWith("\ufeffRubrique;Élément;Rencontres;Heures;Liens"), csv.slice(0, 60));
    assert.match(csv, /Pratique;Dialogue territorial;1;2,5;/);

    // The boulangerie's card lists the meeting.
    await click(d, "#nav-actors");
    await fill(d, "#actor-filter", "boulangerie");
    await click(d, "#actors-table tbody button.link");
    await waitText(d, "#card-meetings", "Atelier circuits courts");
  } finally {
    await app.quit();
  }
});

test("the matrix places assessed actors; the analysis finds who could introduce A to B", async () => {
  const app = await launch(freshHome());
  try {
    const d = app.driver;
    await openDemo(d);
    await click(d, "#nav-network");
    await click(d, "#network-tab-matrix");
    await visible(d, "#matrix-grid");
    const chips = await d.findElements(By.css("#matrix-grid .matrix-chip"));
    assert.ok(chips.length >= 20, `${chips.length} actors placed`);
    await screenshot(d, "45-matrice");
    await click(d, "#matrix-table-alt summary");
    await waitText(d, "#matrix-table", "Associer étroitement");

    await click(d, "#network-tab-analysis");
    await visible(d, "#analysis-table");
    await screenshot(d, "46-analyse-reseau");
    await pick(d, "#path-from", "Boulangerie Les Trois Épis");
    await pick(d, "#path-to", "office francais", "Office français de la biodiversité – antenne des Orgières");
    await click(d, "#path-find");
    await d.wait(async () => (await texts(d, "#path-result")).join("").length > 0, WAIT_MS, "no introduction path shown");
    const result = (await texts(d, "#path-result")).join("\n");
    assert.match(result, /intermédiaire|Aucune chaîne/, result);
  } finally {
    await app.quit();
  }
});

test("a CSV import shows a preview with each row's problem and writes nothing until the file is right", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await openDemo(d);
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    // How many actors the list says there are (it holds only the rows in view).
    const count = async () => Number((await (await find(d, "#actors-count")).getText()).replace(/\D/g, ""));
    const before = await count();
    assert.equal(before, 45);
    const file = path.join(home, "contacts-partenaires.csv");
    // Windows-1252, as Excel writes "CSV (séparateur : point-virgule)"; line 3 has an unknown monde.
    writeFileSync(file, Buffer.from(
      "Nom;Monde;Commune;Courriel\r\nAmicale des randonneurs de l'Écrin;Association / ESS;Larrieu;contact@randonneurs.fr\r\nGarage Martin;Planète;Gap;\r\n",
      "latin1"));
    await click(d, "#import-open");
    await visible(d, "#import-dialog");
    await click(d, "#import-pick");
    answerFileDialog("Choisir le fichier", file, { locationBar: true });
    await visible(d, "#import-preview");
    await waitText(d, "#import-summary", "Windows-1252");
    await waitText(d, "#import-problems", "Planète");
    const problemRows = await texts(d, "#import-problems tbody tr");
    assert.equal(problemRows.length, 1);
    assert.match(problemRows[0], /^3\s*Monde\s*Monde inconnu : « Planète »/);
    assert.equal(await (await find(d, "#import-commit")).isEnabled(), false, "no import while a row is wrong");
    await waitText(d, "#import-mapping", "Courriel");
    await screenshot(d, "47-import-apercu-erreur");
    await click(d, "#import-cancel");
    assert.equal(await count(), before, "nothing written");

    // Fixed file: imported, with its contact.
    writeFileSync(file, Buffer.from(
      "Nom;Monde;Commune;Courriel\r\nAmicale des randonneurs de l'Écrin;Association / ESS;Larrieu;contact@randonneurs.fr\r\nGarage Martin;Entreprise;Gap;\r\n",
      "latin1"));
    await click(d, "#import-open");
    await click(d, "#import-pick");
    answerFileDialog("Choisir le fichier", file, { locationBar: true });
    await visible(d, "#import-preview");
    await waitText(d, "#import-ok", "Aucun problème");
    await waitText(d, "#import-commit", "Importer 2 acteur(s)");
    await click(d, "#import-commit");
    await waitText(d, "#toasts", "2 acteur(s) importé(s)");
    await d.wait(async () => (await count()) === before + 2, 5000, "two actors added");
    await fill(d, "#actor-filter", "ecrin");
    await click(d, "#actors-table tbody button.link");
    await waitText(d, "#card-contacts", "contact@randonneurs.fr");
  } finally {
    await app.quit();
  }
});
