// "Enjeux et axes": the needs (ordered, with priority) and the strategic axes that answer them.
import { h, replace } from "../../core/dom.js";
import { t, label } from "../../core/i18n.js";
import { formDialog, confirmDialog, toast, showError, impactDetails } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { Priority as PRIORITIES } from "../../../bindings/codes.js";

/** @typedef {import("../../core/ipc.js").Need} Need */
/** @typedef {import("../../core/ipc.js").Axis} Axis */

/** @type {{needs: Need[], axes: Axis[]}} */
const data = { needs: [], axes: [] };
/** @type {HTMLElement|null} */ let root = null;

/** Loads needs and axes and draws the section into `container`. */
export async function renderStructure(container) {
  root = container;
  const [needs, axes] = await Promise.all([ipc.listNeeds(), ipc.listAxes()]);
  data.needs = needs;
  data.axes = axes;
  draw();
}

function draw() {
  if (!root) return;
  replace(root, h("div", { class: "structure", id: "structure" }, needsSection(), axesSection()));
}

/**
 * Confirms a deletion, listing what else changes.
 * @param {import("../../core/ipc.js").DeleteImpact} impact @param {string} prefix
 */
function confirmDelete(impact, prefix) {
  return confirmDialog({
    title: t(`${prefix}.confirm_delete_title`),
    message: t(`${prefix}.confirm_delete`, { name: impact.name }),
    details: impactDetails(impact),
    confirmLabel: t("confirm.delete"),
  });
}

/** Up/down buttons for an ordered list item. */
function moveButtons(prefix, item, index, count, move) {
  return [
    h("button", { type: "button", class: "btn small icon-btn", text: "↑", disabled: index === 0,
      attrs: { "aria-label": t(`${prefix}.move_up`, { name: item.title }) },
      on: { click: () => move(item.id, index - 1) } }),
    h("button", { type: "button", class: "btn small icon-btn", text: "↓", disabled: index === count - 1,
      attrs: { "aria-label": t(`${prefix}.move_down`, { name: item.title }) },
      on: { click: () => move(item.id, index + 1) } }),
  ];
}

function needsSection() {
  const move = async (id, index) => {
    try { data.needs = await ipc.moveNeed(id, index); draw(); document.getElementById(`need-${id}`)?.focus(); }
    catch (e) { showError(e); }
  };
  return h("section", { class: "card", id: "needs", attrs: { "aria-labelledby": "needs-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "needs-title", text: t("needs.heading") }),
      h("button", { type: "button", class: "btn primary", id: "add-need", text: t("needs.add"), on: { click: () => needForm(null) } })),
    data.needs.length === 0
      ? h("p", { class: "empty", text: t("needs.empty") })
      : h("ol", { class: "ordered-list", id: "needs-list" }, data.needs.map((n, i) => h("li", { class: "ordered-item", id: `need-${n.id}`, tabIndex: -1 },
        h("div", { class: "item-main" },
          h("p", { class: "item-title" }, h("span", { class: "need-title", text: n.title }), " ",
            h("span", { class: `priority priority-${n.priority}`, text: label("priority", n.priority) })),
          n.description ? h("p", { class: "muted small", text: n.description }) : null),
        h("div", { class: "item-actions" },
          moveButtons("needs", n, i, data.needs.length, move),
          h("button", { type: "button", class: "btn small", text: t("actors.edit"), on: { click: () => needForm(n) } }),
          h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"), on: { click: () => removeNeed(n) } }))))));
}

/** @param {Need|null} n */
function needForm(n) {
  formDialog({
    id: "need-dialog",
    title: t(n ? "needs.edit_title" : "needs.new_title"),
    submitLabel: t(n ? "form.save" : "form.create"),
    fields: [
      { name: "title", label: t("needs.title"), value: n?.title, required: true },
      { name: "priority", label: t("needs.priority"), type: "select", value: n?.priority ?? "medium",
        options: PRIORITIES.map((p) => ({ value: p, label: label("priority", p) })) },
      { name: "description", label: t("needs.description"), type: "textarea", value: n?.description },
    ],
    onSubmit: async (v) => {
      const input = /** @type {any} */ (v);
      const saved = n ? await ipc.updateNeed(n.id, input) : await ipc.createNeed(input);
      data.needs = await ipc.listNeeds();
      draw();
      toast(t(n ? "needs.updated" : "needs.created", { name: saved.title }));
    },
  });
}

/** @param {Need} n */
async function removeNeed(n) {
  try {
    if (!(await confirmDelete(await ipc.needDeleteImpact(n.id), "needs"))) return;
    await ipc.deleteNeed(n.id);
    [data.needs, data.axes] = await Promise.all([ipc.listNeeds(), ipc.listAxes()]);
    draw();
    toast(t("needs.deleted", { name: n.title }));
  } catch (e) { showError(e); }
}

function axesSection() {
  const move = async (id, index) => {
    try { data.axes = await ipc.moveAxis(id, index); draw(); document.getElementById(`axis-${id}`)?.focus(); }
    catch (e) { showError(e); }
  };
  const needTitle = (id) => data.needs.find((n) => n.id === id)?.title ?? "";
  return h("section", { class: "card", id: "axes", attrs: { "aria-labelledby": "axes-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "axes-title", text: t("axes.heading") }),
      h("button", { type: "button", class: "btn primary", id: "add-axis", text: t("axes.add"), on: { click: () => axisForm(null) } })),
    data.axes.length === 0
      ? h("p", { class: "empty", text: t("axes.empty") })
      : h("ol", { class: "ordered-list", id: "axes-list" }, data.axes.map((a, i) => h("li", { class: "ordered-item", id: `axis-${a.id}`, tabIndex: -1 },
        h("div", { class: "item-main" },
          h("p", { class: "item-title" }, h("span", { class: "eyebrow-inline", text: t("axes.number", { n: i + 1 }) }), " ",
            h("span", { class: "axis-title", text: a.title })),
          h("p", { class: "muted small", text: a.need_ids.length
            ? t("axes.answers", { needs: a.need_ids.map(needTitle).join(" · ") })
            : t("axes.answers_none") })),
        h("div", { class: "item-actions" },
          moveButtons("axes", a, i, data.axes.length, move),
          h("button", { type: "button", class: "btn small", text: t("actors.edit"), on: { click: () => axisForm(a) } }),
          h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"), on: { click: () => removeAxis(a) } }))))));
}

/** @param {Axis|null} a */
function axisForm(a) {
  formDialog({
    id: "axis-dialog",
    title: t(a ? "axes.edit_title" : "axes.new_title"),
    submitLabel: t(a ? "form.save" : "form.create"),
    fields: [
      { name: "title", label: t("axes.title"), value: a?.title, required: true },
      { name: "description", label: t("axes.description"), type: "textarea", value: a?.description },
      { name: "need_ids", label: t("axes.needs"), type: "checkboxes", values: (a?.need_ids ?? []).map(String),
        options: data.needs.map((n) => ({ value: String(n.id), label: n.title })) },
    ],
    onSubmit: async (v) => {
      const input = { title: v.title, description: v.description, need_ids: v.need_ids.map(Number) };
      const saved = a ? await ipc.updateAxis(a.id, input) : await ipc.createAxis(input);
      data.axes = await ipc.listAxes();
      draw();
      toast(t(a ? "axes.updated" : "axes.created", { name: saved.title }));
    },
  });
}

/** @param {Axis} a */
async function removeAxis(a) {
  try {
    if (!(await confirmDelete(await ipc.axisDeleteImpact(a.id), "axes"))) return;
    await ipc.deleteAxis(a.id);
    data.axes = await ipc.listAxes();
    draw();
    toast(t("axes.deleted", { name: a.title }));
  } catch (e) { showError(e); }
}
