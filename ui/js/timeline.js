// "Calendrier": a Gantt-like timeline of the actions by axis, with today's line; actions
// without dates are listed apart, and a table gives the same information without the chart.
import { h, replace } from "./dom.js";
import { t, label, formatDate } from "./i18n.js";
import * as ipc from "./ipc.js";

/** @typedef {import("./ipc.js").Action} Action */

const DAY = 86400000;
const toMs = (iso) => Date.parse(`${iso}T00:00:00Z`);

/**
 * Loads the actions and axes and draws the timeline into `container`.
 * @param {HTMLElement} container
 * @param {Date} [today] the day the line marks (tests and screenshots may fix it)
 */
export async function renderTimeline(container, today = new Date()) {
  const [actions, axes] = await Promise.all([ipc.listActions(), ipc.listAxes()]);
  replace(container, timeline(actions, axes, today));
}

/**
 * @param {Action[]} actions
 * @param {import("./ipc.js").Axis[]} axes
 * @param {Date} today
 */
function timeline(actions, axes, today) {
  const dated = actions.filter((a) => a.start_date || a.end_date);
  const undated = actions.filter((a) => !a.start_date && !a.end_date);
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
    ["idea", "preparing", "ongoing", "done", "abandoned"].map((s) => h("span", { class: "tl-key" },
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
    dated.length ? [legend, chart, table] : h("p", { class: "empty", text: t("timeline.empty") }),
    undated.length ? h("div", { class: "tl-undated", id: "timeline-undated" },
      h("h3", { class: "small-heading", text: t("timeline.undated") }),
      h("ul", {}, undated.map((a) => h("li", { text: a.title })))) : null);
}
