// "Équipe": the members of the team (the workspace's user is one of them). They appear as
// meeting participants and as the ones who introduce actors to each other.
import { h, replace } from "../../core/dom.js";
import { t, compare } from "../../core/i18n.js";
import { formDialog, confirmDialog, toast, showError, impactDetails } from "../../core/dialogs.js";
import { rgpdDialog } from "../safety/rgpd.js";
import { historyButton } from "../history/history.js";
import * as ipc from "../../core/ipc.js";

/** @typedef {import("../../core/ipc.js").Member} Member */

/** @type {HTMLElement|null} */ let root = null;
/** @type {Member[]} */ let members = [];

/** Loads and draws the team into `container`. */
export async function renderTeam(container) {
  root = container;
  members = await ipc.listMembers();
  draw();
}

// An undo from a history: the members read again.
document.addEventListener("catalyse:undone", () => {
  if (!root?.isConnected) return;
  ipc.listMembers().then((list) => { members = list; draw(); }).catch(showError);
});

function draw() {
  if (!root) return;
  const sorted = [...members].sort((a, b) => compare(a.name, b.name));
  replace(root, h("section", { class: "card", id: "team", attrs: { "aria-labelledby": "team-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "team-title", text: t("team.heading") }),
      h("button", { type: "button", class: "btn primary", id: "add-member", text: t("team.add"), on: { click: () => memberForm(null) } })),
    h("p", { class: "muted", text: t("team.lead") }),
    sorted.length === 0
      ? h("div", { class: "empty", id: "team-empty" }, h("p", { text: t("team.empty") }))
      : h("table", { class: "data", id: "team-table" },
        h("caption", { class: "visually-hidden", text: t("team.heading") }),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", text: t("team.name") }),
          h("th", { scope: "col", text: t("team.role") }),
          h("th", { scope: "col", text: t("team.structure") }),
          h("th", { scope: "col", class: "col-actions" }, h("span", { class: "visually-hidden", text: t("actors.col.actions") })))),
        h("tbody", {}, sorted.map((m) => h("tr", { attrs: { "data-member-id": m.id } },
          h("th", { scope: "row" }, m.name, m.is_user ? h("span", { class: "badge", text: t("team.me") }) : null),
          h("td", { text: m.role }),
          h("td", { text: m.structure }),
          h("td", { class: "col-actions" },
            h("button", { type: "button", class: "btn small", text: t("actors.edit"),
              attrs: { "aria-label": t("team.edit_named", { name: m.name }) }, on: { click: () => memberForm(m) } }),
            h("button", { type: "button", class: "btn small", text: t("rgpd.button"),
              attrs: { "aria-label": t("rgpd.button_named", { name: m.name }) },
              on: { click: () => rgpdDialog({ kind: "member", id: m.id }, m.name, async () => { members = await ipc.listMembers(); draw(); }) } }),
            historyButton("member", m.id, m.name),
            h("button", { type: "button", class: "btn small danger-outline", text: t("team.remove"),
              attrs: { "aria-label": t("team.delete_named", { name: m.name }) }, on: { click: () => removeMember(m) } }))))))));
}

/** @param {Member|null} m */
function memberForm(m) {
  formDialog({
    id: "member-dialog",
    title: m ? t("team.edit_title") : t("team.new_title"),
    submitLabel: m ? t("form.save") : t("form.create"),
    fields: [
      { name: "name", label: t("team.name"), value: m?.name, required: true },
      { name: "role", label: t("team.role"), value: m?.role, half: true },
      { name: "structure", label: t("team.structure"), value: m?.structure, half: true },
      { name: "is_user", label: t("team.is_user_group"), type: "checkboxes",
        options: [{ value: "yes", label: t("team.is_user") }], values: m?.is_user ? ["yes"] : [] },
    ],
    onSubmit: async (v) => {
      const input = { name: v.name, role: v.role, structure: v.structure, is_user: v.is_user.includes("yes") };
      const saved = m ? await ipc.updateMember(m.id, input) : await ipc.createMember(input);
      members = await ipc.listMembers();
      draw();
      toast(t(m ? "team.updated" : "team.created", { name: saved.name }));
    },
  });
}

/** @param {Member} m */
async function removeMember(m) {
  let impact;
  try { impact = await ipc.memberDeleteImpact(m.id); } catch (e) { showError(e); return; }
  const ok = await confirmDialog({
    title: t("team.confirm_delete_title"),
    message: t(impact.effects.length ? "team.confirm_delete_impact" : "team.confirm_delete", { name: m.name }),
    details: impactDetails(impact),
    confirmLabel: t("confirm.delete"),
  });
  if (!ok) return;
  try {
    await ipc.deleteMember(m.id);
    members = members.filter((x) => x.id !== m.id);
    draw();
    toast(t("team.deleted", { name: m.name }));
  } catch (e) { showError(e); }
}
