// A keyboard-only walk through the app: create an actor, add a link, record a meeting, finish
// a self-assessment and export a note, with Tab, Shift+Tab, Enter, Space, Escape and the arrow
// keys only (text is typed into fields). At every step the focus is on an element of the page
// and visibly so; when a dialog closes, the focus is back on the control that opened it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { launch, freshHome, visible, waitText, answerFileDialog, screenshot, suggestions, Key, By } from "./harness.mjs";

/** What has the focus, and whether it is shown (an outline or a ring). */
const FOCUS = `
  const el = document.activeElement;
  if (!el || el === document.body) return { lost: true };
  const s = getComputedStyle(el);
  const shown = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
  return { id: el.id, tag: el.tagName, text: (el.textContent || el.value || "").trim().slice(0, 40), shown,
    matches: arguments[0] ? el.matches(arguments[0]) : false };`;

/** Presses a key on whatever has the focus. */
async function press(d, ...keys) {
  await (await d.switchTo().activeElement()).sendKeys(...keys);
}

/**
 * Tabs (or shift-tabs) until the focus is on `css`; every stop on the way must show its focus.
 * @returns {Promise<number>} the number of key presses
 */
async function tabTo(d, css, { back = false, max = 120 } = {}) {
  for (let i = 0; i <= max; i += 1) {
    const f = await d.executeScript(FOCUS, css);
    if (i > 0) {
      assert.ok(!f.lost, `focus lost on the way to ${css}`);
      assert.ok(f.shown, `focus not visible on ${f.tag}#${f.id} « ${f.text} » on the way to ${css}`);
    }
    if (f.matches) return i;
    await press(d, back ? Key.chord(Key.SHIFT, Key.TAB) : Key.TAB);
  }
  throw new Error(`${css} not reached with the keyboard in ${max} presses`);
}

async function focusIs(d, css, why) {
  await d.wait(async () => (await d.executeScript(FOCUS, css)).matches, 5000, why);
}

async function closed(d, id) {
  await d.wait(async () => (await d.findElements(By.css(`#${id}`))).length === 0, 10000, `${id} still open`);
}

test("keyboard only: an actor, a link, a meeting, a self-assessment and a note export", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await visible(d, "#open-demo");
    await tabTo(d, "#open-demo");
    await press(d, Key.ENTER);
    await visible(d, "#workspace");

    // An actor.
    await tabTo(d, "#nav-actors");
    await press(d, Key.ENTER);
    await visible(d, "#actors-table");
    await tabTo(d, "#add-actor");
    await press(d, Key.ENTER);
    await visible(d, "#actor-dialog");
    await focusIs(d, "#actor-dialog input[name=name]", "the form opens on its first field");
    await press(d, "Ferme du Chêne Clavier");
    await tabTo(d, "#actor-dialog button[type=submit]");
    await press(d, Key.ENTER);
    await closed(d, "actor-dialog");
    await focusIs(d, "#add-actor", "back on the button that opened the form");

    // Its card, then a link with the Mairie de Larrieu.
    await tabTo(d, "#actor-filter", { back: true });
    await press(d, "chene clavier");
    await d.wait(async () => (await d.findElements(By.css("#actors-table tbody tr[data-actor-id] .actor-name .link"))).length === 1, 10000);
    await tabTo(d, "#actors-table tbody tr[data-actor-id] .actor-name .link");
    await press(d, Key.ENTER);
    await visible(d, "#actor-card");
    await tabTo(d, "#add-link");
    await press(d, Key.ENTER);
    await visible(d, "#link-dialog");
    await tabTo(d, "#link-dialog input[name=actor_b]");
    await press(d, "mairie de larr");
    // The first suggestion is the one asked for once the list answers what was typed whole
    // (not an earlier answer to its first letters).
    assert.match((await suggestions(d, "#link-dialog input[name=actor_b]"))[0], /^Mairie de Larrieu/);
    await press(d, Key.ARROW_DOWN);
    await press(d, Key.ARROW_UP);
    await press(d, Key.ENTER);
    await tabTo(d, "#link-dialog button[type=submit]");
    await press(d, Key.ENTER);
    await closed(d, "link-dialog");
    await waitText(d, "#card-links-table", "Mairie de Larrieu");
    await focusIs(d, "#add-link", "back on « Ajouter un lien »");

    // A meeting with that actor.
    await tabTo(d, "#nav-meetings", { back: true });
    await press(d, Key.ENTER);
    await visible(d, "#meetings-table");
    await tabTo(d, "#add-meeting");
    await press(d, Key.ENTER);
    await visible(d, "#meeting-dialog");
    await press(d, "Atelier au clavier");
    await tabTo(d, "#meeting-dialog input[name=actor_ids]");
    await press(d, "chene clavier");
    assert.match((await suggestions(d, "#meeting-dialog input[name=actor_ids]"))[0], /^Ferme du Chêne Clavier/);
    await press(d, Key.ENTER);
    await waitText(d, "#meeting-dialog .chips", "Ferme du Chêne Clavier");
    await tabTo(d, "#meeting-dialog button[type=submit]");
    await press(d, Key.ENTER);
    await closed(d, "meeting-dialog");
    await waitText(d, "#meetings-table", "Atelier au clavier");
    await focusIs(d, "#add-meeting", "back on « Nouvelle rencontre »");

    // A self-assessment: a level changed with the arrow keys, then finished and confirmed.
    await tabTo(d, "#nav-competences", { back: true });
    await press(d, Key.ENTER);
    await visible(d, "#grid-history-table");
    await tabTo(d, "#grid-new");
    await press(d, Key.ENTER);
    await visible(d, "#grid-form");
    await tabTo(d, "#grid-form input[name=level-1]:checked");
    const before = await d.executeScript("return document.activeElement.value");
    await press(d, Key.ARROW_RIGHT);
    const after = await d.executeScript("return document.querySelector('#grid-form input[name=level-1]:checked').value");
    assert.notEqual(after, before, "the arrow keys change the level");
    await tabTo(d, "#grid-finish");
    await press(d, Key.ENTER);
    await visible(d, "dialog.confirm");
    await tabTo(d, "#confirm-yes");
    await press(d, Key.SPACE);
    await visible(d, "#grid-view");

    // A note exported to DOCX, the file named in the save dialog.
    await tabTo(d, "#nav-notes", { back: true });
    await press(d, Key.ENTER);
    await visible(d, "#notes-table tbody tr[data-note-id]");
    await tabTo(d, "#notes-table tbody tr[data-note-id] button.link");
    await press(d, Key.ENTER);
    await visible(d, "#note-editor");
    await tabTo(d, "#note-export");
    const file = path.join(home, "note-clavier.docx");
    await press(d, Key.ENTER);
    answerFileDialog("Exporter la note", file);
    await waitText(d, "#toasts", "note-clavier.docx");
    assert.ok(existsSync(file), "the note was written");
    // Escape closes a dialog and gives the focus back.
    await tabTo(d, "#note-versions", { back: true });
    await press(d, Key.ENTER);
    await visible(d, "#versions-dialog");
    await press(d, Key.ESCAPE);
    await closed(d, "versions-dialog");
    await focusIs(d, "#note-versions", "back on « Versions » after Escape");
    await screenshot(d, "99-parcours-clavier");
  } catch (e) {
    await screenshot(app.driver, "clavier-echec").catch(() => {});
    throw e;
  } finally {
    await app.quit();
  }
});
