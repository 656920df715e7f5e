// "Calendrier": a Gantt-like timeline of the actions by axis, with today's line; actions
// without dates are listed apart, and a table gives the same information without the chart.
import { h, replace } from "../../core/dom.js";
import { t, label, formatDate, formatNumber } from "../../core/i18n.js";
import * as ipc from "../../core/ipc.js";
import { showError } from "../../core/dialogs.js";
import { ActionStatus } from "../../../bindings/codes.js";

/** @typedef {import("../../core/ipc.js").Action} Action */

const DAY = 86400000;
const toMs = (iso) => Date.parse(`${iso}T00:00:00Z`);

/** Dated actions drawn per page, and undated ones named. */
const STEP = 100;
const UNDATED = 50;

/** A query for the actions with (or without) a date, by axis then first date. @returns {import("../../core/ipc.js").ActionListQuery} */
const query = (dated, offset, limit) => ({
  filter: "", status: null, axis: "any", practice: "any", engineering: "any", lead: "any",
  dated, sort: "timeline", descending: false, offset, limit, count: true,
});

/**
 * Loads the actions and axes and draws the timeline into `container`, a page of actions at a
 * time.
 * @param {HTMLElement} container
 * @param {Date} [today] the day the line marks (tests and screenshots may fix it)
 * @param {number} [offset] the first dated action drawn
 */
export async function renderTimeline(container, today = new Date(), offset = 0) {
  const [dated, undated, axes] = await Promise.all([
    ipc.actionPage(query(true, offset, STEP)), ipc.actionPage(query(false, 0, UNDATED)), ipc.listAxes()]);
  const total = dated.matched ?? 0;
  const go = (/** @type {number} */ to) => {
    renderTimeline(container, today, to)
      .then(() => document.getElementById(to > offset ? "timeline-next" : "timeline-prev")?.focus())
      .catch(showError);
  };
  const pager = total > STEP ? h("div", { class: "toolbar pager", id: "timeline-pager" },
    h("button", { type: "button", class: "btn small", id: "timeline-prev", disabled: offset === 0, text: t("timeline.prev"),
      on: { click: () => go(Math.max(0, offset - STEP)) } }),
    h("span", { class: "muted small", attrs: { "aria-live": "polite" }, text: t("timeline.page", {
      from: formatNumber(offset + 1), to: formatNumber(Math.min(total, offset + STEP)), total: formatNumber(total) }) }),
    h("button", { type: "button", class: "btn small", id: "timeline-next", disabled: offset + STEP >= total, text: t("timeline.next"),
      on: { click: () => go(offset + STEP) } })) : null;
  replace(container, timeline(dated.rows.map((r) => r.action), undated.rows.map((r) => r.action), undated.matched ?? 0, axes, today, pager));
}

/**
 * @param {Action[]} dated the page of dated actions
 * @param {Action[]} undated the first undated ones
 * @param {number} undatedCount how many actions have no date
 * @param {import("../../core/ipc.js").Axis[]} axes
 * @param {Date} today
 * @param {HTMLElement|null} pager
 */
function timeline(dated, undated, undatedCount, axes, today, pager) {
  const todayMs = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const starts = dated.map((a) => toMs(a.start_date ?? a.end_date));
  const ends = dated.map((a) => toMs(a.end_date ?? a.start_date) + DAY);
  const first = new Date(Math.min(todayMs, ...starts));
  const last = new Date(Math.max(todayMs, ...ends));
  const from = Date.UTC(first.getUTCFullYear(), 0, 1);
  const to = Date.UTC(last.getUTCFullYear() + 1, 0, 1);
  const pct = (ms) => `${(((ms - from) / (to - from)) * 100).toFixed(3)}%`;
  const years = [];
  for (let y = new Date(from).getUTCFullYear(); y < new Date(to).getUTCFullYear(); y++) years.push(y);

  const track = (...children) => {
    const el = h("div", { class: "tl-track" }, years.map((y) => {
      const tick = h("span", { class: "tl-grid" });
      tick.style.left = pct(Date.UTC(y, 0, 1));
      return tick;
    }), children);
    const line = h("span", { class: "tl-today", attrs: { "aria-hidden": "true" } });
    line.style.left = pct(todayMs);
    el.append(line);
    return el;
  };
  const bar = (a) => {
    const s = toMs(a.start_date ?? a.end_date);
    const e = toMs(a.end_date ?? a.start_date) + DAY;
    const el = h("span", { class: `tl-bar astatus-${a.status}`, attrs: {
      title: `${a.title} — ${formatDate(a.start_date) || "…"} → ${formatDate(a.end_date) || "…"}`,
    } });
    el.style.left = pct(s);
    el.style.width = `max(6px, ${(((e - s) / (to - from)) * 100).toFixed(3)}%)`;
    return el;
  };
  const groups = [...axes.map((x) => ({ id: x.id, title: x.title })), { id: null, title: t("actions.no_axis") }]
    .map((g) => ({ ...g, items: dated.filter((a) => a.axis_id === g.id)
      .sort((a, b) => (a.start_date ?? a.end_date).localeCompare(b.start_date ?? b.end_date)) }))
    .filter((g) => g.items.length);

  const yearHead = h("div", { class: "tl-row tl-head", attrs: { "aria-hidden": "true" } },
    h("div", { class: "tl-label" }),
    h("div", { class: "tl-track tl-years" }, years.map((y) => {
      const el = h("span", { class: "tl-year", text: String(y) });
      el.style.left = pct(Date.UTC(y, 0, 1));
      el.style.width = pct(Date.UTC(y + 1, 0, 1) - (Date.UTC(y, 0, 1) - from));
      return el;
    })));
  const chart = h("div", { class: "tl", id: "timeline-chart", attrs: { role: "img", "aria-label": t("timeline.chart_label") } },
    yearHead,
    groups.map((g) => [
      h("div", { class: "tl-axis", text: g.title }),
      g.items.map((a) => h("div", { class: "tl-row", attrs: { "data-action-id": a.id } },
        h("div", { class: "tl-label", text: a.title }),
        track(bar(a)))),
    ]));
  const legend = h("p", { class: "tl-legend muted small" },
    ActionStatus.map((s) => h("span", { class: "tl-key" },
      h("span", { class: `tl-swatch tl-bar-key astatus-${s}` }), label("action_status", s))),
    h("span", { class: "tl-key" }, h("span", { class: "tl-today-key" }),
      t("timeline.today", { date: formatDate(new Date(todayMs).toISOString().slice(0, 10)) })));

  const table = h("details", { class: "table-alt" },
    h("summary", { text: t("timeline.table") }),
    h("table", { class: "data compact", id: "timeline-table" },
      h("thead", {}, h("tr", {}, ["axis", "title", "status", "start_date", "end_date"].map((k) =>
        h("th", { scope: "col", text: t(`timeline.col.${k}`) })))),
      h("tbody", {}, groups.flatMap((g) => g.items.map((a) => h("tr", {},
        h("td", { text: g.title }),
        h("th", { scope: "row", text: a.title }),
        h("td", { text: label("action_status", a.status) }),
        h("td", { text: formatDate(a.start_date) }),
        h("td", { text: formatDate(a.end_date) })))))));

  return h("section", { class: "card", id: "timeline", attrs: { "aria-labelledby": "timeline-title" } },
    h("h2", { id: "timeline-title", text: t("timeline.heading") }),
    dated.length ? [pager, legend, chart, table] : h("p", { class: "empty", text: t("timeline.empty") }),
    undated.length ? h("div", { class: "tl-undated", id: "timeline-undated" },
      h("h3", { class: "small-heading", text: t("timeline.undated") }),
      h("ul", {}, undated.map((a) => h("li", { text: a.title }))),
      undatedCount > undated.length
        ? h("p", { class: "muted small", text: t("timeline.undated_more", { count: formatNumber(undatedCount - undated.length) }) }) : null) : null);
}
