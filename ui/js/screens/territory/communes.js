// The territory's communes (issue 27): their count and population in the project header, and
// a dialog to pick them by département, EPCI or commune (searched in Rust over France's
// communes) and take some out. Every change is one change set: the Journal can undo it.
import { h, replace, restoreFocus, newId } from "../../core/dom.js";
import { t, formatNumber } from "../../core/i18n.js";
import { showError, toast } from "../../core/dialogs.js";
import { picker } from "../../core/picker.js";
import * as ipc from "../../core/ipc.js";
import { unplacedFact } from "./unplaced.js";

/** Communes listed in the dialog at most (the rest is counted). */
const LISTED = 200;

/** @param {import("../../core/ipc.js").TerritoryCommunes} s */
function summaryText(s) {
  return s.communes
    ? t("communes.summary", { count: formatNumber(s.communes), population: formatNumber(s.population) })
    : t("communes.none");
}

/**
 * The header's fact: the territory's communes in figures, and the button that picks them.
 * Draws itself once the figures are read; `onClose` hears the dialog close after a change.
 * @param {() => void} [onClose]
 */
export function communesFact(onClose) {
  const text = h("dd", { id: "project-communes", text: "…" });
  const refresh = () => ipc.territoryCommunes().then((s) => { text.textContent = summaryText(s); }).catch(showError);
  refresh();
  return h("div", {},
    h("dt", { text: t("communes.heading") }),
    text,
    h("dd", {}, h("button", {
      type: "button", class: "btn small", id: "edit-communes", text: t("communes.edit"),
      on: { click: () => { communesDialog(refresh, onClose).catch(showError); } },
    })),
    unplacedFact(() => {}));
}

/** @param {import("../../core/ipc.js").ChoiceHit} c */
function choiceDetail(c) {
  if (c.choice.kind === "departement") return t("communes.choice.departement", { count: formatNumber(c.communes ?? 0) });
  if (c.choice.kind === "epci") return t("communes.choice.epci", { kind: c.epci_kind ?? "", count: formatNumber(c.communes ?? 0) });
  const parts = [c.departement, c.postal_code].filter(Boolean).join(", ");
  return c.via ? `${parts} · ${t("communes.choice.former", { name: c.via })}` : parts;
}

/**
 * The dialog: the picker, the figures, the communes by name with a button to take each out.
 * @param {() => void} onChange
 * @param {() => void} [onClose] after a change, once the dialog is closed
 */
async function communesDialog(onChange, onClose) {
  let changed = false;
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("communes-title");
  const figures = h("p", { id: "communes-summary", attrs: { "aria-live": "polite" } });
  const list = h("ul", { class: "commune-list", id: "commune-list", attrs: { "aria-label": t("communes.list") } });
  const more = h("p", { class: "muted small", id: "communes-more" });
  const filter = /** @type {HTMLInputElement} */ (h("input", {
    type: "search", id: "communes-filter", autocomplete: "off", placeholder: t("communes.filter_placeholder"),
  }));
  /** @type {Map<string, import("../../core/ipc.js").ChoiceHit>} */
  let offered = new Map();
  /** @type {import("../../core/ipc.js").TerritoryCommunes|null} */
  let last = null;
  let seq = 0;
  const redraw = async (/** @type {import("../../core/ipc.js").TerritoryCommunes} */ s) => {
    last = s;
    const mine = ++seq;
    figures.textContent = summaryText(s);
    const typed = filter.value.trim();
    const page = await ipc.territoryCommunePage(typed, 0, LISTED);
    if (mine !== seq) return;
    replace(list, page.map((c) => h("li", { class: "commune-row" },
      h("span", { text: c.name }),
      h("span", { class: "muted small", text: ` ${c.departement} · ${c.population == null ? "–" : formatNumber(c.population)}` }),
      h("button", {
        type: "button", class: "btn small", text: t("communes.remove"),
        attrs: { "aria-label": t("communes.remove_one", { name: c.name }) },
        on: { click: () => { change([], [{ kind: "commune", code: c.insee }]).catch(showError); } },
      }))));
    if (typed) more.textContent = page.length ? "" : t("communes.no_match");
    else more.textContent = s.communes > page.length ? t("communes.more", { count: formatNumber(s.communes - page.length) }) : "";
  };
  let timer = 0;
  filter.addEventListener("input", () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => { if (last) redraw(last).catch(showError); }, 120);
  });
  const change = async (/** @type {any[]} */ add, /** @type {any[]} */ remove) => {
    const s = await ipc.changeTerritoryCommunes(add, remove);
    await redraw(s);
    changed = true;
    onChange();
    if (add.length) toast(t("communes.added", { count: formatNumber(s.added) }));
    else toast(t("communes.removed", { count: formatNumber(s.removed) }));
  };
  const search = picker({
    id: "communes-picker",
    label: t("communes.picker"),
    placeholder: t("communes.placeholder"),
    clearOnChoose: true,
    search: async (typed) => {
      const hits = await ipc.territoryChoices(typed, 20);
      offered = new Map(hits.map((c) => [`${c.choice.kind}:${c.choice.code}`, c]));
      return hits.map((c) => ({ value: `${c.choice.kind}:${c.choice.code}`, label: c.label, detail: choiceDetail(c) }));
    },
    onChoose: (c) => {
      const hit = c && offered.get(c.value);
      if (hit) change([hit.choice], []).catch(showError);
    },
  });
  const closeButton = h("button", { type: "button", class: "btn", id: "communes-close", text: t("communes.close") });
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "modal wide", id: "communes-dialog", attrs: { "aria-labelledby": titleId } },
    h("h2", { id: titleId, text: t("communes.title") }),
    h("p", { class: "muted small", text: t("communes.help") }),
    h("label", { class: "label", attrs: { for: "communes-picker" }, text: t("communes.picker") }),
    search.element,
    figures,
    h("label", { class: "label", attrs: { for: "communes-filter" }, text: t("communes.filter") }),
    filter,
    list,
    more,
    h("p", { class: "muted small", text: t("communes.source") }),
    h("div", { class: "dialog-buttons" }, closeButton)));
  const close = () => {
    dialog.close();
    dialog.remove();
    restoreFocus(opener);
    if (changed && onClose) onClose();
  };
  closeButton.addEventListener("click", close);
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  search.input.focus();
  await redraw(await ipc.territoryCommunes());
}
