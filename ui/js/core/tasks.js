// Long operations (imports, analytics, backups, exports): how far they are, and a way to stop
// them. A task runs in a card at the bottom of the window, which stays usable meanwhile; a
// dialog that waits for a result shows the same progress in its own body.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import * as ipc from "./ipc.js";

/** Time before a task's card appears (a quick operation shows nothing). */
const SHOW_AFTER_MS = 300;

/**
 * A progress bar with the current phase, updated by an operation's reports: determinate
 * when the amount of work is known.
 */
export function progressView() {
  const phase = h("span", { class: "task-phase", text: t("progress.starting") });
  const bar = /** @type {HTMLProgressElement} */ (h("progress", { class: "task-bar" }));
  const figure = h("span", { class: "task-figure muted small" });
  const element = h("div", { class: "progress-view" }, phase, bar, figure);
  return {
    element,
    /** @param {import("./ipc.js").ProgressEvent} e */
    update(e) {
      const name = t(`progress.phase.${e.phase}`);
      if (phase.textContent !== name) phase.textContent = name;
      bar.setAttribute("aria-label", name);
      if (e.total) {
        bar.max = e.total;
        bar.value = Math.min(e.done, e.total);
        figure.textContent = t("progress.percent", { percent: Math.floor((100 * Math.min(e.done, e.total)) / e.total) });
      } else {
        bar.removeAttribute("value");
        figure.textContent = "";
      }
    },
    stopping() {
      phase.textContent = t("progress.stopping");
      bar.removeAttribute("value");
      figure.textContent = "";
    },
  };
}

/**
 * Runs a long operation in a task card (with its progress and a Cancel button) while the
 * rest of the window stays usable. Resolves with the operation's result; a cancelled
 * operation rejects with the core's `cancelled` error (nothing was written).
 * @template T
 * @param {string} title what the card says is running
 * @param {(job: import("./ipc.js").Job) => Promise<T>} start
 * @returns {Promise<T>}
 */
export async function runTask(title, start) {
  const view = progressView();
  const cancel = /** @type {HTMLButtonElement} */ (h("button", {
    type: "button", class: "btn small", text: t("task.cancel"),
    attrs: { "aria-label": t("task.cancel_named", { name: title }) },
  }));
  const card = h("div", { class: "task", attrs: { role: "group", "aria-label": title } },
    h("p", { class: "task-title", text: title }), view.element, cancel);
  // The card appears once the work has started (its first report: an export first asks
  // where to save) and lasts more than SHOW_AFTER_MS.
  let shown = 0;
  let done = false;
  const job = ipc.newJob((e) => {
    view.update(e);
    if (!shown && !done) shown = window.setTimeout(() => document.getElementById("tasks")?.append(card), SHOW_AFTER_MS);
  });
  cancel.addEventListener("click", () => {
    cancel.disabled = true;
    view.stopping();
    ipc.cancelJob(job).catch(() => {});
  });
  try {
    return await start(job);
  } finally {
    done = true;
    clearTimeout(shown);
    card.remove();
  }
}
