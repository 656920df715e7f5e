// End-to-end: the territory's communes (issue 27). From the project header, « Choisir les
// communes… »: a département added through the picker, a commune taken out of the list, a
// commune of another département found by an abbreviated name; the header's figures follow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, freshHome, find, visible, waitText, screenshot, click, pick, By } from "./harness.mjs";

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
    await waitText(d, "#project-communes", "Aucune commune choisie");

    await click(d, "#edit-communes");
    await visible(d, "#communes-dialog");
    // Focus is in the picker: the dialog is usable from the keyboard at once.
    assert.equal(await d.executeScript("return document.activeElement.id"), "communes-picker");
    await pick(d, "#communes-picker", "cotes d armor", "Côtes-d'Armor (22)");
    await waitText(d, "#communes-summary", "communes");
    const all = await communes(d, "#communes-summary");
    assert.ok(all > 300, `a département's communes: ${all}`);
    await waitText(d, "#toasts", `${all}`);
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
