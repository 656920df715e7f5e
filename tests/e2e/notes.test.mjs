// End-to-end: a decision note from an action, an edited section kept through a refresh of the
// data, a status change that freezes the note, and the export through the save dialog.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  launch, freshHome, find, visible, waitText, fill, choose, screenshot, click, answerFileDialog, By,
} from "./harness.mjs";

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
    assert.match(cal, /20 janvier 2027 : Bureau/);

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
