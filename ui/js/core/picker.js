// Searchable pickers (ARIA 1.2 combobox with a list box) for choices that can number
// thousands, such as actors: what the user types is searched in Rust and at most a few
// dozen choices are shown, never a <select> with every actor.
import { h, newId, replace } from "./dom.js";
import { t } from "./i18n.js";
import * as ipc from "./ipc.js";

/** @typedef {{value: string, label: string, detail?: string}} Choice */

/** Choices shown at most. */
const SHOWN = 20;
/** Wait after a keystroke before searching (ms). */
const DELAY = 80;

/** An actor as a choice (`value` is its id). @param {import("./ipc.js").ActorChoice} a @returns {Choice} */
export function actorChoice(a) {
  return { value: String(a.id), label: a.name, detail: a.commune };
}

/** A commune of the list as a choice (`value` is its INSEE code). @param {import("./ipc.js").CommuneHit} c @returns {Choice} */
export function communeChoice(c) {
  const where = `${c.departement} ${c.departement_name}`;
  return { value: c.insee, label: c.name, detail: c.via ? t("commune.via", { via: c.via, where }) : where };
}

/** Searches the list of communes for a picker. @param {string} typed @returns {Promise<Choice[]>} */
export async function searchCommunes(typed) {
  return (await ipc.findCommunes(typed, SHOWN)).map(communeChoice);
}

/** Searches actors for a picker. @param {string} typed @returns {Promise<Choice[]>} */
export async function searchActors(typed) {
  return (await ipc.findActors(typed, SHOWN)).map(actorChoice);
}

/**
 * Names of the actors with these ids (any number, asked in pages).
 * @param {Iterable<number|null|undefined>} ids @returns {Promise<Map<number, string>>}
 */
export async function actorNames(ids) {
  const unique = [...new Set([...ids].filter((x) => typeof x === "number"))];
  const out = new Map();
  for (let i = 0; i < unique.length; i += 500) {
    for (const a of await ipc.actorChoices(unique.slice(i, i + 500))) out.set(a.id, a.name);
  }
  return out;
}

/**
 * A combobox that searches as the user types.
 * @param {{
 *   id?: string, name?: string, label: string, placeholder?: string,
 *   search: (typed: string) => Promise<Choice[]>,
 *   value?: Choice|null,
 *   onChoose?: (c: Choice|null) => void,
 *   clearOnChoose?: boolean,
 *   freeText?: boolean,
 *   text?: string,
 *   describedBy?: string,
 * }} opts
 */
export function picker(opts) {
  const id = opts.id ?? newId("picker");
  const listId = `${id}-list`;
  /** @type {Choice|null} */
  let chosen = opts.value ?? null;
  /** @type {Choice[]} */
  let choices = [];
  let active = -1;
  let seq = 0;
  let timer = 0;
  const input = /** @type {HTMLInputElement} */ (h("input", {
    type: "text", id, name: opts.name, autocomplete: "off", class: "picker-input",
    placeholder: opts.placeholder ?? t("picker.placeholder"),
    value: chosen?.label ?? opts.text ?? "",
    attrs: {
      role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": listId, "aria-label": opts.label, "aria-describedby": opts.describedBy,
    },
  }));
  const list = h("ul", { class: "picker-list", id: listId, hidden: true,
    attrs: { role: "listbox", "aria-label": opts.label, "aria-busy": "false" } });
  const status = h("span", { class: "visually-hidden", attrs: { "aria-live": "polite" } });
  const wrapper = h("div", { class: "picker" }, input, list, status);

  const open = (yes) => {
    list.hidden = !yes;
    input.setAttribute("aria-expanded", yes ? "true" : "false");
    if (!yes) { active = -1; input.removeAttribute("aria-activedescendant"); }
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute("aria-selected", k === i ? "true" : "false"));
    const li = list.children[i];
    if (li) { input.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
    else input.removeAttribute("aria-activedescendant");
  };
  const choose = (c) => {
    chosen = opts.clearOnChoose ? null : c;
    input.value = opts.clearOnChoose ? "" : (c?.label ?? "");
    open(false);
    opts.onChoose?.(c);
  };
  const show = () => {
    replace(list, choices.length
      ? choices.map((c, i) => h("li", {
        id: `${id}-opt-${i}`, class: "picker-option",
        attrs: { role: "option", "aria-selected": "false" },
        // mousedown, not click: the input keeps its focus.
        on: { mousedown: (ev) => { ev.preventDefault(); choose(c); } },
      }, h("span", { text: c.label }), c.detail ? h("span", { class: "muted small", text: ` — ${c.detail}` }) : null))
      : h("li", { class: "picker-empty", attrs: { role: "option", "aria-disabled": "true", "aria-selected": "false" },
        text: t("picker.none") }));
    status.textContent = t("picker.count", { count: choices.length });
    open(true);
    highlight(choices.length ? 0 : -1);
  };
  // While a search is waited for, the list box says so (`aria-busy`): what it shows is about
  // to be replaced.
  const busy = (yes) => list.setAttribute("aria-busy", yes ? "true" : "false");
  const run = async () => {
    const mine = ++seq;
    try {
      const found = await opts.search(input.value.trim());
      if (mine !== seq || document.activeElement !== input) return;
      choices = found;
      show();
    } finally {
      if (mine === seq) busy(false);
    }
  };
  const later = () => {
    clearTimeout(timer);
    busy(true);
    timer = window.setTimeout(() => { run().catch(() => {}); }, DELAY);
  };

  input.addEventListener("input", later);
  input.addEventListener("focus", () => { if (!opts.clearOnChoose && chosen) input.select(); });
  input.addEventListener("click", () => { if (list.hidden) later(); });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (list.hidden) { later(); return; }
      const n = choices.length;
      if (n) highlight(ev.key === "ArrowDown" ? (active + 1) % n : (active - 1 + n) % n);
    } else if (ev.key === "Enter") {
      if (!list.hidden && active >= 0 && choices[active]) { ev.preventDefault(); choose(choices[active]); }
      else if (!list.hidden) ev.preventDefault();
    } else if (ev.key === "Escape") {
      if (!list.hidden) { ev.preventDefault(); ev.stopPropagation(); open(false); input.value = chosen?.label ?? input.value; }
    }
  });
  input.addEventListener("blur", () => {
    clearTimeout(timer);
    seq += 1;
    busy(false);
    open(false);
    // Text that names no choice: back to the chosen one, or none when emptied.
    if (opts.clearOnChoose) { input.value = ""; return; }
    if (!input.value.trim()) { if (chosen) { chosen = null; opts.onChoose?.(null); } }
    // Free text allowed: what is typed stays, and names no choice unless it is the chosen one's.
    else if (opts.freeText) { if (chosen && input.value !== chosen.label) { chosen = null; opts.onChoose?.(null); } }
    else input.value = chosen?.label ?? "";
  });

  return {
    element: wrapper,
    input,
    /** The chosen value, or null. */
    value: () => chosen,
    /** @param {Choice|null} c */
    set(c) { chosen = c; input.value = c?.label ?? ""; },
  };
}

/**
 * Many choices: the chosen ones as a list (each with a remove button) and a picker to add more.
 * @param {{id?: string, name?: string, label: string, search: (typed: string) => Promise<Choice[]>, values?: Choice[], describedBy?: string}} opts
 */
export function multiPicker(opts) {
  /** @type {Choice[]} */
  let values = [...(opts.values ?? [])];
  const chips = h("ul", { class: "chips", attrs: { "aria-label": opts.label } });
  const count = h("span", { class: "muted small", attrs: { "aria-live": "polite" } });
  const draw = () => {
    replace(chips, values.map((c) => h("li", { class: "chip" },
      h("span", { text: c.label }),
      h("button", {
        type: "button", class: "chip-remove", text: "×",
        attrs: { "aria-label": t("picker.remove", { name: c.label }) },
        on: { click: () => { values = values.filter((x) => x.value !== c.value); draw(); p.input.focus(); } },
      }))));
    count.textContent = t("form.checked_count", { count: values.length });
  };
  const p = picker({
    id: opts.id, name: opts.name, label: opts.label, describedBy: opts.describedBy, clearOnChoose: true,
    placeholder: t("picker.add_placeholder"),
    search: async (typed) => (await opts.search(typed)).filter((c) => !values.some((v) => v.value === c.value)),
    onChoose: (c) => { if (c && !values.some((v) => v.value === c.value)) { values.push(c); draw(); } },
  });
  draw();
  return {
    element: h("div", { class: "multi-picker" }, p.element, count, chips),
    input: p.input,
    values: () => values,
  };
}
