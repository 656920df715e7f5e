// The map's figures as a sortable table (issue 27): each commune of the territory with its
// population, actors, actions, meetings, hours, last meeting and the map's measure, sorted in
// Rust, read by pages; « only those never met » is the list of the communes nobody has met,
// exportable as CSV. A commune's name opens its card.
import { h, replace } from "../../core/dom.js";
import { t, formatNumber, formatDecimal, formatDate } from "../../core/i18n.js";
import { showError, toast } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";

/** Rows read per page. */
const PAGE = 200;
/** @type {import("../../core/ipc.js").FiguresSort[]} */
const COLUMNS = ["name", "population", "actors", "actions", "met", "minutes", "last_met", "value"];

/** « 1 commune », « 3 communes ». @param {number} n */
export function communes(n) {
  return t(n === 1 ? "map.one_commune" : "map.communes", { count: formatNumber(n) });
}

/**
 * @param {{query: () => import("../../core/ipc.js").MapQuery, open: (insee: string) => void}} opts
 */
export function figuresTable(opts) {
  const state = {
    /** @type {import("../../core/ipc.js").FiguresSort} */
    sort: "name",
    descending: false,
    neverOnly: false,
    shown: PAGE,
  };
  const body = h("tbody");
  const head = h("thead");
  const more = h("div", { class: "table-more" });
  const count = h("p", { class: "muted small", id: "figures-count", attrs: { "aria-live": "polite" } });
  const neverOnly = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", id: "figures-never-only" }));
  neverOnly.addEventListener("change", () => { state.neverOnly = neverOnly.checked; state.shown = PAGE; refresh().catch(showError); });
  const exportButton = h("button", { type: "button", class: "btn small", id: "figures-export", text: t("figures.export"),
    on: { click: () => { exportList().catch(showError); } } });
  const element = h("section", { class: "figures", id: "territory-figures", attrs: { "aria-labelledby": "figures-title" } },
    h("div", { class: "section-head" },
      h("h3", { id: "figures-title", text: t("figures.title") }),
      h("div", { class: "filters" },
        h("label", { class: "check" }, neverOnly, ` ${t("figures.never_only")}`),
        exportButton)),
    count,
    h("div", { class: "table-scroll" },
      h("table", { class: "data compact", id: "figures-table" },
        h("caption", { class: "visually-hidden", text: t("figures.title") }), head, body)),
    more);

  const sortHead = (/** @type {import("../../core/ipc.js").FiguresSort} */ key) => {
    const active = state.sort === key;
    const text = key === "value" ? t(`map.measure.${opts.query().measure}`) : t(`figures.col.${key}`);
    return h("th", { scope: "col", class: key === "name" || key === "last_met" ? "" : "num", attrs: { "aria-sort": active ? (state.descending ? "descending" : "ascending") : "none" } },
      h("button", { type: "button", class: "sort", id: `fsort-${key}`, on: { click: () => {
        if (state.sort === key) state.descending = !state.descending;
        else { state.sort = key; state.descending = key !== "name"; }
        refresh().then(() => document.getElementById(`fsort-${key}`)?.focus()).catch(showError);
      } } }, text,
      h("span", { class: "sort-mark", attrs: { "aria-hidden": "true" }, text: active ? (state.descending ? " ▼" : " ▲") : "" })));
  };

  const refresh = async () => {
    const q = opts.query();
    const page = await ipc.communeFiguresPage(q, state.sort, state.descending, state.neverOnly, 0, state.shown);
    replace(head, h("tr", {}, COLUMNS.map(sortHead)));
    replace(body, page.rows.map((r) => h("tr", { attrs: { "data-insee": r.insee } },
      h("th", { scope: "row" }, h("button", { type: "button", class: "link", text: r.name,
        attrs: { "aria-label": t("figures.open", { name: r.name }) }, on: { click: () => opts.open(r.insee) } }),
        r.actors === 0 && r.met === 0 ? h("span", { class: "badge never-met", text: t("map.never_met_short") }) : null),
      h("td", { class: "num", text: r.population == null ? "–" : formatNumber(r.population) }),
      h("td", { class: "num", text: formatNumber(r.actors) }),
      h("td", { class: "num", text: formatNumber(r.actions) }),
      h("td", { class: "num", text: formatNumber(r.met) }),
      h("td", { class: "num", text: formatDecimal(r.minutes / 60, 1) }),
      h("td", { text: r.last_met ? formatDate(r.last_met) : "–" }),
      h("td", { class: "num", text: q.measure === "never_met" ? (r.value > 0 ? t("map.never_met_yes") : t("map.never_met_no")) : formatDecimal(r.value, q.measure === "hours" ? 1 : 0) }))));
    count.textContent = state.neverOnly
      ? t("figures.count_never", { communes: communes(page.total) })
      : t("figures.count", { communes: communes(page.total), never: formatNumber(page.never_met) });
    replace(more, page.total > page.rows.length
      ? h("button", { type: "button", class: "btn small", id: "figures-more", text: t("figures.more", { count: formatNumber(page.total - page.rows.length) }),
        on: { click: () => { state.shown += PAGE; refresh().catch(showError); } } })
      : null);
  };

  /** Saves the list shown (all its pages) as CSV. */
  const exportList = async () => {
    const done = await ipc.exportCommunes(opts.query(), state.neverOnly, t("figures.export_title"));
    if (done) toast(t("figures.exported", { name: done.name, count: formatNumber(done.rows) }));
  };

  return {
    element,
    refresh,
    /** Shows only the communes never met, and brings the table into view. */
    showNeverMet() {
      neverOnly.checked = true;
      state.neverOnly = true;
      state.shown = PAGE;
      refresh().then(() => { element.scrollIntoView({ block: "start" }); neverOnly.focus(); }).catch(showError);
    },
  };
}
