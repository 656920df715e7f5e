// The Debian package as a user gets it: its dependencies resolve on Debian 12, it installs
// with apt, the installed app paints its welcome screen, its command line works, the desktop
// entry is valid, a .catalyse file is known as a Catalyse workspace and `xdg-open` opens it in
// Catalyse (a second one too, in the window already open: single instance, through the D-Bus
// session the test command starts), and removing the package leaves nothing in /usr.
//
// CATALYSE_DEB is the package (scripts/package.sh builds it); CATALYSE_BIN must be the
// installed binary, /usr/bin/catalyse, for the end-to-end harness. Needs root or sudo.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, statSync, readFileSync, mkdirSync, readdirSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { launch, freshHome, visible, waitText, screenshot, BINARY } from "../e2e/harness.mjs";

const deb = process.env.CATALYSE_DEB;
if (!deb) throw new Error("CATALYSE_DEB names the package to test (scripts/package.sh)");
assert.equal(BINARY, "/usr/bin/catalyse", "the harness drives the installed binary");
const root = process.getuid?.() === 0;
const asRoot = (cmd, ...args) => execFileSync(root ? cmd : "sudo", root ? args : [cmd, ...args], {
  encoding: "utf8", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, stdio: ["ignore", "pipe", "pipe"],
});
const sh = (cmd, ...args) => execFileSync(cmd, args, { encoding: "utf8" });
const field = (name) => sh("dpkg-deb", "--field", deb, name).trim();
const pkg = field("Package");
/** The first window title `wanted` accepts, waited for up to 30 s ("" if none came). */
async function windowTitle(wanted) {
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 500));
    try {
      const found = execFileSync("xdotool", ["search", "--name", "Catalyse", "getwindowname", "%@"], { encoding: "utf8" })
        .split("\n").find(wanted);
      if (found) return found;
    } catch { /* no window yet */ }
  }
  return "";
}

/** The installed app's processes running with `home` as HOME (those this test started). */
function installedApps(home) {
  const pids = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== "/usr/bin/catalyse") continue;
      if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`HOME=${home}`)) pids.push(Number(pid));
    } catch { /* gone meanwhile, or not ours */ }
  }
  return pids;
}
/** The files the package installed (filled once it is in). @type {string[]} */
let installed = [];

before(() => {
  // Installed from a clean state: an earlier run's package is removed first.
  try { asRoot("apt-get", "remove", "--purge", "-y", pkg); } catch { /* not installed */ }
});

after(() => {
  try { asRoot("apt-get", "remove", "--purge", "-y", pkg); } catch { /* the test removed it */ }
});

test("its dependencies are Debian 12 packages, and apt installs it", () => {
  const depends = field("Depends").split(",").map((d) => d.trim()).filter(Boolean);
  assert.ok(depends.length > 0, "the package names what it needs (WebKitGTK, GTK)");
  for (const dep of depends) {
    // "a (>= 1) | b": one of the alternatives is known to apt.
    const names = dep.split("|").map((a) => a.trim().split(/[\s(]/)[0]);
    assert.ok(names.some((n) => sh("apt-cache", "policy", n).includes("Candidate:") && !sh("apt-cache", "policy", n).includes("Candidate: (none)")),
      `${dep}: no Debian package provides it`);
  }
  asRoot("apt-get", "install", "-y", "--no-install-recommends", path.resolve(deb));
  installed = sh("dpkg", "-L", pkg).split("\n").filter((f) => f.startsWith("/usr/") && existsSync(f) && statSync(f).isFile());
  for (const f of ["/usr/bin/catalyse", "/usr/share/mime/packages/catalyse.xml"]) assert.ok(installed.includes(f), `${f} installed`);
  const kb = Number(field("Installed-Size"));
  console.log(`# ${path.basename(deb)}: ${(statSync(deb).size / 1e6).toFixed(1)} MB, installed ${(kb / 1024).toFixed(1)} MiB, ${installed.length} files; Depends: ${depends.join(", ")}`);
});

test("the installed command line answers, and writes a workspace", () => {
  assert.match(sh("/usr/bin/catalyse", "--version"), /^catalyse \d+\.\d+\.\d+/);
  const dir = mkdtempSync(path.join(tmpdir(), "catalyse-deb-"));
  const file = path.join(dir, "démo installée.catalyse");
  assert.match(sh("/usr/bin/catalyse", "demo", file), /Espace de démonstration écrit/);
  assert.ok(JSON.parse(sh("/usr/bin/catalyse", "check", "--json", file)).counts.actors > 0);
});

test("the desktop entry is valid and names the workspace type; the icons are installed", () => {
  const desktop = installed.find((f) => f.startsWith("/usr/share/applications/") && f.endsWith(".desktop"));
  assert.ok(desktop, "a desktop entry");
  sh("desktop-file-validate", desktop);
  const text = readFileSync(desktop, "utf8");
  assert.match(text, /^MimeType=.*application\/x-catalyse-workspace;/m);
  assert.match(text, /^Exec=catalyse %[fFuU]$/m);
  for (const size of ["32x32", "128x128"]) {
    assert.ok(installed.some((f) => f.startsWith(`/usr/share/icons/hicolor/${size}/apps/`)), `an icon of ${size}`);
  }
});

test("the installed app paints its welcome screen", async () => {
  const app = await launch(freshHome());
  try {
    await visible(app.driver, "#open-demo");
    await screenshot(app.driver, "150-paquet-debian-accueil");
  } finally {
    await app.quit();
  }
});

test("a .catalyse file is a Catalyse workspace, and xdg-open opens it in Catalyse", async () => {
  const home = freshHome();
  const dir = path.join(home, "Documents");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "mon-territoire.catalyse");
  sh("/usr/bin/catalyse", "demo", file);
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, ".local", "share"), XDG_CONFIG_HOME: path.join(home, ".config"), WEBKIT_DISABLE_DMABUF_RENDERER: "1" };
  const xdg = (...args) => execFileSync("xdg-mime", args, { encoding: "utf8", env }).trim();
  assert.equal(xdg("query", "filetype", file), "application/x-catalyse-workspace");
  assert.match(xdg("query", "default", "application/x-catalyse-workspace"), /\.desktop$/);
  const opener = spawn("xdg-open", [file], { env, stdio: "ignore", detached: true });
  try {
    // The window's title names the workspace's territory (« … — Catalyse ») once it is open.
    const prefs = () => readFileSync(path.join(home, ".local", "share", "fr.catalyse.desktop", "preferences.json"), "utf8");
    const title = await windowTitle((t) => / — Catalyse$/.test(t));
    assert.ok(title, "a Catalyse window opened on the workspace");
    assert.ok(prefs().includes("mon-territoire.catalyse"), "the app opened that file");
    execFileSync("import", ["-window", "root", path.join(process.cwd(), "target", "e2e", "screenshots", "151-xdg-open.png")]);
    // A second workspace opened the same way while the app runs: the running window opens it
    // (one writer), and the second launch ends.
    const other = path.join(dir, "autre territoire.catalyse");
    sh("/usr/bin/catalyse", "new", other, "--territory", "Pays de la Seconde Fenêtre", "--kind", "petr");
    execFileSync("xdg-open", [other], { env, stdio: "ignore", timeout: 20000 });
    assert.ok(await windowTitle((t) => t === "Pays de la Seconde Fenêtre — Catalyse"), "the running window opened the second workspace");
    assert.ok(prefs().includes("autre territoire.catalyse"));
    assert.equal(installedApps(home).length, 1, "one Catalyse process: the second launch handed its file over and ended");
    execFileSync("import", ["-window", "root", path.join(process.cwd(), "target", "e2e", "screenshots", "152-xdg-open-second-file.png")]);
  } finally {
    try { process.kill(-opener.pid, "SIGTERM"); } catch { /* gone */ }
    for (const pid of installedApps(home)) {
      try { process.kill(pid, "SIGTERM"); } catch { /* gone meanwhile */ }
    }
  }
});

test("removing the package leaves nothing in /usr", () => {
  asRoot("apt-get", "remove", "--purge", "-y", pkg);
  const left = installed.filter((f) => existsSync(f));
  assert.deepEqual(left, []);
  assert.ok(!existsSync("/usr/bin/catalyse"));
});
