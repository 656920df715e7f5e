// The invariants a merge can break, in the inbox beside the conflicts: the same actor created
// on two laptops (« Fusionner ces deux acteurs »), a funding plan over the action's cost, two
// self-assessments of one date, two items in one place of an order (« Remettre en ordre »).
// Each can be opened to be fixed, or left as it is (« Laisser tel quel »): every decision is a
// change that travels, so the entry leaves every laptop's inbox.
import { h, newId } from "../../core/dom.js";
import { t, formatMoney, formatDate, language } from "../../core/i18n.js";
import { showError, toast, confirmDialog } from "../../core/dialogs.js";
import { navigate } from "../../core/router.js";
import * as ipc from "../../core/ipc.js";
import { KIND_LABELS } from "../../../bindings/kinds.js";
import { undoSet } from "../history/history.js";

/** @typedef {import("../../core/ipc.js").Invariant} Invariant */
/** @typedef {import("../../core/ipc.js").InvariantRecord} InvariantRecord */

/** The kind of record, in the interface's language. @param {string} table */
function kindLabel(table) {
  const labels = /** @type {Record<string, string>} */ (KIND_LABELS[/** @type {"fr"|"en"} */ (language())]);
  return labels[table] ?? table;
}

/** Where a record is fixed: the section and its target, or null. @param {InvariantRecord} r */
function place(r) {
  switch (r.table) {
    case "actor": return { section: "actors", target: { actor: r.id } };
    case "action": return { section: "actions", target: { action: r.id } };
    case "member": case "self_assessment": return { section: "competences", target: {} };
    case "need": case "axis": return { section: "structure", target: {} };
    case "meeting": return { section: "meetings", target: {} };
    case "decision_note": return { section: "notes", target: { note: r.id } };
    default: return null;
  }
}

/** A button that opens a record where it is fixed. @param {InvariantRecord} r */
function openButton(r) {
  const where = place(r);
  if (!where) return null;
  return h("button", {
    type: "button", class: "btn small open", text: t("invariant.open"),
    attrs: { "aria-label": t("invariant.open_named", { kind: kindLabel(r.table), name: r.name }) },
    on: { click: () => navigate(where.section, where.target) },
  });
}

/** What an entry says. @param {Invariant} i */
function describe(i) {
  const names = i.records.map((r) => r.name).join(", ");
  switch (i.kind) {
    case "same_actor": return t("invariant.same_actor.what", { name: i.records[0]?.name ?? "", commune: i.detail || t("invariant.no_commune") });
    case "over_funded": return t("invariant.over_funded.what", { name: i.records[0]?.name ?? "", total: formatMoney(i.total_cents ?? 0), budget: formatMoney(i.budget_cents ?? 0) });
    case "same_date": return t("invariant.same_date.what", { name: i.parent?.name ?? "", date: formatDate(i.detail) });
    default: return t(i.parent ? "invariant.same_place.what_in" : "invariant.same_place.what", {
      kind: kindLabel(i.records[0]?.table ?? ""), names, parent: i.parent?.name ?? "",
    });
  }
}

/**
 * « Fusionner ces deux acteurs »: the one checked is kept, the others merged into it and
 * deleted, after a confirmation; « Annuler » undoes it.
 * @param {Invariant} i @param {number} keep @param {() => void} redraw
 */
async function merge(i, keep, redraw) {
  const kept = i.records.find((r) => r.id === keep);
  const others = i.records.filter((r) => r.id !== keep);
  if (!kept || others.length === 0) return;
  const ok = await confirmDialog({
    title: t("invariant.merge.title"),
    message: t("invariant.merge.message", { kept: kept.name, others: others.map((r) => r.name).join(", ") }),
    confirmLabel: t("invariant.merge"),
  });
  if (!ok) return;
  /** @type {number[]} */
  const sets = [];
  try {
    for (const o of others) {
      const set = await ipc.mergeActors(keep, o.id);
      if (set !== null) sets.push(set);
    }
  } catch (e) { showError(e); }
  redraw();
  toast(t("invariant.merged", { name: kept.name }), sets.length === 0 ? {} : {
    actionLabel: t("toast.undo"),
    onAction: async () => {
      for (const set of [...sets].reverse()) if (!(await undoSet(set))) break;
      redraw();
    },
  });
}

/** One entry, with its choices. @param {Invariant} i @param {() => void} redraw */
function entry(i, redraw) {
  const accept = async () => {
    try {
      await ipc.acceptInvariant(i.kind, i.key);
      toast(t("invariant.accepted"));
      redraw();
    } catch (e) { showError(e); }
  };
  const acceptButton = h("button", { type: "button", class: "btn small accept", text: t("invariant.accept"), on: { click: accept } });
  /** @type {(Node|null)[]} */
  let body = [];
  /** @type {(Node|null)[]} */
  let buttons = [];
  if (i.kind === "same_actor") {
    // Which one to keep: a radio group, the first checked.
    const group = newId("keep");
    const radios = i.records.map((r, n) => {
      const id = newId("keep-actor");
      return h("li", {},
        h("input", { type: "radio", name: group, id, value: String(r.id), checked: n === 0 }),
        h("label", { htmlFor: id, text: r.name }),
        " ", openButton(r));
    });
    body = [h("fieldset", { class: "invariant-keep" },
      h("legend", { text: t("invariant.keep") }),
      h("ul", {}, radios))];
    const fieldset = /** @type {HTMLElement} */ (body[0]);
    const mergeButton = h("button", {
      type: "button", class: "btn small primary merge", text: t(i.records.length > 2 ? "invariant.merge_all" : "invariant.merge", { count: i.records.length }),
      on: { click: () => {
        const checked = /** @type {HTMLInputElement|null} */ (fieldset.querySelector("input:checked"));
        if (checked) merge(i, Number(checked.value), redraw);
      } },
    });
    buttons = [mergeButton, acceptButton];
  } else {
    const shown = i.kind === "same_place" && i.parent ? [i.parent] : i.kind === "same_date" && i.parent ? [i.parent] : i.records;
    body = [h("ul", { class: "invariant-records" }, i.records.map((r) => h("li", {}, h("span", { text: r.name }))))];
    const opens = shown.map((r) => openButton(r)).filter(Boolean);
    buttons = i.kind === "same_place"
      ? [h("button", { type: "button", class: "btn small primary reorder", text: t("invariant.reorder"), on: { click: async () => {
        try {
          await ipc.reorderSiblings(i.key);
          toast(t("invariant.reordered"));
          redraw();
        } catch (e) { showError(e); }
      } } }), ...opens, acceptButton]
      : [...opens, acceptButton];
    if (i.kind === "over_funded") body = [];
  }
  return h("li", { class: `conflict invariant ${i.kind}`, attrs: { "data-key": i.key } },
    h("p", { class: "conflict-what" }, h("strong", { text: t(`invariant.kind.${i.kind}`) }), " — ", describe(i)),
    ...body,
    h("div", { class: "conflict-buttons" }, buttons));
}

/**
 * The inbox's anomalies: a heading with their count and the list (or nothing when there are
 * none).
 * @param {Invariant[]} list @param {number} count @param {() => void} redraw
 */
export function invariantSection(list, count, redraw) {
  if (count === 0 && list.length === 0) return null;
  return [
    h("h3", { id: "invariants-title", text: t("invariant.inbox", { count }) }),
    h("p", { class: "hint", text: t("invariant.intro") }),
    h("ul", { class: "conflicts invariants", id: "invariants", attrs: { "aria-labelledby": "invariants-title" } },
      list.map((i) => entry(i, redraw))),
    count > list.length ? h("p", { class: "hint", text: t("invariant.more", { count: count - list.length }) }) : null,
  ];
}
