// End-to-end: a decision note from an action, an edited section kept through a refresh of the
// data, a status change that freezes the note, and the export through the save dialog.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, copyFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import {
  launch, freshHome, find, visible, waitText, fill, choose, screenshot, click, answerFileDialog, pick, By, repo,
} from "./harness.mjs";

/** The text of a PDF (pdftotext, poppler-utils), spaces collapsed. @param {string} file */
function pdfText(file) {
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" })
    .split("\n").map((l) => l.trim().replace(/\s+/g, " ")).join("\n");
}

test("note from an action: generated sections, an edit kept through a refresh, validation, export", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-actions");
    await visible(d, "#actions-table");
    const garage = await d.findElement(By.xpath("//table[@id='actions-table']//button[starts-with(., 'Garage solidaire')]"));
    await garage.click();
    await visible(d, "#funding-plan");
    await click(d, "#note-from-action");
    await visible(d, "#note-dialog");
    await fill(d, "#note-dialog input[name=subject]", "Garage solidaire : avenant à la convention");
    await fill(d, "#note-dialog input[name=meeting_date]", "2027-01-20");
    await click(d, "#note-dialog button[type=submit]");
    await visible(d, "#note-editor");
    await waitText(d, "#note-title", "avenant à la convention");
    const plan = await (await find(d, "#note-section-financement textarea")).getAttribute("value");
    assert.match(plan, /\| Financeur \| Dispositif \| Statut \| Montant \| Part du budget \|/);
    assert.match(plan, /€/);
    const cal = await (await find(d, "#note-section-calendrier textarea")).getAttribute("value");
    assert.match(cal, /20 janvier 2027\u00a0: Bureau/);

    // The user writes their own actors section and saves.
    await fill(d, "#note-section-acteurs textarea", "Le Département et la mobilité solidaire portent ensemble le garage.");
    await click(d, "#note-save");
    await waitText(d, "#toasts", "Note enregistrée");
    await screenshot(d, "60-note-editeur");

    // The data changes (the action's budget), then a refresh: the funding plan follows, and
    // the user's actors text stays unless they choose otherwise.
    await click(d, "#nav-actions");
    await visible(d, "#actions-table");
    const again = await d.findElement(By.xpath("//table[@id='actions-table']//button[starts-with(., 'Garage solidaire')]"));
    await again.click();
    await click(d, "#edit-action");
    await fill(d, "#action-dialog input[name=budget]", "999 000");
    await click(d, "#action-dialog button[type=submit]");
    await d.wait(async () => (await d.findElements(By.css("#action-dialog"))).length === 0, 10000);
    await click(d, "#nav-notes");
    await visible(d, "#notes-table");
    const mine = await d.findElement(By.xpath("//table[@id='notes-table']//button[contains(., 'avenant')]"));
    await mine.click();
    await visible(d, "#note-editor");
    await click(d, "#note-refresh");
    await visible(d, "#refresh-dialog");
    await waitText(d, "#refresh-dialog", "Votre texte");
    await screenshot(d, "61-note-actualiser");
    await click(d, "#refresh-dialog button[type=submit]");
    await d.wait(async () => (await d.findElements(By.css("#refresh-dialog"))).length === 0, 10000);
    await waitText(d, "#toasts", "mise(s) à jour");
    assert.equal(await (await find(d, "#note-section-acteurs textarea")).getAttribute("value"),
      "Le Département et la mobilité solidaire portent ensemble le garage.");
    assert.match(await (await find(d, "#note-section-financement textarea")).getAttribute("value"), /999\u202f000,00/);

    // Validation freezes it.
    await choose(d, "#note-status", "validated");
    await click(d, "#confirm-yes");
    await visible(d, "#note-frozen");
    assert.equal(await (await find(d, "#note-section-objet textarea")).isEnabled(), false);

    // Export to PDF: the edited section, the refreshed funding plan and the page numbers are in it.
    const pdf = path.join(home, "note-garage.pdf");
    await click(d, "#note-export-pdf");
    answerFileDialog("Exporter la note", pdf);
    await waitText(d, "#toasts", "note-garage.pdf");
    const text = pdfText(pdf);
    assert.match(text, /portent ensemble le garage/);
    assert.match(text, /6\. Plan de financement/);
    assert.match(text, /999 000,00 €/);
    assert.match(text, /page 1 sur \d/);

    // Export to DOCX through the save dialog.
    const out = path.join(home, "note-garage.docx");
    await click(d, "#note-export");
    answerFileDialog("Exporter la note", out);
    await waitText(d, "#toasts", "note-garage.docx");
    assert.ok(existsSync(out));
    assert.equal(readFileSync(out).subarray(0, 2).toString(), "PK", "a zip (DOCX) file");
  } finally {
    await app.quit();
  }
});

test("note options, the header logo, and unsaved writing saved before an export", async () => {
  const home = freshHome();
  const logo = path.join(home, "logo-petr.png");
  copyFileSync(path.join(repo, "icons", "128x128@2x.png"), logo);
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-notes");
    await visible(d, "#notes-table");
    await waitText(d, "#note-logo-status", "Aucun logo");

    // The body's logo, chosen once for every exported note.
    await click(d, "#note-logo-pick");
    answerFileDialog("Choisir le logo", logo);
    await waitText(d, "#note-logo-status", "logo-petr.png");
    await waitText(d, "#note-logo-status", "256 × 256");
    await screenshot(d, "62-notes-logo");

    // The list by status.
    await choose(d, "#notes-status-filter", "validated");
    await d.wait(async () => (await d.executeScript("return document.querySelectorAll('#notes-table tbody tr[data-note-id]').length")) === 1, 10000);
    await waitText(d, "#notes-table", "Garage solidaire");
    await choose(d, "#notes-status-filter", "");
    await d.wait(async () => (await d.executeScript("return document.querySelectorAll('#notes-table tbody tr[data-note-id]').length")) === 2, 10000);

    // The draft about the producers' shop: a third option, recommended instead of the first.
    const draft = await d.findElement(By.xpath("//table[@id='notes-table']//button[contains(., 'Magasin de producteurs')]"));
    await draft.click();
    await visible(d, "#note-editor");
    await click(d, "#note-add-option");
    await visible(d, "#option-dialog");
    await fill(d, "#option-dialog input[name=title]", "Magasin itinérant");
    await fill(d, "#option-dialog textarea[name=pros]", "Dessert cinq villages");
    await fill(d, "#option-dialog textarea[name=cons]", "Véhicule à acheter");
    await fill(d, "#option-dialog input[name=cost]", "abc");
    await click(d, "#option-dialog button[type=submit]");
    await waitText(d, "#option-dialog", "montant");
    await fill(d, "#option-dialog input[name=cost]", "62 500");
    await click(d, "#option-dialog input[value=yes]");
    await screenshot(d, "63-note-option");
    await click(d, "#option-dialog button[type=submit]");
    await d.wait(async () => (await d.findElements(By.css("#option-dialog"))).length === 0, 10000);
    await waitText(d, "#note-options", "Option 3 : Magasin itinérant");
    await waitText(d, "#note-options", "500,00");
    const recommended = await d.executeScript(
      "return [...document.querySelectorAll('#note-options .option-line')].filter((li) => li.querySelector('.badge')).map((li) => li.dataset.option)");
    assert.deepEqual(recommended, ["3"], "one recommended option");

    // Text typed and not saved is saved before the export reads the note.
    await fill(d, "#note-section-enjeux textarea", "Un enjeu écrit juste avant l'export.");
    const out = path.join(home, "magasin.pdf");
    await click(d, "#note-export-pdf");
    answerFileDialog("Exporter la note", out);
    await waitText(d, "#toasts", "magasin.pdf");
    const text = pdfText(out);
    assert.match(text, /Un enjeu écrit juste avant l'export\./);
    assert.match(text, /Magasin itinérant/);
    assert.match(text, /62 500,00 €/);
    const images = execFileSync("pdfimages", ["-list", out], { encoding: "utf8" }).trim().split("\n").slice(2);
    assert.ok(images.length >= 1, "the logo is in the PDF");
    await screenshot(d, "64-note-options");

    // What the note is about: an actor added to the action it came from.
    await click(d, "#note-records");
    await visible(d, "#records-dialog");
    await pick(d, "#records-dialog input[name=actors]", "boulangerie", "Boulangerie Les Trois Épis");
    await click(d, "#records-dialog button[type=submit]");
    await d.wait(async () => (await d.findElements(By.css("#records-dialog"))).length === 0, 10000);
    await waitText(d, "#note-about", "Boulangerie Les Trois Épis");
    await waitText(d, "#note-about", "Magasin de producteurs");

    // An earlier version can be read before it is restored: version 1 has the demo's text.
    await click(d, "#note-versions");
    await visible(d, "#versions-dialog");
    await choose(d, "#versions-dialog select[name=number]", "1");
    await waitText(d, "#version-preview", "Garder une offre alimentaire de proximité");
    await click(d, "#versions-dialog button[type=button]");
    await d.wait(async () => (await d.findElements(By.css("#versions-dialog"))).length === 0, 10000);

    // Leaving with unsaved writing asks first.
    await d.executeScript("document.querySelector('#note-section-objet textarea').scrollIntoView({block: 'center'})");
    await fill(d, "#note-section-objet textarea", "Brouillon non enregistré");
    await click(d, "#note-back");
    await visible(d, "#confirm-yes");
    await click(d, "#confirm-no");
    await visible(d, "#note-editor");
  } finally {
    await app.quit();
  }
});
