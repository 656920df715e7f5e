// End-to-end: every free-text field of the main forms filled, in the real app, with hostile
// text (markup with event handlers, a script tag, a javascript: URL, a right-to-left override,
// quotes): it is saved, shown back as plain text wherever it appears, and runs nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, freshHome, visible, click, choose, fill, waitText, screenshot, pick, By, Key } from "./harness.mjs";

// Typed fields keep their own format; every other text field gets the hostile text.
const TYPED = new Set(["date", "start_date", "end_date", "meeting_date", "adoption_date", "period_start", "period_end",
  "hours", "budget", "amount", "cost", "due_date", "since", "email", "phone", "reassess_on", "value", "target", "baseline",
  "current", "measured_on", "requested_on", "decision_on"]);

// Fields limited to a few dozen characters get a shorter hostile text.
const SHORT = new Set(["tags", "display_name", "unit"]);

/** The hostile text for one field (its name keeps the texts apart). @param {string} field */
function hostile(field) {
  if (SHORT.has(field)) return `<img src=x onerror="window.__pwned=1">"${field}"`;
  return `<img src=x onerror="window.__pwned='${field}'"><script>window.__pwned='${field}'</script> javascript:alert(1) \u202Egnp.exe "${field}" & 'x'`;
}

/**
 * Fills every empty-or-not text input and textarea of the open dialog `css` with hostile text,
 * then submits it and waits for it to close.
 * @param {import("selenium-webdriver").WebDriver} d @param {string} css
 */
async function fillHostileAndSubmit(d, css) {
  await visible(d, css);
  const fields = await d.executeScript(`
    return [...document.querySelectorAll('${css} input[type=text]:not([role=combobox]), ${css} textarea')]
      .filter((el) => el.name && !el.disabled).map((el) => el.name);`);
  for (const name of /** @type {string[]} */ (fields)) {
    if (TYPED.has(name)) continue;
    const el = await d.findElement(By.css(`${css} [name="${name}"]`));
    await el.clear();
    await el.sendKeys(hostile(name));
  }
  await click(d, `${css} button[type=submit]`);
  await d.wait(async () => (await d.findElements(By.css(css))).length === 0, 15000, `${css} did not close: ${await d.executeScript(`return [...document.querySelectorAll('${css} .form-summary, ${css} .field-error')].map((e) => e.textContent).join(' / ')`)}`);
  return fields;
}

/** Nothing ran, nothing was injected, and the text shows as written. @param {import("selenium-webdriver").WebDriver} d */
async function assertInert(d, where, expectText) {
  // Screens redraw after saving: give the text time to appear (the assertions below decide).
  if (expectText) {
    await d.wait(async () => d.executeScript("return document.body.textContent.includes(arguments[0])", expectText), 5000)
      .catch(() => {});
  }
  const state = await d.executeScript(`return {
    pwned: window.__pwned ?? null,
    imgs: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
    text: document.body.textContent,
  }`);
  assert.equal(state.pwned, null, `${where}: a script ran`);
  assert.equal(state.imgs, 0, `${where}: markup was interpreted`);
  assert.equal(state.scripts, 0, `${where}: a script element was injected`);
  if (expectText) assert.ok(state.text.includes(expectText), `${where}: the text is shown as written`);
}

test("hostile text in every free-text field is stored and shown as text, and runs nothing", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");

    // The project header.
    await click(d, "#edit-project");
    await fillHostileAndSubmit(d, "#project-dialog");
    await assertInert(d, "project", '"title"');

    // An actor, then its card, a contact and a link.
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    await click(d, "#add-actor");
    await visible(d, "#actor-dialog");
    await choose(d, "#actor-dialog select[name=world]", "association");
    await fillHostileAndSubmit(d, "#actor-dialog");
    await assertInert(d, "actors list", '"name"');
    const open = await d.findElement(By.xpath(`//table[@id='actors-table']//*[contains(., '"name"')]//button | //table[@id='actors-table']//button[contains(., '"name"')]`));
    await open.click();
    await visible(d, "#add-contact");
    await assertInert(d, "actor card", '"notes"');
    await click(d, "#add-contact");
    await fillHostileAndSubmit(d, "#contact-dialog");
    await assertInert(d, "contact", '"role"');
    await click(d, "#card-edit-profile");
    await fillHostileAndSubmit(d, "#profile-dialog");
    await assertInert(d, "profile", '"contributions"');
    await click(d, "#add-link");
    await visible(d, "#link-dialog");
    await pick(d, "#link-dialog input[name=actor_b]", "Mairie");
    await fillHostileAndSubmit(d, "#link-dialog");
    await assertInert(d, "link", '"notes"');

    // A team member.
    await click(d, "#nav-team");
    await visible(d, "#team-table");
    await click(d, "#add-member");
    await fillHostileAndSubmit(d, "#member-dialog");
    await assertInert(d, "team", '"structure"');

    // A meeting with a follow-up.
    await click(d, "#nav-meetings");
    await click(d, "#add-meeting");
    await visible(d, "#meeting-dialog");
    const addFollowUp = await d.findElements(By.xpath("//dialog[@id='meeting-dialog']//button[contains(., 'Ajouter une suite')]"));
    if (addFollowUp.length) await addFollowUp[0].click();
    await fillHostileAndSubmit(d, "#meeting-dialog");
    const propose = await d.findElements(By.css("#propose-links-dialog"));
    if (propose.length) await click(d, "#propose-links-dialog button[type=button]");
    await assertInert(d, "meetings", '"title"');

    // A need, an axis, an action.
    await click(d, "#nav-structure");
    await click(d, "#add-need");
    await fillHostileAndSubmit(d, "#need-dialog");
    await click(d, "#add-axis");
    await fillHostileAndSubmit(d, "#axis-dialog");
    await assertInert(d, "needs and axes", '"title"');
    await click(d, "#nav-actions");
    await click(d, "#add-action");
    await fillHostileAndSubmit(d, "#action-dialog");
    await assertInert(d, "actions", '"title"');
    // A funding line and an indicator on an action's page.
    await click(d, "#nav-actions");
    await visible(d, "#actions-table");
    await click(d, By.xpath("//table[@id='actions-table']//button[starts-with(., 'Garage solidaire')]"));
    await click(d, "#add-funding");
    await visible(d, "#funding-dialog");
    await fill(d, "#funding-dialog input[name=amount]", "1 000");
    await fillHostileAndSubmit(d, "#funding-dialog");
    await assertInert(d, "funding", '"scheme"');
    await click(d, "#add-indicator");
    await fillHostileAndSubmit(d, "#indicator-dialog");
    await assertInert(d, "indicator", '"name"');

    // A decision note: its header, and a section typed in the editor, saved and reloaded.
    await click(d, "#nav-notes");
    await click(d, "#add-note");
    await fillHostileAndSubmit(d, "#note-dialog");
    await visible(d, "#note-editor");
    const section = await d.findElement(By.css("#note-section-enjeux textarea"));
    await section.clear();
    await section.sendKeys(hostile("enjeux"));
    await click(d, "#note-save");
    await waitText(d, "#toasts", "Note enregistrée");
    await assertInert(d, "note editor", '"subject"');
    await click(d, "#note-add-option");
    await fillHostileAndSubmit(d, "#option-dialog");
    await assertInert(d, "note options", '"title"');

    // The display name in the preferences, shown in the top bar.
    await click(d, "#top-prefs");
    await fillHostileAndSubmit(d, "#prefs-dialog");
    await assertInert(d, "preferences", null);

    // The search shows the hostile names as text too.
    await fill(d, "#search", "javascript");
    await (await d.findElement(By.css("#search"))).sendKeys(Key.ENTER);
    await visible(d, "#search-results");
    await assertInert(d, "search", "javascript:alert(1)");
    await screenshot(d, "74-texte-hostile");
  } finally {
    await app.quit();
  }
});
