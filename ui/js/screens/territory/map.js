// « Territoire » (issue 27): the territory's communes on a map coloured by a measure (actors,
// of a monde or all; actions; granted funding; meetings and their hours, links made over a
// period), the legend's classes with their bounds, the communes never met in red and their
// list one click away; the same figures as a sortable table; a commune's card on a click.
// Shapes are read in pages and drawn as they arrive; the values are computed in Rust.
import { h, replace } from "../../core/dom.js";
import { t, label, formatNumber, formatDecimal } from "../../core/i18n.js";
import { showError, toast } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { World as WORLDS } from "../../../bindings/codes.js";
import { mapCanvas, wireCanvas, CLASS_FILLS, NEVER_MET_FILL } from "./canvas.js";
import { figuresTable, communes } from "./figures.js";
import { communeCardDialog } from "./card.js";
import { contoursDialog } from "./contours.js";
import { communesFact } from "./communes.js";

/** Shapes read per call. */
const SHAPES_PAGE = 2000;
/** @type {import("../../core/ipc.js").MapMeasure[]} */
const MEASURES = ["actors", "actions", "funding", "meetings", "hours", "links", "never_met"];
/** The measures over a period. */
const PERIODIC = new Set(["meetings", "hours", "links"]);

/** @type {ResizeObserver|null} */
let observer = null;

/** What the section shows (kept while the workspace stays open). */
const view = {
  /** @type {import("../../core/ipc.js").MapQuery} */
  query: { measure: "actors", world: null, from: null, to: null },
  /** @type {string|null} */
  selected: null,
};

/** A value as the legend and tooltip say it. @param {string} measure @param {number} v */
export function formatValue(measure, v) {
  if (measure === "hours") return formatDecimal(v, 1);
  if (measure === "funding") return `${formatNumber(Math.round(v))} €`;
  if (measure === "never_met") return v > 0 ? t("map.never_met_yes") : t("map.never_met_no");
  return formatNumber(v);
}

/** Draws the section. @param {HTMLElement} container */
export async function renderTerritory(container) {
  const frame = await ipc.mapFrame();
  /** Each commune's value and class under the measure shown. @type {Map<string, {value: number, class: number}>} */
  let byCommune = new Map();
  /** @type {Set<string>} */
  let never = new Set();
  /** @type {import("../../core/ipc.js").MapValues|null} */
  let values = null;
  const status = h("p", { class: "muted small", id: "map-status", attrs: { "aria-live": "polite" } });
  const legend = h("div", { class: "map-legend", id: "map-legend" });
  const tooltip = h("div", { class: "map-tooltip", id: "map-tooltip", hidden: true, attrs: { "aria-hidden": "true" } });
  const map = mapCanvas({
    label: t("map.canvas_label", { count: formatNumber(frame.with_contour) }),
    classOf: (insee) => byCommune.get(insee)?.class ?? 0,
    neverMet: (insee) => never.has(insee),
    selected: () => view.selected,
  });
  map.setBounds(frame.bounds);
  const table = figuresTable({ query: () => view.query, open: (insee) => openCard(insee) });
  const openCard = (/** @type {string} */ insee) => {
    view.selected = insee;
    map.redraw();
    communeCardDialog(insee, () => { view.selected = null; map.redraw(); }).catch(showError);
  };
  wireCanvas(map, (d) => openCard(d.insee), (d, x, y) => {
    if (!d || !values) { tooltip.hidden = true; return; }
    const v = byCommune.get(d.insee);
    tooltip.textContent = `${d.name} · ${formatValue(view.query.measure, v?.value ?? 0)}${never.has(d.insee) ? ` · ${t("map.never_met_short")}` : ""}`;
    tooltip.style.left = `${x + 14}px`;
    tooltip.style.top = `${y + 10}px`;
    tooltip.hidden = false;
  });

  const measure = async () => {
    values = await ipc.mapValues(view.query);
    byCommune = new Map(values.values.map((v) => [v.insee, v]));
    drawLegend(legend, values, () => table.showNeverMet());
    map.invalidate();
    map.redraw();
    await table.refresh();
  };

  const controls = mapControls(() => { measure().catch(showError); });
  const empty = !frame.communes || !frame.with_contour;
  const section = h("section", { class: "card", id: "territory-map-card", attrs: { "aria-labelledby": "territory-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "territory-title", text: t("map.title") }),
      h("div", { class: "filters" },
        h("button", { type: "button", class: "btn small", id: "contours-open", text: t("contours.open"),
          on: { click: () => { contoursDialog(() => renderTerritory(container)).catch(showError); } } }))),
    h("dl", { class: "project-facts" }, communesFact(() => renderTerritory(container))),
    empty ? h("p", { class: "empty", id: "map-empty", text: frame.communes ? t("map.no_contours") : t("map.no_communes") }) : null,
    empty ? null : controls,
    empty ? null : h("div", { class: "map-layout" },
      h("div", { class: "map-stage" }, map.canvas, tooltip,
        h("div", { class: "map-zoom" },
          h("button", { type: "button", class: "btn small", text: "+", attrs: { "aria-label": t("network.zoom_in") }, on: { click: () => map.zoomAt(1.25, map.canvas.clientWidth / 2, map.canvas.clientHeight / 2) } }),
          h("button", { type: "button", class: "btn small", text: "−", attrs: { "aria-label": t("network.zoom_out") }, on: { click: () => map.zoomAt(0.8, map.canvas.clientWidth / 2, map.canvas.clientHeight / 2) } }),
          h("button", { type: "button", class: "btn small", id: "territory-map-reset", text: t("network.reset"), on: { click: () => map.fit() } }))),
      h("aside", { class: "map-side" }, legend,
        h("div", { class: "filters" },
          h("button", { type: "button", class: "btn small", id: "map-export-svg", text: t("map.export_svg"), on: { click: () => { exportMap(false).catch(showError); } } }),
          h("button", { type: "button", class: "btn small", id: "map-export-png", text: t("map.export_png"), on: { click: () => { exportMap(true).catch(showError); } } })),
        h("p", { class: "muted small", text: t("map.help") }))),
    empty ? null : status,
    empty ? null : table.element);
  replace(container, section);
  if (empty) return;
  requestAnimationFrame(() => map.fit());
  // One observer for the map on screen: the previous map's is let go.
  observer?.disconnect();
  observer = new ResizeObserver(() => { if (map.canvas.isConnected) map.redraw(); else observer?.disconnect(); });
  observer.observe(map.canvas);
  const nm = await ipc.mapValues({ measure: "never_met", world: null, from: null, to: null });
  never = new Set(nm.values.filter((v) => v.value > 0).map((v) => v.insee));
  map.invalidate();
  await measure();
  // The shapes, page after page: each is painted over the map as it comes; the whole map
  // is drawn once at the end.
  for (let offset = 0; offset < frame.with_contour; offset += SHAPES_PAGE) {
    status.textContent = t("map.loading", { done: formatNumber(offset), total: formatNumber(frame.with_contour) });
    const page = await ipc.mapShapes(offset, SHAPES_PAGE);
    if (!map.canvas.isConnected) return;
    const added = map.add(page);
    const last = page.length < SHAPES_PAGE || offset + SHAPES_PAGE >= frame.with_contour;
    if (last) {
      map.redraw();
      break;
    }
    map.paint(added);
  }
  status.textContent = t("map.loaded", { count: formatNumber(map.communes.length), total: formatNumber(frame.communes) });
}

/** Saves the map shown as SVG or PNG. @param {boolean} png */
async function exportMap(png) {
  const done = await ipc.exportMap(view.query, png, t("map.export_title"));
  if (done) toast(t("map.exported", { name: done.name }));
}

/** The measure, monde and period controls. @param {() => void} changed */
function mapControls(changed) {
  const q = view.query;
  const measure = /** @type {HTMLSelectElement} */ (h("select", { id: "map-measure" },
    MEASURES.map((m) => h("option", { value: m, text: t(`map.measure.${m}`), selected: q.measure === m }))));
  const world = /** @type {HTMLSelectElement} */ (h("select", { id: "map-world" },
    h("option", { value: "", text: t("map.all_worlds") }),
    WORLDS.map((w) => h("option", { value: w, text: label("world", w), selected: q.world === w }))));
  const from = /** @type {HTMLInputElement} */ (h("input", { type: "date", id: "map-from", value: q.from ?? "" }));
  const to = /** @type {HTMLInputElement} */ (h("input", { type: "date", id: "map-to", value: q.to ?? "" }));
  const labelled = (/** @type {string} */ id, /** @type {string} */ text, /** @type {HTMLElement} */ control) =>
    h("div", { class: "field inline" }, h("label", { attrs: { for: id }, text }), control);
  const worldField = labelled("map-world", t("map.world"), world);
  const fromField = labelled("map-from", t("map.from"), from);
  const toField = labelled("map-to", t("map.to"), to);
  // Only what the measure uses is shown: the monde for actors, the period for meetings and links.
  const enable = () => {
    worldField.hidden = q.measure !== "actors";
    fromField.hidden = toField.hidden = !PERIODIC.has(q.measure);
  };
  enable();
  measure.addEventListener("change", () => { q.measure = /** @type {any} */ (measure.value); enable(); changed(); });
  world.addEventListener("change", () => { q.world = /** @type {any} */ (world.value || null); changed(); });
  from.addEventListener("change", () => { q.from = from.value || null; changed(); });
  to.addEventListener("change", () => { q.to = to.value || null; changed(); });
  return h("div", { class: "map-controls", id: "map-controls" },
    labelled("map-measure", t("map.measure"), measure), worldField, fromField, toField);
}

/**
 * The legend: the measure, its classes with their bounds and counts, « none », and the
 * communes never met with the button that lists them.
 * @param {HTMLElement} legend @param {import("../../core/ipc.js").MapValues} v @param {() => void} listNever
 */
function drawLegend(legend, v, listNever) {
  const m = v.query.measure;
  const none = v.values.filter((c) => c.class === 0).length;
  const row = (/** @type {string} */ fill, /** @type {string} */ text, /** @type {string} */ cls = "") => {
    const box = h("span", { class: "legend-box", attrs: { "aria-hidden": "true" } });
    box.style.background = fill;
    return h("li", { class: cls }, box, text);
  };
  replace(legend,
    h("h3", { class: "legend-title", text: t(`map.measure.${m}`) }),
    h("ul", { class: "legend-classes", attrs: { "aria-label": t("map.legend") } },
      m === "never_met" ? null : v.classes.map((c, i) => row(CLASS_FILLS[i + 1], c.from === c.to
        ? t("map.class_one", { value: formatValue(m, c.from), communes: communes(c.communes) })
        : t("map.class", { from: formatValue(m, c.from), to: formatValue(m, c.to), communes: communes(c.communes) }))),
      m === "never_met" ? null : row(CLASS_FILLS[0], t("map.class_none", { communes: communes(none) })),
      row(NEVER_MET_FILL, t("map.never_met_count", { communes: communes(v.never_met) }), "legend-never")),
    v.never_met ? h("button", { type: "button", class: "btn small", id: "map-list-never", text: t("map.list_never"), on: { click: listNever } }) : null,
    m === "never_met" ? null : h("p", { class: "muted small", id: "map-total", text: t("map.total", { total: formatValue(m, v.total) }) }));
}
