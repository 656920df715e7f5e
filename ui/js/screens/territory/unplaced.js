// The actors' communes written as free text that the list of communes does not place (issue
// 27): counted in the project header, listed most used first in a dialog where one choice
// places every actor of that written commune. Never guessed: homonyms are offered, a person
// picks. Each placing is one change set: the Journal can undo it.
import { h, replace, restoreFocus, newId } from "../../core/dom.js";
import { t, formatNumber } from "../../core/i18n.js";
import { showError, toast } from "../../core/dialogs.js";
import { picker, communeChoice, searchCommunes } from "../../core/picker.js";
import * as ipc from "../../core/ipc.js";

/** Written communes listed at once (the rest is counted). */
const LISTED = 50;

/**
 * The header's line: how many written communes wait to be placed, and the button that lists
 * them; empty when none does.
 * @param {() => void} onChange called after a placing
 */
export function unplacedFact(onChange) {
  const line = h("dd", { id: "unplaced-communes" });
  const refresh = () => ipc.unplacedCommunes(0, 0).then((p) => {
    replace(line, p.total === 0 ? [] : [
      h("span", { text: t("unplaced.summary", { count: formatNumber(p.total), actors: formatNumber(p.actors) }) }),
      " ",
      h("button", {
        type: "button", class: "btn small", id: "resolve-communes", text: t("unplaced.open"),
        on: { click: () => { unplacedDialog(() => { refresh(); onChange(); }).catch(showError); } },
      }),
    ]);
  }).catch(showError);
  refresh();
  return line;
}

/**
 * The dialog: each written commune, its actors' count, the communes it may be, and a picker.
 * @param {() => void} onChange
 */
async function unplacedDialog(onChange) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("unplaced-title");
  const figures = h("p", { id: "unplaced-summary", attrs: { "aria-live": "polite" } });
  const list = h("ul", { class: "unplaced-list", id: "unplaced-list", attrs: { "aria-label": t("unplaced.list") } });
  const place = async (/** @type {string} */ written, /** @type {string} */ insee, /** @type {string} */ name) => {
    const n = await ipc.placeWrittenCommune(written, insee);
    toast(t("unplaced.placed", { count: formatNumber(n), written, name }));
    onChange();
    await redraw();
  };
  const redraw = async () => {
    const page = await ipc.unplacedCommunes(0, LISTED);
    figures.textContent = page.total
      ? t("unplaced.summary", { count: formatNumber(page.total), actors: formatNumber(page.actors) })
      : t("unplaced.none");
    replace(list, page.rows.map((r, i) => {
      const pickerId = `unplaced-pick-${i}`;
      const p = picker({
        id: pickerId, label: t("unplaced.pick", { written: r.written }), search: searchCommunes,
        placeholder: t("unplaced.pick_placeholder"), clearOnChoose: true,
        onChoose: (c) => { if (c) place(r.written, c.value, c.label).catch(showError); },
      });
      return h("li", { class: "unplaced-row" },
        h("p", {},
          h("strong", { text: r.written }),
          h("span", { class: "muted small", text: ` · ${t("unplaced.actors", { count: formatNumber(r.actors) })}` })),
        r.candidates.length
          ? h("p", { class: "unplaced-candidates" },
            h("span", { class: "muted small", text: `${t("unplaced.maybe")} ` }),
            r.candidates.map((c) => {
              const choice = communeChoice(c);
              return h("button", {
                type: "button", class: "btn small", text: `${c.name} (${c.departement})`,
                attrs: { "aria-label": t("unplaced.place_in", { written: r.written, name: c.name, detail: choice.detail ?? "" }) },
                on: { click: () => { place(r.written, c.insee, c.name).catch(showError); } },
              });
            }))
          : null,
        h("label", { class: "visually-hidden", attrs: { for: pickerId }, text: t("unplaced.pick", { written: r.written }) }),
        p.element);
    }));
    if (page.total > page.rows.length) {
      list.append(h("li", { class: "muted small", text: t("unplaced.more", { count: formatNumber(page.total - page.rows.length) }) }));
    }
  };
  const closeButton = h("button", { type: "button", class: "btn", id: "unplaced-close", text: t("communes.close") });
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "modal wide", id: "unplaced-dialog", attrs: { "aria-labelledby": titleId } },
    h("h2", { id: titleId, text: t("unplaced.title") }),
    h("p", { class: "muted small", text: t("unplaced.help") }),
    figures,
    list,
    h("div", { class: "dialog-buttons" }, closeButton)));
  const close = () => { dialog.close(); dialog.remove(); restoreFocus(opener); };
  closeButton.addEventListener("click", close);
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  await redraw();
  closeButton.focus();
}
