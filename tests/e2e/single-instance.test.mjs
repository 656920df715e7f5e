// End-to-end: Catalyse launched again while its window runs (a double-click on a workspace,
// `xdg-open`) hands its file to the running window, which never reloads its page. The same
// file: nothing happens, the note's unsaved text is still there. Another file: the window asks
// before leaving the unsaved note; « no » keeps everything, « yes » opens the other file in
// the same page.
//
// The single-instance plugin finds the running window through the D-Bus session bus: without
// one (the ordinary E2E run), this file is skipped; scripts/test.sh runs it again under
// `dbus-run-session`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { launch, freshHome, visible, find, click, waitText, screenshot, By, Key, BINARY } from "./harness.mjs";

const noBus = process.env.DBUS_SESSION_BUS_ADDRESS ? false
  : "needs a D-Bus session bus (scripts/test.sh runs this file under dbus-run-session)";

/** The environment the harness gives the app for `home`. @param {string} home */
function envFor(home) {
  return {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    WEBKIT_DISABLE_DMABUF_RENDERER: "1",
  };
}

/**
 * Launches Catalyse on `file` as a double-click does, while the window runs: the launch hands
 * the file over and ends. @param {string} home @param {string} file
 */
function secondLaunch(home, file) {
  const run = spawnSync(BINARY, [file], { env: envFor(home), cwd: home, timeout: 30000, encoding: "utf8" });
  assert.equal(run.status, 0, `the second launch ended at once: ${run.error ?? ""}${run.stderr}`);
}

test("a second launch never reloads the window: same file, nothing; another file, the unsaved note is asked about",
  { skip: noBus }, async () => {
    const home = freshHome();
    const first = path.join(home, "premier.catalyse");
    const other = path.join(home, "autre.catalyse");
    execFileSync(BINARY, ["demo", first], { env: envFor(home) });
    execFileSync(BINARY, ["new", other, "--territory", "Pays de la Seconde Fenêtre", "--kind", "petr"], { env: envFor(home) });
    const app = await launch(home, [first]);
    try {
      const d = app.driver;
      await visible(d, "#workspace");
      await waitText(d, "#ws-file", "premier.catalyse");
      await click(d, "#nav-notes");
      await visible(d, "#notes-table");
      // The draft note (the other one of the demo is validated, frozen).
      await click(d, By.xpath("//table[@id='notes-table']//button[contains(., 'Magasin de producteurs')]"));
      await visible(d, "#note-editor");
      const typed = " Texte tapé, pas encore enregistré.";
      const area = await find(d, "#note-section-avis textarea");
      await area.click();
      await area.sendKeys(Key.END, typed);
      const avis = async () => (await find(d, "#note-section-avis textarea")).getAttribute("value");
      const before = await avis();
      assert.ok(before.endsWith(typed), before);
      // A mark in the page: a reload would lose it.
      await d.executeScript("window.catalyseNotReloaded = true");
      const notReloaded = () => d.executeScript("return window.catalyseNotReloaded === true");

      // The same file: nothing happens.
      secondLaunch(home, first);
      await d.sleep(2000);
      assert.equal(await notReloaded(), true, "the page was not reloaded");
      assert.equal((await d.findElements(By.css("dialog[open]"))).length, 0, "nothing asked");
      assert.equal(await avis(), before, "the unsaved text is still there");

      // Another file: the window asks before leaving the unsaved note. « No »: nothing changes.
      secondLaunch(home, other);
      await visible(d, "#confirm-no");
      await waitText(d, "dialog.confirm", "Quitter sans enregistrer");
      await screenshot(d, "160-second-lancement-note-non-enregistree");
      await click(d, "#confirm-no");
      await d.wait(async () => (await d.findElements(By.css("dialog[open]"))).length === 0, 10000);
      await d.sleep(1000);
      assert.equal(await notReloaded(), true);
      assert.equal(await avis(), before, "the note is still being edited");
      await waitText(d, "#ws-file", "premier.catalyse");

      // Asked again, « yes »: the other workspace opens in the same page.
      secondLaunch(home, other);
      await click(d, "#confirm-yes");
      await waitText(d, "#ws-file", "autre.catalyse");
      await waitText(d, "#project-territory", "Pays de la Seconde Fenêtre");
      assert.equal(await notReloaded(), true, "opened without a reload");
      assert.equal(await d.getTitle(), "Pays de la Seconde Fenêtre — Catalyse");
      await screenshot(d, "161-second-lancement-autre-fichier");
    } finally {
      await app.quit();
    }
  });
