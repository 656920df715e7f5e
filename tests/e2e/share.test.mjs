// End-to-end: two real app instances (two HOMEs, two laptops) share a workspace through one
// folder. A adds an actor and B sees it; both change the same field before their changes
// have crossed, then exchange: both show the same winner and the same entry in the inbox; B
// resolves it and A's inbox empties. The space is created and joined with the command line
// (`share init`, `share join`), as the sharing screen does through the native folder picker.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import {
  launch, freshHome, scratch, find, visible, waitText, fill, screenshot, click, addActor, actorNames,
  closeDialog, BINARY, WAIT_MS, By,
} from "./harness.mjs";

const ACTOR = "Maison de santé de Trélon";

/** Runs the command line as the user whose HOME is `home`. */
function cli(home, args) {
  return execFileSync(BINARY, args, {
    encoding: "utf8",
    env: { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, ".local", "share"), DISPLAY: "" },
  });
}

/** Shows the sharing screen and exchanges now, twice (a file may wait for one received in the
 * same exchange). */
async function syncNow(d) {
  await click(d, "#nav-sharing");
  await visible(d, "#sync-now");
  for (let i = 0; i < 2; i++) {
    await click(d, "#sync-now");
    await waitText(d, "#share-status", "Dernier échange");
    await new Promise((r) => setTimeout(r, 1500));
  }
}

/** Opens the actor's identity form from its card and sets its municipality. */
async function setCommune(d, commune) {
  await click(d, "#nav-actors");
  await visible(d, "#actors-table");
  await fill(d, "#actor-filter", ACTOR);
  await d.wait(async () => (await actorNames(d)).length === 1, WAIT_MS, "the actor listed");
  await click(d, "#actors-table tbody tr[data-actor-id] button.link");
  await click(d, "#card-edit");
  await visible(d, "#actor-dialog");
  await fill(d, "#actor-dialog input[name=commune]", commune);
  await closeDialog(d, "actor-dialog");
}

/** The inbox's entries as text. */
async function inbox(d) {
  await click(d, "#nav-sharing");
  await visible(d, "#conflicts-title");
  return d.executeScript("return [...document.querySelectorAll('#conflicts li.conflict')].map((e) => e.innerText)");
}

test("two laptops share a workspace: a change seen, one conflict the same on both, resolved once", async () => {
  const homeA = freshHome();
  const homeB = freshHome();
  const folder = path.join(scratch("partage-"), "Nextcloud");
  execFileSync("mkdir", ["-p", folder]);
  const a = path.join(homeA, "territoire.catalyse");
  const b = path.join(homeB, "territoire.catalyse");
  cli(homeA, ["demo", a]);
  cli(homeA, ["share", "init", "--workspace", a, "--folder", folder, "--name", "ordinateur de Claire"]);
  cli(homeB, ["share", "join", "--folder", folder, "--to", b, "--name", "ordinateur de Paul"]);
  const appA = await launch(homeA, [a]);
  const appB = await launch(homeB, [b]);
  try {
    const A = appA.driver;
    const B = appB.driver;
    await visible(A, "#workspace");
    await visible(B, "#workspace");
    // The top bar says the workspace is shared, once the first exchange is done.
    await waitText(A, "#sync-chip", "Partagé");

    // A adds an actor; B receives it.
    await click(A, "#nav-actors");
    await visible(A, "#actors-table");
    await addActor(A, ACTOR);
    await syncNow(A);
    await syncNow(B);
    await click(B, "#nav-actors");
    await fill(B, "#actor-filter", "Trélon");
    await B.wait(async () => (await actorNames(B)).includes(ACTOR), WAIT_MS, "B sees A's actor");
    await screenshot(B, "160-partage-acteur-recu");

    // Both change its municipality while the folder is out of reach (a key unplugged, no
    // network): neither receives the other's change before making its own.
    execFileSync("mv", [folder, `${folder}.hors-ligne`]);
    await setCommune(A, "Trélon");
    await setCommune(B, "Glageon");
    await click(B, "#nav-sharing");
    await click(B, "#sync-now");
    await waitText(B, "#share-status", "inaccessible");
    await screenshot(B, "161-partage-hors-ligne");
    execFileSync("mv", [`${folder}.hors-ligne`, folder]);
    await syncNow(A);
    await syncNow(B);
    await syncNow(A);
    const inboxA = await inbox(A);
    const inboxB = await inbox(B);
    assert.equal(inboxA.length, 1, `A's inbox: ${inboxA}`);
    assert.deepEqual(inboxA, inboxB, "the same entry on both laptops");
    assert.match(inboxA[0], /Commune/);
    await screenshot(A, "162-partage-boite-des-conflits");
    // The same winner on both: the later change (B's).
    for (const d of [A, B]) {
      await click(d, "#nav-actors");
      await fill(d, "#actor-filter", ACTOR);
      await d.wait(async () => (await actorNames(d)).length === 1, WAIT_MS);
      const commune = await d.executeScript("return document.querySelector('#actors-table tbody tr[data-actor-id]').innerText");
      assert.match(commune, /Glageon/);
    }
    const chip = await (await find(B, "#sync-chip")).getText();
    assert.match(chip, /1 conflit/);
    await screenshot(B, "163-partage-etat-barre");

    // B takes A's value: it travels, and A's inbox empties.
    await inbox(B);
    await click(B, "#conflicts li.conflict button.take");
    await waitText(B, "#toasts", "Conflit résolu");
    await syncNow(B);
    await syncNow(A);
    await visible(A, "#conflicts-empty");
    await visible(B, "#conflicts-empty");
    await screenshot(A, "164-partage-conflit-resolu");
    // B (the window on top, which the screenshot shows) tidies the shared folder: a new
    // snapshot, and what it did said on the screen.
    await click(B, "#share-compact");
    await waitText(B, "#share-compact-result", "nouvel instantané");
    const devices = await B.executeScript("return [...document.querySelectorAll('#share-devices tbody tr td:last-child')].map((td) => td.innerText)");
    assert.deepEqual(devices, ["actif", "actif"]);
    await screenshot(B, "169-partage-dossier-range");
    for (const d of [A, B]) {
      await click(d, "#nav-actors");
      await fill(d, "#actor-filter", ACTOR);
      await d.wait(async () => (await actorNames(d)).length === 1, WAIT_MS);
      const row = await d.executeScript("return document.querySelector('#actors-table tbody tr[data-actor-id]').innerText");
      assert.match(row, /Trélon/);
    }
  } finally {
    await appA.quit();
    await appB.quit();
  }
  // Both files hold the same content (the command line's content hash).
  const hashA = JSON.parse(cli(homeA, ["sync", "--json", "--workspace", a])).content_hash;
  const hashB = JSON.parse(cli(homeB, ["sync", "--json", "--workspace", b])).content_hash;
  assert.equal(hashA, hashB);
});

test("the sharing screen offers to share a workspace that is not shared, and the welcome screen to join", async () => {
  const app = await launch(freshHome());
  try {
    const d = app.driver;
    await visible(d, "#welcome-join");
    await click(d, "#open-demo");
    await visible(d, "#workspace");
    await click(d, "#nav-sharing");
    await visible(d, "#share-init");
    const name = await find(d, "#share-name");
    assert.equal(await name.getAttribute("maxlength"), "80");
    assert.equal((await d.findElements(By.css("#sync-chip:not([hidden])"))).length, 0, "no sharing state for a workspace not shared");
    await screenshot(d, "165-partage-proposer");
  } finally {
    await app.quit();
  }
});
