// RGPD for one person (a contact of an actor, or a team member): export everything stored
// about them, or erase them everywhere after a confirmation that says what will happen.
import { h, newId, restoreFocus } from "../../core/dom.js";
import { t } from "../../core/i18n.js";
import { confirmDialog, toast, showError } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";

/**
 * Opens the RGPD dialog for a person; `onErased` runs after an erasure.
 * @param {import("../../core/ipc.js").Person} person @param {string} name @param {() => Promise<void>} onErased
 */
export function rgpdDialog(person, name, onErased) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("rgpd-title");
  const close = () => { dialog.close(); dialog.remove(); restoreFocus(opener); };
  const stem = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase() || "personne";
  const exportBtn = h("button", { type: "button", class: "btn", id: "rgpd-export", text: t("rgpd.export"), on: { click: async () => {
    try {
      const file = await ipc.exportPerson(person, t("rgpd.export_title", { name }), `donnees-${stem}.json`);
      if (file) toast(t("rgpd.exported", { name: file }));
    } catch (e) { showError(e); }
  } } });
  const eraseBtn = h("button", { type: "button", class: "btn danger", id: "rgpd-erase", text: t(person.kind === "member" ? "rgpd.anonymise" : "rgpd.erase"), on: { click: async () => {
    const ok = await confirmDialog({
      title: t("rgpd.confirm_title", { name }),
      message: t(person.kind === "member" ? "rgpd.confirm_member" : "rgpd.confirm_contact", { name }),
      confirmLabel: t("rgpd.confirm_go"),
    });
    if (!ok) return;
    try {
      const summary = await ipc.erasePerson(person);
      close();
      await onErased();
      // What was done, and the backups, which still hold the person: erased too on demand.
      const backups = await confirmDialog({
        title: t("rgpd.done_title", { name: summary.name }), message: summary.changes.join(" "),
        confirmLabel: t("rgpd.backups_erase"), cancelLabel: t("rgpd.done_ok"),
      });
      if (!backups) return;
      const sure = await confirmDialog({
        title: t("rgpd.backups_title", { name: summary.name }), message: t("rgpd.backups_confirm", { name: summary.name }),
        confirmLabel: t("rgpd.backups_go"),
      });
      if (!sure) return;
      const done = await ipc.erasePersonFromBackups(summary.person);
      toast(t("rgpd.backups_done", { rewritten: done.rewritten, removed: done.removed }));
    } catch (e) { showError(e); }
  } } });
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "modal", id: "rgpd-dialog", attrs: { "aria-labelledby": titleId } },
    h("h2", { id: titleId, text: t("rgpd.title", { name }) }),
    h("p", { text: t("rgpd.lead") }),
    h("div", { class: "toolbar" }, exportBtn, eraseBtn),
    h("div", { class: "dialog-buttons" }, h("button", { type: "button", class: "btn", id: "rgpd-close", text: t("backups.close"), on: { click: close } }))));
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  exportBtn.focus();
}
