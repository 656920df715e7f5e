// End-to-end: « Annuler » after deleting an actor undoes the deletion's change set through
// the journal: the actor comes back with its contacts, tags, profile, links and the notes that
// cite it, and its card is identical to before. The delete dialog counts what goes with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  launch, freshHome, find, visible, waitText, fill, screenshot, click, pick, actorNames, By,
} from "./harness.mjs";

const ACTOR = "Tiers-lieu La Fabrique du Verdanson";

/** Everything the open actor card says, its lists included (the links table in full). */
async function cardData(d) {
  await visible(d, "#actor-card");
  await d.wait(async () => (await find(d, "#card-title")).getText().then((t) => t === ACTOR), 10000);
  // The links come in pages: all of them asked for, then the card read as text.
  for (;;) {
    const more = await d.findElements(By.css("#card-links-more:not([hidden])"));
    if (more.length === 0 || !(await more[0].isDisplayed())) break;
    await more[0].click();
  }
  await d.wait(async () => {
    const rows = await d.findElements(By.css("#card-links-table tbody tr"));
    return rows.length > 0;
  }, 10000, "the card's links");
  return d.executeScript("return document.getElementById('actor-card').innerText");
}

test("deleting an actor, then « Annuler »: everything comes back, its card identical", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");

    // A note that cites the actor.
    await click(d, "#nav-notes");
    await click(d, "#add-note");
    await visible(d, "#note-dialog");
    await fill(d, "#note-dialog input[name=subject]", "Tiers-lieu : renouvellement du bail");
    await pick(d, "#note-dialog input[name=actors]", "Fabrique du Verdanson", ACTOR);
    await click(d, "#note-dialog button[type=submit]");
    await visible(d, "#note-editor");
    await waitText(d, "#toasts", "Note créée");
    await click(d, "#note-back");

    // Its card as it is: contacts, tags, profile (needs, contributions, influence, interest),
    // links, meetings, actions.
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    await fill(d, "#actor-filter", "Fabrique du Verdanson");
    await d.wait(async () => (await actorNames(d)).length === 1, 5000);
    await click(d, `#actors-table tbody tr[data-actor-id] button.link`);
    const before = await cardData(d);
    for (const part of [/Contacts1/, /Nora Belkacem/, /^tiers-lieu$/m, /^ESS$/m, /influence/i, /3 sur 5/,
      /Des résidents pour le co-working/, /Animation du lieu/, /Liens6/, /Rencontres4/]) {
      assert.match(before, part, `the card shows ${part}`);
    }
    await click(d, "#card-back");
    await visible(d, "#actors-table");

    // The delete dialog counts what goes with the actor.
    await fill(d, "#actor-filter", "Fabrique du Verdanson");
    await d.wait(async () => (await actorNames(d)).length === 1, 5000);
    await click(d, "#actors-table tbody tr[data-actor-id] .danger-outline");
    const confirm = await visible(d, "dialog.confirm");
    const details = await confirm.getText();
    assert.match(details, /1 contact\(s\) de l'acteur seront supprimés/);
    assert.match(details, /2 étiquette\(s\) lui seront retirées/);
    assert.match(details, /6 lien\(s\) avec d'autres acteurs seront supprimés/);
    assert.match(details, /Cité dans 1 note\(s\) d'aide à la décision/);
    assert.match(details, /Tiers-lieu : renouvellement du bail/);
    await screenshot(d, "16-suppression-acteur-ce-qui-part");
    await click(d, "#confirm-yes");
    await d.wait(async () => (await actorNames(d)).length === 0, 5000);
    await waitText(d, "#toasts", "supprimé");

    // « Annuler »: the deletion's change set undone through the journal.
    await click(d, "#toasts .toast .btn.small");
    await d.wait(async () => (await actorNames(d)).length === 1, 10000);
    await waitText(d, "#toasts", "rétabli");
    await click(d, `#actors-table tbody tr[data-actor-id] button.link`);
    const after = await cardData(d);
    assert.equal(after, before, "the card reads exactly as before");
    await screenshot(d, "17-acteur-retabli");

    // The note cites it again (its deletion would say so), and the Journal shows the undo.
    await click(d, "#card-back");
    await visible(d, "#actors-table");
    await fill(d, "#actor-filter", "Fabrique du Verdanson");
    await d.wait(async () => (await actorNames(d)).length === 1, 5000);
    await click(d, "#actors-table tbody tr[data-actor-id] .danger-outline");
    const again = await (await visible(d, "dialog.confirm")).getText();
    assert.match(again, /Cité dans 1 note\(s\) d'aide à la décision/);
    assert.match(again, /1 contact\(s\) de l'acteur seront supprimés/);
    await click(d, "#confirm-no");
    await click(d, "#nav-journal");
    await waitText(d, "#history-list", "Annulation de la modification");
  } finally {
    await app.quit();
  }
});
