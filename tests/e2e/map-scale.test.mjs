// End-to-end at scale (issue 27): a région's communes (Grand Est, 5,115) on the map of the
// real app. The territory is set and its contours imported with the command line (timed
// beside the `sqlite3` shell loading the same GeoJSON into a table, ratio printed), then the
// app opens on it: the time until every commune is drawn, a full redraw, the frames while
// panning and zooming with the keyboard, a change of measure. Figures are printed, never
// asserted against a time: these 2-core machines are shared.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { launch, freshHome, scratch, click, visible, waitText, choose, screenshot, BINARY } from "./harness.mjs";
import { writeScaleContours } from "./scale-data.mjs";
import { panAndZoom, percentile } from "./frames.mjs";


/** Milliseconds a command takes. */
function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26, ...opts });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * A territory of `region`'s communes (all of France's for `null`), `perEdge` positions per
 * edge of each invented contour: imported, then drawn, panned and zoomed in the app.
 */
async function territoryAtScale(region, name, perEdge) {
  const dir = scratch("map-scale-");
  const sub = mkdtempSync(path.join(dir, "territory-"));
  const contours = writeScaleContours(sub, region, perEdge);
  const file = path.join(sub, "territoire.catalyse");
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, "data") };
  const run = (...args) => execFileSync(BINARY, args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
  run("new", file, "--territory", name, "--kind", "department");
  run("map", "territory", "--workspace", file, ...contours.departements.flatMap((d) => ["--add", `departement:${d}`]));
  const ours = timed(BINARY, ["map", "import-contours", contours.file, "--workspace", file], { env });
  const refDb = path.join(sub, "reference.db");
  const reference = timed("sqlite3", [refDb,
    `CREATE TABLE c(insee TEXT, geom TEXT); INSERT INTO c SELECT json_extract(value, '$.properties.INSEE_COM'), json_extract(value, '$.geometry') FROM json_each(readfile('${contours.file}'), '$.features');`]);
  rmSync(refDb);
  console.log(`# contours of ${contours.communes} communes (${contours.positions} positions, GeoJSON): catalyse map import-contours ${Math.round(ours)} ms (read, checked, matched, simplified, written); sqlite3 shell loading the same file's features into a table ${Math.round(reference)} ms; ratio ${(ours / reference).toFixed(1)}`);
  const listed = JSON.parse(run("map", "communes", "--workspace", file, "--json"));
  assert.equal(listed.length, contours.communes);
  assert.ok(listed.every((c) => c.has_contour), "every commune has its contour");

  const home = freshHome();
  const app = await launch(home, ["--workspace", file]);
  try {
    const d = app.driver;
    await visible(d, "#workspace");
    const t0 = Date.now();
    await click(d, "#nav-territory");
    const count = contours.communes.toLocaleString("fr-FR");
    await d.wait(async () => {
      const text = await d.executeScript("return document.getElementById('map-status')?.textContent ?? ''");
      return text.replace(/\s/g, "").startsWith(`${contours.communes}communesdessinées`);
    }, 300000, `${count} communes drawn`);
    const drawn = Date.now() - t0;
    await d.sleep(3000);
    // A full drawing, as « 0 » (recentre) asks: measured inside the page.
    const full = await d.executeScript(`
      const c = document.getElementById("territory-canvas");
      const times = [];
      for (let i = 0; i < 5; i += 1) {
        const t = performance.now();
        c.dispatchEvent(new KeyboardEvent("keydown", { key: "0", bubbles: true }));
        times.push(performance.now() - t);
      }
      return times;`);
    const moveMap = () => panAndZoom(d, "territory-canvas");
    // The first pass is slower while the web engine settles; the second, 5 s later, is the
    // figure (as the network map's in scale.test.mjs).
    const warmup = await moveMap();
    await d.sleep(5000);
    const frames = await moveMap();
    await d.sleep(1000);
    const t1 = Date.now();
    await choose(d, "#map-measure", "never_met");
    await waitText(d, "#map-legend .legend-title", "Communes jamais rencontrées");
    const remeasured = Date.now() - t1;
    await d.executeScript(`document.getElementById("territory-canvas").dispatchEvent(new KeyboardEvent("keydown", { key: "0", bubbles: true }));`);
    await d.sleep(1000);
    await screenshot(d, `map-scale-${region ?? "france"}`);
    console.log(`# map of ${contours.communes} communes in the app: all drawn ${drawn} ms after the click (shapes read in pages of 2 000, drawn as they come); a full redraw p50 ${Math.round(percentile(full, 0.5))} ms; pan and zoom frames p50 ${Math.round(percentile(frames, 0.5))} ms, p95 ${Math.round(percentile(frames, 0.95))} ms, max ${Math.round(Math.max(...frames))} ms over ${frames.length} frames (first pass, warming up: p95 ${Math.round(percentile(warmup, 0.95))} ms; target p95 ≤ 17 ms, the display refreshes every 16.7 ms); another measure shown in ${remeasured} ms`);
    assert.equal(frames.length, 160, "every move drew a frame");
  } finally {
    await app.quit();
  }
}

test("a département's contours (Côtes-d'Armor, 344 communes) imported with the command line", () => {
  const dir = scratch("map-dept-");
  const contours = writeScaleContours(dir, "dep:22", 40);
  const file = path.join(dir, "cotes-d-armor.catalyse");
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, "data") };
  execFileSync(BINARY, ["new", file, "--territory", "Côtes-d'Armor", "--kind", "department"], { env });
  execFileSync(BINARY, ["map", "territory", "--workspace", file, "--add", "departement:22"], { env });
  const ours = timed(BINARY, ["map", "import-contours", contours.file, "--workspace", file], { env });
  const refDb = path.join(dir, "reference.db");
  const reference = timed("sqlite3", [refDb,
    `CREATE TABLE c(insee TEXT, geom TEXT); INSERT INTO c SELECT json_extract(value, '$.properties.INSEE_COM'), json_extract(value, '$.geometry') FROM json_each(readfile('${contours.file}'), '$.features');`]);
  const size = statSync(contours.file).size;
  console.log(`# contours of a département (${contours.communes} communes, ${contours.positions} positions, ${(size / 1e6).toFixed(2)} MB GeoJSON): catalyse map import-contours ${Math.round(ours)} ms (target ≤ 1 s, the command's start included); sqlite3 shell ${Math.round(reference)} ms; ratio ${(ours / reference).toFixed(1)}`);
  const listed = JSON.parse(execFileSync(BINARY, ["map", "communes", "--workspace", file, "--json"], { env, encoding: "utf8", maxBuffer: 1 << 26 }));
  assert.equal(listed.filter((c) => c.has_contour).length, contours.communes);
});

test("a région's 5 115 communes: imported, drawn, panned and zoomed in the real app", async () => {
  await territoryAtScale("44", "Région Grand Est", 25);
});

// All of France's communes (about 35,000): on demand, CATALYSE_MAP_FRANCE=1 (a few minutes).
test("all of France's communes: imported, drawn, panned and zoomed in the real app", { skip: process.env.CATALYSE_MAP_FRANCE !== "1" }, async () => {
  await territoryAtScale(null, "France", 10);
});
