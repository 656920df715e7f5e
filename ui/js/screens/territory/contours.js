// Importing the communes' contours (issue 27): a GeoJSON or GeoPackage file picked in the
// native dialog, previewed (features matched by INSEE code, through a former code, or not;
// the territory's communes covered), the code's property chosen when it is not obvious, then
// written all or nothing. Nothing is written until « Importer ».
import { h, replace, restoreFocus, newId } from "../../core/dom.js";
import { t, formatNumber } from "../../core/i18n.js";
import { showError, toast, errorMessage } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { runTask } from "../../core/tasks.js";

/** Unmatched features listed at most. */
const LISTED = 50;

/** Opens the dialog; `onDone` hears contours written. @param {() => void} onDone */
export async function contoursDialog(onDone) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("contours-title");
  const fileName = h("p", { id: "contours-file", class: "small" });
  const result = h("div", { id: "contours-preview", attrs: { "aria-live": "polite" } });
  const property = /** @type {HTMLSelectElement} */ (h("select", { id: "contours-property" }));
  const propertyField = h("div", { class: "field", hidden: true },
    h("label", { attrs: { for: "contours-property" }, text: t("contours.property") }), property);
  const pick = h("button", { type: "button", class: "btn", id: "contours-pick", text: t("contours.pick") });
  const commit = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn primary", id: "contours-commit", text: t("contours.commit"), disabled: true }));
  const cancel = h("button", { type: "button", class: "btn", id: "contours-cancel", text: t("confirm.cancel") });
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "modal wide", id: "contours-dialog", attrs: { "aria-labelledby": titleId } },
    h("h2", { id: titleId, text: t("contours.title") }),
    h("p", { class: "muted small", text: t("contours.help") }),
    pick, fileName, propertyField, result,
    h("div", { class: "dialog-buttons" }, cancel, commit)));
  /** @type {string|null} */
  let asked = null;

  const preview = async () => {
    commit.disabled = true;
    replace(result, h("p", { class: "muted", text: t("contours.reading") }));
    try {
      const p = await runTask(t("contours.reading"), (job) => ipc.contoursPreview(asked, job));
      asked = p.code_property;
      replace(property, p.properties.map((name) => h("option", { value: name, text: name, selected: name === p.code_property })),
        p.code_property ? null : h("option", { value: "", text: t("contours.property_none"), selected: true }));
      propertyField.hidden = false;
      replace(result, summary(p));
      commit.disabled = p.communes === 0;
    } catch (e) {
      replace(result, h("p", { class: "error", role: "alert", id: "contours-error", text: errorMessage(e) }));
    }
  };
  pick.addEventListener("click", async () => {
    try {
      const name = await ipc.pickContoursFile(t("contours.pick_title"), t("contours.filter"));
      if (!name) return;
      fileName.textContent = t("contours.file", { name });
      asked = null;
      await preview();
    } catch (e) { showError(e); }
  });
  property.addEventListener("change", () => { asked = property.value || null; preview().catch(showError); });
  const close = (/** @type {boolean} */ written) => {
    dialog.close();
    dialog.remove();
    restoreFocus(opener);
    if (!written) ipc.discardContours().catch(() => {});
    else onDone();
  };
  commit.addEventListener("click", async () => {
    commit.disabled = true;
    try {
      const n = await runTask(t("contours.writing"), (job) => ipc.contoursCommit(asked, job));
      toast(t("contours.written", { count: formatNumber(n) }));
      close(true);
    } catch (e) {
      commit.disabled = false;
      showError(e);
    }
  });
  cancel.addEventListener("click", () => close(false));
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(false); });
  document.body.append(dialog);
  dialog.showModal();
  pick.focus();
}

/** What the preview found. @param {import("../../core/ipc.js").ContoursPreview} p */
function summary(p) {
  const line = (/** @type {string} */ key, /** @type {Record<string, string|number>} */ vars, /** @type {string} */ id) => h("li", { id, text: t(key, vars) });
  return h("div", {},
    h("ul", { class: "plain", id: "contours-figures" },
      line("contours.features", { count: formatNumber(p.features), projection: p.projection }, "contours-features"),
      line("contours.matched", { count: formatNumber(p.matched) }, "contours-matched"),
      p.matched_by_former_code ? line("contours.former", { count: formatNumber(p.matched_by_former_code) }, "contours-former") : null,
      line("contours.unmatched", { count: formatNumber(p.unmatched.length) }, "contours-unmatched"),
      line("contours.communes", { count: formatNumber(p.communes) }, "contours-communes"),
      line("contours.territory", { covered: formatNumber(p.territory_covered), missing: formatNumber(p.territory_missing) }, "contours-territory"),
      line("contours.simplified", { before: formatNumber(p.positions), after: formatNumber(p.positions_kept) }, "contours-simplified")),
    p.communes === 0 ? h("p", { class: "error", role: "alert", text: t("contours.none_matched") }) : null,
    p.unmatched.length ? h("details", {},
      h("summary", { text: t("contours.unmatched_list") }),
      h("ul", { class: "plain small", id: "contours-unmatched-list" }, p.unmatched.slice(0, LISTED).map((u) =>
        h("li", { text: t("contours.unmatched_one", { index: u.index, code: u.code ?? "–", name: u.name ?? "" }) }))),
      p.unmatched.length > LISTED ? h("p", { class: "muted small", text: t("commune_card.more", { count: formatNumber(p.unmatched.length - LISTED) }) }) : null) : null);
}
