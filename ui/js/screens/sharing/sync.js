// When the open workspace exchanges with its shared folder: on opening, a few seconds after
// each change made here, every 30 seconds, when the window comes back to the front, and soon
// after the system says another laptop's file arrived in the folder (a hint: network shares
// and some sync tools say nothing, so the 30-second poll stays). The
// exchange runs on the writer in Rust and never blocks the window; an unreachable folder
// (offline, unplugged key) is an ordinary state, shown quietly.
import * as ipc from "../../core/ipc.js";

/** @typedef {import("../../core/ipc.js").SyncReport} SyncReport */
/** @typedef {{report: SyncReport|null, at: Date|null, error: import("../../core/ipc.js").ErrorPayload|null, running: boolean}} SyncView */

/** Seconds between two exchanges when nothing happens. */
const POLL_MS = 30_000;
/** The wait after a change made here, so that a burst of changes goes in one file. */
const AFTER_CHANGE_MS = 3_000;
/** The wait after the folder said a file arrived (the sync tool may still be writing others). */
const AFTER_NEWS_MS = 1_000;

/** @type {SyncView} */
const view = { report: null, at: null, error: null, running: false };
let shared = false;
/** @type {ReturnType<typeof setInterval>|null} */ let poll = null;
/** @type {ReturnType<typeof setTimeout>|null} */ let soon = null;
let again = false;
/** @type {Set<(v: SyncView) => void>} */
const listeners = new Set();

/** The last exchange, as shown in the top bar and the sharing screen. */
export function syncView() { return view; }

/** Hears of each exchange (and of its start). @param {(v: SyncView) => void} fn @returns {() => void} */
export function onSync(fn) { listeners.add(fn); return () => listeners.delete(fn); }

function notify() { listeners.forEach((fn) => fn(view)); }

async function run() {
  if (!shared) return;
  if (view.running) { again = true; return; }
  view.running = true;
  notify();
  try {
    view.report = await ipc.syncNow();
    view.error = null;
    view.at = new Date();
  } catch (e) {
    view.error = /** @type {any} */ (e);
  } finally {
    view.running = false;
    notify();
    if (again) { again = false; syncSoon(0); }
  }
}

/** An exchange in `ms` milliseconds (sooner ones replace later ones). @param {number} [ms] */
export function syncSoon(ms = AFTER_CHANGE_MS) {
  if (!shared) return;
  if (soon) clearTimeout(soon);
  soon = setTimeout(() => { soon = null; run(); }, ms);
}

const onFocus = () => syncSoon(0);

/** Starts exchanging for the workspace just opened, if it is shared. @param {boolean} isShared */
export function startSync(isShared) {
  stopSync();
  shared = isShared;
  if (!shared) return;
  syncSoon(0);
  poll = setInterval(() => syncSoon(0), POLL_MS);
  window.addEventListener("focus", onFocus);
  // Not watched (a network share, no events): polling alone, which is normal.
  ipc.watchSharedFolder(() => syncSoon(AFTER_NEWS_MS)).catch(() => {});
}

/** Stops exchanging (the workspace is closed or another one opened). */
export function stopSync() {
  shared = false;
  if (poll) clearInterval(poll);
  if (soon) clearTimeout(soon);
  poll = null; soon = null;
  view.report = null; view.at = null; view.error = null;
  window.removeEventListener("focus", onFocus);
  notify();
}

ipc.onWrite(() => syncSoon());
