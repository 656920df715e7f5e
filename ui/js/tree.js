// "Arborescence": the project as a tree, needs → strategic axes → actions.
import { h, replace } from "./dom.js";
import { t, label } from "./i18n.js";
import * as ipc from "./ipc.js";

/** Loads the project's structure and draws the tree into `container`. */
export async function renderTree(container) {
  const [needs, axes, actions] = await Promise.all([ipc.listNeeds(), ipc.listAxes(), ipc.listActions()]);
  const actionItem = (a) => h("li", { class: "tree-action" },
    h("span", { class: "tree-kind", text: t("tree.action") }), " ", a.title, " ",
    h("span", { class: `astatus astatus-${a.status}`, text: label("action_status", a.status) }));
  const axisNode = (x, open) => {
    const items = actions.filter((a) => a.axis_id === x.id);
    return h("li", { class: "tree-axis" },
      h("details", { open },
        h("summary", {}, h("span", { class: "tree-kind", text: t("tree.axis") }), " ", x.title,
          h("span", { class: "muted small", text: ` — ${t("tree.actions_count", { count: items.length })}` })),
        items.length ? h("ul", {}, items.map(actionItem)) : h("p", { class: "muted small tree-empty", text: t("tree.no_actions") })));
  };
  const orphanAxes = axes.filter((x) => x.need_ids.length === 0);
  const loose = actions.filter((a) => a.axis_id === null);
  const tree = h("ul", { class: "tree", id: "tree" },
    needs.map((n) => {
      const linked = axes.filter((x) => x.need_ids.includes(n.id));
      return h("li", { class: "tree-need" },
        h("details", { open: true },
          h("summary", {}, h("span", { class: "tree-kind", text: t("tree.need") }), " ", n.title, " ",
            h("span", { class: `priority priority-${n.priority}`, text: label("priority", n.priority) })),
          linked.length ? h("ul", {}, linked.map((x) => axisNode(x, true))) : h("p", { class: "muted small tree-empty", text: t("tree.no_axes") })));
    }),
    orphanAxes.length ? h("li", { class: "tree-need" }, h("details", { open: true },
      h("summary", { text: t("tree.axes_without_need") }), h("ul", {}, orphanAxes.map((x) => axisNode(x, true))))) : null,
    loose.length ? h("li", { class: "tree-need" }, h("details", { open: true },
      h("summary", { text: t("tree.actions_without_axis") }), h("ul", {}, loose.map(actionItem)))) : null);
  replace(container, h("section", { class: "card", id: "tree-card", attrs: { "aria-labelledby": "tree-title" } },
    h("h2", { id: "tree-title", text: t("tree.heading") }),
    h("p", { class: "muted small", text: t("tree.help") }),
    needs.length || axes.length || actions.length ? tree : h("p", { class: "empty", text: t("tree.empty") })));
}
