// Import and export of actors, links and meetings (CSV, XLSX). An import is previewed first:
// how the columns were understood, every row's problems, the duplicates; then it writes all
// or nothing.
import { h, replace, newId, restoreFocus } from "../../core/dom.js";
import { t, has, language, formatNumber } from "../../core/i18n.js";
import { toast, showError, errorMessage } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { progressView, runTask } from "../../core/tasks.js";

/**
 * An import problem in the interface's language: French as the core wrote it, or from its
 * code, value and named values (the French message, marked as such, for a code the catalogue
 * does not know: a test keeps that from happening).
 * @param {import("../../../bindings/ImportProblem").ImportProblem} x
 */
function problemCell(x) {
  if (language() !== "fr") {
    /** @type {Record<string, string>} */
    const args = { field: x.column ?? "", value: x.value ?? "" };
    for (const [k, v] of Object.entries(x.args)) args[k] = /^\d+$/.test(v) ? formatNumber(Number(v)) : v;
    const key = has(`import_problem.${x.code}`) ? `import_problem.${x.code}` : (has(`error.${x.code}`) ? `error.${x.code}` : null);
    if (key) return h("td", { text: t(key, args) });
    if (x.code.endsWith(".unknown")) return h("td", { text: t("import_problem.unknown_value", args) });
  }
  return h("td", { text: x.message, lang: "fr" });
}

/** @typedef {import("../../core/ipc.js").ExchangeKind} ExchangeKind */
/** @typedef {import("../../core/ipc.js").ImportPreview} ImportPreview */

const KINDS = /** @type {ExchangeKind[]} */ (["actors", "links", "meetings"]);
const PROBLEMS_SHOWN = 200;

/**
 * A modal shell with a title; returns the dialog and a close function. `onClose` runs when
 * the user closes it (Escape, Cancel).
 */
function modal(id, title, wide = false, onClose = () => {}) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("dlg-title");
  const body = h("div", { class: "dialog-body" });
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: wide ? "modal wide" : "modal", id, attrs: { "aria-labelledby": titleId } },
    h("h2", { id: titleId, text: title }), body));
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    dialog.close(); dialog.remove(); restoreFocus(opener);
  };
  const dismiss = () => { if (open) { close(); onClose(); } };
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); dismiss(); });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, close, dismiss };
}

function kindChoice(name, value) {
  return h("fieldset", { class: "field group" },
    h("legend", { text: t("exchange.what") }),
    h("div", { class: "checks" }, KINDS.map((k) => {
      const id = newId("kind");
      return h("div", { class: "check" },
        h("input", { type: "radio", name, id, value: k, checked: k === value }),
        h("label", { htmlFor: id, text: t(`exchange.kind.${k}`) }));
    })));
}

const chosenKind = (root, name) => /** @type {ExchangeKind} */ (
  /** @type {HTMLInputElement|null} */ (root.querySelector(`input[name="${name}"]:checked`))?.value ?? "actors");

/**
 * Starts an import: choose what the file holds, pick it, preview, then import.
 * @param {() => Promise<void>} onDone called after a successful import
 */
export function startImport(onDone, kind = /** @type {ExchangeKind} */ ("actors")) {
  /** @type {import("../../core/ipc.js").Job|null} */
  let checking = null;
  const { body, close, dismiss } = modal("import-dialog", t("exchange.import_title"), false, () => {
    if (checking) ipc.cancelJob(checking).catch(() => {});
  });
  const error = h("p", { class: "form-summary", hidden: true, attrs: { role: "alert" } });
  const pick = h("button", { type: "button", class: "btn primary", id: "import-pick", text: t("exchange.pick_file") });
  const choose = h("div", {},
    h("p", { class: "muted", text: t("exchange.import_lead") }),
    kindChoice("import-kind", kind),
    error,
    h("div", { class: "dialog-buttons" },
      h("button", { type: "button", class: "btn", text: t("form.cancel"), on: { click: dismiss } }),
      pick));
  replace(body, choose);
  pick.addEventListener("click", async () => {
    const k = chosenKind(body, "import-kind");
    error.hidden = true;
    pick.disabled = true;
    try {
      const name = await ipc.pickImportFile(t("exchange.pick_title"), t("exchange.filter"));
      if (name === null) return;
      // Reading and checking a big file takes a while: its progress, and a way to stop.
      const view = progressView();
      const stop = h("button", { type: "button", class: "btn", id: "import-check-cancel", text: t("task.cancel"),
        on: { click: () => { view.stopping(); dismiss(); } } });
      const waiting = h("div", { id: "import-checking" },
        h("p", { text: t("exchange.checking", { name }) }), view.element,
        h("div", { class: "dialog-buttons" }, stop));
      checking = ipc.newJob((e) => view.update(e));
      const job = checking;
      replace(body, waiting);
      stop.focus();
      let preview;
      try {
        preview = await ipc.importPreview(k, job);
      } finally {
        checking = null;
      }
      close();
      showPreview(name, k, preview, onDone);
    } catch (e) {
      const err = /** @type {any} */ (e);
      if (err?.kind === "cancelled") { close(); toast(t("exchange.check_cancelled")); return; }
      replace(body, choose);
      error.textContent = errorMessage(err);
      error.hidden = false;
    } finally {
      pick.disabled = false;
    }
  });
  /** @type {HTMLElement|null} */ (body.querySelector("input[name='import-kind']:checked"))?.focus();
}

/**
 * The preview: mapping, problems, duplicates and the first rows; the import button only
 * when nothing is wrong.
 * @param {string} fileName @param {ExchangeKind} kind @param {ImportPreview} p @param {() => Promise<void>} onDone
 */
function showPreview(fileName, kind, p, onDone) {
  const { body, close, dismiss } = modal("import-preview", t("exchange.preview_title", { name: fileName }), true,
    () => { ipc.discardImport().catch(() => {}); });
  const ok = p.problem_count === 0;
  const keepId = newId("keep");
  const keep = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", id: keepId }));
  const count = () => (keep.checked ? p.ready + p.duplicate_count : p.ready);
  const submit = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn primary", id: "import-commit",
    disabled: !ok || count() === 0, text: ok ? t(`exchange.import_n.${kind}`, { count: formatNumber(count()) }) : t("exchange.fix_first") }));
  keep.addEventListener("change", () => {
    if (!ok) return;
    submit.textContent = t(`exchange.import_n.${kind}`, { count: formatNumber(count()) });
    submit.disabled = !ok || count() === 0;
  });
  const summary = h("p", { id: "import-summary", text: t("exchange.summary", {
    rows: formatNumber(p.rows), format: p.format.toUpperCase(), encoding: p.encoding,
    separator: p.separator ? t("exchange.separator", { sep: p.separator }) : "" }) });
  const problems = ok ? null : h("div", { class: "import-problems", id: "import-problems", attrs: { role: "alert" } },
    h("p", { class: "form-summary", text: t("exchange.problems", { count: formatNumber(p.problem_count) }) }),
    h("table", { class: "data compact" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("exchange.col.line") }), h("th", { scope: "col", text: t("exchange.col.column") }), h("th", { scope: "col", text: t("exchange.col.problem") }))),
      h("tbody", {}, p.problems.slice(0, PROBLEMS_SHOWN).map((x) => h("tr", {},
        h("td", { class: "num", text: x.line ? String(x.line) : "—" }),
        h("td", { text: x.column ?? "" }),
        problemCell(x))))),
    p.problem_count > PROBLEMS_SHOWN ? h("p", { class: "muted small", text: t("exchange.more_problems", { count: p.problem_count - PROBLEMS_SHOWN }) }) : null);
  const duplicates = p.duplicates.length === 0 ? null : h("div", { class: "impact", id: "import-duplicates" },
    h("p", { class: "impact-heading", text: t("exchange.duplicates", { count: formatNumber(p.duplicate_count) }) }),
    h("ul", {}, p.duplicates.slice(0, 50).map((d) => h("li", { text: d.same_as_line
      ? t("exchange.duplicate_line", { line: d.line, label: d.label, other: d.same_as_line })
      : t("exchange.duplicate_existing", { line: d.line, label: d.label }) }))),
    p.duplicates_keepable
      ? h("div", { class: "check" }, keep, h("label", { htmlFor: keepId, text: t("exchange.keep_duplicates") }))
      : h("p", { class: "muted small", text: t("exchange.duplicates_links") }));
  const mapping = h("table", { class: "data compact", id: "import-mapping" },
    h("caption", { class: "table-caption", text: t("exchange.mapping") }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("exchange.col.header") }), h("th", { scope: "col", text: t("exchange.col.field") }))),
    h("tbody", {}, p.columns.map((c) => h("tr", {},
      h("td", { text: c.header }),
      h("td", { class: c.field ? "" : "muted", text: c.field ? t(`exchange.field.${c.field}`) : t("exchange.ignored") })))));
  const widths = Math.max(p.columns.length, ...p.sample.map((r) => r.cells.length));
  const sample = p.sample.length === 0 ? null : h("div", { class: "table-scroll" },
    h("table", { class: "data compact sample", id: "import-sample" },
      h("caption", { class: "table-caption", text: t("exchange.sample", { count: p.sample.length }) }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("exchange.col.line") }),
        Array.from({ length: widths }, (_, i) => h("th", { scope: "col", text: p.columns[i]?.header ?? "" })))),
      h("tbody", {}, p.sample.map((r) => h("tr", {}, h("td", { class: "num", text: String(r.line) }),
        Array.from({ length: widths }, (_, i) => h("td", { text: r.cells[i] ?? "" })))))));
  submit.addEventListener("click", async () => {
    // The writing runs as a task: the window stays usable, and the task can be stopped.
    const keepDuplicates = keep.checked;
    close();
    try {
      const out = await runTask(t(`exchange.task.${kind}`, { name: fileName }),
        (job) => ipc.importCommit(kind, keepDuplicates, job));
      toast(t(`exchange.imported.${kind}`, { count: formatNumber(out.written), skipped: formatNumber(out.skipped_duplicates) }));
      await onDone();
    } catch (e) {
      if (/** @type {any} */ (e)?.kind === "cancelled") toast(t("exchange.import_cancelled"));
      else showError(e);
    }
  });
  replace(body, summary, problems, ok ? h("p", { class: "ok-line", id: "import-ok", text: t("exchange.no_problems") }) : null,
    duplicates, mapping, sample,
    h("div", { class: "dialog-buttons" },
      h("button", { type: "button", class: "btn", id: "import-cancel", text: t("form.cancel"), on: { click: dismiss } }),
      submit));
  (ok ? submit : /** @type {HTMLElement} */ (body.querySelector("#import-cancel")))?.focus();
}

/** Asks what to export, then where. */
export function startExport() {
  const { body, close } = modal("export-dialog", t("exchange.export_title"));
  const go = h("button", { type: "button", class: "btn primary", id: "export-go", text: t("exchange.export_choose") });
  replace(body,
    h("p", { class: "muted", text: t("exchange.export_lead") }),
    kindChoice("export-kind", "actors"),
    h("div", { class: "dialog-buttons" },
      h("button", { type: "button", class: "btn", text: t("form.cancel"), on: { click: close } }),
      go));
  go.addEventListener("click", async () => {
    const k = chosenKind(body, "export-kind");
    close();
    try {
      const done = await runTask(t(`exchange.task_export.${k}`),
        (job) => ipc.exportData(k, t("exchange.export_title"), t(`exchange.file.${k}`), job));
      if (done) toast(t("exchange.exported", { count: formatNumber(done.rows), name: done.name }));
    } catch (e) {
      if (/** @type {any} */ (e)?.kind === "cancelled") toast(t("exchange.export_cancelled"));
      else showError(e);
    }
  });
  /** @type {HTMLElement|null} */ (body.querySelector("input[name='export-kind']:checked"))?.focus();
}
