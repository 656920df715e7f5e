// End-to-end: the territory on a map (issue 27). The demo's valley coloured by actors then by
// meetings, its legend's classes; the commune never met listed and its card; a commune's card
// opened from the map itself; a contours file picked in the native dialog, previewed (matched,
// unmatched), imported, and drawn; the list of the communes never met exported as CSV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { launch, freshHome, find, visible, waitText, screenshot, click, choose, pick, answerFileDialog, By } from "./harness.mjs";

/** A square of `side` degrees around a point, as GeoJSON coordinates. */
const square = (lon, lat, side) => [[[lon - side, lat - side], [lon + side, lat - side], [lon + side, lat + side], [lon - side, lat + side], [lon - side, lat - side]]];

test("the demo valley on the map: coloured by actors and by meetings, the commune never met, a commune's card", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-territory");
    await visible(d, "#territory-canvas");
    await waitText(d, "#map-status", "10 communes dessinées");
    // The legend: classes with their bounds, the communes never met.
    await waitText(d, "#map-legend", "Acteurs");
    const classes = await d.findElements(By.css("#map-legend .legend-classes li"));
    assert.ok(classes.length >= 3, `${classes.length} legend lines`);
    await waitText(d, "#map-legend", "jamais rencontrées, en rouge · 1 commune");
    await waitText(d, "#figures-count", "10 communes, dont jamais rencontrées : 1");
    // The canvas has drawn something (not a blank white rectangle).
    const painted = await d.executeScript(`
      const c = document.getElementById("territory-canvas");
      const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < px.length; i += 4 * 37) if (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240) coloured++;
      return coloured;`);
    assert.ok(painted > 500, `coloured pixels sampled: ${painted}`);
    await screenshot(d, "map-demo-actors");

    // The same figures as a table, sorted by actors, the busiest first.
    await click(d, "#fsort-actors");
    await d.wait(async () => {
      const first = await d.executeScript("return document.querySelector('#figures-table tbody tr th')?.textContent ?? ''");
      return first.startsWith("Saint-Aubert-en-Verdanson");
    }, 10000, "the commune with most actors first");

    // By meetings: the legend says so, the table's last column follows.
    await choose(d, "#map-measure", "meetings");
    await waitText(d, "#map-legend .legend-title", "Rencontres");
    await waitText(d, "#figures-table thead", "Rencontres");
    await screenshot(d, "map-demo-meetings");

    // The communes never met, one click away; the card says so.
    await click(d, "#map-list-never");
    await waitText(d, "#figures-count", "Jamais rencontrées : 1 commune");
    const rows = await d.findElements(By.css("#figures-table tbody tr"));
    assert.equal(rows.length, 1);
    await waitText(d, "#figures-table tbody", "Aiguebrune");
    await click(d, "#figures-table tbody tr th button");
    await visible(d, "#commune-card");
    await waitText(d, "#commune-card h2", "Aiguebrune");
    await visible(d, "#commune-card-never");
    await screenshot(d, "map-card-never-met");
    await click(d, "#commune-card-close");
    await d.wait(async () => (await d.findElements(By.css("#commune-card"))).length === 0, 5000);

    // A commune's card from the map itself: a click in the middle of the valley.
    const canvas = await find(d, "#territory-canvas");
    const rect = await canvas.getRect();
    await d.actions().move({ origin: canvas, x: 0, y: 0 }).click().perform();
    await visible(d, "#commune-card");
    const name = await (await find(d, "#commune-card h2")).getText();
    assert.ok(name.length > 0 && rect.width > 300, `card of ${name}`);
    // From the card, an actor opens in its section.
    const actors = await d.findElements(By.css("#commune-card-actors li button"));
    if (actors.length) {
      const actor = await actors[0].getText();
      await actors[0].click();
      await d.wait(async () => (await d.findElements(By.css("#commune-card"))).length === 0, 5000);
      await waitText(d, "#workspace", actor);
    }
  } finally {
    await app.quit();
  }
});

test("contours imported from a GeoJSON file: previewed, then drawn; the communes never met exported", async () => {
  const home = freshHome();
  const file = path.join(home, "contours-22.geojson");
  writeFileSync(file, JSON.stringify({
    type: "FeatureCollection",
    features: [
      { type: "Feature", properties: { INSEE_COM: "22278", NOM: "Saint-Brieuc" }, geometry: { type: "Polygon", coordinates: square(-2.76, 48.51, 0.03) } },
      { type: "Feature", properties: { INSEE_COM: "22106", NOM: "Langueux" }, geometry: { type: "Polygon", coordinates: square(-2.70, 48.49, 0.02) } },
      { type: "Feature", properties: { INSEE_COM: "99999", NOM: "Nulle part" }, geometry: { type: "Polygon", coordinates: square(-2.6, 48.4, 0.01) } },
    ],
  }));
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-territory");
    await waitText(d, "#map-status", "10 communes dessinées");
    // Two real communes added to the fictional valley.
    await click(d, "#edit-communes");
    await visible(d, "#communes-dialog");
    await pick(d, "#communes-picker", "22278", "Saint-Brieuc");
    await waitText(d, "#communes-summary", "11 communes");
    await pick(d, "#communes-picker", "langueux", "Langueux");
    await waitText(d, "#communes-summary", "12 communes");
    await click(d, "#communes-close");
    await waitText(d, "#map-status", "10 communes dessinées sur les 12");

    await click(d, "#contours-open");
    await visible(d, "#contours-dialog");
    await click(d, "#contours-pick");
    answerFileDialog("Choisir le fichier des contours", file, { locationBar: true });
    await waitText(d, "#contours-matched", "2 rapprochées");
    await waitText(d, "#contours-unmatched", "1 sans commune");
    await screenshot(d, "map-contours-preview");
    await waitText(d, "#contours-territory", "12 avec un contour, 0 sans");
    assert.equal(await (await find(d, "#contours-property")).getAttribute("value"), "INSEE_COM");
    await click(d, "#contours-commit");
    await waitText(d, "#toasts", "Contours enregistrés pour 2 communes");
    await waitText(d, "#map-status", "12 communes dessinées sur les 12");
    await waitText(d, "#map-legend", "jamais rencontrées, en rouge · 3 communes");
    await screenshot(d, "map-contours-imported");

    // The communes never met, exported.
    await click(d, "#figures-never-only");
    await waitText(d, "#figures-count", "Jamais rencontrées : 3 communes");
    const out = path.join(home, "jamais.csv");
    await click(d, "#figures-export");
    answerFileDialog("Exporter la liste des communes", out);
    await waitText(d, "#toasts", "3 communes exportées");
    assert.ok(existsSync(out));
    const csv = readFileSync(out, "utf8");
    for (const name of ["Aiguebrune", "Saint-Brieuc", "Langueux"]) assert.ok(csv.includes(name), `${name} in the CSV`);
  } finally {
    await app.quit();
  }
});

test("the map in a decision note: inserted in a section, drawn as vector paths in the PDF and as an image in the DOCX; the map exported as SVG and PNG", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const d = app.driver;
    await click(d, "#open-demo");
    await visible(d, "#workspace");

    // The map itself, as SVG and PNG.
    await click(d, "#nav-territory");
    await waitText(d, "#map-status", "10 communes dessinées");
    const svgFile = path.join(home, "carte.svg");
    await click(d, "#map-export-svg");
    answerFileDialog("Exporter la carte", svgFile);
    await waitText(d, "#toasts", "carte.svg");
    const svg = readFileSync(svgFile, "utf8");
    assert.ok(svg.startsWith("<svg") && svg.includes("Aiguebrune"), "an SVG naming the communes");
    const pngFile = path.join(home, "carte.png");
    await click(d, "#map-export-png");
    answerFileDialog("Exporter la carte", pngFile);
    await waitText(d, "#toasts", "carte.png");
    assert.equal(readFileSync(pngFile).subarray(1, 4).toString(), "PNG");

    // A note: the map of the actors inserted in its context, saved, exported.
    await click(d, "#nav-notes");
    await visible(d, "#notes-table");
    await click(d, "#notes-table tbody tr button");
    await visible(d, "#note-editor");
    // « Acteurs », the first measure offered.
    assert.equal(await (await find(d, "#note-map-measure-contexte")).getAttribute("value"), "actors");
    await click(d, "#note-map-insert-contexte");
    const text = await (await find(d, "#note-section-contexte textarea")).getAttribute("value");
    assert.match(text, /!\[Acteurs par commune\]\(carte:actors\)/);
    await screenshot(d, "map-note-inserted");

    const pdf = path.join(home, "note-carte.pdf");
    await click(d, "#note-export-pdf");
    answerFileDialog("Exporter la note", pdf);
    await waitText(d, "#toasts", "note-carte.pdf");
    const pdfText = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    assert.match(pdfText, /Acteurs par commune/);
    assert.match(pdfText, /jamais rencontrées · 1 commune/);
    assert.match(pdfText, /Sources : INSEE, code officiel géographique/);
    // Vector paths, not a picture: no image in the PDF (the demo has no logo).
    const images = execFileSync("pdfimages", ["-list", pdf], { encoding: "utf8" }).trim().split("\n").slice(2);
    assert.equal(images.length, 0, "the map is drawn, not pasted");
    // The page with the map, looked at.
    execFileSync("pdftoppm", ["-png", "-r", "70", "-f", "1", "-l", "2", pdf, path.join(home, "page")]);
    const pages = execFileSync("ls", [home], { encoding: "utf8" }).split("\n").filter((f) => f.startsWith("page"));
    assert.ok(pages.length >= 1);
    for (const p of pages) execFileSync("cp", [path.join(home, p), path.join(path.dirname(await screenshot(d, "map-note-editor")), `map-note-pdf-${p}`)]);

    const docx = path.join(home, "note-carte.docx");
    await click(d, "#note-export");
    answerFileDialog("Exporter la note", docx);
    await waitText(d, "#toasts", "note-carte.docx");
    // The zip's entry names are stored as written: one picture in the DOCX, the map.
    const media = new Set(readFileSync(docx).toString("latin1").match(/word\/media\/[A-Za-z0-9_-]+\.(?:png|jpe?g)/g) ?? []);
    assert.equal(media.size, 1, `the map as an image in the DOCX: ${[...media]}`);
  } finally {
    await app.quit();
  }
});
