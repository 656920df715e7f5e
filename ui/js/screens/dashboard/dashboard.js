// "Tableau de bord", the home screen of a workspace: actions by status and by practice,
// the project's funding, the next deadlines. Every chart has a table with the same figures.
import { h } from "../../core/dom.js";
import { t, label, formatDate, formatMoney } from "../../core/i18n.js";
import * as ipc from "../../core/ipc.js";

/** @typedef {import("../../core/ipc.js").Dashboard} Dashboard */

/**
 * A horizontal bar chart of counts, with its table alternative.
 * @param {string} id @param {string} title @param {Array<{code: string, count: number}>} rows
 * @param {(code: string) => string} name
 */
function barChart(id, title, rows, name) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return h("section", { class: "card dash-card", id, attrs: { "aria-labelledby": `${id}-title` } },
    h("h2", { id: `${id}-title`, text: title }),
    h("div", { class: "bars", attrs: { "aria-hidden": "true" } }, rows.map((r) => {
      const fill = h("span", { class: `bar-fill bar-${r.code}` });
      fill.style.width = `${(r.count / max) * 100}%`;
      return h("div", { class: "bar-row" },
        h("span", { class: "bar-label", text: name(r.code) }),
        h("span", { class: "bar-track" }, fill),
        h("span", { class: "bar-value", text: String(r.count) }));
    })),
    h("details", { class: "table-alt" },
      h("summary", { text: t("dashboard.as_table") }),
      h("table", { class: "data compact" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("dashboard.category") }), h("th", { scope: "col", class: "num", text: t("dashboard.count") }))),
        h("tbody", {}, rows.map((r) => h("tr", {}, h("th", { scope: "row", text: name(r.code) }), h("td", { class: "num", text: String(r.count) })))))));
}

/** @param {Dashboard} db */
function fundingCard(db) {
  const total = Math.max(db.budget_cents, db.granted_cents + db.requested_cents, 1);
  const seg = (cls, cents) => {
    const el = h("span", { class: `seg ${cls}` });
    el.style.width = `${(Math.max(cents, 0) / total) * 100}%`;
    return el;
  };
  const over = db.gap_cents < 0;
  const figures = [
    ["budget", db.budget_cents], ["granted", db.granted_cents], ["requested", db.requested_cents],
    [over ? "over" : "gap", Math.abs(db.gap_cents)], ["considered", db.considered_cents],
  ];
  return h("section", { class: "card dash-card dash-wide", id: "dash-funding", attrs: { "aria-labelledby": "dash-funding-title" } },
    h("h2", { id: "dash-funding-title", text: t("dashboard.funding") }),
    h("div", { class: "stacked", attrs: { "aria-hidden": "true" } },
      seg("seg-granted", db.granted_cents), seg("seg-requested", db.requested_cents), seg("seg-gap", db.gap_cents)),
    h("dl", { class: "plan-figures" }, figures.map(([k, v]) => h("div", { class: `plan-${k === "over" ? "gap over" : k}` },
      h("dt", {}, k === "budget" || k === "considered" ? null : h("span", { class: `key seg-${k === "over" ? "gap" : k}` }),
        t(k === "over" ? "action.plan.over" : `action.plan.${k}`)),
      h("dd", { id: `dash-${k}`, text: formatMoney(/** @type {number} */ (v)) })))),
    h("p", { class: "muted small", text: t("dashboard.funding_note") }));
}

/** @param {Dashboard} db */
function deadlinesCard(db) {
  return h("section", { class: "card dash-card", id: "dash-deadlines", attrs: { "aria-labelledby": "dash-deadlines-title" } },
    h("h2", { id: "dash-deadlines-title", text: t("dashboard.deadlines") }),
    db.deadlines.length
      ? h("ol", { class: "deadlines" }, db.deadlines.map((d) => h("li", {},
        h("span", { class: "deadline-date", text: formatDate(d.date) }),
        h("span", { class: "deadline-what" },
          h("strong", { text: t(`dashboard.deadline.${d.kind}`) }), " — ", d.action_title,
          d.detail ? h("span", { class: "muted", text: ` (${d.detail})` }) : null))))
      : h("p", { class: "muted", text: t("dashboard.no_deadlines") }));
}

function contactsCard() {
  return h("section", { class: "card dash-card", id: "dash-contacts", attrs: { "aria-labelledby": "dash-contacts-title" } },
    h("h2", { id: "dash-contacts-title", text: t("dashboard.quiet_actors") }),
    h("p", { class: "muted", text: t("dashboard.quiet_actors_pending") }));
}

/** The dashboard cards (the project header is drawn by the caller). */
export async function dashboardCards() {
  const db = await ipc.dashboard();
  return h("div", { class: "dash-grid", id: "dashboard" },
    fundingCard(db),
    barChart("dash-status", t("dashboard.by_status"), db.by_status, (c) => label("action_status", c)),
    barChart("dash-practice", t("dashboard.by_practice"), db.by_practice,
      (c) => (c === "none" ? t("actions.filter_none") : label("practice", c))),
    deadlinesCard(db),
    db.meetings_recorded ? null : contactsCard());
}
