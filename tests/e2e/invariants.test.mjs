// End-to-end: two laptops record the same actor before their changes have crossed; after the
// exchanges both inboxes list the same anomaly (« Acteur en double »); B keeps one, confirms
// « Fusionner ces deux acteurs », and both inboxes empty, both files holding the same content.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { launch, freshHome, scratch, visible, waitText, screenshot, click, BINARY, WAIT_MS, By } from "./harness.mjs";

/** Runs the command line as the user whose HOME is `home`. */
function cli(home, args) {
  return execFileSync(BINARY, args, {
    encoding: "utf8",
    env: { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, ".local", "share"), DISPLAY: "" },
  });
}

/** Shows the sharing screen and exchanges now, twice. */
async function syncNow(d) {
  await click(d, "#nav-sharing");
  await visible(d, "#sync-now");
  for (let i = 0; i < 2; i++) {
    await click(d, "#sync-now");
    await waitText(d, "#share-status", "Dernier échange");
    await new Promise((r) => setTimeout(r, 1500));
  }
}

/** The anomalies listed, as text. */
async function anomalies(d) {
  await click(d, "#nav-sharing");
  await visible(d, "#conflicts-title");
  return d.executeScript("return [...document.querySelectorAll('#invariants li.invariant')].map((e) => e.querySelector('.conflict-what').innerText)");
}

test("the same actor recorded on two laptops is listed alike on both and merged once", async () => {
  const homeA = freshHome();
  const homeB = freshHome();
  const folder = path.join(scratch("partage-"), "Nextcloud");
  execFileSync("mkdir", ["-p", folder]);
  const a = path.join(homeA, "territoire.catalyse");
  const b = path.join(homeB, "territoire.catalyse");
  cli(homeA, ["demo", a]);
  cli(homeA, ["share", "init", "--workspace", a, "--folder", folder, "--name", "ordinateur de Claire"]);
  cli(homeB, ["share", "join", "--folder", folder, "--to", b, "--name", "ordinateur de Paul"]);
  // Each records the health centre before seeing the other's (case and accents differ).
  for (const [home, ws, name] of [[homeA, a, "Maison de santé de Fourmies"], [homeB, b, "MAISON DE SANTE DE FOURMIES"]]) {
    const csv = path.join(home, "acteurs.csv");
    writeFileSync(csv, `Nom;Monde;Commune\n${name};Association;Fourmies\n`);
    cli(home, ["import", "actors", csv, "--workspace", ws]);
  }
  const appA = await launch(homeA, [a]);
  const appB = await launch(homeB, [b]);
  try {
    const A = appA.driver;
    const B = appB.driver;
    await visible(A, "#workspace");
    await visible(B, "#workspace");
    await syncNow(A);
    await syncNow(B);
    await syncNow(A);
    const onA = await anomalies(A);
    const onB = await anomalies(B);
    assert.equal(onA.length, 1, `A: ${onA}`);
    assert.deepEqual(onA, onB, "the same anomaly on both laptops");
    assert.match(onA[0], /Acteur en double/);
    await waitText(B, "#sync-chip", "anomalie");
    await screenshot(B, "166-partage-acteur-en-double");

    // B keeps the second one (by keyboard: the radio group), merges, confirms.
    const radios = await B.findElements(By.css("#invariants li.same_actor input[type=radio]"));
    assert.equal(radios.length, 2);
    const second = "#invariants li.same_actor .invariant-keep li:nth-child(2) input[type=radio]";
    const picked = await click(B, second);
    assert.equal(await picked.isSelected(), true);
    await click(B, "#invariants li.same_actor button.merge");
    await visible(B, "#confirm-yes");
    await screenshot(B, "167-partage-fusion-confirmer");
    await click(B, "#confirm-yes");
    await waitText(B, "#toasts", "Acteurs fusionnés");
    await B.wait(async () => (await B.findElements(By.css("#invariants"))).length === 0, WAIT_MS, "B's anomaly gone");
    await syncNow(B);
    await syncNow(A);
    await A.wait(async () => (await anomalies(A)).length === 0, WAIT_MS, "A's anomaly gone");
    await screenshot(A, "168-partage-fusion-recue");
  } finally {
    await appA.quit();
    await appB.quit();
  }
  const hashA = JSON.parse(cli(homeA, ["sync", "--json", "--workspace", a])).content_hash;
  const hashB = JSON.parse(cli(homeB, ["sync", "--json", "--workspace", b])).content_hash;
  assert.equal(hashA, hashB);
  const listed = JSON.parse(cli(homeA, ["conflicts", "--json", "--workspace", a]));
  assert.equal(listed.invariant_count, 0);
});
