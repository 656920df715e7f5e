// Drives the real Catalyse binary through tauri-driver + WebKitWebDriver (under Xvfb).
// Each app session gets its own HOME so that tests never share preferences or workspaces.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, until, Key } from "selenium-webdriver";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "..", "..");
const targetDir = process.env.CARGO_TARGET_DIR || path.join(repo, "target");
export const BINARY = process.env.CATALYSE_BIN || path.join(targetDir, "debug", "catalyse");
export const SCREENSHOTS = path.join(repo, "target", "e2e", "screenshots");
const TAURI_DRIVER = process.env.TAURI_DRIVER || "tauri-driver";
export const WAIT_MS = 15000;

export { By, until, Key };

/**
 * This test file's scratch folder: every HOME and workspace of the file lives under it, and it
 * is removed when the process exits (the scale workspaces alone weigh over 1 GB), unless
 * CATALYSE_KEEP_E2E=1 asks to keep it for a post-mortem.
 */
let scratchRoot = "";
export function scratch(prefix) {
  if (!scratchRoot) {
    scratchRoot = mkdtempSync(path.join(tmpdir(), "catalyse-e2e-"));
    if (process.env.CATALYSE_KEEP_E2E === "1") {
      console.log(`# E2E files kept in ${scratchRoot}`);
    } else {
      process.on("exit", () => rmSync(scratchRoot, { recursive: true, force: true, maxRetries: 3 }));
    }
  }
  return mkdtempSync(path.join(scratchRoot, prefix));
}

/** A fresh, empty HOME for one simulated user. */
export function freshHome() {
  return scratch("home-");
}

/** Where the app keeps its data under a given HOME. */
export function dataDir(home) {
  return path.join(home, ".local", "share", "fr.catalyse.desktop");
}

/** A TCP port free on this machine. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `child` (a WebDriver server) listens on `port`. */
export async function waitForPort(port, child, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => { s.destroy(); resolve(true); });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port}`);
}

/**
 * Starts the app for the user whose HOME is `home`.
 * @param {string} home
 * @param {string[]} [args] command-line arguments for catalyse
 */
export async function launch(home, args = []) {
  mkdirSync(path.join(home, ".local", "share"), { recursive: true });
  const port = await freePort();
  const nativePort = await freePort();
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    WEBKIT_DISABLE_DMABUF_RENDERER: "1",
  };
  // Logs go to a file: a pipe would be inherited by the app and keep this process waiting.
  const logFile = path.join(home, "tauri-driver.log");
  const logFd = openSync(logFile, "a");
  const driverProcess = spawn(TAURI_DRIVER, ["--port", String(port), "--native-port", String(nativePort)], {
    env, stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  try {
    await waitForPort(port, driverProcess);
    const driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({ browserName: "wry", "tauri:options": { application: BINARY, args } })
      .build();
    await driver.wait(until.elementLocated(By.css("#topbar .brand")), WAIT_MS);
    return {
      driver,
      async quit() {
        try { await driver.quit(); } catch { /* already gone */ }
        driverProcess.kill();
        await new Promise((r) => (driverProcess.exitCode !== null ? r() : driverProcess.once("exit", r)));
        killLeftovers(home);
      },
    };
  } catch (e) {
    driverProcess.kill();
    killLeftovers(home);
    let log = "";
    try { log = readFileSync(logFile, "utf8"); } catch { /* no log */ }
    throw new Error(`${e.message}\n${log}`);
  }
}

/** Ends any app process still running for this HOME (the driver does not always close it). */
function killLeftovers(home) {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== realpathSync(BINARY)) continue;
      if (!readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`HOME=${home}`)) continue;
      process.kill(Number(pid), "SIGKILL");
    } catch { /* gone meanwhile, or not ours */ }
  }
}

/** Texts of all elements matching `css`, retried if the list is re-rendered meanwhile. */
export async function texts(driver, css) {
  for (let attempt = 0; ; attempt++) {
    try {
      const els = await driver.findElements(By.css(css));
      return await Promise.all(els.map((e) => e.getText()));
    } catch (e) {
      if (e.name !== "StaleElementReferenceError" || attempt > 5) throw e;
      await driver.sleep(100);
    }
  }
}

/** Waits for an element (a CSS selector, or any `By` locator) and returns it. */
export async function find(driver, locator) {
  const by = typeof locator === "string" ? By.css(locator) : locator;
  const el = await driver.wait(until.elementLocated(by), WAIT_MS, `element ${locator} not found`);
  return el;
}

/**
 * Scrolls an element (a CSS selector or a `By` locator) into the middle of its scroll area, as a
 * user scrolls, and clicks it. Views redraw after loading data; if the element is replaced
 * meanwhile, it is looked up again. If something passes over it (a toast rising, a dialog
 * closing), the click is tried again for up to 3 s, as a user would wait; an element that stays
 * covered fails.
 */
export async function click(driver, locator) {
  const retried = { StaleElementReferenceError: 10, ElementClickInterceptedError: 30 };
  for (let attempt = 0; ; attempt++) {
    try {
      const el = await find(driver, locator);
      await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", el);
      await el.click();
      return el;
    } catch (e) {
      if (!(e.name in retried) || attempt > retried[e.name]) throw e;
      await driver.sleep(100);
    }
  }
}

/** Waits until an element is displayed. */
export async function visible(driver, css) {
  // Found again when the screen redraws meanwhile (an exchange that brought changes).
  for (let attempt = 0; ; attempt++) {
    try {
      const el = await find(driver, css);
      await driver.wait(until.elementIsVisible(el), WAIT_MS, `element ${css} not visible`);
      return el;
    } catch (e) {
      if (e.name !== "StaleElementReferenceError" || attempt > 10) throw e;
      await driver.sleep(100);
    }
  }
}

/** Lower case, with every kind of space (French numbers use narrow no-break spaces) as one. */
const loose = (s) => s.toLocaleLowerCase("fr").replace(/[\s\u00a0\u202f]+/g, " ");

/**
 * Waits until the visible text of `css` contains `text` (ignoring case: CSS may upper-case
 * it; and the kind of spaces: `1 000` matches `1 000` written with no-break spaces).
 */
export async function waitText(driver, css, text) {
  await driver.wait(async () => {
    try {
      const els = await driver.findElements(By.css(css));
      for (const el of els) if (loose(await el.getText()).includes(loose(text))) return true;
      return false;
    } catch { return false; }
  }, WAIT_MS, `“${text}” never appeared in ${css}`);
}

/** Replaces the content of a field as a user does: select all, delete, type. */
export async function fill(driver, css, text) {
  const el = await visible(driver, css);
  await el.click();
  await el.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
  if (text) await el.sendKeys(text);
}

/** Picks an option of a <select> by value, as a user would (clicking the option). */
export async function choose(driver, selectCss, value) {
  const option = await find(driver, `${selectCss} option[value="${value}"]`);
  await option.click();
  // The change may redraw the control (the language switch redraws the top bar): look it up
  // again each time.
  await driver.wait(async () => {
    try {
      return (await (await driver.findElement(By.css(selectCss))).getAttribute("value")) === value;
    } catch (e) {
      if (e.name === "StaleElementReferenceError" || e.name === "NoSuchElementError") return false;
      throw e;
    }
  }, 5000, `${selectCss} did not take the value ${value}`);
}

/**
 * Waits until the searchable picker `inputCss` shows its suggestions for what was typed last:
 * no search awaited (`aria-busy` false) and at least one option. Returns their texts.
 */
export async function suggestions(driver, inputCss) {
  const list = await (await driver.findElement(By.css(inputCss))).getAttribute("aria-controls");
  let texts = [];
  await driver.wait(async () => {
    try {
      if ((await (await driver.findElement(By.id(list))).getAttribute("aria-busy")) !== "false") return false;
      texts = [];
      for (const o of await driver.findElements(By.css(`#${list} [role=option]:not([aria-disabled])`))) texts.push(await o.getText());
      return texts.length > 0;
    } catch (e) {
      if (e.name === "StaleElementReferenceError") return false;
      throw e;
    }
  }, WAIT_MS, `no suggestion in ${inputCss}`);
  return texts;
}

/**
 * Chooses in a searchable picker (a combobox) as a user does: types `typed` in it, waits for
 * the suggestion that starts with `option` (by default what was typed) and clicks it.
 */
export async function pick(driver, inputCss, typed, option = typed) {
  const input = await visible(driver, inputCss);
  await input.click();
  // Separate calls: WebKitWebDriver keeps Control down for the rest of a call.
  await input.sendKeys(Key.chord(Key.CONTROL, "a"), Key.BACK_SPACE);
  if (typed) await input.sendKeys(typed);
  const list = await input.getAttribute("aria-controls");
  // The suggestions come back from Rust as the user types, and each answer redraws the list:
  // options are looked for once no search is waited for (`aria-busy` false), so that the one
  // clicked is not replaced under the pointer by an answer to what was typed after (the click
  // then lands beside the shorter list and chooses nothing); finding and clicking are still
  // retried together.
  await driver.wait(async () => {
    try {
      const box = await driver.findElement(By.id(list));
      if ((await box.getAttribute("aria-busy")) !== "false") return false;
      for (const o of await driver.findElements(By.css(`#${list} [role=option]:not([aria-disabled])`))) {
        if ((await o.getText()).startsWith(option)) {
          await o.click();
          return true;
        }
      }
    } catch (e) {
      if (e.name !== "StaleElementReferenceError") throw e;
    }
    return false;
  }, WAIT_MS, `no suggestion “${option}” for “${typed}” in ${inputCss}`);
}

/** Screenshot of the whole (virtual) screen, for people to look at. */
export async function screenshot(driver, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await driver.sleep(250); // let the last paint land
  const file = path.join(SCREENSHOTS, `${name}.png`);
  execFileSync("import", ["-window", "root", file]);
  return file;
}

/** Submits the dialog `id` and waits until it has closed (the save went through). */
export async function closeDialog(driver, id) {
  await click(driver, `#${id} button[type=submit]`);
  await driver.wait(async () => (await driver.findElements(By.css(`#${id}`))).length === 0, WAIT_MS, `${id} stayed open`);
}

/** Adds an actor through the form of the actors screen (which must be shown). */
export async function addActor(driver, name, world = "association") {
  await click(driver, "#add-actor");
  await visible(driver, "#actor-dialog");
  await fill(driver, "#actor-dialog input[name=name]", name);
  await choose(driver, "#actor-dialog select[name=world]", world);
  await closeDialog(driver, "actor-dialog");
}

/**
 * Text content of every element matching `css`, in the DOM whether scrolled into view or not
 * (rows of a virtualised list beyond the visible part of its scrolling region).
 */
export async function domTexts(driver, css) {
  return driver.executeScript("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent.trim())", css);
}

/**
 * Texts of one cell (`cellCss`, e.g. `.engagement`) in every row the actors list shows (as
 * filtered and sorted), in order. Meant for lists of a few hundred rows (the demo); the
 * scale tests measure the list instead.
 */
export async function actorColumn(driver, cellCss) {
  // The list is virtualised (only the rows in view are in the page): read it as a user
  // would, scrolling it through, then put it back where it was.
  return driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const box = document.getElementById("actors-table-scroll");
    const table = document.getElementById("actors-table");
    if (!box || !table) { done([]); return; }
    const total = Number(table.getAttribute("aria-rowcount") || 1) - 1;
    const names = new Map();
    const collect = () => {
      for (const tr of table.querySelectorAll("tbody tr[data-actor-id]")) {
        const name = tr.querySelector(arguments[0]);
        if (name) names.set(Number(tr.getAttribute("aria-rowindex")), name.textContent.trim());
      }
    };
    const start = box.scrollTop;
    let idle = 0;
    const step = () => {
      collect();
      const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 1;
      if (names.size >= total || (atEnd && ++idle > 10)) {
        box.scrollTop = start;
        const list = [...names.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
        requestAnimationFrame(() => requestAnimationFrame(() => done(list)));
        return;
      }
      if (!atEnd) box.scrollTop += Math.max(1, Math.floor(box.clientHeight / 2));
      requestAnimationFrame(() => setTimeout(step, 0));
    };
    step();`, cellCss);
}

/** Names of every actor the list shows (as filtered and sorted), in order. */
export async function actorNames(driver) {
  return actorColumn(driver, ".actor-name");
}

/**
 * Answers a native GTK file dialog (Ouvrir… / Enregistrer sous…) as a user would with the
 * keyboard: waits for the window titled `title`, focuses it, types `file` and presses Enter.
 * @param {string} title
 * @param {string} file absolute path
 * @param {{locationBar?: boolean}} [opts] open dialogs need Ctrl+L to show the location field
 */
export function answerFileDialog(title, file, opts = {}) {
  const xdo = (...args) => execFileSync("xdotool", args, { encoding: "utf8", timeout: WAIT_MS }).trim();
  const win = xdo("search", "--sync", "--onlyvisible", "--name", title).split("\n")[0];
  // No window manager under Xvfb: give the dialog the keyboard focus directly. GTK maps the
  // window before its widgets are ready and completes typed paths in a popup: let each step
  // settle, as a person's pace does.
  const settle = () => execFileSync("sleep", ["0.4"]);
  settle();
  xdo("windowfocus", "--sync", win);
  if (opts.locationBar) { xdo("key", "--clearmodifiers", "ctrl+l"); settle(); }
  xdo("key", "--clearmodifiers", "ctrl+a");
  xdo("type", "--delay", "20", file);
  settle();
  xdo("key", "Return");
}
