// The layout holds from the full window down to the minimum size (900 px) and at 200 % zoom
// (Ctrl + =, the 1280 px window showing 640 px of page): the sections are grouped in a side
// bar, which folds into a button naming the current section on a narrow page; no screen
// scrolls sideways. Screenshots at 1280 px, 900 px and 200 %.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, freshHome, visible, click, screenshot, Key } from "./harness.mjs";


const SECTIONS = ["dashboard", "territory", "actors", "network", "meetings", "competences", "team", "structure", "tree", "actions", "notes", "timeline"];

/** How far the page scrolls sideways (0 when it fits), and the widest element sticking out. */
async function overflow(d) {
  return d.executeScript(`
    const doc = document.documentElement;
    const width = doc.clientWidth;
    let worst = null;
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > width + 1 && !el.closest(".vscroll, .table-scroll, .map-stage, pre, [hidden]")) {
        if (!worst || r.right > worst.right) worst = { right: Math.round(r.right), tag: el.tagName, id: el.id, cls: String(el.className) };
      }
    }
    return { scroll: doc.scrollWidth - width, worst };`);
}

/** Presses a key on the element `id` (keyboard events stay right under page zoom, where the
 * driver's clicks land beside their target). */
async function press(d, id, key = Key.ENTER) {
  await d.executeScript("document.getElementById(arguments[0]).focus()", id);
  await (await d.switchTo().activeElement()).sendKeys(key);
}

/** Goes to a section from the keyboard: unfolding the section list first when it is folded. */
async function go(d, section) {
  if (await d.executeScript("return getComputedStyle(document.getElementById('nav-toggle')).display !== 'none'")) {
    if (await d.executeScript("return document.getElementById('nav-toggle').getAttribute('aria-expanded')") !== "true") await press(d, "nav-toggle");
    await visible(d, `#nav-${section}`);
  }
  await press(d, `nav-${section}`);
  await d.wait(async () => (await d.executeScript("return document.getElementById(arguments[0])?.getAttribute('aria-current')", `nav-${section}`)) === "page", 5000);
}

async function resize(d, width, height = 800) {
  await d.manage().window().setRect({ width, height });
  await d.wait(async () => Math.abs((await d.executeScript("return window.innerWidth")) - width) < 40, 5000);
}

test("the sections are grouped in a side bar that folds on a narrow window; nothing scrolls sideways at 200 %", async () => {
  const app = await launch(freshHome());
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await resize(d, 1280);
    // Every ResizeObserver the screens create is counted, to check that none outlives its
    // element (the map made one per drawing and kept them all).
    await d.executeScript(`
      const Native = window.ResizeObserver;
      window.__observers = new Set();
      window.ResizeObserver = class extends Native {
        constructor(cb) { super(cb); this.targets = new Set(); }
        observe(t, o) { this.targets.add(t); window.__observers.add(this); return super.observe(t, o); }
        disconnect() { this.targets.clear(); window.__observers.delete(this); return super.disconnect(); }
      };`);
    // Wide: every section is in the side bar, grouped, with no button to unfold it.
    assert.equal(await d.executeScript("return getComputedStyle(document.getElementById('nav-toggle')).display"), "none");
    const headings = await d.executeScript("return [...document.querySelectorAll('.sidenav-heading')].map((h) => h.textContent)");
    assert.deepEqual(headings, ["Projet de territoire", "Réseau d'acteurs", "Équipe"]);
    await screenshot(d, "96-navigation-1280px");

    for (const [width, name] of [[900, "900px"], [640, "200pc"]]) {
      if (width === 640) {
        // 200 %: the page zoomed with Ctrl + = (five steps of 20 %) in the 1280 px window.
        await resize(d, 1280);
        for (let i = 0; i < 5; i += 1) await (await d.switchTo().activeElement()).sendKeys(Key.chord(Key.CONTROL, "="));
        await d.wait(async () => Math.abs((await d.executeScript("return window.innerWidth")) - 640) < 40, 5000,
          "the page did not zoom to 200 %");
      } else await resize(d, width);
      for (const sec of SECTIONS) {
        await go(d, sec);
        await d.sleep(400);
        const o = await overflow(d);
        assert.ok(o.scroll <= 1 && !o.worst, `${name}, ${sec}: ${JSON.stringify(o)}`);
      }
      await go(d, "dashboard");
      await screenshot(d, `97-navigation-${name}`);
    }
    // The network screen drawn again and again, the lists too: no observer left behind.
    for (let i = 0; i < 4; i += 1) for (const sec of ["network", "actors", "meetings"]) await go(d, sec);
    await d.sleep(500);
    const stale = await d.executeScript(
      "return [...window.__observers].filter((o) => [...o.targets].every((t) => !t.isConnected)).length");
    const live = await d.executeScript("return window.__observers.size");
    assert.equal(stale, 0, `${stale} ResizeObserver(s) watching only elements gone from the page (${live} in all)`);
    // The folded list opens and closes from the keyboard, and Ctrl+K still reaches the search.
    await press(d, "nav-toggle");
    await visible(d, "#nav-actors");
    assert.equal(await d.executeScript("return document.activeElement.id"), "nav-meetings", "focus goes to the current section");
    await screenshot(d, "98-navigation-200pc-ouverte");
    await (await d.switchTo().activeElement()).sendKeys(Key.ESCAPE);
    assert.equal(await d.executeScript("return document.activeElement.id"), "nav-toggle");
    assert.equal(await d.executeScript("return document.getElementById('nav-toggle').getAttribute('aria-expanded')"), "false");
    await (await d.switchTo().activeElement()).sendKeys(Key.chord(Key.CONTROL, "k"));
    assert.equal(await d.executeScript("return document.activeElement.id"), "search");
    for (let i = 0; i < 5; i += 1) await (await d.switchTo().activeElement()).sendKeys(Key.chord(Key.CONTROL, "-"));
    await d.wait(async () => (await d.executeScript("return window.innerWidth")) > 1200, 5000, "back to 100 %");
  } catch (e) {
    await screenshot(app.driver, "layout-echec").catch(() => {});
    throw e;
  } finally {
    await app.quit();
  }
});
