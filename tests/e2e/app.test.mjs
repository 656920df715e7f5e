// End-to-end tests on the real app binary. Run with `scripts/test.sh` (under Xvfb).
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import {
  click, launch, freshHome, dataDir, find, visible, waitText, fill, choose, screenshot, actorNames, texts,
  answerFileDialog, domTexts, actorColumn,
  By, Key, BINARY,
} from "./harness.mjs";

test("first start shows the French welcome screen, a new workspace keeps its actors across restarts", async () => {
  const home = freshHome();
  let app = await launch(home);
  try {
    const d = app.driver;
    await visible(d, "#welcome");
    assert.equal(await (await find(d, "#welcome h1")).getText(), "Bienvenue dans Catalyse");
    assert.equal(await d.executeScript("return document.documentElement.lang"), "fr");
    await screenshot(d, "01-accueil");

    // Create a workspace: territory name, kind and project title.
    await fill(d, "#create-form input[name=territory_name]", "PETR des Trois Rivières");
    await choose(d, "#create-form select[name=territory_kind]", "petr");
    await fill(d, "#create-form input[name=project_title]", "Projet de territoire 2026-2032");
    await click(d, "#create-workspace");
    await visible(d, "#workspace");
    await waitText(d, "#project-territory", "PETR des Trois Rivières");
    assert.equal(await (await find(d, "#project-title")).getText(), "Projet de territoire 2026-2032");
    await visible(d, "#dashboard");
    await screenshot(d, "02-tableau-de-bord-vide");
    await click(d, "#nav-actors");
    // The empty state is written once the count has come back from Rust.
    await waitText(d, "#actors-empty", "Aucun acteur");
    await screenshot(d, "02-espace-vide");

    // Add an actor through the form.
    await click(d, "#add-actor");
    await visible(d, "#actor-dialog");
    await fill(d, "#actor-dialog input[name=name]", "Ressourcerie Le Réemploi");
    await choose(d, "#actor-dialog select[name=world]", "association");
    await fill(d, "#actor-dialog input[name=commune]", "Saint-Julien-des-Eaux");
    await choose(d, "#actor-dialog select[name=engagement]", "partner");
    await fill(d, "#actor-dialog textarea[name=notes]", "Chantier d'insertion.");
    await screenshot(d, "03-formulaire-acteur");
    await click(d, "#actor-dialog button[type=submit]");
    await d.wait(async () => (await d.findElements(By.css("#actor-dialog"))).length === 0, 10000);
    await d.wait(async () => (await actorNames(d)).length === 1, 5000);
    assert.deepEqual(await actorNames(d), ["Ressourcerie Le Réemploi"]);
    const row = await find(d, "#actors-table tbody tr[data-actor-id]");
    const rowText = await row.getText();
    assert.match(rowText, /Association \/ ESS/);
    assert.match(rowText, /Saint-Julien-des-Eaux/);
    assert.match(rowText, /Partenaire/);
    await screenshot(d, "04-acteur-ajoute");
  } finally {
    await app.quit();
  }

  // Start again: the last workspace reopens with its actor.
  app = await launch(home);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    await waitText(d, "#project-territory", "PETR des Trois Rivières");
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    assert.deepEqual(await actorNames(d), ["Ressourcerie Le Réemploi"]);
    const files = readdirSync(path.join(dataDir(home), "espaces-de-travail"));
    assert.ok(files.includes("petr-des-trois-rivieres.catalyse"), files.join(", "));
  } finally {
    await app.quit();
  }
});

test("an actor without a name gets the French error and nothing is saved", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    const before = (await actorNames(d)).length;
    await click(d, "#add-actor");
    await visible(d, "#actor-dialog");
    await fill(d, "#actor-dialog input[name=name]", "   ");
    await click(d, "#actor-dialog button[type=submit]");
    const err = await visible(d, "#actor-dialog .field-error:not([hidden])");
    assert.equal(await err.getText(), "Le nom de l'acteur est obligatoire.");
    const summary = await find(d, "#actor-dialog .form-summary");
    assert.match(await summary.getText(), /Le nom de l'acteur est obligatoire/);
    const nameInput = await find(d, "#actor-dialog input[name=name]");
    assert.equal(await nameInput.getAttribute("aria-invalid"), "true");
    await screenshot(d, "05-erreur-nom-vide");
    // Cancel: the list is unchanged.
    await click(d, "#actor-dialog .dialog-buttons button[type=button]");
    assert.equal((await actorNames(d)).length, before);
  } finally {
    await app.quit();
  }
});

test("the example workspace: filter without accents, sort, edit, delete with confirmation and undo", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await waitText(d, "#project-territory", "PETR du Haut-Verdanson");
    await visible(d, "#dash-funding");
    await screenshot(d, "06-tableau-de-bord");
    await click(d, "#nav-actors");
    await visible(d, "#actors-table");
    const all = await actorNames(d);
    assert.ok(all.length >= 40, `${all.length} actors`);
    await screenshot(d, "06-exemple-acteurs");

    // Quick filter, accent- and case-insensitive.
    await fill(d, "#actor-filter", "orgieres");
    await d.wait(async () => (await actorNames(d)).length < all.length, 5000);
    const filtered = await actorNames(d);
    assert.ok(filtered.length >= 2);
    for (const row of await d.findElements(By.css("#actors-table tbody tr[data-actor-id]"))) {
      assert.match((await row.getText()).normalize("NFD").replace(/[\u0300-\u036f]/g, ""), /orgieres/i);
    }
    // The count comes after the rows (it is asked for once the page is shown).
    const counted = new RegExp(`${filtered.length} acteur\\(s\\) sur ${all.length}`);
    await d.wait(async () => counted.test(await (await find(d, "#actors-count")).getText()), 5000, "the count of the filtered actors");
    await screenshot(d, "07-filtre");
    await fill(d, "#actor-filter", "");
    await d.wait(async () => (await actorNames(d)).length === all.length, 5000);

    // Sort by name, descending on the second click.
    await click(d, "#sort-name");
    const collator = new Intl.Collator("fr", { sensitivity: "base", numeric: true });
    const expected = [...all].sort(collator.compare).reverse();
    await d.wait(async () => (await actorNames(d))[0] === expected[0], 5000);
    assert.deepEqual(await actorNames(d), expected);
    const th = await find(d, "#sort-name");
    assert.equal(await (await th.findElement(By.xpath(".."))).getAttribute("aria-sort"), "descending");
    // Sort by engagement: porteurs last in ascending order.
    await click(d, "#sort-engagement");
    await d.wait(async () => (await (await find(d, "#sort-engagement")).findElement(By.xpath(".."))
      .then((th) => th.getAttribute("aria-sort"))) === "ascending", 5000);
    await d.wait(async () => (await domTexts(d, "#actors-table tbody .engagement"))[0] === "Informé", 5000);
    const engagements = await actorColumn(d, ".engagement");
    assert.equal(engagements[0], "Informé");
    assert.equal(engagements.at(-1), "Porteur");

    // Edit an actor.
    await click(d, "#sort-name");
    await d.wait(async () => (await actorNames(d))[0] === expected.at(-1), 5000);
    const first = (await actorNames(d))[0];
    await click(d, "#actors-table tbody tr[data-actor-id] button.btn.small:not(.danger-outline)");
    await visible(d, "#actor-dialog");
    await fill(d, "#actor-dialog input[name=commune]", "Aiguebrune");
    await click(d, "#actor-dialog button[type=submit]");
    await d.wait(async () => (await d.findElements(By.css("#actor-dialog"))).length === 0, 10000);
    await waitText(d, "#actors-table tbody tr[data-actor-id]", "Aiguebrune");

    // Delete an actor nothing refers to: the confirmation names it; cancel keeps it,
    // confirm removes it, undo restores it.
    await fill(d, "#actor-filter", "jardins partages de larrieu");
    await d.wait(async () => (await actorNames(d)).length === 1, 5000);
    const lonely = (await actorNames(d))[0];
    await click(d, "#actors-table tbody tr[data-actor-id] .danger-outline");
    let confirm = await visible(d, "dialog.confirm");
    assert.match(await confirm.getText(), new RegExp(lonely.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.equal((await d.findElements(By.css("dialog.confirm .impact"))).length, 0);
    await click(d, "#confirm-no");
    assert.deepEqual(await actorNames(d), [lonely]);
    await click(d, "#actors-table tbody tr[data-actor-id] .danger-outline");
    await click(d, "#confirm-yes");
    await d.wait(async () => (await actorNames(d)).length === 0, 5000);
    await waitText(d, "#toasts", "supprimé");
    await click(d, "#toasts .toast .btn.small");
    await d.wait(async () => (await actorNames(d)).length === 1, 5000);
    assert.deepEqual(await actorNames(d), [lonely]);

    // Delete an actor that leads, joins or funds actions: the confirmation says exactly what
    // changes, and only then is it deleted.
    await fill(d, "#actor-filter", "Fondation Terres");
    await d.wait(async () => (await actorNames(d)).length === 1, 5000);
    await click(d, "#actors-table tbody tr[data-actor-id] .danger-outline");
    confirm = await visible(d, "dialog.confirm");
    const details = await confirm.getText();
    assert.match(details, /Financeur de 3 ligne\(s\) de financement, qui resteront sans financeur/);
    assert.match(details, /Tiers-lieu La Fabrique : co-working et fab lab : Appel à projets lieux partagés, 20.000,00.€/);
    await screenshot(d, "08-confirmation-suppression");
    await click(d, "#confirm-yes");
    await d.wait(async () => (await actorNames(d)).length === 0, 5000);
    await waitText(d, "#toasts", "supprimé");
    await fill(d, "#actor-filter", "");
    await d.wait(async () => (await actorNames(d)).length === all.length - 1, 5000);

    // Edit the project header; a period ending before it starts is refused in French.
    await click(d, "#nav-dashboard");
    await click(d, "#edit-project");
    await visible(d, "#project-dialog");
    await fill(d, "#project-dialog input[name=period_start]", "2025-01-01");
    await fill(d, "#project-dialog input[name=period_end]", "2024-12-31");
    await click(d, "#project-dialog button[type=submit]");
    const perr = await visible(d, "#project-dialog .field-error:not([hidden])");
    assert.equal(await perr.getText(), "La fin de la période ne peut pas précéder son début.");
    await fill(d, "#project-dialog input[name=period_end]", "2031-12-31");
    await choose(d, "#project-dialog select[name=status]", "revising");
    await screenshot(d, "09-modifier-projet");
    await click(d, "#project-dialog button[type=submit]");
    await d.wait(async () => (await d.findElements(By.css("#project-dialog"))).length === 0, 10000);
    await waitText(d, "#project-status", "En révision");
    await waitText(d, "#project-period", "31 décembre 2031");
  } finally {
    await app.quit();
  }
});

test("keyboard: Ctrl+N opens the actor form, Escape closes it, Ctrl+F focuses the filter; display name preference", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    const body = await find(d, "body");
    await body.sendKeys(Key.chord(Key.CONTROL, "n"));
    await visible(d, "#actor-dialog");
    assert.equal(await d.executeScript("return document.activeElement.name"), "name");
    await d.switchTo().activeElement().then((el) => el.sendKeys(Key.ESCAPE));
    await d.wait(async () => (await d.findElements(By.css("#actor-dialog"))).length === 0, 5000);
    await body.sendKeys(Key.chord(Key.CONTROL, "f"));
    // The actors section loads its list first, then focuses the filter.
    await d.wait(async () => (await d.executeScript("return document.activeElement.id")) === "actor-filter",
      5000, "Ctrl+F did not focus the actor filter");

    await click(d, "#top-prefs");
    await visible(d, "#prefs-dialog");
    await fill(d, "#prefs-dialog input[name=display_name]", "Camille Durand");
    await click(d, "#prefs-dialog button[type=submit]");
    await waitText(d, "#top-prefs", "Bonjour Camille Durand");
  } finally {
    await app.quit();
  }
  const prefs = JSON.parse(readFileSync(path.join(dataDir(home), "preferences.json"), "utf8"));
  assert.equal(prefs.display_name, "Camille Durand");
  assert.match(prefs.last_workspace, /exemple-haut-verdanson\.catalyse$/);
});

test("Enregistrer sous… and Ouvrir… go through the native file dialogs", async () => {
  const home = freshHome();
  const copy = path.join(home, "Documents", "copie-verdanson.catalyse");
  execFileSync("mkdir", ["-p", path.dirname(copy)]);
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    // Save a copy elsewhere: the app then works on the copy.
    await click(d, "#top-save-as");
    execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--name", "Enregistrer l'espace de travail"], { timeout: 15000 });
    await screenshot(d, "13-enregistrer-sous");
    answerFileDialog("Enregistrer l'espace de travail", copy);
    await waitText(d, "#ws-file", "copie-verdanson.catalyse");
    assert.ok(existsSync(copy));
    const report = JSON.parse(execFileSync(BINARY, ["check", "--json", copy], { encoding: "utf8" }));
    assert.equal(report.integrity, "ok");
    assert.ok(report.counts.actors >= 40);

    // Close, then open the copy again through "Ouvrir…".
    await click(d, "#top-close");
    await visible(d, "#welcome");
    await click(d, "#top-open");
    answerFileDialog("Ouvrir un espace de travail", copy, { locationBar: true });
    await visible(d, "#workspace");
    await waitText(d, "#ws-file", "copie-verdanson.catalyse");
    await waitText(d, "#project-territory", "PETR du Haut-Verdanson");
  } finally {
    await app.quit();
  }
});

test("switching to English translates the UI and is remembered", async () => {
  const home = freshHome();
  let app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-actors");
    await choose(d, "#language", "en");
    await waitText(d, "#actors-title", "Actors");
    assert.equal(await (await find(d, "#add-actor")).getText(), "Add an actor");
    assert.equal(await (await find(d, "#sort-engagement")).getText(), "ENGAGEMENT LEVEL");
    assert.equal(await d.executeScript("return document.documentElement.lang"), "en");
    await screenshot(d, "10-english");
  } finally {
    await app.quit();
  }
  app = await launch(home);
  try {
    const d = app.driver;
    await waitText(d, "#nav-dashboard", "Dashboard");
    await waitText(d, "#dash-status", "Actions by status");
    await waitText(d, "#top-open", "Open…");
    await screenshot(d, "10b-dashboard-english");
  } finally {
    await app.quit();
  }
});

test("a corrupt preferences file does not stop the app: defaults, and the bad copy kept aside", async () => {
  const home = freshHome();
  const dir = dataDir(home);
  execFileSync("mkdir", ["-p", dir]);
  writeFileSync(path.join(dir, "preferences.json"), '{"language": "en", "last_works');
  const app = await launch(home);
  try {
    const d = app.driver;
    await visible(d, "#welcome");
    const notice = await visible(d, "#notice-prefs_reset");
    assert.match(await notice.getText(), /préférences étaient illisibles/);
    assert.equal(await (await find(d, "#welcome h1")).getText(), "Bienvenue dans Catalyse");
    const aside = readdirSync(dir).filter((f) => f.startsWith("preferences.illisible-"));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(path.join(dir, aside[0]), "utf8"), '{"language": "en", "last_works');
    await screenshot(d, "11-preferences-illisibles");
  } finally {
    await app.quit();
  }
});

test("--workspace opens that file; a file that is not a workspace gets a clear French message", async () => {
  const home = freshHome();
  const good = path.join(home, "verdanson.catalyse");
  execFileSync(BINARY, ["demo", good], { env: { ...process.env, HOME: home } });
  let app = await launch(home, ["--workspace", good]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    await waitText(d, "#ws-file", "verdanson.catalyse");
  } finally {
    await app.quit();
  }
  const notes = path.join(home, "compte-rendu.txt");
  writeFileSync(notes, "Compte rendu du comité de pilotage du 3 mars\n".repeat(40));
  app = await launch(home, ["--workspace", notes]);
  try {
    const d = app.driver;
    await visible(d, "#welcome");
    const notice = await visible(d, "#notice-not_a_workspace");
    assert.match(await notice.getText(), /n'est pas un espace de travail Catalyse/);
  } finally {
    await app.quit();
  }
  assert.equal(readFileSync(notes, "utf8"), "Compte rendu du comité de pilotage du 3 mars\n".repeat(40));
});

test("a crafted workspace opened in the app runs none of its SQL: refused, named, nothing written", async () => {
  const home = freshHome();
  const evil = path.join(home, "piégé.catalyse");
  const victim = path.join(home, "autre.catalyse");
  execFileSync(BINARY, ["demo", evil], { env: { ...process.env, HOME: home } });
  execFileSync(BINARY, ["demo", victim], { env: { ...process.env, HOME: home } });
  // The security review's file: a table whose name closes the journal's trigger, attaches
  // another workspace of the user's and writes in it (sqlite3, as the reviewer did).
  const name = `x AFTER INSERT ON actor BEGIN SELECT 1; END; COMMIT; ATTACH '${victim}' AS p; CREATE TABLE p.pwned AS SELECT 'owned' AS v; DETACH p; BEGIN; /*`;
  execFileSync("sqlite3", [evil, `CREATE TABLE "${name.replaceAll('"', '""')}" (a INTEGER) STRICT;`]);
  const before = readFileSync(evil);
  const victimBefore = readFileSync(victim);
  const app = await launch(home, ["--workspace", evil]);
  try {
    const d = app.driver;
    await visible(d, "#welcome");
    const notice = await visible(d, "#notice-foreign_schema");
    const text = await notice.getText();
    assert.match(text, /contient une table inconnue « x AFTER INSERT ON actor/);
    assert.match(text, /il n'a pas été écrit par Catalyse ou a été modifié/);
    // Its backups are offered, as for a damaged file.
    await visible(d, "#notice-backups");
    await screenshot(d, "14-fichier-piege");
  } finally {
    await app.quit();
  }
  assert.ok(readFileSync(evil).equals(before), "the crafted file must not change");
  assert.ok(readFileSync(victim).equals(victimBefore), "the other workspace must not change");
});

test("--workspace on a file from a newer Catalyse shows a French message and leaves it byte-identical", async () => {
  const home = freshHome();
  const file = path.join(home, "futur.catalyse");
  execFileSync(BINARY, ["demo", file], { env: { ...process.env, HOME: home } });
  // Raise the schema version beyond what this build knows, as a newer Catalyse would.
  const bytes = readFileSync(file);
  bytes.writeUInt32BE(bytes.readUInt32BE(60) + 10, 60); // user_version lives at offset 60
  writeFileSync(file, bytes);
  const before = readFileSync(file);
  const app = await launch(home, ["--workspace", file]);
  try {
    const d = app.driver;
    await visible(d, "#welcome");
    const notice = await visible(d, "#notice-newer_schema");
    assert.match(await notice.getText(), /version plus récente de Catalyse/);
    await screenshot(d, "12-schema-plus-recent");
  } finally {
    await app.quit();
  }
  assert.ok(readFileSync(file).equals(before), "the file must not change");
  assert.ok(!existsSync(`${file}-wal`) || readFileSync(`${file}-wal`).length === 0);
});
