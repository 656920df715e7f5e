// Shared widgets: form dialogs, confirmations, toasts, error display.
import { h, newId, replace, fold, restoreFocus } from "./dom.js";
import { t, has, language } from "./i18n.js";
import { picker, multiPicker, searchActors, searchCommunes } from "./picker.js";

/** @typedef {import("./ipc.js").ErrorPayload} ErrorPayload */

/**
 * The message to show for an error: French from the core; in another language, the
 * catalogue's message for its rule (`code`) or its kind, with the values it quotes (a test
 * checks that every code and kind of the Rust side has one).
 * @param {ErrorPayload} e
 * @param {string} [fieldLabel]
 */
export function errorMessage(e, fieldLabel = "") {
  if (language() === "fr") return e.message;
  const args = { ...(e.args ?? {}), field: fieldLabel };
  if (e.code && has(`error.${e.code}`)) return t(`error.${e.code}`, args);
  // A code outside a closed list (« World.unknown », « Practice.unknown »…).
  if (e.code?.endsWith(".unknown")) return t("error.unknown_value", args);
  if (has(`error.${e.kind}`)) return t(`error.${e.kind}`, args);
  return e.message;
}

/**
 * @typedef {Object} FieldSpec
 * @property {string} name key in the submitted values
 * @property {string} label
 * @property {"text"|"textarea"|"select"|"date"|"checkboxes"|"partners"|"followups"|"actor"|"actors"|"commune"} [type]
 * @property {string|null} [value]
 * @property {boolean} [required]
 * @property {string} [hint]
 * @property {string} [placeholder]
 * @property {Array<{value: string, label: string}>} [options]
 * @property {string[]} [values] checked values (checkboxes)
 * @property {Array<{actor_id: number, role: string, label: string}>} [partners] initial rows (partners)
 * @property {import("./picker.js").Choice|null} [choice] the current choice (actor)
 * @property {import("./picker.js").Choice[]} [choices] the current choices (actors)
 * @property {(typed: string) => Promise<import("./picker.js").Choice[]>} [search] where a picker
 *   finds its choices (actor, actors; actors by name by default)
 * @property {boolean} [freeText] commune: text the list does not know is kept (an actor's); by
 *   default only a commune of the list
 * @property {boolean} [half] shares its row with the next half-width field (in dialogs)
 * @property {boolean} [filterable] checkboxes: a filter box above a scrolling list
 * @property {Array<{text: string, due_date: string|null, done: boolean}>} [followUps] initial rows (followups)
 */

/**
 * A labelled form field with a place for its error.
 * @param {FieldSpec} spec
 */
export function field(spec) {
  const id = newId(spec.name);
  const errorId = `${id}-error`;
  const hintId = spec.hint ? `${id}-hint` : undefined;
  /** @type {HTMLInputElement|HTMLSelectElement|HTMLTextAreaElement} */
  let input;
  const common = {
    id, name: spec.name,
    attrs: { "aria-describedby": [hintId, errorId].filter(Boolean).join(" "), "aria-required": spec.required ? "true" : null },
  };
  if (spec.type === "checkboxes" || spec.type === "partners" || spec.type === "followups") {
    return groupField(spec, id, errorId);
  }
  if (spec.type === "actor" || spec.type === "actors") return pickerField(spec, id, errorId, hintId);
  if (spec.type === "commune") return communeField(spec, id, errorId);
  if (spec.type === "select") {
    input = /** @type {HTMLSelectElement} */ (h("select", common,
      (spec.options || []).map((o) => h("option", { value: o.value, text: o.label }))));
    input.value = spec.value ?? (spec.options?.[0]?.value ?? "");
  } else if (spec.type === "textarea") {
    input = /** @type {HTMLTextAreaElement} */ (h("textarea", { ...common, rows: 4 }));
    input.value = spec.value ?? "";
  } else {
    input = /** @type {HTMLInputElement} */ (h("input", {
      ...common, type: "text", autocomplete: "off",
      placeholder: spec.placeholder ?? (spec.type === "date" ? t("date.placeholder") : ""),
      attrs: { ...common.attrs, inputmode: spec.type === "date" ? "numeric" : null },
    }));
    input.value = spec.value ?? "";
  }
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const wrapper = h("div", { class: spec.half ? "field half" : "field" },
    h("label", { htmlFor: id },
      spec.label,
      spec.required ? h("span", { class: "required", attrs: { "aria-hidden": "true" }, text: " *" }) : null),
    spec.hint ? h("p", { class: "hint", id: hintId, text: spec.hint }) : null,
    input,
    error);
  return {
    spec, wrapper, input,
    value: () => input.value,
    /** @param {string|null} message */
    setError(message) {
      error.hidden = !message;
      error.textContent = message || "";
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    },
  };
}

/**
 * A searchable picker: one choice (`actor`, its value the choice's value or "") or many
 * (`actors`, the values as an array).
 * @param {FieldSpec} spec @param {string} id @param {string} errorId @param {string|undefined} hintId
 */
function pickerField(spec, id, errorId, hintId) {
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  const search = spec.search ?? searchActors;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const p = spec.type === "actors"
    ? multiPicker({ id, name: spec.name, label: spec.label, search, values: spec.choices ?? [], describedBy })
    : picker({ id, name: spec.name, label: spec.label, search, value: spec.choice ?? null, describedBy });
  const wrapper = h("div", { class: spec.half ? "field half" : "field" },
    h("label", { htmlFor: id }, spec.label,
      spec.required ? h("span", { class: "required", attrs: { "aria-hidden": "true" }, text: " *" }) : null),
    spec.hint ? h("p", { class: "hint", id: hintId, text: spec.hint }) : null,
    p.element,
    error);
  return {
    spec, wrapper, input: p.input,
    value: () => ("values" in p ? p.values().map((c) => c.value) : (p.value()?.value ?? "")),
    /** @param {string|null} message */
    setError(message) {
      error.hidden = !message;
      error.textContent = message || "";
      if (message) p.input.setAttribute("aria-invalid", "true");
      else p.input.removeAttribute("aria-invalid");
    },
  };
}

/**
 * A commune: picked in the list (its INSEE code) or, when the list has none, written as free
 * text; a line under it says which. Its value is `{commune, insee}`.
 * @param {FieldSpec} spec @param {string} id @param {string} errorId
 */
function communeField(spec, id, errorId) {
  const stateId = `${id}-state`;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const state = h("p", { class: "hint", id: stateId, attrs: { "aria-live": "polite" } });
  const say = (/** @type {import("./picker.js").Choice|null} */ c) => {
    state.textContent = c ? t("commune.placed", { code: c.value })
      : spec.freeText && p.input.value.trim() ? t("commune.free_text") : "";
  };
  const p = picker({
    id, name: spec.name, label: spec.label, search: spec.search ?? searchCommunes, value: spec.choice ?? null,
    text: spec.value ?? "", freeText: spec.freeText ?? false, describedBy: `${stateId} ${errorId}`, onChoose: (c) => say(c),
  });
  p.input.addEventListener("input", () => { state.textContent = ""; });
  // After the picker's own blur, which drops a choice the text no longer names.
  p.input.addEventListener("blur", () => say(p.value()));
  say(spec.choice ?? null);
  const wrapper = h("div", { class: spec.half ? "field half" : "field" },
    h("label", { htmlFor: id }, spec.label), p.element, state, error);
  return {
    spec, wrapper, input: p.input,
    value: () => ({ commune: p.input.value.trim(), insee: p.value()?.value ?? null }),
    /** @param {string|null} message */
    setError(message) {
      error.hidden = !message;
      error.textContent = message || "";
      if (message) p.input.setAttribute("aria-invalid", "true");
      else p.input.removeAttribute("aria-invalid");
    },
  };
}

/**
 * A group of controls in a fieldset: checkboxes (many values) or partner rows (actor + role).
 * @param {FieldSpec} spec @param {string} id @param {string} errorId
 */
function groupField(spec, id, errorId) {
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const legend = h("legend", { text: spec.label });
  const body = h("div", { class: spec.type === "checkboxes" ? "checks" : "partner-rows" });
  /** @type {() => any} */
  let value;
  /** @type {HTMLElement} */
  let first;
  if (spec.type === "checkboxes") {
    const rows = [];
    const boxes = (spec.options || []).map((o, i) => {
      const box = h("input", { type: "checkbox", id: `${id}-${i}`, value: o.value, checked: (spec.values || []).includes(o.value) });
      const row = h("div", { class: "check" }, box, h("label", { htmlFor: `${id}-${i}`, text: o.label }));
      rows.push({ row, text: fold(o.label) });
      body.append(row);
      return box;
    });
    first = boxes[0] || body;
    value = () => boxes.filter((b) => b.checked).map((b) => b.value);
    if (spec.filterable) {
      body.classList.add("scroll");
      const count = h("span", { class: "muted small", attrs: { "aria-live": "polite" } });
      const showCount = () => { count.textContent = t("form.checked_count", { count: value().length }); };
      body.addEventListener("change", showCount);
      showCount();
      const filter = h("input", { type: "search", class: "check-filter", placeholder: t("form.filter_list"),
        attrs: { "aria-label": `${t("form.filter_list")} (${spec.label})` } });
      filter.addEventListener("input", () => {
        const q = fold(filter.value.trim());
        for (const r of rows) r.row.hidden = Boolean(q) && !r.text.includes(q);
      });
      filter.addEventListener("keydown", (ev) => { if (ev.key === "Enter") ev.preventDefault(); });
      first = filter;
      const wrapper = h("fieldset", { class: "field group", id, attrs: { "aria-describedby": errorId } },
        legend, h("div", { class: "check-tools" }, filter, count), body, error);
      return groupResult(spec, wrapper, first, value, error);
    }
  } else if (spec.type === "followups") {
    /** @type {Array<{text: HTMLInputElement, due: HTMLInputElement, done: HTMLInputElement}>} */
    const rows = [];
    const addRow = (f = { text: "", due_date: null, done: false }) => {
      const n = rows.length + 1;
      const text = h("input", { type: "text", class: "followup-text", value: f.text,
        attrs: { "aria-label": t("form.followup_text", { n }) } });
      const due = h("input", { type: "text", class: "followup-due", value: f.due_date ?? "", placeholder: t("date.placeholder"),
        attrs: { "aria-label": t("form.followup_due", { n }), inputmode: "numeric" } });
      const doneId = newId("done");
      const done = h("input", { type: "checkbox", id: doneId, checked: f.done });
      const entry = { text, due, done };
      const row = h("div", { class: "followup-row" }, text, due,
        h("span", { class: "check" }, done, h("label", { htmlFor: doneId, text: t("form.followup_done") })),
        h("button", { type: "button", class: "btn small", text: t("form.remove"),
          attrs: { "aria-label": `${t("form.remove")} ${n}` },
          on: { click: () => { row.remove(); rows.splice(rows.indexOf(entry), 1); } } }));
      rows.push(entry);
      body.append(row);
      return text;
    };
    body.className = "followup-rows";
    for (const f of spec.followUps || []) addRow(f);
    const add = h("button", { type: "button", class: "btn small add-followup", text: t("form.add_followup"),
      on: { click: () => addRow().focus() } });
    first = add;
    value = () => rows.filter((r) => r.text.value.trim() || r.due.value.trim())
      .map((r) => ({ text: r.text.value, due_date: r.due.value.trim() || null, done: r.done.checked }));
    const wrapper = h("fieldset", { class: "field group", id, attrs: { "aria-describedby": errorId } }, legend, body, add, error);
    return groupResult(spec, wrapper, first, value, error);
  } else {
    const rows = [];
    const addRow = (choice = null, role = "") => {
      const n = rows.length;
      const actor = picker({ label: `${spec.label} ${n + 1}`, search: spec.search ?? searchActors, value: choice });
      actor.element.classList.add("partner-actor");
      const roleInput = h("input", { type: "text", class: "partner-role", value: role,
        placeholder: t("form.role"), attrs: { "aria-label": `${t("form.role")} ${n + 1}` } });
      const row = h("div", { class: "partner-row" }, actor.element, roleInput,
        h("button", { type: "button", class: "btn small", text: t("form.remove"),
          attrs: { "aria-label": `${t("form.remove")} ${n + 1}` },
          on: { click: () => { row.remove(); rows.splice(rows.indexOf(entry), 1); } } }));
      const entry = { actor, roleInput };
      rows.push(entry);
      body.append(row);
      return actor.input;
    };
    for (const p of spec.partners || []) addRow({ value: String(p.actor_id), label: p.label }, p.role);
    const add = h("button", { type: "button", class: "btn small add-partner", text: t("form.add_partner"),
      on: { click: () => addRow().focus() } });
    first = add;
    value = () => rows.filter((r) => r.actor.value())
      .map((r) => ({ actor_id: Number(r.actor.value()?.value), role: r.roleInput.value }));
    const wrapper = h("fieldset", { class: "field group", id, attrs: { "aria-describedby": errorId } }, legend, body, add, error);
    return groupResult(spec, wrapper, first, value, error);
  }
  const wrapper = h("fieldset", { class: "field group", id, attrs: { "aria-describedby": errorId } }, legend, body, error);
  return groupResult(spec, wrapper, first, value, error);
}

function groupResult(spec, wrapper, first, value, error) {
  return {
    spec, wrapper, input: first, value,
    /** @param {string|null} message */
    setError(message) {
      error.hidden = !message;
      error.textContent = message || "";
    },
  };
}

/**
 * Shows a modal form. `onSubmit` gets the values and the form (to show progress in it); if it
 * throws an ErrorPayload, the error is shown next to its field (and in a summary) and the
 * dialog stays open.
 * @param {{title: string, fields: FieldSpec[], submitLabel: string, onSubmit: (values: Record<string, any>, form: HTMLFormElement) => Promise<void>, id?: string, wide?: boolean}} opts
 */
export function formDialog(opts) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const fields = opts.fields.map(field);
  const titleId = newId("dlg-title");
  const summary = h("div", { class: "form-summary", attrs: { role: "alert" }, hidden: true });
  const submit = h("button", { type: "submit", class: "btn primary", text: opts.submitLabel });
  const cancel = h("button", { type: "button", class: "btn", text: t("form.cancel") });
  const form = h("form", { class: "dialog-form", noValidate: true },
    h("h2", { id: titleId, text: opts.title }),
    summary,
    h("div", { class: "fields" }, fields.map((f) => f.wrapper)),
    h("div", { class: "dialog-buttons" }, cancel, submit));
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", {
    class: opts.wide ? "modal wide" : "modal", id: opts.id, attrs: { "aria-labelledby": titleId },
  }, form));
  const close = () => { dialog.close(); dialog.remove(); restoreFocus(opener); };
  cancel.addEventListener("click", close);
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(); });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    fields.forEach((f) => f.setError(null));
    summary.hidden = true;
    const values = Object.fromEntries(fields.map((f) => [f.spec.name, f.value()]));
    submit.disabled = true;
    try {
      await opts.onSubmit(values, /** @type {HTMLFormElement} */ (form));
      close();
    } catch (err) {
      const e = /** @type {ErrorPayload} */ (err);
      const target = fields.find((f) => f.spec.name === e.field);
      const message = errorMessage(e, target?.spec.label);
      summary.textContent = t("form.errors", { message });
      summary.hidden = false;
      if (target) { target.setError(message); target.input.focus(); }
    } finally {
      submit.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  fields[0]?.input.focus();
  return dialog;
}

/**
 * What a deletion changes elsewhere, as confirmDialog details: each effect with its count and
 * the records it names (the first ones, then how many more).
 * @param {import("./ipc.js").DeleteImpact} impact
 */
export function impactDetails(impact) {
  return impact.effects.map((e) => ({
    heading: t(`impact.${e.code}`, { count: e.total }),
    items: e.total > e.items.length ? [...e.items, t("impact.more", { count: e.total - e.items.length })] : e.items,
  }));
}

/**
 * Asks for confirmation before a destructive action. `details` lists what else changes.
 * @param {{title: string, message: string, confirmLabel: string, cancelLabel?: string, details?: Array<{heading: string, items: string[]}>}} opts
 * @returns {Promise<boolean>}
 */
export function confirmDialog(opts) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  return new Promise((resolve) => {
    const titleId = newId("confirm-title");
    const msgId = newId("confirm-msg");
    const yes = h("button", { type: "button", class: "btn danger", id: "confirm-yes", text: opts.confirmLabel });
    const no = h("button", { type: "button", class: "btn", id: "confirm-no", text: opts.cancelLabel ?? t("confirm.cancel") });
    const dialog = /** @type {HTMLDialogElement} */ (h("dialog", {
      class: "modal confirm", attrs: { role: "alertdialog", "aria-labelledby": titleId, "aria-describedby": msgId },
    },
      h("h2", { id: titleId, text: opts.title }),
      h("div", { id: msgId },
        h("p", { text: opts.message }),
        (opts.details || []).map((d) => h("div", { class: "impact" },
          h("p", { class: "impact-heading", text: d.heading }),
          h("ul", {}, d.items.map((item) => h("li", { text: item })))))),
      h("div", { class: "dialog-buttons" }, no, yes)));
    const done = (answer) => { dialog.close(); dialog.remove(); restoreFocus(opener); resolve(answer); };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

/**
 * Shows a short message at the bottom of the window, with an optional action (undo).
 * @param {string} message
 * @param {{actionLabel?: string, onAction?: () => void, kind?: "info"|"error"}} [opts]
 */
export function toast(message, opts = {}) {
  const region = document.getElementById("toasts");
  if (!region) return;
  const item = h("div", { class: `toast ${opts.kind === "error" ? "toast-error" : ""}` });
  const dismiss = () => item.remove();
  replace(item,
    h("span", { class: "toast-text", text: message }),
    opts.actionLabel ? h("button", {
      type: "button", class: "btn small", text: opts.actionLabel,
      on: { click: () => { dismiss(); opts.onAction?.(); } },
    }) : null,
    h("button", {
      type: "button", class: "btn icon", text: "×", attrs: { "aria-label": t("toast.close") },
      on: { click: dismiss },
    }));
  region.append(item);
  setTimeout(dismiss, opts.actionLabel ? 10000 : 5000);
}

/** Shows an error that is not tied to a form. */
export function showError(err) {
  toast(errorMessage(/** @type {ErrorPayload} */ (err)), { kind: "error" });
}
