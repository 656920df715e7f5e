// Accessibility (RGAA 4.1 / WCAG 2.1 AA) checked by a machine in the real app: axe-core runs
// on every screen and every dialog of the demo, in French and in English, with the rules
// tagged wcag2a, wcag2aa, wcag21a and wcag21aa. In English, the walk also checks that no word
// of the French interface is left on screen. The test prints, for each screen, how many
// rules were checked and how many nodes examined, and fails on any violation, naming the rule,
// the element and the screen. (The strict CSP refuses eval: axe's source travels in the body
// of the WebDriver script.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { launch, freshHome, visible, click, fill, choose, screenshot, answerFileDialog, Key, By } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * Runs axe-core on the page as it is.
 * @returns {Promise<{rules: number, nodes: number, violations: Array<{id: string, help: string, nodes: string[]}>}>}
 */
async function axe(d) {
  const r = await d.executeAsyncScript(`${AXE}
    const done = arguments[arguments.length - 1];
    window.axe.run(document, { runOnly: { type: "tag", values: ${JSON.stringify(TAGS)} } })
      .then((res) => {
        const nodes = (list) => list.reduce((n, x) => n + x.nodes.length, 0);
        done({
          rules: res.passes.length + res.violations.length + res.incomplete.length,
          nodes: nodes(res.passes) + nodes(res.violations) + nodes(res.incomplete),
          violations: res.violations.map((v) => ({ id: v.id, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ") + " : " + (n.failureSummary || "").replace(/\\s+/g, " ")) })),
        });
      })
      .catch((e) => done({ error: String(e) }));`);
  if (r.error) throw new Error(`axe-core: ${r.error}`);
  return r;
}

/**
 * Words of Catalyse's French interface that must not show on a screen in English (the demo's
 * own data is French: its names and titles are not checked, these words are not in them).
 */
const FRENCH = ["Enregistrer", "Supprimer", "Modifier", "Annuler", "Ajouter", "Rechercher", "Aucun", "Aucune",
  "Sauvegardes", "Préférences", "Tableau de bord", "Compétences", "Calendrier", "Arborescence",
  "Intitulé", "Statut", "Période", "Brouillon", "Validée", "Envisagé", "Sollicité", "Refusé", "AAAA", "Fermer",
  "Ouvrir", "Importer", "Exporter", "Choisir", "Chargement", "Retour", "Nouvelle", "Nouveau", "acteur(s)",
  "rencontre(s)", "janvier", "février", "avril", "juillet", "août", "septembre", "octobre", "novembre",
  "décembre", "Porteur", "Financeur", "Enjeux", "Équipe", "n'est pas", "Valeurs possibles", "heures", "Expertises"];

/** Audits one screen; collects its violations into `found`. */
async function check(d, found, lang, screen) {
  await d.sleep(150); // let the last paint and live regions settle
  if (lang === "en") {
    // What the screen shows, and the names and placeholders of its controls.
    const shown = await d.executeScript(`
      const dialog = document.querySelector("dialog[open]");
      const root = dialog ?? document.body;
      // Text marked French (a note's own content, which stays French) is left out.
      const french = (n) => n.parentElement?.closest("[lang=fr]");
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const texts = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || french(n) || !el.checkVisibility?.() || el.closest("script, style")) continue;
        texts.push(n.textContent);
      }
      const names = [...root.querySelectorAll("[aria-label], [placeholder], [title]")].filter((e) => !e.closest("[lang=fr]"))
        .map((e) => [e.getAttribute("aria-label"), e.getAttribute("placeholder"), e.getAttribute("title")].join(" "));
      return texts.join(" ") + " " + names.join(" ");`);
    for (const w of FRENCH) {
      const at = shown.search(new RegExp(`(^|[^\\p{L}])${w.replace(/[()]/g, "\\$&")}($|[^\\p{L}])`, "u"));
      if (at >= 0) found.push(`[en] ${screen}: French word « ${w} » on screen: …${shown.slice(Math.max(0, at - 40), at + 40).replace(/\s+/g, " ")}…`);
    }
  }
  const r = await axe(d);
  console.log(`# a11y ${lang} ${screen}: ${r.rules} rules checked, ${r.nodes} nodes examined, ${r.violations.length} violation(s)`);
  for (const v of r.violations) {
    for (const n of v.nodes) {
      found.push(`[${lang}] ${screen}: ${v.id} (${v.help}) — ${n}`);
      console.log(`#   ${v.id}: ${n}`);
    }
  }
}

/** Opens a dialog with `opener`, audits it, closes it with Escape. */
async function dialog(d, found, lang, screen, opener, id) {
  await click(d, opener);
  await visible(d, `#${id}`);
  await check(d, found, lang, screen);
  await (await d.switchTo().activeElement()).sendKeys(Key.ESCAPE);
  await d.wait(async () => (await d.findElements(By.css(`#${id}[open]`))).length === 0, 5000);
}

/** CSVs of actors with rows in error, and with a header in error, for the import preview. */
const csv = path.join(freshHome(), "acteurs.csv");
writeFileSync(csv, "Nom;Monde;Commune\nGarage Martin;Planète;Gap\nAmicale;Association / ESS;Larrieu;Hautes-Alpes\n");
const badHeader = path.join(path.dirname(csv), "en-tetes.csv");
writeFileSync(badHeader, "Nom;Commune;Nom\nGarage Martin;Gap;Garage\n");

/** The import preview of `file`: audited, and in English no problem left in French. */
async function importPreview(d, found, lang, file, screen) {
  await click(d, "#import-open");
  await visible(d, "#import-dialog");
  await click(d, "#import-pick");
  answerFileDialog(lang === "fr" ? "Choisir le fichier" : "Choose the file", file, { locationBar: true });
  await visible(d, "#import-problems");
  await check(d, found, lang, screen);
  const rows = await d.findElements(By.css("#import-problems tbody tr"));
  assert.ok(rows.length >= 2, `${screen}: ${rows.length} problem(s) listed`);
  if (lang === "en" && file === badHeader) await screenshot(d, "101-import-en-tetes-en-anglais");
  if (lang === "en") {
    const french = await d.executeScript(`return [...document.querySelectorAll("#import-problems [lang=fr]")].map((e) => e.textContent);`);
    if (french.length) found.push(`[en] ${screen}: problems left in French: ${french.join(" | ")}`);
  }
  await click(d, "#import-cancel");
}

/** Walks every screen and dialog of the demo in the current language. */
async function walk(d, found, lang) {
  await check(d, found, lang, "tableau de bord");
  // Territory: the map, its legend and table, a commune's card, the contours dialog.
  await click(d, "#nav-territory");
  await visible(d, "#territory-canvas");
  await visible(d, "#figures-table tbody tr");
  await check(d, found, lang, "territoire (carte)");
  await click(d, "#figures-table tbody tr th button");
  await visible(d, "#commune-card");
  await check(d, found, lang, "fiche commune");
  await (await d.switchTo().activeElement()).sendKeys(Key.ESCAPE);
  await d.wait(async () => (await d.findElements(By.css("#commune-card"))).length === 0, 5000);
  await dialog(d, found, lang, "import des contours", "#contours-open", "contours-dialog");
  // Actors: the list, the actor form, the card, the link form, a deletion's confirmation.
  await click(d, "#nav-actors");
  await visible(d, "#actors-table tbody tr[data-actor-id]");
  await check(d, found, lang, "acteurs");
  await dialog(d, found, lang, "formulaire acteur", "#add-actor", "actor-dialog");
  await dialog(d, found, lang, "import (choix du fichier)", "#import-open", "import-dialog");
  // The import preview, with rows in error, then with a header in error.
  await importPreview(d, found, lang, csv, "aperçu d'import avec erreur");
  await importPreview(d, found, lang, badHeader, "aperçu d'import, en-têtes en erreur");
  await click(d, "#actors-table tbody tr[data-actor-id] .actor-name .link");
  await visible(d, "#actor-card");
  await check(d, found, lang, "fiche acteur");
  await dialog(d, found, lang, "formulaire lien", "#add-link", "link-dialog");
  await dialog(d, found, lang, "formulaire contact", "#add-contact", "contact-dialog");
  await dialog(d, found, lang, "profil de l'acteur", "#card-edit-profile", "profile-dialog");
  await click(d, "#card-back");
  await visible(d, "#actors-table tbody tr[data-actor-id]");
  await click(d, "#actors-table tbody tr[data-actor-id] .danger-outline");
  await visible(d, "dialog.confirm");
  await check(d, found, lang, "confirmation de suppression");
  await click(d, "#confirm-no");
  // Network: map, analysis, matrix.
  for (const tab of ["map", "analysis", "matrix"]) {
    await click(d, "#nav-network");
    await click(d, `#network-tab-${tab}`);
    await d.sleep(600);
    await check(d, found, lang, `réseau (${tab})`);
  }
  // Meetings: list, form, report.
  await click(d, "#nav-meetings");
  await click(d, "#meetings-tab-list");
  await visible(d, "#meetings-table tbody tr[data-meeting-id]");
  await check(d, found, lang, "rencontres");
  await dialog(d, found, lang, "formulaire rencontre", "#add-meeting", "meeting-dialog");
  await click(d, "#meetings-tab-report");
  await d.sleep(300);
  await check(d, found, lang, "rencontres (bilan)");
  // Competences: each tab.
  await click(d, "#nav-competences");
  await visible(d, "#competences [role=tab]");
  const tabs = await d.executeScript("return [...document.querySelectorAll('#competences [role=tab]')].map((e) => e.id)");
  for (const name of tabs) {
    await click(d, `#${name}`);
    await d.sleep(300);
    await check(d, found, lang, `compétences (${name})`);
  }
  // Team, needs and axes, tree, actions and an action's page with its forms, timeline.
  await click(d, "#nav-team");
  await visible(d, "#team-table");
  await check(d, found, lang, "équipe");
  await click(d, "#nav-structure");
  await visible(d, "#axes-list");
  await check(d, found, lang, "enjeux et axes");
  await click(d, "#nav-tree");
  await visible(d, "#tree");
  await check(d, found, lang, "arborescence");
  await click(d, "#nav-actions");
  await visible(d, "#actions-table tbody tr[data-action-id]");
  await check(d, found, lang, "actions");
  await dialog(d, found, lang, "formulaire action", "#add-action", "action-dialog");
  await click(d, "#actions-table tbody tr[data-action-id] .action-open");
  await visible(d, "#action-page");
  await check(d, found, lang, "fiche action");
  await dialog(d, found, lang, "ligne de financement", "#add-funding", "funding-dialog");
  await dialog(d, found, lang, "indicateur", "#add-indicator", "indicator-dialog");
  // A form sent with a mistake: the error is announced and tied to its field.
  await click(d, "#add-indicator");
  await visible(d, "#indicator-dialog");
  await fill(d, "#indicator-dialog input[name=target]", "douze");
  await click(d, "#indicator-dialog button[type=submit]");
  await visible(d, "#indicator-dialog .field-error:not([hidden])");
  await check(d, found, lang, "formulaire avec erreur");
  await (await d.switchTo().activeElement()).sendKeys(Key.ESCAPE);
  await click(d, "#nav-timeline");
  await visible(d, "#timeline");
  await check(d, found, lang, "calendrier");
  // Notes: list, new note, editor, versions.
  await click(d, "#nav-notes");
  await visible(d, "#notes-table tbody tr[data-note-id]");
  await check(d, found, lang, "notes");
  await dialog(d, found, lang, "nouvelle note", "#add-note", "note-dialog");
  await click(d, "#notes-table tbody tr[data-note-id] button.link");
  await visible(d, "#note-editor");
  await check(d, found, lang, "éditeur de note");
  await dialog(d, found, lang, "versions de la note", "#note-versions", "versions-dialog");
  // Search results, backups, preferences, RGPD (team member).
  await fill(d, "#search", "verdanson");
  await (await d.findElement(By.css("#search"))).sendKeys(Key.ENTER);
  await visible(d, "#search-results");
  await check(d, found, lang, "recherche");
  await dialog(d, found, lang, "sauvegardes", "#top-backups", "backups-dialog");
  await dialog(d, found, lang, "préférences", "#top-prefs", "prefs-dialog");
  await click(d, "#nav-team");
  await visible(d, "#team-table");
  await click(d, "#team-table tr[data-member-id] .col-actions button:nth-child(2)");
  await visible(d, "dialog[open]");
  await check(d, found, lang, "RGPD");
  await (await d.switchTo().activeElement()).sendKeys(Key.ESCAPE);
  // The Journal, and a record's history.
  await click(d, "#nav-journal");
  await visible(d, "#journal .history-sentence");
  await check(d, found, lang, "journal");
  await click(d, "#nav-actions");
  await visible(d, "#actions-table tbody tr[data-action-id]");
  await click(d, "#actions-table tbody tr[data-action-id] .action-open");
  await dialog(d, found, lang, "historique d'une action", "#action-history", "history-dialog");
  // Sharing: a folder or the organisation's server, and the server's form.
  await click(d, "#nav-sharing");
  await click(d, "#share-way-server");
  await visible(d, "#share-server-form");
  await check(d, found, lang, "partage par un serveur");
  await click(d, "#share-way-folder");
  await visible(d, "#share-init");
  await click(d, "#nav-dashboard");
}

test("axe-core finds no WCAG 2.1 A/AA violation on any screen or dialog, in French and in English", async () => {
  const app = await launch(freshHome());
  const found = [];
  try {
    const d = app.driver;
    await visible(d, "#open-demo");
    await check(d, found, "fr", "accueil");
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await walk(d, found, "fr");
    await choose(d, "#language", "en");
    await visible(d, "#workspace");
    await walk(d, found, "en");
    await click(d, "#top-close");
    await visible(d, "#open-demo");
    await check(d, found, "en", "welcome");
    await dialog(d, found, "en", "join a team on a server", "#welcome-join-server", "hub-join-dialog");
  } catch (e) {
    await screenshot(app.driver, "a11y-echec").catch(() => {});
    throw e;
  } finally {
    await app.quit();
  }
  assert.deepEqual(found, [], `${found.length} violation(s):\n${found.join("\n")}`);
});
