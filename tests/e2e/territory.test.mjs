// End-to-end: the territory's communes (issue 27). From the project header, « Choisir les
// communes… »: a département added through the picker, a commune taken out of the list, a
// commune of another département found by an abbreviated name; the header's figures follow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, freshHome, find, visible, waitText, screenshot, click, pick, fill, closeDialog, By } from "./harness.mjs";

/** The number of communes a summary line gives (« 344 communes, … »). */
async function communes(d, css) {
  const text = await (await find(d, css)).getText();
  const m = text.replace(/\s/g, "").match(/^(\d+)communes/);
  return m ? Number(m[1]) : 0;
}

test("the territory's communes: a département, one taken out, one found by « st brieuc »-style typing", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    // The demo's fictional territory: its ten communes.
    await waitText(d, "#project-communes", "10 communes");

    await click(d, "#edit-communes");
    await visible(d, "#communes-dialog");
    // Focus is in the picker: the dialog is usable from the keyboard at once.
    assert.equal(await d.executeScript("return document.activeElement.id"), "communes-picker");
    await pick(d, "#communes-picker", "cotes d armor", "Côtes-d'Armor (22)");
    await waitText(d, "#communes-summary", "communes");
    const all = await communes(d, "#communes-summary");
    assert.ok(all > 300, `a département's communes: ${all}`);
    await waitText(d, "#toasts", `${all - 10}`);
    await screenshot(d, "territory-communes-departement");

    // The first commune of the list taken out.
    const first = await (await find(d, "#commune-list li span")).getText();
    await click(d, "#commune-list li button");
    await d.wait(async () => (await communes(d, "#communes-summary")) === all - 1, 10000, "one commune fewer");
    const names = await d.executeScript("return [...document.querySelectorAll('#commune-list li > span:first-child')].map((e) => e.textContent)");
    assert.ok(!names.includes(first), `${first} left the list`);

    // A commune of another département, typed the short way.
    await pick(d, "#communes-picker", "st pol de leon", "Saint-Pol-de-Léon");
    await d.wait(async () => (await communes(d, "#communes-summary")) === all, 10000, "one commune more");
    await screenshot(d, "territory-communes-adjusted");

    // Beyond the communes listed: found by the filter (folded), taken out.
    await (await find(d, "#communes-filter")).sendKeys("st pol");
    await d.wait(async () => {
      const shown = await d.executeScript("return [...document.querySelectorAll('#commune-list li > span:first-child')].map((e) => e.textContent)");
      return shown.length === 1 && shown[0] === "Saint-Pol-de-Léon";
    }, 10000, "the filter finds the commune");
    await click(d, "#commune-list li button");
    await d.wait(async () => (await communes(d, "#communes-summary")) === all - 1, 10000, "taken out again");
    await waitText(d, "#communes-more", "Aucune commune du territoire ne correspond");
    await pick(d, "#communes-picker", "29259", "Saint-Pol-de-Léon");
    await d.wait(async () => (await communes(d, "#communes-summary")) === all, 10000, "back by its INSEE code");

    await click(d, "#communes-close");
    await d.wait(async () => (await d.findElements(By.css("#communes-dialog"))).length === 0, 5000);
    await d.wait(async () => (await communes(d, "#project-communes")) === all, 10000, "the header's figures");
    await screenshot(d, "territory-communes-header");
  } finally {
    await app.quit();
  }
});

test("an actor's commune: picked in the list, or written and resolved later for every actor of it", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    // Every actor of the demo has its commune: nothing to resolve.
    await waitText(d, "#project-communes", "10 communes");
    assert.equal(await (await find(d, "#unplaced-communes")).getText(), "");

    await click(d, "#nav-actors");
    await click(d, "#add-actor");
    await visible(d, "#actor-dialog");
    await fill(d, "#actor-dialog input[name=name]", "Tiers-lieu du port");
    // Typed the short way, chosen among the communes of France; the line under says so.
    await pick(d, "#actor-dialog input[name=commune]", "st brieuc", "Saint-Brieuc");
    await waitText(d, "#actor-dialog .field .hint", "code INSEE 22278");
    await screenshot(d, "territory-actor-commune-picked");
    await closeDialog(d, "actor-dialog");

    // Two actors of a commune written as it is not in the list.
    for (const name of ["Centre social des Tilleuls", "Jardin partagé des Tilleuls"]) {
      await click(d, "#add-actor");
      await visible(d, "#actor-dialog");
      await fill(d, "#actor-dialog input[name=name]", name);
      await fill(d, "#actor-dialog input[name=commune]", "Quartier des Tilleuls");
      await (await find(d, "#actor-dialog textarea[name=notes]")).click();
      await waitText(d, "#actor-dialog .field .hint", "Pas dans la liste des communes");
      await closeDialog(d, "actor-dialog");
    }
    await fill(d, "#actor-filter", "Tiers-lieu du port");
    await waitText(d, "#actors-table", "Saint-Brieuc");

    // The header counts the written commune; its dialog places both actors at once.
    await click(d, "#nav-dashboard");
    await waitText(d, "#unplaced-communes", "1 commune(s) écrite(s)");
    await waitText(d, "#unplaced-communes", "2 acteur(s)");
    await click(d, "#resolve-communes");
    await visible(d, "#unplaced-dialog");
    await waitText(d, "#unplaced-list", "Quartier des Tilleuls");
    await screenshot(d, "territory-unplaced");
    await pick(d, "#unplaced-pick-0", "larrieu", "Larrieu");
    await waitText(d, "#toasts", "2 acteur(s)");
    await waitText(d, "#unplaced-summary", "Toutes les communes écrites sont rattachées");
    await click(d, "#unplaced-close");
    await d.wait(async () => (await d.findElements(By.css("#unplaced-dialog"))).length === 0, 5000);
    await d.wait(async () => (await (await find(d, "#unplaced-communes")).getText()) === "", 10000, "nothing left to resolve");

    await click(d, "#nav-actors");
    await fill(d, "#actor-filter", "des Tilleuls");
    await d.wait(async () => {
      const rows = await d.executeScript("return [...document.querySelectorAll('#actors-table tbody tr[data-actor-id]')].map((r) => r.textContent)");
      return rows.length === 2 && rows.every((r) => r.includes("Larrieu"));
    }, 10000, "both actors in Larrieu");
  } finally {
    await app.quit();
  }
});
