// A commune's card, the « fiche repères » (issue 27): population, EPCI, its actors by monde,
// its actions, the meetings held there or with its actors and the last one, the team members
// who met it. Each record opens in its section.
import { h, restoreFocus, newId } from "../../core/dom.js";
import { t, label, formatNumber, formatDate } from "../../core/i18n.js";
import { navigate } from "../../core/router.js";
import * as ipc from "../../core/ipc.js";

/**
 * Opens the card of `insee`; `onClose` hears it close.
 * @param {string} insee @param {() => void} onClose
 */
export async function communeCardDialog(insee, onClose) {
  const c = await ipc.communeCard(insee);
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const titleId = newId("commune-card-title");
  /** @param {string} heading @param {number} total @param {HTMLElement[]} items @param {string} id */
  const list = (heading, total, items, id) => h("section", { class: "card-block", id, attrs: { "aria-label": heading } },
    h("h3", { text: `${heading} (${formatNumber(total)})` }),
    items.length ? h("ul", { class: "plain" }, items) : h("p", { class: "muted small", text: t("commune_card.none") }),
    total > items.length ? h("p", { class: "muted small", text: t("commune_card.more", { count: formatNumber(total - items.length) }) }) : null);
  const go = (/** @type {string} */ section, /** @type {any} */ target) => { close(); navigate(section, target); };
  const facts = h("dl", { class: "project-facts" },
    h("div", {}, h("dt", { text: t("commune_card.population") }), h("dd", { text: c.population == null ? "–" : formatNumber(c.population) })),
    h("div", {}, h("dt", { text: t("commune_card.departement") }), h("dd", { text: `${c.departement_name} (${c.departement})` })),
    h("div", {}, h("dt", { text: t("commune_card.epci") }), h("dd", { text: c.epci ?? "–" })),
    h("div", {}, h("dt", { text: t("commune_card.insee") }), h("dd", { text: `${c.insee}${c.postal_codes.length ? ` · ${c.postal_codes.join(", ")}` : ""}` })),
    h("div", {}, h("dt", { text: t("commune_card.last_met") }), h("dd", { id: "commune-card-last", text: c.last_met ? formatDate(c.last_met) : t("map.never_met_short") })));
  const worlds = c.by_world.length
    ? h("p", { class: "small", id: "commune-card-worlds" }, c.by_world.map((w, i) => [i ? " · " : "", h("span", { class: `world world-${w.world}`, text: `${label("world", w.world)} ${formatNumber(w.actors)}` })]))
    : null;
  const closeButton = h("button", { type: "button", class: "btn", id: "commune-card-close", text: t("communes.close") });
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "modal wide", id: "commune-card", attrs: { "aria-labelledby": titleId } },
    h("h2", { id: titleId, text: c.name }),
    c.in_territory ? null : h("p", { class: "muted small", text: t("commune_card.outside") }),
    facts,
    c.actors_total === 0 && c.meetings_total === 0 ? h("p", { class: "badge never-met", id: "commune-card-never", text: t("commune_card.never_met") }) : null,
    worlds,
    h("div", { class: "card-columns" },
      list(t("commune_card.actors"), c.actors_total, c.actors.map((a) => h("li", {},
        h("button", { type: "button", class: "link", text: a.label, on: { click: () => go("actors", { actor: a.id }) } }),
        h("span", { class: "muted small", text: ` ${label("world", a.detail)}` }))), "commune-card-actors"),
      list(t("commune_card.actions"), c.actions_total, c.actions.map((a) => h("li", {},
        h("button", { type: "button", class: "link", text: a.label, on: { click: () => go("actions", { action: a.id }) } }),
        h("span", { class: "muted small", text: ` ${label("action_status", a.detail)}` }))), "commune-card-actions"),
      list(t("commune_card.meetings"), c.meetings_total, c.meetings.map((m) => h("li", {},
        h("button", { type: "button", class: "link", text: `${formatDate(m.detail)} · ${m.label}`, on: { click: () => go("meetings", {}) } }))), "commune-card-meetings"),
      list(t("commune_card.members"), c.members.length, c.members.map((m) => h("li", {},
        h("span", { text: m.name }), h("span", { class: "muted small", text: ` ${t("commune_card.member_meetings", { count: formatNumber(m.meetings) })}` }))), "commune-card-members")),
    h("div", { class: "dialog-buttons" }, closeButton)));
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    dialog.close();
    dialog.remove();
    restoreFocus(opener);
    onClose();
  };
  closeButton.addEventListener("click", close);
  dialog.addEventListener("cancel", (ev) => { ev.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  closeButton.focus();
}
