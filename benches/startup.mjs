// Start-up and memory of Catalyse beside a minimal Tauri 2 window (benches/hello), built with
// the same Tauri and the same release profile, measured the same way in one run: each is
// launched RUNS times, interleaved, under Xvfb through tauri-driver. Printed, not asserted.
//
// - Cold start to the first painted window: from the process start (/proc) to the first
//   contentful paint the page records (Paint Timing API); for Catalyse that is the welcome
//   screen of a first launch.
// - Idle memory: PSS summed over the app and the processes it started (WebKit's web and
//   network processes), 3 s after the first paint.
//
// Usage: node benches/startup.mjs CATALYSE_BIN HELLO_BIN [RUNS]  (scripts/bench.sh runs it)
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, openSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Builder } from "selenium-webdriver";
import { appPid, startedAt, pssTree, processesOf } from "../tests/e2e/procfs.mjs";
import { freePort, waitForPort } from "../tests/e2e/harness.mjs";

const [catalyse, hello, runsArg] = process.argv.slice(2);
if (!catalyse || !hello) {
  console.error("usage: node benches/startup.mjs CATALYSE_BIN HELLO_BIN [RUNS]");
  process.exit(2);
}
const RUNS = Number(runsArg || 15);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One cold start of `binary`: ms to the first paint, idle PSS. */
async function once(binary) {
  const home = mkdtempSync(path.join(tmpdir(), "catalyse-startup-"));
  mkdirSync(path.join(home, ".local", "share"), { recursive: true });
  const port = await freePort();
  const env = {
    ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_CONFIG_HOME: path.join(home, ".config"), XDG_CACHE_HOME: path.join(home, ".cache"),
    WEBKIT_DISABLE_DMABUF_RENDERER: "1",
  };
  const log = openSync(path.join(home, "driver.log"), "a");
  const driverProcess = spawn(process.env.TAURI_DRIVER || "tauri-driver", ["--port", String(port), "--native-port", String(await freePort())], { env, stdio: ["ignore", log, log] });
  closeSync(log);
  let driver;
  try {
    await waitForPort(port, driverProcess);
    driver = await new Builder().usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({ browserName: "wry", "tauri:options": { application: binary, args: [] } }).build();
    const paint = await driver.executeAsyncScript(`
      const done = arguments[arguments.length - 1];
      const t0 = performance.now();
      const look = () => {
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        if (fcp) done({ at: performance.timeOrigin + fcp.startTime, how: "first-contentful-paint" });
        else if (performance.now() - t0 > 2000) done({ at: performance.timeOrigin + performance.now(), how: "script" });
        else setTimeout(look, 10);
      };
      look();`);
    const pid = appPid(binary, home);
    if (!pid) throw new Error(`no process for ${binary}`);
    const ms = paint.at - startedAt(pid);
    await sleep(3000);
    const memory = pssTree(pid);
    return { ms, how: paint.how, ...memory };
  } finally {
    try { await driver?.quit(); } catch { /* gone */ }
    driverProcess.kill();
    await new Promise((r) => (driverProcess.exitCode !== null ? r() : driverProcess.once("exit", r)));
    for (const pid of processesOf(home)) {
      try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
    }
    rmSync(home, { recursive: true, force: true });
  }
}

const results = { catalyse: [], hello: [] };
// One untimed run of each first: the files come into the page cache for both alike.
await once(catalyse);
await once(hello);
for (let i = 0; i < RUNS; i++) {
  for (const [name, bin] of i % 2 ? [["hello", hello], ["catalyse", catalyse]] : [["catalyse", catalyse], ["hello", hello]]) {
    results[name].push(await once(bin));
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const min = (xs) => Math.min(...xs);
const figure = (name, key) => results[name].map((r) => r[key]);
const hows = new Set([...results.catalyse, ...results.hello].map((r) => r.how));
const line = (what, unit, key, target) => {
  const [c, h] = [figure("catalyse", key), figure("hello", key)];
  console.log(`${what} (${RUNS} runs each, interleaved)\n    Catalyse min ${min(c).toFixed(0)} ${unit}, median ${median(c).toFixed(0)} ${unit} | hello world min ${min(h).toFixed(0)} ${unit}, median ${median(h).toFixed(0)} ${unit} | ratio min ${(min(c) / min(h)).toFixed(2)}×, median ${(median(c) / median(h)).toFixed(2)}× | target ${target}`);
};
line(`Cold start to the first painted window (${[...hows].join(", ")})`, "ms", "ms", "≤ 1.2×");
line(`Idle memory, PSS of the app and its WebKit processes (${median(figure("catalyse", "processes"))} and ${median(figure("hello", "processes"))} processes)`, "MiB", "mib", "≤ 1.2×");
