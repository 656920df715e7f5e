// End-to-end: the structure of the Projet de territoire (needs, axes, actions, funding plan).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  launch, freshHome, find, visible, waitText, fill, choose, screenshot, texts, click, pick, By, Key,
  addActor, closeDialog,
} from "./harness.mjs";

/** Normalises the spaces French number formatting uses, for plain comparisons. */
const plain = (s) => s.replace(/[\u202f\u00a0]/g, " ");

test("need, axis and action with porteur, partner and two funding lines: plan, filtered table, delete impact", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await fill(d, "#create-form input[name=territory_name]", "PETR du Val d'Essai");
    await fill(d, "#create-form input[name=project_title]", "Projet de territoire 2026-2031");
    await click(d, "#create-workspace");
    await visible(d, "#workspace");
    await click(d, "#nav-actors");
    await addActor(d, "Communauté de communes du Val", "local_authority");
    await addActor(d, "Vélo pour tous", "association");
    await addActor(d, "Région Exemple", "funder");
    await addActor(d, "Fondation Avenir rural", "funder");

    // A need, then an axis that answers it.
    await click(d, "#nav-structure");
    await click(d, "#add-need");
    await fill(d, "#need-dialog input[name=title]", "Se déplacer sans voiture individuelle");
    await choose(d, "#need-dialog select[name=priority]", "high");
    await closeDialog(d, "need-dialog");
    await waitText(d, "#needs-list", "Se déplacer sans voiture individuelle");
    await click(d, "#add-need");
    await fill(d, "#need-dialog input[name=title]", "Réussir la transition énergétique");
    await closeDialog(d, "need-dialog");
    await waitText(d, "#needs-list", "Réussir la transition énergétique");
    assert.deepEqual(await texts(d, "#needs-list .need-title"),
      ["Se déplacer sans voiture individuelle", "Réussir la transition énergétique"]);
    await click(d, "#needs-list li:nth-child(2) .icon-btn:first-child");
    await d.wait(async () => (await texts(d, "#needs-list .need-title"))[0] === "Réussir la transition énergétique", 5000);
    await click(d, "#add-axis");
    await visible(d, "#axis-dialog");
    await fill(d, "#axis-dialog input[name=title]", "Une mobilité pour tous");
    await click(d, "#axis-dialog .checks .check:nth-child(2) label");
    await closeDialog(d, "axis-dialog");
    await waitText(d, "#axes-list", "Se déplacer sans voiture individuelle");

    // An action with its porteur and a partner.
    await click(d, "#nav-actions");
    await click(d, "#add-action");
    await visible(d, "#action-dialog");
    await fill(d, "#action-dialog input[name=title]", "Vélos à assistance électrique en location");
    const axisValue = await (await find(d, "#action-dialog select[name=axis_id] option:nth-child(2)")).getAttribute("value");
    await choose(d, "#action-dialog select[name=axis_id]", axisValue);
    await choose(d, "#action-dialog select[name=status]", "preparing");
    await fill(d, "#action-dialog input[name=start_date]", "2026-04-01");
    await fill(d, "#action-dialog input[name=end_date]", "2026-03-31");
    await click(d, "#action-dialog button[type=submit]");
    const dateError = await visible(d, "#action-dialog .field-error:not([hidden])");
    assert.equal(await dateError.getText(), "La date de fin ne peut pas précéder la date de début.");
    await fill(d, "#action-dialog input[name=end_date]", "2027-03-31");
    await fill(d, "#action-dialog input[name=budget]", "80 000");
    await pick(d, "#action-dialog input[name=lead_actor_id]", "Communauté de communes du Val");
    await click(d, "#action-dialog .add-partner");
    await pick(d, "#action-dialog .partner-row input[role=combobox]", "velo pour", "Vélo pour tous");
    await fill(d, "#action-dialog .partner-row input.partner-role", "Animation des ateliers");
    await choose(d, "#action-dialog select[name=practice]", "experimentation");
    await choose(d, "#action-dialog select[name=activity]", "2");
    await choose(d, "#action-dialog select[name=engineering]", "catalysis");
    await screenshot(d, "20-formulaire-action");
    await click(d, "#action-dialog .checks .check:nth-child(2) label");
    await screenshot(d, "20-formulaire-action");
    await closeDialog(d, "action-dialog");
    await visible(d, "#action-page");
    await waitText(d, "#action-title", "Vélos à assistance électrique en location");
    await waitText(d, "#action-page", "Communauté de communes du Val");
    await waitText(d, "#action-partners", "Vélo pour tous — Animation des ateliers");
    await waitText(d, "#action-page", "Mobilisation des acteurs pour co-construire des solutions");

    // Two funding lines, then the plan.
    const addFunding = async (funder, scheme, amount, status) => {
      await click(d, "#add-funding");
      await visible(d, "#funding-dialog");
      await pick(d, "#funding-dialog input[name=funder_id]", funder);
      await fill(d, "#funding-dialog input[name=scheme]", scheme);
      await fill(d, "#funding-dialog input[name=amount]", amount);
      await choose(d, "#funding-dialog select[name=status]", status);
      await closeDialog(d, "funding-dialog");
    };
    await addFunding("Région Exemple", "Mobilité rurale", "40 000", "granted");
    await addFunding("Fondation Avenir rural", "Appel à projets", "20 000", "requested");
    await d.wait(async () => (await d.findElements(By.css("#funding-lines tbody tr"))).length === 2, 10000);
    const figures = plain(await (await find(d, "#funding-plan")).getText());
    assert.match(figures, /BUDGET\s*80 000,00 €/i);
    assert.match(figures, /ACQUIS\s*40 000,00 €/i);
    assert.match(figures, /SOLLICITÉ\s*20 000,00 €/i);
    assert.match(figures, /RESTE À FINANCER\s*20 000,00 €/i);
    const cells = (await texts(d, "#plan-shares tbody th, #plan-shares tbody td")).map(plain);
    assert.deepEqual(cells, [
      "Région Exemple", "40 000,00 €", "0,00 €", "50 %",
      "Fondation Avenir rural", "0,00 €", "20 000,00 €", "25 %",
    ]);
    await screenshot(d, "21-plan-de-financement");

    // An indicator: a wrong number is refused in French, then the progress is computed.
    await click(d, "#add-indicator");
    await visible(d, "#indicator-dialog");
    await fill(d, "#indicator-dialog input[name=name]", "Vélos loués");
    await fill(d, "#indicator-dialog input[name=unit]", "locations");
    await fill(d, "#indicator-dialog input[name=target]", "douze");
    await click(d, "#indicator-dialog button[type=submit]");
    const numError = await visible(d, "#indicator-dialog .field-error:not([hidden])");
    assert.equal(await numError.getText(), "La cible n'est pas un nombre valide : « douze ».");
    await fill(d, "#indicator-dialog input[name=target]", "200");
    await fill(d, "#indicator-dialog input[name=current]", "50");
    await closeDialog(d, "indicator-dialog");
    await d.wait(async () => (await d.findElements(By.css("#indicators-table tbody tr"))).length === 1, 10000);
    const indicatorCells = (await texts(d, "#indicators-table tbody th, #indicators-table tbody td")).map(plain);
    assert.deepEqual(indicatorCells.slice(0, 4), ["Vélos loués", "200 locations", "50 locations", "25 %"]);

    // Over-funding is shown, not hidden: the foundation's line raised to 50 000 €.
    await click(d, "#funding-lines tbody tr:nth-child(2) .btn.small:not(.danger-outline)");
    await visible(d, "#funding-dialog");
    await fill(d, "#funding-dialog input[name=amount]", "50 000");
    await closeDialog(d, "funding-dialog");
    await waitText(d, "#funding-plan", "Surfinancement");
    assert.equal(plain(await (await find(d, "#plan-gap")).getText()), "10 000,00 €");
    await click(d, "#funding-lines tbody tr:nth-child(2) .btn.small:not(.danger-outline)");
    await visible(d, "#funding-dialog");
    await fill(d, "#funding-dialog input[name=amount]", "20 000");
    await closeDialog(d, "funding-dialog");
    await waitText(d, "#funding-plan", "Reste à financer");

    // The table, filtered.
    await click(d, "#action-back");
    await visible(d, "#actions-table");
    await choose(d, "#filter-status", "preparing");
    await waitText(d, "#actions-count", "1 action(s) sur 1");
    assert.deepEqual(await texts(d, "#actions-table tbody .action-open"), ["Vélos à assistance électrique en location"]);
    // The porteur is searched among the actors (a picker, never a list of them all).
    await pick(d, "#filter-lead", "communaute de communes du", "Communauté de communes du Val");
    await waitText(d, "#actions-count", "1 action(s) sur 1");
    assert.equal((await texts(d, "#actions-table tbody tr[data-action-id]")).length, 1);
    await screenshot(d, "22-tableau-actions");
    await choose(d, "#filter-status", "done");
    await visible(d, "#actions-empty");
    await waitText(d, "#actions-count", "0 action(s) sur 1");
    await choose(d, "#filter-status", "");
    // Actions without a porteur: none here.
    await pick(d, "#filter-lead", "", "Non renseigné");
    await waitText(d, "#actions-count", "0 action(s) sur 1");
    await click(d, "#actions-clear-filters");
    await waitText(d, "#actions-count", "1 action(s) sur 1");
    // The title filter ignores case and accents.
    await fill(d, "#action-filter", "VELOS A ASSISTANCE");
    await waitText(d, "#actions-count", "1 action(s) sur 1");
    await fill(d, "#action-filter", "tramway");
    await waitText(d, "#actions-count", "0 action(s) sur 1");
    await fill(d, "#action-filter", "");
    await waitText(d, "#actions-count", "1 action(s) sur 1");

    // The dashboard adds up the project's funding.
    await click(d, "#nav-dashboard");
    await visible(d, "#dash-funding");
    assert.equal(plain(await (await find(d, "#dash-budget")).getText()), "80 000,00 €");
    assert.equal(plain(await (await find(d, "#dash-granted")).getText()), "40 000,00 €");
    assert.equal(plain(await (await find(d, "#dash-gap")).getText()), "20 000,00 €");
    await waitText(d, "#dash-status", "En préparation");

    // The timeline shows the action under its axis, with today's line.
    await click(d, "#nav-timeline");
    await visible(d, "#timeline-chart");
    assert.deepEqual(await texts(d, "#timeline-chart .tl-axis"), ["UNE MOBILITÉ POUR TOUS"]);
    const labels = await d.findElements(By.css("#timeline-chart .tl-row[data-action-id] .tl-label"));
    assert.deepEqual(await Promise.all(labels.map((l) => l.getAttribute("textContent"))), ["Vélos à assistance électrique en location"]);
    await screenshot(d, "28-calendrier-action");
    assert.equal((await d.findElements(By.css("#timeline-chart .tl-bar"))).length, 1);
    assert.ok((await d.findElements(By.css("#timeline-chart .tl-today"))).length >= 1);
    assert.equal((await d.findElements(By.css("#timeline-undated"))).length, 0);

    // The tree: need → axis → action.
    await click(d, "#nav-tree");
    await visible(d, "#tree");
    const tree = await (await find(d, "#tree")).getText();
    assert.match(tree, /Se déplacer sans voiture individuelle[\s\S]*Une mobilité pour tous[\s\S]*Vélos à assistance électrique en location/);
    assert.match(tree, /Réussir la transition énergétique[\s\S]*Aucun axe ne répond encore à cet enjeu/);
    await screenshot(d, "29-arborescence");

    // Deleting the axis says which action loses it; cancelling keeps everything.
    await click(d, "#nav-structure");
    await visible(d, "#axes-list");
    await click(d, "#axes-list .danger-outline");
    const confirm = await visible(d, "dialog.confirm");
    assert.match(await confirm.getText(), /1 action\(s\) n'auront plus d'axe[\s\S]*Vélos à assistance électrique en location/);
    await screenshot(d, "23-suppression-axe");
    await click(d, "#confirm-no");

    // Deleting the porteur says which action loses its porteur and which line its funder.
    await click(d, "#nav-actors");
    await fill(d, "#actor-filter", "Communauté de communes du Val");
    await d.wait(async () => (await texts(d, "#actors-table tbody .actor-name")).length === 1, 5000);
    await click(d, "#actors-table tbody tr[data-actor-id] .danger-outline");
    const leadConfirm = await visible(d, "dialog.confirm");
    assert.match(await leadConfirm.getText(), /Porteur de 1 action\(s\), qui n'auront plus de porteur :\s*Vélos à assistance électrique en location/);
    await click(d, "#confirm-no");
    await click(d, "#nav-structure");
    await waitText(d, "#axes-list", "Une mobilité pour tous");
    await screenshot(d, "24-enjeux-et-axes");
  } finally {
    await app.quit();
  }
});

test("the example's actions: every practice and engineering, a plan with shares", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-actions");
    await visible(d, "#actions-table");
    const rows = await texts(d, "#actions-table tbody .action-open");
    assert.ok(rows.length >= 12, `${rows.length}`);
    await screenshot(d, "25-exemple-actions");
    await click(d, "#actions-table tbody tr[data-action-id] .action-open");
    await visible(d, "#funding-plan");
    assert.ok((await texts(d, "#plan-shares tbody tr")).length >= 1);
    await screenshot(d, "26-exemple-action");
    await click(d, "#nav-timeline");
    await visible(d, "#timeline-chart");
    await waitText(d, "#timeline-undated", "Plateforme de covoiturage du quotidien");
    assert.ok((await d.findElements(By.css("#timeline-chart .tl-bar"))).length >= 12);
    await screenshot(d, "27-calendrier");
    await click(d, "#nav-tree");
    await visible(d, "#tree");
    await screenshot(d, "30-exemple-arborescence");

    // One search box, accent- and case-insensitive, results grouped by kind.
    await fill(d, "#search", "ORGIERES");
    await (await find(d, "#search")).sendKeys(Key.ENTER);
    await visible(d, "#search-results");
    await waitText(d, "#search-actor", "Scierie des Orgières");
    await waitText(d, "#search-meeting", "Rencontre avec les habitants des Orgières");
    await waitText(d, "#search-action", "Essaimer le tiers-lieu vers les Hautes-Orgières");
    await screenshot(d, "31-recherche");
    await fill(d, "#search", "belkacem");
    await (await find(d, "#search")).sendKeys(Key.ENTER);
    await waitText(d, "#search-contact", "Nora Belkacem");
    await click(d, "#search-contact .search-title");
    await visible(d, "#actor-card");
    assert.equal(await (await find(d, "#card-title")).getText(), "Tiers-lieu La Fabrique du Verdanson");
    await waitText(d, "#card-contacts", "Nora Belkacem");
    await fill(d, "#search", "zzzz introuvable");
    await (await find(d, "#search")).sendKeys(Key.ENTER);
    await visible(d, "#search-empty");
  } finally {
    await app.quit();
  }
});
