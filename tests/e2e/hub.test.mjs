// End-to-end: sharing through the organisation's PostgreSQL server from the window, on a
// real PostgreSQL (TLS verified in full) with the password kept in a real keyring (GNOME
// Keyring on its own D-Bus session, where the command line finds it too). Alice's laptop: « Partager avec l'équipe » → « un
// serveur de l'organisation », « Tester la connexion » says precisely what fails (a wrong
// password, a certificate for another name, a server that does not listen), then shares.
// Bob's laptop joins from the welcome screen (the test lists his team), and a change Alice
// makes reaches him through the server's notification, before the 30-second poll.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import {
  launch, freshHome, visible, waitText, fill, screenshot, click, addActor, actorNames, BINARY, WAIT_MS,
} from "./harness.mjs";
import { startPostgres, startKeyring } from "./postgres.mjs";

const PASSWORD = "mot de passe de recette";
const ACTOR = "Tiers-lieu de la Vallée du Jarlot";

/** The command line as the user whose HOME is `home`, with `env` added. */
function cli(home, args, env = {}) {
  return execFileSync(BINARY, args, {
    encoding: "utf8",
    env: { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, ".local", "share"), DISPLAY: "", ...env },
  });
}

/** Fills the server form whose ids start with `prefix`. */
async function fillServer(d, prefix, { host, port, user, password, ca }) {
  await fill(d, `#${prefix}-host`, host);
  await fill(d, `#${prefix}-port`, String(port));
  await fill(d, `#${prefix}-database`, "territoire");
  await fill(d, `#${prefix}-user`, user);
  await fill(d, `#${prefix}-password`, password);
  await fill(d, `#${prefix}-ca`, ca);
}

/** Clicks « Tester la connexion » and waits for its verdict. */
async function testConnection(d, prefix, expected) {
  await d.executeScript(`document.getElementById('${prefix}-result').textContent = ''`);
  await click(d, `#${prefix}-test`);
  await d.wait(async () => {
    const text = await d.executeScript(`return document.getElementById('${prefix}-result').textContent`);
    return /Connexion réussie|Échec/.test(text);
  }, WAIT_MS, "the test's verdict");
  await waitText(d, `#${prefix}-result`, expected);
}

/** Every file under `dir` holding `needle`. */
function filesHolding(dir, needle) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) found.push(...filesHolding(p, needle));
    else if (st.size < 50_000_000 && readFileSync(p).includes(needle)) found.push(p);
  }
  return found;
}

test("a workspace shared through the organisation's server from the window, joined by another laptop", async () => {
  const pg = await startPostgres(PASSWORD);
  const keyringA = startKeyring();
  const keyringB = startKeyring();
  const admin = freshHome();
  const homeA = freshHome();
  const homeB = freshHome();
  /** @type {any[]} */ const apps = [];
  try {
    cli(admin, ["hub", "init", "--server", pg.url("hub_admin")], { PGPASSWORD: PASSWORD });
    for (const role of ["alice", "bob"]) pg.admin("postgres", `CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
    cli(admin, ["hub", "grant", "--server", pg.url("hub_admin"), "--role", "alice"], { PGPASSWORD: PASSWORD });
    const a = path.join(homeA, "territoire.catalyse");
    cli(homeA, ["demo", a]);
    keyringA.use();
    const appA = await launch(homeA, [a]);
    apps.push(appA);
    const A = appA.driver;
    await visible(A, "#workspace");
    await click(A, "#nav-sharing");
    await click(A, "#share-way-server");
    await visible(A, "#share-server-form");
    await screenshot(A, "170-serveur-formulaire");

    // Each failure named: a wrong password, a certificate for another name, nobody listening.
    const good = { host: "localhost", port: pg.port, user: "alice", password: PASSWORD, ca: pg.ca };
    await fillServer(A, "share-server", { ...good, password: "pas le bon" });
    await testConnection(A, "share-server", "refuse l'utilisateur « alice »");
    await screenshot(A, "171-serveur-mot-de-passe-refuse");
    await fillServer(A, "share-server", { ...good, host: "127.0.0.1" });
    await testConnection(A, "share-server", "La connexion chiffrée avec le serveur 127.0.0.1 a échoué");
    await fillServer(A, "share-server", { ...good, port: pg.port === 65000 ? 65001 : 65000 });
    await testConnection(A, "share-server", "refuse la connexion");
    await fillServer(A, "share-server", good);
    await testConnection(A, "share-server", "Connexion réussie : « alice »");
    await screenshot(A, "172-serveur-connexion-reussie");

    // Shared: the screen and the top bar show the server.
    await click(A, "#share-init-server");
    await waitText(A, "#share-where", "Serveur de l'organisation");
    await waitText(A, "#share-status", "Dernier échange");
    await waitText(A, "#sync-chip", "Partagé");
    const where = await A.executeScript("return document.getElementById('share-where').textContent");
    assert.ok(!where.includes(PASSWORD), where);
    const team = /équipe ([0-9a-f-]{36})/.exec(where)?.[1];
    assert.ok(team, where);
    await screenshot(A, "173-serveur-partage");
    // The password went to the keyring (the command line finds it there, with no
    // PGPASSWORD), and into no file of the laptop.
    const status = JSON.parse(cli(homeA, ["hub", "status", "--json", "--server", pg.url("alice")], keyringA.env));
    assert.equal(status.role, "alice");
    assert.deepEqual(status.teams.map((x) => x.team), [team]);
    assert.deepEqual(filesHolding(homeA, PASSWORD), [], "the password is in no file");

    // Bob joins from his welcome screen; the connection test lists his team.
    cli(admin, ["hub", "grant", "--server", pg.url("hub_admin"), "--team", team, "--role", "bob"], { PGPASSWORD: PASSWORD });
    keyringB.use();
    const appB = await launch(homeB, []);
    apps.push(appB);
    const B = appB.driver;
    await click(B, "#welcome-join-server");
    await visible(B, "#hub-join-dialog");
    await fillServer(B, "hub-join", { ...good, user: "bob" });
    await testConnection(B, "hub-join", "membre de 1 équipe");
    const chosen = await B.executeScript("return document.getElementById('hub-join-team').value");
    assert.equal(chosen, team, "the one team is chosen");
    await screenshot(B, "174-serveur-rejoindre");
    await click(B, "#hub-join-submit");
    await visible(B, "#workspace");
    await click(B, "#nav-sharing");
    await waitText(B, "#share-where", team);
    await waitText(B, "#share-status", "Dernier échange");

    // Alice adds an actor; it reaches Bob through the server's notification (the poll is
    // every 30 s: well after this test's wait).
    await click(A, "#nav-actors");
    await visible(A, "#actors-table");
    await addActor(A, ACTOR);
    await click(B, "#nav-actors");
    await visible(B, "#actors-table");
    await B.wait(async () => {
      try {
        // The list is drawn again when the exchange brings changes: typed again each time.
        await fill(B, "#actor-filter", "Jarlot");
        return (await actorNames(B)).includes(ACTOR);
      } catch { return false; }
    }, 20_000, "Bob receives Alice's actor through the server");
    await screenshot(B, "175-serveur-acteur-recu");
  } finally {
    for (const app of apps) await app.quit();
    keyringA.stop();
    keyringB.stop();
    pg.stop();
  }
});

test("a folder's team moved to the server: a laptop still on the folder is told, and follows from the window", async () => {
  const pg = await startPostgres(PASSWORD);
  const keyring = startKeyring();
  const admin = freshHome();
  const homeD = freshHome();
  const homeC = freshHome();
  /** @type {any[]} */ const apps = [];
  try {
    cli(admin, ["hub", "init", "--server", pg.url("hub_admin")], { PGPASSWORD: PASSWORD });
    for (const role of ["dave", "carol"]) pg.admin("postgres", `CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
    cli(admin, ["hub", "grant", "--server", pg.url("hub_admin"), "--role", "dave"], { PGPASSWORD: PASSWORD });
    // A team on a shared folder: Dave's laptop and Carol's.
    const folder = path.join(homeD, "Nextcloud");
    execFileSync("mkdir", ["-p", folder]);
    const d = path.join(homeD, "territoire.catalyse");
    const c = path.join(homeC, "territoire.catalyse");
    cli(homeD, ["demo", d]);
    const team = JSON.parse(cli(homeD, ["share", "init", "--json", "--workspace", d, "--folder", folder, "--name", "ordinateur de Dave"])).team;
    cli(homeC, ["share", "join", "--folder", folder, "--to", c, "--name", "ordinateur de Carol"]);
    // Dave moves the team to the server (command line); Carol is made a member.
    const moved = JSON.parse(cli(homeD, ["share", "move", "--json", "--workspace", d, "--server", pg.url("dave")], { PGPASSWORD: PASSWORD }));
    assert.equal(moved.team, team);
    cli(admin, ["hub", "grant", "--server", pg.url("hub_admin"), "--team", team, "--role", "carol"], { PGPASSWORD: PASSWORD });

    keyring.use();
    const appC = await launch(homeC, [c]);
    apps.push(appC);
    const C = appC.driver;
    await visible(C, "#workspace");
    await click(C, "#nav-sharing");
    await waitText(C, "#share-moved", "L'équipe est passée sur le serveur");
    await visible(C, "#share-move-form");
    await screenshot(C, "176-serveur-equipe-partie");
    // The server's address comes from the folder; the user is Carol's own.
    assert.equal(await C.executeScript("return document.getElementById('share-move-host').value"), "localhost");
    assert.equal(await C.executeScript("return document.getElementById('share-move-user').value"), "");
    await C.executeScript("document.getElementById('share-move-user').scrollIntoView({ block: 'center' })");
    await fill(C, "#share-move-user", "carol");
    await fill(C, "#share-move-password", PASSWORD);
    await screenshot(C, "177-serveur-suivre-equipe");
    await click(C, "#share-move");
    await waitText(C, "#share-where", "Serveur de l'organisation");
    await waitText(C, "#share-where", team);
    await waitText(C, "#share-status", "Dernier échange");
    assert.equal(await C.executeScript("return document.getElementById('share-moved')"), null, "the folder's notice is gone");
    await screenshot(C, "178-serveur-equipe-suivie");
    // Carol's laptop is on the server now: her files are there, under her role.
    assert.equal(pg.admin("territoire", "SELECT count(*) > 0 FROM catalyse_hub.change_file f JOIN catalyse_hub.device v USING (team, device) WHERE v.role = 'carol'"), "t");
  } finally {
    for (const app of apps) await app.quit();
    keyring.stop();
    pg.stop();
  }
});
