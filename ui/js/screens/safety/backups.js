// "Sauvegardes": the backups of the open workspace (or of a damaged one that would not open),
// a backup on demand, and the restore into a new file or over the open workspace.
import { h, newId, replace, restoreFocus } from "../../core/dom.js";
import { t, label, formatDateTime, formatDecimal } from "../../core/i18n.js";
import { formDialog, confirmDialog, toast, showError } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { runTask, progressView } from "../../core/tasks.js";

/** @typedef {import("../../core/ipc.js").WorkspaceInfo} WorkspaceInfo */

/** A size in bytes, the local way (ko, Mo). @param {number} n */
function size(n) {
  if (n < 1024 * 1024) return t("backups.kb", { n: Math.max(1, Math.round(n / 1024)) });
  return t("backups.mb", { n: formatDecimal(n / (1024 * 1024), 1) });
}

/**
 * Shows the backups dialog. `onRestored` receives the workspace opened after a restore.
 * @param {(info: WorkspaceInfo) => Promise<void>} onRestored
 */
export async function showBackups(onRestored) {
  let list;
  try { list = await ipc.listBackups(); } catch (e) { showError(e); return; }
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("backups-title");
  const close = () => { dialog.close(); dialog.remove(); restoreFocus(opener); };
  const closeBtn = h("button", { type: "button", class: "btn", id: "backups-close", text: t("backups.close"), on: { click: close } });
  // A backup of a large workspace takes a few seconds: its progress shows in the dialog,
  // with a way to stop it (nothing is left then).
  const progressHolder = h("div", { id: "backups-progress", attrs: { "aria-live": "polite" } });
  const nowBtn = list.damaged ? null : h("button", { type: "button", class: "btn primary", id: "backups-now", text: t("backups.now"), on: { click: async () => {
    const view = progressView();
    const job = ipc.newJob((e) => view.update(e));
    const stop = h("button", { type: "button", class: "btn small", id: "backups-now-cancel", text: t("task.cancel"),
      on: { click: () => { stop.disabled = true; view.stopping(); ipc.cancelJob(job).catch(() => {}); } } });
    replace(progressHolder, h("div", { class: "notice-inline" }, h("p", { text: t("backups.making") }), view.element, stop));
    /** @type {HTMLButtonElement} */ (nowBtn).disabled = true;
    try {
      const name = await ipc.backupNow(job);
      toast(t("backups.done", { name }));
      close();
      await showBackups(onRestored);
    } catch (e) {
      replace(progressHolder);
      /** @type {HTMLButtonElement} */ (nowBtn).disabled = false;
      if (/** @type {any} */ (e)?.kind === "cancelled") toast(t("backups.cancelled"));
      else showError(e);
    }
  } } });
  const rows = list.backups.map((b, i) => h("tr", { attrs: { "data-backup": b.file_name } },
    h("th", { scope: "row", class: "nowrap", text: formatDateTime(b.created_at) }),
    h("td", { text: label("backup_reason", b.reason) }),
    h("td", { class: "nowrap num", text: size(b.bytes) }),
    h("td", { text: b.readable ? t("backups.contents", { actors: b.counts.actors ?? 0, meetings: b.counts.meetings ?? 0, notes: b.counts.decision_notes ?? 0 }) : t("backups.unreadable") }),
    h("td", {}, b.readable ? h("button", { type: "button", class: "btn small", id: i === 0 ? "backup-restore-latest" : undefined,
      text: t("backups.restore"), attrs: { "aria-label": t("backups.restore_label", { when: formatDateTime(b.created_at) }) },
      on: { click: () => { close(); restore(b, list.damaged, onRestored); } } }) : null)));
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "modal wide", id: "backups-dialog", attrs: { "aria-labelledby": titleId } },
    h("h2", { id: titleId, text: t("backups.title", { name: list.workspace }) }),
    list.damaged ? h("p", { class: "impact", id: "backups-damaged", text: t("backups.damaged") }) : null,
    h("p", { class: "muted", text: t("backups.explain") }),
    h("p", { class: "muted small", text: t("backups.folder", { folder: list.folder }) }),
    list.backups.length === 0 ? h("p", { class: "empty", id: "backups-empty", text: t("backups.empty") }) :
      h("div", { class: "table-scroll" }, h("table", { class: "data", id: "backups-table" },
        h("caption", { class: "visually-hidden", text: t("backups.caption") }),
        h("thead", {}, h("tr", {}, ["when", "reason", "size", "contents", "action"].map((k) => h("th", { scope: "col", text: t(`backups.col.${k}`) })))),
        h("tbody", {}, rows))),
    h("div", { class: "toolbar json-exchange" },
      list.damaged ? null : h("button", { type: "button", class: "btn", id: "backups-export-json", text: t("json.export"), on: { click: async () => {
        // The export runs as a task at the bottom of the window (progress, Cancel), which a
        // modal dialog would cover.
        close();
        try {
          const name = await runTask(t("json.task_export"), (job) => ipc.exportWorkspaceJson(t("json.export_title"), job));
          if (name) toast(t("json.exported", { name }));
        } catch (e) {
          if (/** @type {any} */ (e)?.kind === "cancelled") toast(t("json.export_cancelled"));
          else showError(e);
        }
      } } }),
      h("button", { type: "button", class: "btn", id: "backups-import-json", text: t("json.import"), on: { click: async () => {
        // Runs as a task at the bottom of the window (progress, Cancel), which a modal
        // dialog would cover.
        close();
        try {
          const info = await runTask(t("json.task_import"), (job) => ipc.importWorkspaceJson(t("json.pick_title"), t("json.save_title"), job));
          if (info) { toast(t("json.imported", { name: info.file_name })); await onRestored(info); }
        } catch (e) {
          if (/** @type {any} */ (e)?.kind === "cancelled") toast(t("json.import_cancelled"));
          else showError(e);
        }
      } } })),
    progressHolder,
    h("div", { class: "dialog-buttons" }, closeBtn, nowBtn)));
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  (nowBtn ?? closeBtn).focus();
}

/**
 * Asks where to restore `b`, confirms a replacement, restores and opens the result.
 * @param {import("../../core/ipc.js").BackupInfo} b @param {boolean} damaged
 * @param {(info: WorkspaceInfo) => Promise<void>} onRestored
 */
function restore(b, damaged, onRestored) {
  formDialog({
    id: "restore-dialog",
    title: t("backups.restore_title", { when: formatDateTime(b.created_at) }),
    submitLabel: t("backups.restore_go"),
    fields: [
      { name: "where", label: t("backups.where"), type: "select", value: damaged ? "replace" : "new",
        options: [
          { value: "new", label: t("backups.where_new") },
          { value: "replace", label: t(damaged ? "backups.where_replace_damaged" : "backups.where_replace") },
        ] },
    ],
    onSubmit: async (v, form) => {
      const replace = v.where === "replace";
      if (replace && !(await confirmDialog({ title: t("backups.confirm_title"), message: t("backups.confirm_message"), confirmLabel: t("backups.confirm_go") }))) return;
      // Checking and copying a large backup takes a few seconds: the progress shows in the
      // form, with a way to stop (nothing is replaced then).
      const view = progressView();
      const job = ipc.newJob((e) => view.update(e));
      const stop = h("button", { type: "button", class: "btn small", id: "restore-cancel", text: t("task.cancel"),
        on: { click: () => { stop.disabled = true; view.stopping(); ipc.cancelJob(job).catch(() => {}); } } });
      const shown = h("div", { class: "notice-inline", id: "restore-progress" }, view.element, stop);
      form.querySelector(".dialog-buttons")?.before(shown);
      let done;
      try {
        done = await ipc.restoreBackup(b.file_name, replace, t("backups.save_title"), job);
      } catch (e) {
        if (/** @type {any} */ (e)?.kind !== "cancelled") throw e;
        toast(t("backups.restore_cancelled"));
        return;
      } finally {
        shown.remove();
      }
      if (!done) return;
      toast(done.previous_saved_as ? t("backups.restored_kept", { name: done.workspace.file_name, kept: done.previous_saved_as }) : t("backups.restored", { name: done.workspace.file_name }));
      // People erased since the backup was made were erased again: said, not named.
      if (done.erased_again > 0) toast(t("backups.erased_again", { count: done.erased_again }));
      await onRestored(done.workspace);
    },
  });
}
