// "Arborescence": the project as a tree, needs → strategic axes → actions. The axes say how
// many actions they hold; an axis's actions are read from Rust when it is opened, a page at a
// time, so that a plan of any size opens at once.
import { h, replace } from "../../core/dom.js";
import { t, label, formatNumber } from "../../core/i18n.js";
import * as ipc from "../../core/ipc.js";
import { showError } from "../../core/dialogs.js";

/** Actions read at a time under one axis. */
const STEP = 50;
/** Up to this many actions in all, every axis opens with its actions shown. */
const OPEN_ALL = 200;

/**
 * Loads the project's structure and draws the tree into `container`.
 * @param {HTMLElement} container
 */
export async function renderTree(container) {
  const [needs, axes, counts] = await Promise.all([ipc.listNeeds(), ipc.listAxes(), ipc.axisActionCounts()]);
  const countOf = (/** @type {number|null} */ id) => counts.find((c) => c.axis_id === id)?.count ?? 0;
  const total = counts.reduce((n, c) => n + c.count, 0);
  const openAll = total <= OPEN_ALL;

  /** @param {import("../../core/ipc.js").Action} a */
  const actionItem = (a) => h("li", { class: "tree-action" },
    h("span", { class: "tree-kind", text: t("tree.action") }), " ", a.title, " ",
    h("span", { class: `astatus astatus-${a.status}`, text: label("action_status", a.status) }));

  /** The actions under one axis (null: without an axis), read when first shown. */
  const actionList = (/** @type {number|null} */ axisId, /** @type {number} */ count) => {
    const ul = h("ul", {});
    const more = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn small tree-more", hidden: true }));
    let shown = 0;
    let busy = false;
    const next = async () => {
      if (busy) return;
      busy = true;
      try {
        const page = await ipc.actionPage({
          filter: "", status: null, axis: axisId === null ? "none" : { is: axisId }, practice: "any", engineering: "any",
          lead: "any", dated: null, sort: "axis", descending: false, offset: shown, limit: STEP, count: false,
        });
        ul.append(...page.rows.map((r) => actionItem(r.action)));
        shown += page.rows.length;
        more.hidden = shown >= count;
        more.textContent = t("tree.more", { count: formatNumber(Math.min(STEP, count - shown)), total: formatNumber(count) });
      } finally { busy = false; }
    };
    more.addEventListener("click", () => next().catch(showError));
    return { element: h("div", {}, ul, more), next };
  };

  /** @type {Promise<void>[]} */
  const pending = [];
  /** @param {number|null} axisId @param {Array<HTMLElement|string>} head the summary's content */
  const axisDetails = (axisId, head) => {
    const count = countOf(axisId);
    if (count === 0) {
      return h("details", { open: true }, h("summary", {}, ...head), h("p", { class: "muted small tree-empty", text: t("tree.no_actions") }));
    }
    const list = actionList(axisId, count);
    const details = /** @type {HTMLDetailsElement} */ (h("details", { open: openAll }, h("summary", {}, ...head), list.element));
    let loaded = openAll;
    details.addEventListener("toggle", () => { if (details.open && !loaded) { loaded = true; list.next().catch(showError); } });
    // A small plan is drawn whole, once its actions are read.
    if (openAll) pending.push(list.next());
    return details;
  };

  /** @param {import("../../core/ipc.js").Axis} x */
  const axisNode = (x) => h("li", { class: "tree-axis" }, axisDetails(x.id, [
    h("span", { class: "tree-kind", text: t("tree.axis") }), " ", x.title,
    h("span", { class: "muted small", text: ` — ${t("tree.actions_count", { count: formatNumber(countOf(x.id)) })}` })]));

  const orphanAxes = axes.filter((x) => x.need_ids.length === 0);
  const loose = countOf(null);
  const tree = h("ul", { class: "tree", id: "tree" },
    needs.map((n) => {
      const linked = axes.filter((x) => x.need_ids.includes(n.id));
      return h("li", { class: "tree-need" },
        h("details", { open: true },
          h("summary", {}, h("span", { class: "tree-kind", text: t("tree.need") }), " ", n.title, " ",
            h("span", { class: `priority priority-${n.priority}`, text: label("priority", n.priority) })),
          linked.length ? h("ul", {}, linked.map(axisNode)) : h("p", { class: "muted small tree-empty", text: t("tree.no_axes") })));
    }),
    orphanAxes.length ? h("li", { class: "tree-need" }, h("details", { open: true },
      h("summary", { text: t("tree.axes_without_need") }), h("ul", {}, orphanAxes.map(axisNode)))) : null,
    loose ? h("li", { class: "tree-need" }, axisDetails(null, [t("tree.actions_without_axis"),
      h("span", { class: "muted small", text: ` — ${t("tree.actions_count", { count: formatNumber(loose) })}` })])) : null);
  await Promise.all(pending);
  replace(container, h("section", { class: "card", id: "tree-card", attrs: { "aria-labelledby": "tree-title" } },
    h("h2", { id: "tree-title", text: t("tree.heading") }),
    h("p", { class: "muted small", text: t("tree.help") }),
    needs.length || axes.length || total ? tree : h("p", { class: "empty", text: t("tree.empty") })));
}
