// End-to-end: the competence grid. A self-assessment with an evidence link, then the radar,
// the comparison with an earlier assessment, the progress table and the team heatmap follow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  launch, freshHome, find, visible, waitText, choose, screenshot, texts, click, answerFileDialog, By,
} from "./harness.mjs";

/** The cells' texts of the row of `table` whose first cell starts with `start`. */
const cells = (d, table, start) => d.executeScript(
  `return [...document.querySelectorAll(arguments[0] + " tbody tr")]
     .map((r) => [...r.children].map((c) => c.textContent.trim()))
     .find((r) => r[0].startsWith(arguments[1])) ?? []`, table, start);

test("a self-assessment with evidence updates the radar, the comparison and the team heatmap", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-competences");
    await visible(d, "#grid-history-table");
    // The user (Claire) is chosen; her history: three finished assessments and a draft.
    assert.equal(await (await find(d, "#grid-member")).getAttribute("value"), await d.executeScript(
      "return [...document.querySelectorAll('#grid-member option')].find((o) => o.textContent === 'Claire Vasseur').value"));
    const history = await texts(d, "#grid-history-table tbody tr");
    assert.equal(history.length, 4);
    assert.equal(history.filter((r) => r.includes("Brouillon")).length, 1);

    // Before: competence 1 is a gap (only Inès is autonomous).
    await click(d, "#grid-tab-team");
    await visible(d, "#team-heatmap");
    const gapsBefore = await texts(d, "#team-gaps td");
    assert.equal(gapsBefore[0], "⚠ manque");
    await click(d, "#grid-tab-assess");

    // A new assessment starts from the latest levels; raise competence 1 and cite evidence.
    await click(d, "#grid-new");
    await visible(d, "#grid-form");
    await click(d, "#competence-1 .level-choice:nth-child(4) label");
    await choose(d, "#competence-1 select", "4");
    const evidence = await d.findElements(By.css("#competence-5 .evidence-choices .check label"));
    assert.ok(evidence.length >= 1, "links Claire introduced are suggested for competence 5");
    const evidenceText = await evidence[0].getText();
    await evidence[0].click();
    await d.executeScript("document.getElementById('competence-1').scrollIntoView({block: 'start'})");
    await screenshot(d, "50-auto-evaluation-formulaire");
    await click(d, "#grid-finish");
    await click(d, "#confirm-yes");
    await visible(d, "#grid-view");
    await waitText(d, "#grid-view", evidenceText.split(" — ")[0].replace(/^Lien\s*/, "").slice(0, 20));
    assert.equal((await texts(d, "#grid-history-table tbody tr")).length, 5);

    // Radar: the latest levels, the target, and a comparison with the first assessment.
    await click(d, "#grid-tab-radar");
    await visible(d, "#radar-chart");
    assert.deepEqual((await cells(d, "#radar-table", "1.")).slice(1), ["3", "4"]);
    const first = await d.findElement(By.xpath("//select[@id='radar-compare']/option[contains(., '2024')]"));
    await choose(d, "#radar-compare", await first.getAttribute("value"));
    await d.wait(async () => (await texts(d, "#radar-table thead th")).length === 4, 5000);
    assert.deepEqual((await cells(d, "#radar-table", "1.")).slice(1), ["3", "4", "1"]);
    assert.equal((await d.findElements(By.css("#radar-chart .radar-compare"))).length, 1);
    await screenshot(d, "51-radar");

    await click(d, "#grid-tab-progress");
    await visible(d, "#progress-table");
    assert.deepEqual((await cells(d, "#progress-table", "1.")).slice(1, 6), ["1", "2", "2", "3", "+2"]);
    await screenshot(d, "52-progression");

    // Team: Claire now does competence 1 with Inès, so it is no longer a gap.
    await click(d, "#grid-tab-team");
    await visible(d, "#team-heatmap");
    const claire = await cells(d, "#team-heatmap", "Claire Vasseur");
    assert.deepEqual(claire.slice(1), ["3", "2", "3", "4", "4", "3", "3", "2"]);
    const gapsAfter = await texts(d, "#team-gaps td");
    assert.equal(gapsAfter[0], "couvert");
    await waitText(d, "#team-summary", "Points forts");
    await screenshot(d, "53-equipe-heatmap");
    const out = path.join(home, "equipe.csv");
    await click(d, "#team-export");
    answerFileDialog("Exporter la matrice", out);
    await waitText(d, "#toasts", "equipe.csv");
    const lines = readFileSync(out, "utf8").split("\r\n");
    assert.ok(lines[1].startsWith("Claire Vasseur;"), lines[1]);
    assert.ok(lines.some((l) => l.startsWith("Manque;;non;oui;")), lines.join("\n"));
  } finally {
    await app.quit();
  }
});

test("a draft keeps what was rated, refuses to finish until all eight are rated, and finishes later", async () => {
  const app = await launch(freshHome());
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-competences");
    await visible(d, "#grid-history-table");
    // Claire's draft rates only competence 1.
    await click(d, "#grid-resume");
    await visible(d, "#grid-form");
    assert.equal(await (await find(d, "#competence-1 input[value='3']")).isSelected(), true);
    assert.equal(await (await find(d, "#competence-2 input[value='2']")).isSelected(), false);
    await click(d, "#grid-finish");
    await click(d, "#confirm-yes");
    await waitText(d, "#grid-form-error", "Manque : 2, 3, 4, 5, 6, 7, 8");
    assert.equal((await texts(d, "#grid-history-table tbody tr")).length, 0, "still in the form");
    // Save more as a draft, come back, finish.
    for (const c of [2, 3, 4]) await click(d, `#competence-${c} .level-choice:nth-child(3) label`);
    await click(d, "#grid-save-draft");
    await waitText(d, "#grid-history-table", "Brouillon");
    await click(d, "#grid-resume");
    await visible(d, "#grid-form");
    assert.equal(await (await find(d, "#competence-3 input[value='2']")).isSelected(), true, "the draft kept it");
    for (const c of [5, 6, 7, 8]) await click(d, `#competence-${c} .level-choice:nth-child(3) label`);
    await click(d, "#grid-finish");
    await click(d, "#confirm-yes");
    await visible(d, "#grid-view");
    const rows = await texts(d, "#grid-history-table tbody tr");
    assert.equal(rows.length, 4);
    assert.equal(rows.filter((r) => r.includes("Brouillon")).length, 0);
  } finally {
    await app.quit();
  }
});
