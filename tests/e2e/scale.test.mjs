// Catalyse at the scale of a département (5,000 actors) and of a country (100,000 actors,
// 1,000,000 links), in the real app: lists show in SQL-sized pages, a long import shows its
// progress, can be stopped without writing anything, and leaves the window usable meanwhile.
// The figures measured in the page (Performance API) are printed, not asserted: speed is
// judged by the benchmarks, behaviour by these tests.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, copyFileSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import {
  launch, freshHome, scratch, find, visible, click, fill, choose, pick, screenshot, answerFileDialog, waitText, By, BINARY,
} from "./harness.mjs";
import { writeScaleCsv, withJournal, JOURNAL_AUTHORS } from "./scale-data.mjs";
import { appPid, startedAt, pssTree } from "./procfs.mjs";
import { panAndZoom, percentile } from "./frames.mjs";

const dir = scratch("scale-");
const env = { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, "data") };
const run = (...args) => execFileSync(BINARY, args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
/** @type {{file: string, actorsCsv: string, linksCsv: string|null}} */
let dept;
/** @type {{file: string, actorsCsv: string, linksCsv: string|null}} */
let country;
/** The country's workspace with its million links. @type {string} */
let countryLinked;

/** A new workspace with `actors` actors (and `links` links), imported with the command line. */
function build(name, actors, links) {
  const sub = mkdtempSync(path.join(dir, `${name}-`));
  const csv = writeScaleCsv(sub, actors, links);
  const file = path.join(sub, `${name}.catalyse`);
  run("new", file, "--territory", `Territoire ${name}`, "--kind", "department");
  run("import", "actors", csv.actors, "--workspace", file);
  return { file, actorsCsv: csv.actors, linksCsv: csv.links };
}

before(() => {
  const t0 = Date.now();
  dept = build("departement", 5_000, 20_000);
  if (dept.linksCsv) run("import", "links", dept.linksCsv, "--workspace", dept.file);
  country = build("pays", 100_000, 1_000_000);
  countryLinked = copyOf(country);
  if (country.linksCsv) run("import", "links", country.linksCsv, "--workspace", countryLinked);
  console.log(`# scale workspaces built with the command line in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});

/** A copy of a built workspace, for one test. @param {{file: string}} ws */
function copyOf(ws) {
  const copy = path.join(mkdtempSync(path.join(dir, "copy-")), path.basename(ws.file));
  copyFileSync(ws.file, copy);
  return copy;
}

/** The record counts of a workspace (read-only; it may be open in the app). */
function counts(file) {
  return JSON.parse(run("check", "--json", file)).counts;
}


/**
 * Shows the actors and measures, in the page: the time from the click to the first rows
 * painted, a filter keystroke to the next frame once the list is updated (typing then
 * erasing), and the longest frame while scrolling through the list.
 */
async function measureActors(d, label) {
  const shown = await d.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const t0 = performance.now();
    document.getElementById("nav-actors").click();
    const wait = () => {
      if (document.querySelector("#actors-table tbody tr[data-actor-id]")) requestAnimationFrame(() => done(performance.now() - t0));
      else setTimeout(wait, 2);
    };
    wait();`);
  const domRows = await d.executeScript("return document.querySelectorAll('#actors-table tbody tr').length");
  const total = await (await find(d, "#actors-count")).getText();
  const keystrokes = await d.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const input = document.getElementById("actor-filter");
    const table = document.getElementById("actors-table");
    const text = "mairie de sai";
    const steps = [...text].map((_, i) => text.slice(0, i + 1));
    for (let i = text.length - 1; i >= 0; i--) steps.push(text.slice(0, i));
    const times = [];
    const next = (i) => {
      if (i >= steps.length) { done(times); return; }
      const before = table.dataset.loaded;
      const t0 = performance.now();
      input.value = steps[i];
      input.dispatchEvent(new Event("input", { bubbles: true }));
      const check = () => {
        if (table.dataset.loaded !== before || performance.now() - t0 > 3000) {
          requestAnimationFrame(() => { times.push(performance.now() - t0); setTimeout(() => next(i + 1), 30); });
        } else setTimeout(check, 1);
      };
      check();
    };
    next(0);`);
  // Scrolling is measured once the page is idle: right after heavy use, the web engine
  // compiles the hot code on background threads, which on a 2-core machine slows frames
  // for a few seconds (seen: ~60 ms frames for 3 s, then 10-16 ms).
  await d.sleep(5000);
  const scrolling = await d.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const box = document.getElementById("actors-table-scroll");
    const frames = [];
    let last = performance.now();
    let steps = 0;
    const frame = (now) => {
      frames.push(now - last);
      last = now;
      if (steps++ < 120) { box.scrollTop += box.clientHeight * 3; requestAnimationFrame(frame); }
      else done({ frames, top: box.scrollTop, rows: document.querySelectorAll("#actors-table tbody tr").length });
    };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(frame); });`);
  const figures = {
    list_shown_ms: Math.round(shown),
    keystroke_p95_ms: Math.round(percentile(keystrokes, 0.95)),
    keystroke_median_ms: Math.round(percentile(keystrokes, 0.5)),
    scroll_longest_frame_ms: Math.round(Math.max(...scrolling.frames.slice(1))),
    dom_rows: domRows,
    dom_rows_after_scroll: scrolling.rows,
  };
  console.log(`# ${label}: ${total}; ${JSON.stringify(figures)}`);
  if (process.env.CATALYSE_E2E_VERBOSE) console.log(`# keystrokes (ms): ${keystrokes.map(Math.round).join(" ")}; frames: ${scrolling.frames.map(Math.round).join(" ")}`);
  return figures;
}

test("lists at scale: a département's and a country's actors, paged in SQL, at most ~200 rows in the page", async () => {
  for (const [label, ws] of [["5 000 acteurs", dept], ["100 000 acteurs", country]]) {
    const app = await launch(freshHome(), ["--workspace", copyOf(ws)]);
    try {
      const d = app.driver;
      await visible(d, "#workspace");
      const f = await measureActors(d, label);
      assert.ok(f.dom_rows <= 200 && f.dom_rows_after_scroll <= 200, JSON.stringify(f));
      // The filter went through SQL: the count says how many match, out of all of them.
      await waitText(d, "#actors-count", label.startsWith("5") ? "5 000" : "100 000");
      await screenshot(d, `90-acteurs-${label.startsWith("5") ? "5000" : "100000"}`);
    } finally {
      await app.quit();
    }
  }
});

/**
 * The département's workspace with a plan far beyond any real one (10 axes, 5,000 actions,
 * 2,000 notes, one action with 300 funding lines) and a hub (the first actor, linked to 3,000
 * others, a third of them introduced by the second actor), written as a workspace document
 * and imported with the command line, which checks it whole.
 * @returns {{file: string, hub: string}}
 */
function buildPlan() {
  const sub = mkdtempSync(path.join(dir, "plan-"));
  const json = path.join(sub, "dept.json");
  run("export", "workspace", json, "--workspace", dept.file);
  const doc = JSON.parse(readFileSync(json, "utf8"));
  const at = "2026-01-01T00:00:00Z";
  const stamp = { created_at: at, updated_at: at };
  const statuses = ["idea", "preparing", "ongoing", "done", "abandoned"];
  doc.tables.axis = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, title: `Axe ${i + 1}`, description: "", position: i, ...stamp }));
  doc.tables.action = Array.from({ length: 5_000 }, (_, i) => ({
    id: i + 1, title: `${i % 7 === 0 ? "Étude" : "Action"} n° ${i + 1} ${i % 3 === 0 ? "mobilité" : "énergie"}`,
    description: "", axis_id: i % 11 === 10 ? null : (i % 10) + 1, status: statuses[i % 5],
    start_date: i % 4 === 0 ? null : `20${24 + (i % 6)}-0${1 + (i % 9)}-01`, end_date: null,
    budget_cents: i % 2 ? (i + 1) * 100_000 : null, lead_actor_id: (i % 5_000) + 1, practice: null, activity: null,
    engineering: null, position: i, referent_member_id: null, ...stamp,
  }));
  doc.tables.funding = Array.from({ length: 300 }, (_, i) => ({
    id: i + 1, action_id: 1, funder_id: (i % 50) + 1, scheme: `Dispositif ${i + 1}`, amount_cents: 100_000,
    status: "requested", requested_on: null, decision_on: null, notes: "", ...stamp,
  }));
  doc.tables.decision_note = Array.from({ length: 2_000 }, (_, i) => ({
    id: i + 1, subject: `Note ${i + 1} ${i % 2 ? "Énergie" : "Mobilité"}`, body_name: "", addressee: "bureau",
    meeting_date: `2027-0${1 + (i % 9)}-1${i % 10}`, author: "", status: i % 10 === 0 ? "validated" : "draft", ...stamp,
  }));
  const taken = new Set(doc.tables.link.map((l) => `${Math.min(l.actor_a, l.actor_b)}-${Math.max(l.actor_a, l.actor_b)}-${l.nature}`));
  let id = Math.max(0, ...doc.tables.link.map((l) => l.id));
  for (let other = 3; other < 3_003; other += 1) {
    if (taken.has(`1-${other}-service`)) continue;
    id += 1;
    doc.tables.link.push({ id, actor_a: 1, actor_b: other, nature: "service", strength: 2, since: null, notes: "",
      introduced_by_actor: other % 3 === 0 ? 2 : null, introduced_by_member: null, meeting_id: null, ...stamp });
  }
  writeFileSync(json, JSON.stringify(doc));
  const file = path.join(sub, "plan.catalyse");
  run("import", "workspace", json, "--to", file);
  return { file, hub: doc.tables.actor.find((a) => a.id === 1).name };
}

/** Clicks a section and measures the time to its first row painted. */
async function shownMs(d, nav, rowCss) {
  return d.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const t0 = performance.now();
    document.getElementById(${JSON.stringify(nav)}).click();
    const wait = () => {
      if (document.querySelector(${JSON.stringify(rowCss)})) requestAnimationFrame(() => done(performance.now() - t0));
      else setTimeout(wait, 2);
    };
    wait();`);
}

test("the plan at scale: 5 000 actions, 2 000 notes and 300 funding lines, a hub's card, paged in SQL", async () => {
  const { file, hub } = buildPlan();
  const app = await launch(freshHome(), ["--workspace", file]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    const rows = (css) => d.executeScript(`return document.querySelectorAll(${JSON.stringify(css)}).length`);

    // Actions: a page in the DOM, the count of all, filtered and sorted in SQL.
    const actionsShown = await shownMs(d, "nav-actions", "#actions-table tbody tr[data-action-id]");
    await waitText(d, "#actions-count", "5 000 action(s) sur 5 000");
    const actionRows = await rows("#actions-table tbody tr");
    assert.ok(actionRows <= 200, `${actionRows} rows in the DOM`);
    const keystroke = await d.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const input = document.getElementById("action-filter");
      const table = document.getElementById("actions-table");
      const before = table.dataset.loaded;
      const t0 = performance.now();
      input.value = "ETUDE";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      const check = () => table.dataset.loaded !== before ? requestAnimationFrame(() => done(performance.now() - t0)) : setTimeout(check, 1);
      check();`);
    await waitText(d, "#actions-count", "715 action(s) sur 5 000");
    await d.wait(async () => (await (await find(d, "#actions-table tbody tr[data-action-id] .action-open")).getText()).startsWith("Étude"), 5000);
    await fill(d, "#action-filter", "");
    await choose(d, "#filter-axis", "none");
    await waitText(d, "#actions-count", "454 action(s) sur 5 000");
    await choose(d, "#filter-axis", "");
    await click(d, "#asort-budget");
    await click(d, "#asort-budget");
    // By budget, the largest first: the 5,000th action's.
    await d.wait(async () => (await d.executeScript("return document.querySelector('#actions-table tbody tr[data-action-id]')?.dataset.actionId")) === "5000", 5000);
    await screenshot(d, "92-actions-5000");

    // The porteur filter is a picker searching 5,000 actors.
    const leadOptions = await d.executeScript("return document.querySelectorAll('#filter-lead option, select option').length");
    assert.ok(leadOptions < 100, `${leadOptions} options in the page`);

    // An action with 300 funding lines shows them by hundreds.
    await fill(d, "#action-filter", "n° 1 mob");
    await waitText(d, "#actions-count", "1 action(s) sur 5 000");
    await waitText(d, "#actions-table tbody tr[data-action-id] .action-open", "Étude n° 1 mobilité");
    await click(d, "#actions-table tbody tr[data-action-id] .action-open");
    await visible(d, "#funding-lines");
    assert.equal(await rows("#funding-lines tbody tr"), 100);
    await waitText(d, "#funding-lines-count", "100 ligne(s) affichée(s) sur 300");
    await click(d, "#funding-more");
    await d.wait(async () => (await rows("#funding-lines tbody tr")) === 200, 5000);
    await waitText(d, "#funding-plan", "300 000,00");

    // The timeline draws its dated actions a hundred at a time.
    await click(d, "#nav-timeline");
    await waitText(d, "#timeline-pager", "1 à 100 sur 3 750");
    assert.equal(await rows("#timeline-chart .tl-row[data-action-id]"), 100);
    await click(d, "#timeline-next");
    await waitText(d, "#timeline-pager", "101 à 200 sur 3 750");
    await waitText(d, "#timeline-undated", "autre(s)");
    await screenshot(d, "93-calendrier-5000");

    // The tree counts each axis's actions and reads them when the axis is opened.
    await click(d, "#nav-tree");
    await visible(d, "#tree");
    assert.equal(await rows("#tree .tree-action"), 0);
    await waitText(d, "#tree", "Axe 1 — 454 action(s)");
    await click(d, "#tree .tree-axis summary");
    await d.wait(async () => (await rows("#tree .tree-action")) === 50, 5000);
    await click(d, "#tree .tree-more");
    await d.wait(async () => (await rows("#tree .tree-action")) === 100, 5000);

    // Notes: a page in the DOM, filtered by subject and status in SQL.
    const notesShown = await shownMs(d, "nav-notes", "#notes-table tbody tr[data-note-id]");
    await waitText(d, "#notes-count", "2 000 note(s)");
    const noteRows = await rows("#notes-table tbody tr");
    assert.ok(noteRows <= 200, `${noteRows} rows in the DOM`);
    await fill(d, "#notes-filter", "ENERGIE");
    await waitText(d, "#notes-count", "1 000 note(s) sur 2 000");
    await choose(d, "#notes-status-filter", "validated");
    await waitText(d, "#notes-count", "0 note(s) sur 2 000");
    await fill(d, "#notes-filter", "");
    await waitText(d, "#notes-count", "200 note(s) sur 2 000");
    await screenshot(d, "94-notes-2000");

    // A new note finds its actions with a picker.
    await choose(d, "#notes-status-filter", "");
    await click(d, "#add-note");
    await visible(d, "#note-dialog");
    await pick(d, "#note-dialog input[name=actions]", "etude n° 4", "Étude n° 4");
    await waitText(d, "#note-dialog .chips", "Étude n° 4");
    await click(d, "#note-dialog .dialog-buttons button:first-child");

    // The card of an actor with more than 3,000 links: a page of them, the totals, more on demand.
    await click(d, "#nav-actors");
    await fill(d, "#actor-filter", hub);
    await d.wait(async () => (await d.findElements(By.css("#actors-table tbody tr[data-actor-id='1'] .actor-name .link"))).length === 1, 10000);
    const cardShown = await d.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const t0 = performance.now();
      document.querySelector("#actors-table tbody tr[data-actor-id='1'] .actor-name .link").click();
      const wait = () => document.querySelector("#card-links-table") ? requestAnimationFrame(() => done(performance.now() - t0)) : setTimeout(wait, 2);
      wait();`);
    assert.equal(await rows("#card-links-table tbody tr"), 100);
    const linksTotal = await (await find(d, "#card-links-title .count-badge")).getText();
    assert.ok(Number(linksTotal.replace(/\D/g, "")) >= 3_000, linksTotal);
    await waitText(d, "#card-links-count", "100 lien(s) affiché(s) sur");
    await click(d, "#card-links-more");
    await d.wait(async () => (await rows("#card-links-table tbody tr")) === 200, 5000);
    assert.equal(await rows("#card-introduced li"), 100);
    await waitText(d, "#card-introductions", "Les 100 premiers sur");
    await screenshot(d, "95-fiche-pivot");

    console.log(`# plan at scale (5 000 actions, 2 000 notes, a card with 3 000 links): ${JSON.stringify({
      actions_shown_ms: Math.round(actionsShown), action_filter_keystroke_ms: Math.round(keystroke), action_dom_rows: actionRows,
      notes_shown_ms: Math.round(notesShown), note_dom_rows: noteRows, card_shown_ms: Math.round(cardShown) })}`);
  } finally {
    await app.quit();
  }
});

/** The département's workspace with a journal of 100,000 change sets and 1,000,000 entries. */
function buildJournal() {
  const sub = mkdtempSync(path.join(dir, "journal-"));
  const json = path.join(sub, "dept.json");
  run("export", "workspace", json, "--workspace", dept.file);
  const { text, marked } = withJournal(readFileSync(json, "utf8"), 100_000, 1_000_000);
  writeFileSync(json, text);
  const file = path.join(sub, "journal.catalyse");
  run("import", "workspace", json, "--to", file);
  return { file, marked };
}

/** Runs `action` in the page (a script body), then waits for the journal's next page painted. */
async function journalMs(d, action) {
  return d.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const t0 = performance.now();
    const before = document.querySelector("#journal #history-list");
    const was = before ? before.dataset.loaded : null;
    ${action}
    const wait = () => {
      const list = document.querySelector("#journal #history-list");
      if (list && (list !== before || list.dataset.loaded !== was) && list.dataset.loaded) requestAnimationFrame(() => done(performance.now() - t0));
      else if (performance.now() - t0 > 25000) done(-1);
      else setTimeout(wait, 2);
    };
    wait();`);
}

test("the Journal at scale: 100 000 change sets, 1 000 000 entries, opened, scrolled and filtered in SQL pages", async () => {
  const t0 = Date.now();
  const { file, marked } = buildJournal();
  const built = Date.now() - t0;
  const app = await launch(freshHome(), ["--workspace", file]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    const items = () => d.executeScript("return document.querySelectorAll('#journal .history-set').length");
    const opened = await journalMs(d, "document.getElementById('nav-journal').click();");
    assert.equal(await items(), 50, "the first page: 50 change sets");
    // Each change set tells its first 3 changes; all of them on demand.
    await visible(d, "#journal .history-set .history-all");
    const big = await d.executeScript(`const set = document.querySelector("#journal .history-all").closest(".history-set");
      return { id: set.dataset.set, told: set.querySelectorAll(".history-sentence").length, all: set.querySelector(".history-all").textContent }`);
    assert.equal(big.told, 3);
    const total = Number(big.all.replace(/\D/g, ""));
    await click(d, `#journal .history-set[data-set="${big.id}"] .history-all`);
    await d.wait(async () => (await d.findElements(By.css(`#journal .history-set[data-set="${big.id}"] .history-sentence`))).length === total, 10000,
      `all ${total} changes of change set ${big.id} told`);
    // Scrolled to the end of the list again and again: each time the next page comes.
    const pages = [];
    for (let i = 0; i < 20; i += 1) {
      pages.push(await journalMs(d, "document.getElementById('history-more').scrollIntoView();"));
    }
    assert.equal(await items(), 50 * 21, "a page of 50 more at each scroll");
    await waitText(d, "#journal .history-status", "1 050 modification(s) affichée(s).");
    await screenshot(d, "140-journal-100000-modifications");

    // Filters, each a new first page from SQL.
    const author = await journalMs(d, `const s = document.getElementById("journal-author"); s.value = ${JSON.stringify(JOURNAL_AUTHORS[2])}; s.dispatchEvent(new Event("change"));`);
    const who = await d.executeScript("return [...document.querySelectorAll('#journal .history-set .history-label')].map((e) => e.textContent)");
    assert.equal(who.length, 50);
    assert.ok(who.every((w) => w.includes(JOURNAL_AUTHORS[2])), who[0]);
    await choose(d, "#journal-author", "");
    // A text in one change set out of 100,000, typed without its accent and in lower case.
    const text = await journalMs(d, `const i = document.getElementById("journal-text"); i.value = "saint-eloi"; i.dispatchEvent(new Event("input"));`);
    const found = await d.executeScript("return [...document.querySelectorAll('#journal .history-set')].map((e) => e.dataset.set)");
    assert.deepEqual(found, [String(marked)]);
    // A text nowhere: every entry is read once.
    const nowhere = await journalMs(d, `const i = document.getElementById("journal-text"); i.value = "introuvable"; i.dispatchEvent(new Event("input"));`);
    assert.equal(await items(), 0);
    await fill(d, "#journal-text", "");
    // A kind of record no change set touched.
    await journalMs(d, `const s = document.getElementById("journal-kind"); s.value = ""; s.dispatchEvent(new Event("change"));`);
    const kind = await journalMs(d, `const s = document.getElementById("journal-kind"); s.value = "meeting"; s.dispatchEvent(new Event("change"));`);
    assert.equal(await items(), 0);
    console.log(`# journal of 100 000 change sets / 1 000 000 entries (built through the workspace JSON in ${(built / 1000).toFixed(1)} s): ${JSON.stringify({
      journal_shown_ms: Math.round(opened),
      next_page_p50_ms: Math.round(percentile(pages, 0.5)), next_page_p95_ms: Math.round(percentile(pages, 0.95)),
      author_filter_ms: Math.round(author), text_found_ms: Math.round(text), text_nowhere_ms: Math.round(nowhere),
      kind_nowhere_ms: Math.round(kind) })}`);
  } finally {
    await app.quit();
  }
});

test("a large import shows its progress, can be cancelled without writing anything, and leaves the window usable", async () => {
  const ws = copyOf(country);
  const before = counts(ws);
  assert.equal(before.links, 0);
  const app = await launch(freshHome(), ["--workspace", ws]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");

    const startImport = async () => {
      await click(d, "#import-open");
      await visible(d, "#import-dialog");
      await click(d, "#import-dialog input[value=links]");
      await click(d, "#import-pick");
      answerFileDialog("Choisir le fichier", country.linksCsv, { locationBar: true });
      // Reading and checking a million rows shows its progress in the dialog.
      await visible(d, "#import-preview");
      await waitText(d, "#import-commit", "Importer 1 000 000 lien(s)");
      await click(d, "#import-commit");
      return visible(d, "#tasks .task");
    };

    // First import: stopped while it writes; nothing is written.
    const card = await startImport();
    assert.match(await card.getText(), /Import des liens/);
    await click(d, "#tasks .task button");
    await waitText(d, "#toasts", "Import annulé");
    await d.wait(async () => (await d.findElements(By.css("#tasks .task"))).length === 0, 15000);
    assert.equal(counts(ws).links, 0, "a cancelled import writes nothing");

    // Second import: the window stays usable while it writes (another section opens and
    // shows its data), and the progress bar moves.
    await startImport();
    const progress = await d.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const seen = new Set();
      const t0 = performance.now();
      const watch = () => {
        const bar = document.querySelector("#tasks .task progress");
        if (bar && bar.hasAttribute("value")) seen.add(Math.round(100 * bar.value / bar.max));
        if (!bar || performance.now() - t0 > 60000) done([...seen]); else setTimeout(watch, 20);
      };
      watch();
      // Meanwhile, the user goes to another section.
      setTimeout(() => {
        const t1 = performance.now();
        document.getElementById("nav-meetings").click();
        const shown = () => document.querySelector("#meetings-count")?.textContent
          ? (window.__tabShownMs = performance.now() - t1) : setTimeout(shown, 2);
        shown();
      }, 100);`);
    const tabShown = await d.executeScript("return window.__tabShownMs ?? null");
    await waitText(d, "#toasts", "lien(s) importé(s)");
    console.log(`# import of 1 000 000 links in the app: progress values seen ${JSON.stringify(progress)}; another section shown ${tabShown === null ? "not before the end" : `${Math.round(tabShown)} ms after the click`} during the import`);
    assert.ok(tabShown !== null, "the section opened while the import was running");
    assert.ok(progress.length >= 2, `the progress bar moved: ${progress}`);
    assert.equal(counts(ws).links, 1_000_000);
    await screenshot(d, "91-import-termine");
  } finally {
    await app.quit();
  }
});

/** Launches the app on `file` and measures the time from the process start to the dashboard painted. */
async function timeToDashboard(home, file) {
  const app = await launch(home, ["--workspace", file]);
  const d = app.driver;
  try {
    const painted = await d.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const wait = () => {
        if (document.querySelector("#dash-funding")) requestAnimationFrame(() => done(performance.timeOrigin + performance.now()));
        else setTimeout(wait, 2);
      };
      wait();`);
    const pid = appPid(BINARY, home);
    assert.ok(pid, "the app's process");
    if (process.env.CATALYSE_E2E_VERBOSE) {
      const origin = await d.executeScript("return performance.timeOrigin");
      const entries = await d.executeScript("return performance.getEntriesByType('mark').map((e) => [e.name, Math.round(e.startTime)]).concat(performance.getEntriesByType('paint').map((e) => [e.name, Math.round(e.startTime)]))");
      console.log(`# process start → page start ${Math.round(origin - startedAt(pid))} ms; page start → dashboard ${Math.round(painted - origin)} ms; ${JSON.stringify(entries)}`);
    }
    return { ms: Math.round(painted - startedAt(pid)), app };
  } catch (e) {
    await app.quit();
    throw e;
  }
}

/** Closes the workspace as a user does (« Fermer »), then the app. */
async function closeAndQuit(app) {
  await click(app.driver, "#top-close");
  await visible(app.driver, "#welcome");
  await app.quit();
}

test("a country's workspace (100 000 actors, 1 000 000 links) opens to its dashboard at once, every time", async () => {
  const file = copyOf({ file: countryLinked });
  const home = freshHome();
  const first = await timeToDashboard(home, file);
  // The backup made at opening runs in the background: it does not delay the dashboard.
  await screenshot(first.app.driver, "92-tableau-de-bord-pays");
  await waitText(first.app.driver, "#project-territory", "Territoire pays");
  await closeAndQuit(first.app);
  const second = await timeToDashboard(home, file);
  await closeAndQuit(second.app);
  const third = await timeToDashboard(home, file);
  await closeAndQuit(third.app);
  console.log(`# opening 100 000 actors / 1 000 000 links, launch to dashboard painted: first time ${first.ms} ms (the file is checked), then ${second.ms} ms and ${third.ms} ms (closed cleanly: neither checked nor copied again)`);
  const backups = readdirSync(path.join(home, ".local", "share", "fr.catalyse.desktop", "sauvegardes"), { recursive: true })
    .filter((f) => String(f).endsWith(".catalyse"));
  assert.equal(backups.length, 1, `one backup, made at the first opening: ${backups}`);
});

test("a country's network: the analysis shows its progress and can be stopped, the map pans and zooms, memory stays bounded", async () => {
  const file = copyOf({ file: countryLinked });
  const home = freshHome();
  const app = await launch(home, ["--workspace", file]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    // The analysis was never computed for this file: it starts, with its progress; stopped,
    // it says so and offers to start again; started again, it ends with the figures.
    await click(d, "#nav-network");
    await click(d, "#network-tab-analysis");
    await visible(d, "#analysis-refreshing progress");
    // Cancel as soon as the bar shows how far it is (in the page: the whole analysis takes
    // about two seconds).
    const seen = await d.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const t0 = performance.now();
      const look = () => {
        const bar = document.querySelector("#analysis-refreshing progress");
        if (bar && bar.hasAttribute("value")) {
          const phase = document.querySelector("#analysis-refreshing .task-phase")?.textContent;
          document.getElementById("analysis-cancel").click();
          done({ phase, value: bar.value, max: bar.max });
        } else if (!bar || performance.now() - t0 > 30000) done(null);
        else setTimeout(look, 5);
      };
      look();`);
    assert.ok(seen, "the analysis showed a determinate progress bar");
    console.log(`# analysis cancelled at « ${seen.phase} » ${Math.round((100 * seen.value) / seen.max)} %`);
    await waitText(d, "#analysis-stopped", "Analyse annulée");
    await screenshot(d, "93-analyse-annulee");
    await click(d, "#analysis-retry");
    const t0 = Date.now();
    await d.wait(async () => (await d.findElements(By.css("#analysis-components"))).length > 0, 120000);
    console.log(`# analysis of 100 000 actors / 1 000 000 links in the app, in the background: ${Date.now() - t0} ms to the figures`);
    await screenshot(d, "94-analyse-pays");

    // The map keeps at most 10 000 actors and 50 000 links; laid out in Rust, then panned
    // and zoomed with the keyboard, one move per frame.
    await click(d, "#network-tab-map");
    await d.wait(async () => (await d.findElements(By.css("#network-canvas"))).length > 0, 120000);
    await waitText(d, "#map-limited", "10 000");
    await d.sleep(3000);
    const moveMap = () => panAndZoom(d, "network-canvas");
    // The first pass after the map appears is slower while the web engine settles (seen:
    // ~56 ms frames for its first and last second, 16.7 ms between); the second, 5 s later,
    // is the figure; both are printed. Frames come at the display's refresh (60 Hz here):
    // 16.7 ms is the best possible.
    const warmup = await moveMap();
    await d.sleep(5000);
    const frames = await moveMap();
    console.log(`# map, first pan and zoom (web engine warming up): p50 ${Math.round(percentile(warmup, 0.5))} ms, p95 ${Math.round(percentile(warmup, 0.95))} ms`);
    const p95 = percentile(frames, 0.95);
    if (process.env.CATALYSE_E2E_VERBOSE) console.log(`# map frames (ms): ${frames.map(Math.round).join(" ")}`);
    // « 0 » recentres the map, as the « Recentrer » button does: the whole network in view.
    await d.executeScript(`document.getElementById("network-canvas").dispatchEvent(new KeyboardEvent("keydown", { key: "0", bubbles: true }));`);
    await d.sleep(1500);
    await screenshot(d, "95-carte-pays");
    const pid = appPid(BINARY, home);
    assert.ok(pid, "the app's process");
    const pss = pssTree(pid).mib;
    console.log(`# map of 10 000 actors / 50 000 links (out of 100 000 / 1 000 000): pan and zoom frames p50 ${Math.round(percentile(frames, 0.5))} ms, p95 ${Math.round(p95)} ms, max ${Math.round(Math.max(...frames))} ms over ${frames.length} frames, ${frames.filter((f) => f > 25).length} over 25 ms (target p95 ≤ 16 ms; the display refreshes every 16.7 ms); memory of the app and its WebKit processes ${Math.round(pss)} MiB PSS (target ≤ 500 MiB)`);
    assert.equal(frames.length, 160, "every move drew a frame");
    assert.ok(pss > 0, "memory measured");

    // The matrix counts in SQL and shows the first actors only; the valorisation report
    // counts every link and shows the latest.
    await click(d, "#network-tab-matrix");
    await visible(d, "#matrix-grid");
    await waitText(d, "#matrix", "100 000");
    const chips = await d.executeScript("return document.querySelectorAll('#matrix .matrix-chip').length");
    assert.ok(chips <= 26 * 40, `at most 40 actors per cell and 40 unplaced in the page: ${chips}`);
    await click(d, "#nav-meetings");
    await click(d, "#meetings-tab-report");
    await waitText(d, "#report-links", "1 000 000");
    const rows = await d.executeScript("return document.querySelectorAll('#report-new-links tbody tr').length");
    assert.ok(rows <= 200, `the latest 200 links at most: ${rows}`);
    await visible(d, "#report-links-latest");
    await screenshot(d, "96-valorisation-pays");
  } finally {
    await app.quit();
  }
});

test("exporting a million links shows its progress, can be cancelled without writing a file, then completes", async () => {
  const file = copyOf({ file: countryLinked });
  const home = freshHome();
  const app = await launch(home, ["--workspace", file]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    await click(d, "#nav-actors");
    const out = path.join(home, "liens.csv");
    const exportLinks = async () => {
      await click(d, "#export-open");
      await visible(d, "#export-dialog");
      await click(d, "#export-dialog input[value=links]");
      await click(d, "#export-go");
      answerFileDialog("Exporter", out);
    };
    // Cancelled as soon as its card shows (in the page): no file, not even a temporary one.
    await exportLinks();
    const seen = await d.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const t0 = performance.now();
      const look = () => {
        const card = document.querySelector("#tasks .task");
        if (card) { const text = card.textContent; card.querySelector("button").click(); done(text); }
        else if (performance.now() - t0 > 30000) done(null);
        else setTimeout(look, 5);
      };
      look();`);
    assert.match(String(seen), /Export des liens/);
    await waitText(d, "#toasts", "Export annulé");
    assert.ok(!existsSync(out), "a cancelled export writes no file");
    assert.deepEqual(readdirSync(home).filter((f) => f.includes("liens") || f.includes("export")), []);
    // Then in full.
    const t0 = Date.now();
    await exportLinks();
    await waitText(d, "#toasts", "exportée(s) dans « liens.csv »");
    const bytes = readFileSync(out);
    let lines = 0;
    for (const b of bytes) if (b === 10) lines += 1;
    console.log(`# export of 1 000 000 links from the app: ${Date.now() - t0} ms from the click to the message, ${(bytes.length / 1e6).toFixed(0)} MB`);
    assert.equal(lines, 1_000_001, "the header and a million links");
  } finally {
    await app.quit();
  }
});
