// End-to-end: the history of changes. A funding amount edited is told in a sentence on the
// line's history, undone from there (the amount is back, and the undo is in the Journal); an
// undo that a later change stands in the way of is refused, naming that change.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, freshHome, find, visible, waitText, fill, click, choose, screenshot, texts, By } from "./harness.mjs";

/** Normalises the spaces French number formatting uses, for plain comparisons. */
const plain = (s) => s.replace(/[\u202f\u00a0]/g, " ");

/** Opens the first action of the demo that has funding lines. */
async function openAction(d) {
  await click(d, "#nav-actions");
  await visible(d, "#actions-table tbody tr[data-action-id]");
  const rows = await d.findElements(By.css("#actions-table tbody tr[data-action-id] .action-open"));
  for (let i = 0; i < rows.length; i++) {
    const all = await d.findElements(By.css("#actions-table tbody tr[data-action-id] .action-open"));
    await all[i].click();
    await visible(d, "#action-page");
    if ((await d.findElements(By.css("#funding-lines tbody tr"))).length > 0) return;
    await click(d, "#nav-actions");
    await visible(d, "#actions-table tbody tr[data-action-id]");
  }
  throw new Error("no action with funding lines in the demo");
}

/** Edits the amount of the first funding line. */
async function setAmount(d, amount) {
  await click(d, "#funding-lines tbody tr:first-child .funding-edit");
  await visible(d, "#funding-dialog");
  await fill(d, "#funding-dialog input[name=amount]", amount);
  await click(d, "#funding-dialog button[type=submit]");
  await d.wait(async () => (await d.findElements(By.css("#funding-dialog"))).length === 0, 10000, "the funding form stayed open");
  await d.wait(async () => plain(await (await find(d, "#funding-lines tbody tr:first-child")).getText()).includes(amount), 10000);
}

test("history: an edited amount told, undone from the line's history, the undo in the Journal; an undo refused by a later change", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#top-prefs");
    await visible(d, "#prefs-dialog");
    await fill(d, "#prefs-dialog input[name=display_name]", "Claire Vasseur");
    await click(d, "#prefs-dialog button[type=submit]");
    await waitText(d, "#top-prefs", "Claire Vasseur");

    await openAction(d);
    const before = plain(await (await find(d, "#funding-lines tbody tr:first-child td.num")).getText());
    await setAmount(d, "15 000,00 €");

    // The line's history tells it, by name, with both amounts as money.
    await click(d, "#funding-lines tbody tr:first-child .funding-history");
    await visible(d, "#history-dialog .history-sentence");
    const sentence = plain(await (await find(d, "#history-dialog .history-set:first-child .history-sentence")).getText());
    assert.match(sentence, /^Claire Vasseur a changé le montant de la ligne de financement « .+ » : .+ € → 15 000,00 €, le \d+(er)? \S+ \d{4} à \d+ h \d{2}$/, sentence);
    assert.ok(sentence.includes(`${before} → 15 000,00 €`), `${sentence} (was ${before})`);
    await screenshot(d, "110-historique-ligne-de-financement");

    // Undone from there: confirmation, then the amount is back.
    await click(d, "#history-dialog .history-set:first-child .history-undo");
    await visible(d, "#confirm-yes");
    await click(d, "#confirm-yes");
    await waitText(d, "#history-dialog .history-set:first-child", "Annulation de la modification");
    await click(d, "#history-close");
    await d.wait(async () => plain(await (await find(d, "#funding-lines tbody tr:first-child td.num")).getText()) === before,
      10000, "the amount did not come back");

    // The Journal shows the undo, newest first, by Claire Vasseur.
    await click(d, "#nav-journal");
    await visible(d, "#journal #history-list .history-set");
    const first = plain(await (await find(d, "#journal .history-set:first-child")).getText());
    assert.match(first, /Annulation de la modification n° \d+/);
    assert.match(first, /Claire Vasseur/);
    assert.match(first, /montant de la ligne de financement .* 15 000,00 € → /);
    // Filtered by kind of record and by text.
    await choose(d, "#journal-kind", "funding");
    await d.wait(async () => (await texts(d, "#journal .history-label strong")).every((l) => /financement|Annulation/.test(l)), 10000);
    await screenshot(d, "111-journal");

    // Edited twice: undoing the first is refused, and names the second.
    await openAction(d);
    await setAmount(d, "16 000,00 €");
    await setAmount(d, "17 000,00 €");
    await click(d, "#funding-lines tbody tr:first-child .funding-history");
    await visible(d, "#history-dialog .history-set:nth-child(2) .history-undo");
    const second = await (await find(d, "#history-dialog .history-set:first-child")).getAttribute("data-set");
    await click(d, "#history-dialog .history-set:nth-child(2) .history-undo");
    await click(d, "#confirm-yes");
    await visible(d, "#undo-blocked");
    const why = plain(await (await find(d, "#undo-blocked")).getText());
    assert.match(why, /ne peut pas être annulée/);
    assert.ok(why.includes(`n° ${second} — Modification de la ligne de financement`), why);
    await screenshot(d, "112-annulation-refusee");
    await click(d, "#blocked-close");
    await click(d, "#history-close");
    assert.equal(plain(await (await find(d, "#funding-lines tbody tr:first-child td.num")).getText()), "17 000,00 €");
  } finally {
    await app.quit();
  }
});
