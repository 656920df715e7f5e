// "Réseau": the network map (laid out in Rust, drawn on a canvas, with filters, zoom and
// search-to-focus), the analytics (brokers, bridges, components, who could introduce whom)
// and the influence / interest matrix. Each picture has a table alternative.
import { h, replace, newId, fold } from "../../core/dom.js";
import { t, label, compare, language, formatNumber, formatDateTime } from "../../core/i18n.js";
import { showError } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { picker, searchActors } from "../../core/picker.js";
import { progressView } from "../../core/tasks.js";
import { World as WORLDS, Engagement as ENGAGEMENTS, LinkNature as NATURES } from "../../../bindings/codes.js";

/** Watches the size of the map on screen (one at a time). @type {ResizeObserver|null} */
let mapObserver = null;

/** @typedef {import("../../core/ipc.js").NetworkMap} NetworkMap */
/** @typedef {import("../../../bindings/MapNode").MapNode} MapNode */
/** @typedef {import("../../../bindings/MapEdge").MapEdge} MapEdge */

/** Node colours by monde: distinct hues, each at least 3:1 against the white map. */
export const WORLD_COLOURS = {
  local_authority: "#1f5fa8", state: "#6b3fa0", business: "#b35900", association: "#1f7a3d",
  citizen: "#c0392b", research: "#00838f", funder: "#8a6d00", network: "#5d6d7e",
};
/** Edge styles by nature: colour and dash pattern (the legend mirrors them). */
const NATURE_STYLES = {
  partnership: { colour: "#3a4644", dash: [] },
  funding: { colour: "#a87400", dash: [] },
  dialogue: { colour: "#7b8684", dash: [6, 4] },
  service: { colour: "#7a4b9c", dash: [2, 3] },
  membership: { colour: "#2d6a9f", dash: [9, 3, 2, 3] },
  conflict: { colour: "#b3261e", dash: [4, 3] },
};
const WORLD_SIZE = 1000;

/** @type {{open: (id: number) => void}} */
let nav = { open: () => {} };
const view = {
  /** @type {"map"|"analysis"|"matrix"} */ tab: "map",
  worlds: new Set(WORLDS),
  engagement: "",
  nature: "",
  from: "",
  to: "",
  /** @type {"degree"|"betweenness"} */ sizeBy: "degree",
  /** @type {number|null} */ selected: null,
};
/** @type {HTMLElement|null} */ let root = null;
/** @type {NetworkMap|null} */ let map = null;

/**
 * Draws the section. `openActor` opens an actor's card.
 * @param {HTMLElement} container @param {{openActor: (id: number) => void}} ctx
 */
export async function renderNetwork(container, ctx) {
  root = container;
  nav = { open: ctx.openActor };
  draw();
}

function draw() {
  if (!root) return;
  const tabs = h("div", { class: "tabs", attrs: { role: "tablist", "aria-label": t("network.heading") } },
    [["map", t("network.tab_map")], ["analysis", t("network.tab_analysis")], ["matrix", t("network.tab_matrix")]].map(([key, text]) => h("button", {
      type: "button", class: "tab", id: `network-tab-${key}`, text,
      attrs: { role: "tab", "aria-selected": view.tab === key ? "true" : "false" },
      on: { click: () => { view.tab = /** @type {any} */ (key); draw(); document.getElementById(`network-tab-${key}`)?.focus(); } },
    })));
  const body = h("div", { attrs: { role: "tabpanel" } });
  replace(root, h("div", { class: "stack" }, tabs, body));
  if (view.tab === "analysis") renderAnalysis(body).catch(showError);
  else if (view.tab === "matrix") renderMatrix(body).catch(showError);
  else renderMap(body).catch(showError);
}

// ----- Map ------------------------------------------------------------------------------------

/**
 * A computation that runs in the background and outlives the view that started it: a view
 * shown again while it runs follows the same run (its progress, its end) instead of waiting
 * for nothing.
 * @template T
 * @typedef {{job: import("../../core/ipc.js").Job, done: Promise<T>, listeners: Set<(e: import("../../core/ipc.js").ProgressEvent) => void>}} Background
 */

/**
 * The run in `slot`, or a new one started with `start`; `onProgress` follows it until it ends.
 * @template T
 * @param {{run: Background<T>|null}} slot
 * @param {(job: import("../../core/ipc.js").Job) => Promise<T>} start
 * @param {(e: import("../../core/ipc.js").ProgressEvent) => void} onProgress
 * @returns {{run: Background<T>, result: Promise<T>}}
 */
function follow(slot, start, onProgress) {
  if (!slot.run) {
    /** @type {Set<(e: import("../../core/ipc.js").ProgressEvent) => void>} */
    const listeners = new Set();
    const job = ipc.newJob((e) => listeners.forEach((f) => f(e)));
    const run = { job, listeners, done: start(job) };
    slot.run = run;
    run.done.then(() => {}, () => {}).finally(() => { if (slot.run === run) slot.run = null; });
  }
  const run = slot.run;
  run.listeners.add(onProgress);
  const result = run.done.finally(() => run.listeners.delete(onProgress));
  return { run, result };
}

/** The layout running in the background, if any. @type {{run: Background<NetworkMap|null>|null}} */
const laying = { run: null };

/**
 * The map as last laid out shows at once; when the actors or links changed since (or there
 * is none yet), it is laid out again in the background, with its progress and a way to stop.
 * @param {HTMLElement} body
 */
async function renderMap(body) {
  const status = h("div", { id: "map-refresh", attrs: { "aria-live": "polite" } });
  const holder = h("div", {});
  replace(body, h("div", { class: "stack" }, status, holder));
  map = await ipc.networkMap();
  if (!root || !body.isConnected) return;
  if (map) replace(holder, mapSection(map));
  else replace(holder, h("section", { class: "card", id: "network-map-card" },
    h("p", { class: "loading", id: "map-loading", text: t("network.computing") })));
  if (!map || !map.fresh) refreshMap(body, status).catch(showError);
}

/** Lays the map out again, showing the progress in `status`; redraws the map when done. */
async function refreshMap(body, status) {
  const progress = progressView();
  const { run, result } = follow(laying, ipc.refreshMap, (e) => progress.update(e));
  const stop = h("button", { type: "button", class: "btn small", id: "map-cancel", text: t("task.cancel"),
    on: { click: () => { stop.disabled = true; progress.stopping(); ipc.cancelJob(run.job).catch(() => {}); } } });
  replace(status, h("div", { class: "notice-inline", id: "map-refreshing" },
    h("p", { text: map ? t("network.map_stale") : t("network.computing") }), progress.element, stop));
  try {
    const fresh = await result;
    if (body.isConnected && fresh) await renderMap(body);
  } catch (e) {
    const err = /** @type {any} */ (e);
    if (!body.isConnected) return;
    replace(status, h("p", { class: "muted small", id: "map-stopped", text:
      err?.kind === "cancelled" ? t("network.map_cancelled") : t("network.analysis_failed", { message: err?.message ?? "" }) }),
    h("button", { type: "button", class: "btn small", id: "map-retry", text: t("network.analysis_retry"),
      on: { click: () => refreshMap(body, status).catch(showError) } }));
  }
}

const inPeriod = (date) => (!view.from || date >= view.from) && (!view.to || date <= view.to);

/** The nodes and links the filters keep. @param {NetworkMap} m */
function visible(m) {
  const keep = m.nodes.map((n) => view.worlds.has(n.world) && (!view.engagement || n.engagement === view.engagement));
  const nodes = m.nodes.filter((_, i) => keep[i]);
  const edges = m.edges.filter((e) => keep[e.a] && keep[e.b] && (!view.nature || e.nature === view.nature) && inPeriod(e.date));
  return { nodes, edges };
}

/** Maps with more than this many links are drawn once into a picture that pans and zooms. */
const BUFFERED_FROM = 3000;
/** Quiet time after panning or zooming before the map is drawn again at full quality. */
const SETTLE_MS = 180;

/** @typedef {ReturnType<typeof mapView>} MapView */

/** The map section: the canvas and what drives it, its filters, legend and status. @param {NetworkMap} m */
function mapSection(m) {
  const map = mapView(m);
  wireMapInput(map);
  const section = h("section", { class: "card", id: "network-map-card", attrs: { "aria-labelledby": "map-title" } },
    ...mapControls(map),
    h("div", { class: "map-layout" },
      h("div", { class: "map-stage" },
        map.canvas,
        h("div", { class: "map-zoom" },
          h("button", { type: "button", class: "btn small", text: "+", attrs: { "aria-label": t("network.zoom_in") }, on: { click: () => map.zoomAt(1.25, map.canvas.clientWidth / 2, map.canvas.clientHeight / 2) } }),
          h("button", { type: "button", class: "btn small", text: "−", attrs: { "aria-label": t("network.zoom_out") }, on: { click: () => map.zoomAt(0.8, map.canvas.clientWidth / 2, map.canvas.clientHeight / 2) } }),
          h("button", { type: "button", class: "btn small", id: "map-reset", text: t("network.reset"), on: { click: () => { map.fit(); map.redraw(); } } }))),
      h("aside", { class: "map-side" }, map.panel, mapLegend(map),
        h("p", { class: "muted small", id: "map-help", text: t("network.help") }),
        h("button", { type: "button", class: "btn small", text: t("network.as_table"), on: { click: () => { view.tab = "analysis"; draw(); } } }))),
    map.status);
  // Size the canvas once it is in the document, then keep it sized.
  requestAnimationFrame(() => { map.fit(); map.describe(); map.select(view.selected, false); });
  // One observer for the map on screen: the previous map's is let go.
  mapObserver?.disconnect();
  mapObserver = new ResizeObserver(() => { if (map.canvas.isConnected) map.redraw(); else mapObserver?.disconnect(); });
  mapObserver.observe(map.canvas);
  return section;
}

/**
 * The map's canvas and state (camera, hovered actor, actors shown) with what acts on them:
 * fit, zoom, hit-test, describe, select, redraw.
 * @param {NetworkMap} m
 */
function mapView(m) {
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", {
    id: "network-canvas", tabIndex: 0, class: "map-canvas",
    attrs: { role: "img", "aria-describedby": "map-help" },
  }));
  const maxB = Math.max(1e-9, ...m.nodes.map((n) => n.betweenness));
  // Dots shrink on crowded maps and grow as the user zooms in.
  const crowd = Math.min(1, Math.max(0.3, Math.sqrt(150 / Math.max(1, m.nodes.length))));
  const map = {
    m, canvas,
    status: h("p", { class: "muted small", id: "map-status", attrs: { "aria-live": "polite" } }),
    panel: h("div", { class: "map-panel", id: "map-selected" }),
    cam: { scale: 1, ox: 0, oy: 0 },
    fitScale: 1,
    /** @type {number|null} */ hover: null,
    current: visible(m),
    byId: new Map(m.nodes.map((n) => [n.id, n])),
    /** Redraws at the next frame (set by the painter). @type {(moving?: boolean) => void} */
    redraw: () => {},
    /** @param {MapNode} n */
    radius(n) {
      const zoom = Math.min(2.5, Math.sqrt(map.cam.scale / map.fitScale));
      const base = view.sizeBy === "degree"
        ? 3.5 + Math.sqrt(n.degree) * 2.2
        : 3.5 + Math.sqrt(n.betweenness / maxB) * 13;
      return Math.max(1.5, base * crowd * zoom);
    },
    /** Where an actor is on screen. @param {MapNode} n @returns {[number, number]} */
    screen(n) { return [n.x * WORLD_SIZE * map.cam.scale + map.cam.ox, n.y * WORLD_SIZE * map.cam.scale + map.cam.oy]; },
    /** The whole map in view. */
    fit() {
      const w = canvas.clientWidth || 800;
      const hgt = canvas.clientHeight || 560;
      map.cam.scale = (Math.min(w, hgt) / WORLD_SIZE) * 0.9;
      map.fitScale = map.cam.scale;
      map.cam.ox = (w - WORLD_SIZE * map.cam.scale) / 2;
      map.cam.oy = (hgt - WORLD_SIZE * map.cam.scale) / 2;
    },
    /** The actor under a point of the canvas, if any. @param {number} sx @param {number} sy */
    hit(sx, sy) {
      let best = null;
      let bestD = Infinity;
      for (const n of map.current.nodes) {
        const [x, y] = map.screen(n);
        const d = Math.hypot(x - sx, y - sy);
        if (d <= map.radius(n) + 4 && d < bestD) { best = n; bestD = d; }
      }
      return best;
    },
    /** Zooms by `factor` around a point of the canvas. @param {number} factor @param {number} sx @param {number} sy */
    zoomAt(factor, sx, sy) {
      const s = Math.min(40, Math.max(0.05, map.cam.scale * factor));
      const f = s / map.cam.scale;
      map.cam.ox = sx - (sx - map.cam.ox) * f;
      map.cam.oy = sy - (sy - map.cam.oy) * f;
      map.cam.scale = s;
      map.redraw(true);
    },
    /** Applies the filters, says what is shown, redraws. */
    describe() {
      map.current = visible(m);
      map.status.textContent = t("network.status_shown", {
        actors: formatNumber(map.current.nodes.length), links: formatNumber(map.current.edges.length),
        total: formatNumber(m.actors), date: formatDateTime(m.computed_at) });
      canvas.setAttribute("aria-label", t("network.canvas_label", { actors: map.current.nodes.length, links: map.current.edges.length }));
      map.redraw();
    },
    /** Selects an actor (or none), centring the map on it when asked. @param {number|null} id @param {boolean} centre */
    select(id, centre) {
      view.selected = id;
      const n = id === null ? null : map.byId.get(id);
      if (n && centre) {
        const w = canvas.clientWidth;
        const hgt = canvas.clientHeight;
        const fitScale = (Math.min(w, hgt) / WORLD_SIZE) * 0.9;
        map.cam.scale = Math.max(map.cam.scale, fitScale * 2.5);
        map.cam.ox = w / 2 - n.x * WORLD_SIZE * map.cam.scale;
        map.cam.oy = hgt / 2 - n.y * WORLD_SIZE * map.cam.scale;
      }
      replace(map.panel, n ? [
        h("p", {}, h("strong", { text: n.name }), " ",
          h("span", { class: `world world-${n.world} small`, text: label("world", n.world) })),
        h("p", { class: "muted small", text: t("network.selected_facts", {
          degree: n.degree, betweenness: formatScore(n.betweenness), mondes: n.mondes_bridged }) }),
        h("button", { type: "button", class: "btn primary", id: "map-open-card", text: t("network.open_card"), on: { click: () => nav.open(n.id) } }),
      ] : h("p", { class: "muted small", text: t("network.select_hint") }));
      map.redraw();
    },
  };
  map.redraw = mapPainter(map);
  return map;
}

/**
 * Paints the map; returns its `redraw`. Large maps are drawn once into a picture that is moved
 * and scaled while the user pans or zooms (one image per frame instead of every link), then
 * drawn again at full quality once still.
 * @param {any} map a MapView being built
 */
function mapPainter(map) {
  const { canvas } = map;
  const buffered = map.m.edges.length > BUFFERED_FROM;
  const buffer = document.createElement("canvas");
  const shot = { scale: 1, ox: 0, oy: 0 };
  /** The selected and hovered actors, drawn over the picture. */
  const paintOverlay = (g) => {
    for (const id of [view.selected, map.hover]) {
      const n = id === null ? null : map.byId.get(id);
      if (n && map.current.nodes.includes(n)) drawLabel(g, map, n);
    }
    if (view.selected !== null && map.byId.has(view.selected)) {
      const n = /** @type {MapNode} */ (map.byId.get(view.selected));
      const [x, y] = map.screen(n);
      g.beginPath();
      g.arc(x, y, map.radius(n) + 4, 0, Math.PI * 2);
      g.strokeStyle = "#1a5fb4";
      g.lineWidth = 3;
      g.stroke();
    }
  };
  const context = () => {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const hgt = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(hgt * dpr);
    }
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { g, w, hgt, dpr };
  };
  /** Draws at full quality (into the picture first, on large maps). */
  const paintFull = () => {
    const { g, w, hgt, dpr } = context();
    if (!buffered) {
      paintScene(g, w, hgt, map);
      paintOverlay(g);
      return;
    }
    buffer.width = canvas.width;
    buffer.height = canvas.height;
    const b = /** @type {CanvasRenderingContext2D} */ (buffer.getContext("2d"));
    b.setTransform(dpr, 0, 0, dpr, 0, 0);
    paintScene(b, w, hgt, map);
    Object.assign(shot, map.cam);
    paintFast();
  };
  /** Shows the picture moved and scaled to the camera, and the overlay. */
  const paintFast = () => {
    const { g, w, hgt } = context();
    const f = map.cam.scale / shot.scale;
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, w, hgt);
    g.drawImage(buffer, map.cam.ox - shot.ox * f, map.cam.oy - shot.oy * f, w * f, hgt * f);
    paintOverlay(g);
  };
  let frame = 0;
  let full = true;
  let settle = 0;
  /** Redraws at the next frame; `moving` (pan, zoom) shows the picture, then the full map once still. */
  const redraw = (moving = false) => {
    if (!moving || !buffered) full = true;
    else {
      clearTimeout(settle);
      settle = window.setTimeout(() => { full = true; redraw(); }, SETTLE_MS);
    }
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; if (full) { full = false; paintFull(); } else paintFast(); });
  };
  return redraw;
}

/**
 * Draws everything (links by nature, actors by monde, the labels of the biggest) into `g`,
 * `w` × `hgt` CSS pixels.
 * @param {CanvasRenderingContext2D} g @param {number} w @param {number} hgt @param {MapView} map
 */
function paintScene(g, w, hgt, map) {
  const { current, m } = map;
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, w, hgt);
  const many = current.edges.length > BUFFERED_FROM;
  for (const nature of NATURES) {
    const style = NATURE_STYLES[nature];
    g.beginPath();
    for (const e of current.edges) {
      if (e.nature !== nature) continue;
      const [x1, y1] = map.screen(m.nodes[e.a]);
      const [x2, y2] = map.screen(m.nodes[e.b]);
      g.moveTo(x1, y1);
      g.lineTo(x2, y2);
    }
    g.setLineDash(many ? [] : style.dash);
    g.strokeStyle = style.colour;
    g.lineWidth = many ? 0.6 : 1.3;
    g.globalAlpha = many ? 0.45 : 0.85;
    g.stroke();
  }
  g.setLineDash([]);
  g.globalAlpha = 1;
  for (const world of WORLDS) {
    g.beginPath();
    for (const n of current.nodes) {
      if (n.world !== world) continue;
      const [x, y] = map.screen(n);
      if (x < -20 || y < -20 || x > w + 20 || y > hgt + 20) continue;
      const r = map.radius(n);
      g.moveTo(x + r, y);
      g.arc(x, y, r, 0, Math.PI * 2);
    }
    g.fillStyle = WORLD_COLOURS[world];
    g.fill();
    if (current.nodes.length <= 3000) {
      g.strokeStyle = "#ffffff";
      g.lineWidth = 1;
      g.stroke();
    }
  }
  // Labels of the biggest actors when there is room.
  const room = Math.max(6, Math.min(25, Math.round((map.cam.scale * WORLD_SIZE) / 60)));
  const big = [...current.nodes].sort((a, b) => b.degree - a.degree || b.betweenness - a.betweenness).slice(0, room);
  for (const n of big) drawLabel(g, map, n);
}

/** An actor's name beside its dot, on a white halo. @param {CanvasRenderingContext2D} g @param {MapView} map @param {MapNode} n */
function drawLabel(g, map, n) {
  const [x, y] = map.screen(n);
  const r = map.radius(n);
  const text = n.name.length > 38 ? `${n.name.slice(0, 37)}…` : n.name;
  g.font = "12px 'DejaVu Sans', sans-serif";
  g.textBaseline = "middle";
  g.lineWidth = 3;
  g.strokeStyle = "rgba(255,255,255,.9)";
  g.strokeText(text, x + r + 3, y);
  g.fillStyle = "#1d2626";
  g.fillText(text, x + r + 3, y);
}

/** Mouse (drag to pan, wheel to zoom, click to open a card) and keys (+ − 0, arrows, Enter). @param {MapView} map */
function wireMapInput(map) {
  const { canvas, cam } = map;
  let drag = null;
  const local = (ev) => {
    const r = canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  };
  canvas.addEventListener("mousedown", (ev) => {
    const [x, y] = local(ev);
    drag = { x, y, ox: cam.ox, oy: cam.oy, moved: false };
    ev.preventDefault();
  });
  const onMove = (ev) => {
    if (!canvas.isConnected) { window.removeEventListener("mousemove", onMove); return; }
    const [x, y] = local(ev);
    if (drag) {
      const dx = x - drag.x;
      const dy = y - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) { cam.ox = drag.ox + dx; cam.oy = drag.oy + dy; map.redraw(true); }
      return;
    }
    if (ev.target !== canvas) return;
    const n = map.hit(x, y);
    const id = n ? n.id : null;
    if (id !== map.hover) { map.hover = id; canvas.style.cursor = n ? "pointer" : "grab"; map.redraw(true); }
  };
  window.addEventListener("mousemove", onMove);
  const onUp = (ev) => {
    if (!canvas.isConnected) { window.removeEventListener("mouseup", onUp); return; }
    if (!drag) return;
    const wasDrag = drag.moved;
    drag = null;
    if (wasDrag || ev.target !== canvas) return;
    const [x, y] = local(ev);
    const n = map.hit(x, y);
    if (n) nav.open(n.id);
  };
  window.addEventListener("mouseup", onUp);
  canvas.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    map.zoomAt(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.offsetX, ev.offsetY);
  }, { passive: false });
  canvas.addEventListener("keydown", (ev) => {
    const w = canvas.clientWidth / 2;
    const hgt = canvas.clientHeight / 2;
    const step = 40;
    if (ev.key === "+" || ev.key === "=") map.zoomAt(1.25, w, hgt);
    else if (ev.key === "-") map.zoomAt(0.8, w, hgt);
    else if (ev.key === "0") { map.fit(); map.redraw(); }
    else if (ev.key === "ArrowLeft") { cam.ox += step; map.redraw(true); }
    else if (ev.key === "ArrowRight") { cam.ox -= step; map.redraw(true); }
    else if (ev.key === "ArrowUp") { cam.oy += step; map.redraw(true); }
    else if (ev.key === "ArrowDown") { cam.oy -= step; map.redraw(true); }
    else if (ev.key === "Enter" && view.selected !== null) nav.open(view.selected);
    else return;
    ev.preventDefault();
  });
}

/** The heading with the search box, the notes on what is left out, and the filters. @param {MapView} map */
function mapControls(map) {
  const { m } = map;
  const findId = newId("find");
  const find = h("input", { type: "search", id: findId, placeholder: t("network.find_placeholder"), autocomplete: "off" });
  const findError = h("p", { class: "field-error", id: "map-find-error", hidden: true, attrs: { role: "alert" } });
  const doFind = (ev) => {
    ev.preventDefault();
    const q = fold(find.value.trim());
    findError.hidden = true;
    if (!q) return;
    const candidates = map.current.nodes.filter((n) => fold(n.name).includes(q));
    const n = candidates.find((x) => fold(x.name).startsWith(q)) ?? candidates[0];
    if (!n) {
      findError.hidden = false;
      findError.textContent = m.nodes.length < m.actors
        ? t("network.find_none_limited", { query: find.value.trim() })
        : t("network.find_none", { query: find.value.trim() });
      return;
    }
    map.select(n.id, true);
  };
  const selectControl = (id, text, value, options, onChange) => {
    const sel = /** @type {HTMLSelectElement} */ (h("select", { id }, options.map((o) => h("option", { value: o.value, text: o.label }))));
    sel.value = value;
    sel.addEventListener("change", () => onChange(sel.value));
    return h("div", { class: "filter" }, h("label", { htmlFor: id, text }), sel);
  };
  const dateControl = (id, text, key) => {
    const input = /** @type {HTMLInputElement} */ (h("input", { type: "text", id, value: view[key], placeholder: t("date.placeholder"), attrs: { inputmode: "numeric" } }));
    input.addEventListener("change", () => {
      const v = input.value.trim();
      const ok = v === "" || /^\d{4}-\d{2}-\d{2}$/.test(v);
      input.setAttribute("aria-invalid", ok ? "false" : "true");
      if (ok) { view[key] = v; map.describe(); }
    });
    return h("div", { class: "filter" }, h("label", { htmlFor: id, text }), input);
  };
  const limited = m.nodes.length < m.actors
    ? h("p", { class: "muted small", id: "map-limited", text: t("network.map_limited", { shown: formatNumber(m.nodes.length), total: formatNumber(m.actors) }) })
    : null;
  const leftOut = m.edges_left_out > 0
    ? h("p", { class: "muted small", id: "map-left-out", text: t("network.map_left_out", { count: formatNumber(m.edges_left_out) }) })
    : null;
  return [
    h("div", { class: "section-head" },
      h("h2", { id: "map-title", text: t("network.map_heading") }),
      h("form", { class: "toolbar", on: { submit: doFind } },
        h("label", { class: "visually-hidden", htmlFor: findId, text: t("network.find") }),
        find,
        h("button", { type: "submit", class: "btn", id: "map-find", text: t("network.find") }))),
    findError, limited, leftOut,
    h("div", { class: "filters" },
      selectControl("map-engagement", t("actors.engagement"), view.engagement,
        [{ value: "", label: t("network.all") }, ...ENGAGEMENTS.map((e) => ({ value: e, label: label("engagement", e) }))],
        (v) => { view.engagement = v; map.describe(); }),
      selectControl("map-nature", t("links.nature"), view.nature,
        [{ value: "", label: t("network.all") }, ...NATURES.map((n) => ({ value: n, label: label("link_nature", n) }))],
        (v) => { view.nature = v; map.describe(); }),
      dateControl("map-from", t("network.links_from"), "from"),
      dateControl("map-to", t("network.links_to"), "to"),
      selectControl("map-size", t("network.size_by"), view.sizeBy,
        [{ value: "degree", label: t("network.size_degree") }, { value: "betweenness", label: t("network.size_betweenness") }],
        (v) => { view.sizeBy = /** @type {any} */ (v); map.redraw(); })),
  ];
}

/** The mondes (checkboxes that filter the map) and the natures of links. @param {MapView} map */
function mapLegend(map) {
  const worldBoxes = h("fieldset", { class: "legend-worlds" },
    h("legend", { text: t("network.legend_worlds") }),
    WORLDS.map((w) => {
      const id = newId("w");
      const box = h("input", { type: "checkbox", id, checked: view.worlds.has(w), value: w });
      box.addEventListener("change", () => {
        if (box.checked) view.worlds.add(w); else view.worlds.delete(w);
        map.describe();
      });
      const swatch = h("span", { class: "swatch", attrs: { "aria-hidden": "true" } });
      swatch.style.background = WORLD_COLOURS[w];
      return h("div", { class: "check" }, box, h("label", { htmlFor: id }, swatch, label("world", w)));
    }));
  const natureLegend = h("ul", { class: "legend-natures", attrs: { "aria-label": t("network.legend_natures") } },
    NATURES.map((n) => {
      const line = h("span", { class: `nature-line nature-line-${n}`, attrs: { "aria-hidden": "true" } });
      return h("li", {}, line, label("link_nature", n));
    }));
  return [worldBoxes, h("h3", { class: "small-heading", text: t("network.legend_natures") }), natureLegend];
}

function formatScore(x) {
  return new Intl.NumberFormat(language() === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 3 }).format(x);
}

// ----- Analysis -------------------------------------------------------------------------------
// The last analysis kept in the workspace shows at once, with its date; when the actors or
// links changed since, it is computed again in the background (progress, and a way to stop).

/** Brokers shown first, then more per click. */
const BROKERS_PAGE = 30;
/** Isolated actors shown first, then more per click. */
const ISOLATED_PAGE = 50;
/** The analysis running in the background, if any. @type {{run: Background<import("../../core/ipc.js").NetworkSummary|null>|null}} */
const analysing = { run: null };

/** @param {HTMLElement} body */
async function renderAnalysis(body) {
  const summary = await ipc.networkOverview();
  const status = h("div", { id: "analysis-status", attrs: { "aria-live": "polite" } });
  const content = h("div", { class: "stack", id: "analysis-content" });
  replace(body, h("div", { class: "stack" }, status, content));
  if (summary) await drawAnalysis(content, summary);
  else replace(content, h("p", { class: "muted", id: "analysis-none", text: t("network.analysis_none") }));
  if (!summary || !summary.fresh) refreshAnalysis(body, status, summary !== null).catch(showError);
  else replace(status, h("p", { class: "muted small", id: "analysis-date", text: t("network.analysis_date", { date: formatDateTime(summary.computed_at) }) }));
}

/** Computes the analysis again, showing its progress in `status`; redraws when done. */
async function refreshAnalysis(body, status, hadOne) {
  const view_ = progressView();
  const { run, result } = follow(analysing, ipc.refreshNetwork, (e) => view_.update(e));
  const stop = h("button", { type: "button", class: "btn small", id: "analysis-cancel", text: t("task.cancel"),
    on: { click: () => { stop.disabled = true; view_.stopping(); ipc.cancelJob(run.job).catch(() => {}); } } });
  replace(status, h("div", { class: "notice-inline", id: "analysis-refreshing" },
    h("p", { text: hadOne ? t("network.analysis_stale") : t("network.analysis_first") }), view_.element, stop));
  try {
    const fresh = await result;
    if (!body.isConnected || !fresh) return;
    await renderAnalysis(body);
  } catch (e) {
    const err = /** @type {any} */ (e);
    if (!body.isConnected) return;
    // « being computed » no longer holds: the status says what happened.
    body.querySelector("#analysis-none")?.remove();
    replace(status, h("p", { class: "muted small", id: "analysis-stopped", text:
      err?.kind === "cancelled" ? t(hadOne ? "network.analysis_cancelled" : "network.analysis_cancelled_first") : t("network.analysis_failed", { message: err?.message ?? "" }) }),
    h("button", { type: "button", class: "btn small", id: "analysis-retry", text: t("network.analysis_retry"),
      on: { click: () => refreshAnalysis(body, status, hadOne).catch(showError) } }));
  }
}

/** @param {HTMLElement} content @param {import("../../core/ipc.js").NetworkSummary} summary */
async function drawAnalysis(content, summary) {
  const [brokers, isolated] = await Promise.all([ipc.networkBrokers(0, BROKERS_PAGE), ipc.networkIsolated(0, ISOLATED_PAGE)]);
  const open = (a) => h("button", { type: "button", class: "link", text: a.name, on: { click: () => nav.open(a.id) } });
  const brokerRow = (a) => h("tr", {},
    h("th", { scope: "row" }, open(a)),
    h("td", {}, h("span", { class: `world world-${a.monde}`, text: label("world", a.monde) })),
    h("td", { class: "num", text: formatNumber(a.degree) }),
    h("td", { class: "num", text: formatScore(a.betweenness) }),
    h("td", { class: "num", text: String(a.mondes_bridged) }));
  const tbody = h("tbody", {}, brokers.map(brokerRow));
  const more = brokers.length === BROKERS_PAGE && summary.actors > BROKERS_PAGE
    ? h("button", { type: "button", class: "btn small", id: "analysis-more", text: t("network.show_more"), on: { click: async () => {
      try {
        const next = await ipc.networkBrokers(tbody.childElementCount, 50);
        tbody.append(...next.map(brokerRow));
        if (next.length < 50) more?.remove();
      } catch (e) { showError(e); }
    } } }) : null;
  const isolatedList = h("ul", { class: "plain-list" }, isolated.map((a) => h("li", {}, open(a))));
  const moreIsolated = summary.isolated > isolated.length
    ? h("button", { type: "button", class: "btn small", id: "isolated-more", text: t("network.show_more"), on: { click: async () => {
      try {
        const next = await ipc.networkIsolated(isolatedList.childElementCount, ISOLATED_PAGE);
        isolatedList.append(...next.map((a) => h("li", {}, open(a))));
        if (isolatedList.childElementCount >= summary.isolated) moreIsolated?.remove();
      } catch (e) { showError(e); }
    } } }) : null;
  /** @type {Record<string, ReturnType<typeof picker>>} */
  const ends = {};
  const pick = (id, text) => {
    ends[id] = picker({ id, label: text, search: searchActors });
    return h("div", { class: "filter" }, h("label", { htmlFor: id, text }), ends[id].element);
  };
  const result = h("div", { id: "path-result", attrs: { "aria-live": "polite" } });
  const findPath = async (ev) => {
    ev.preventDefault();
    const from = Number(ends["path-from"].value()?.value ?? 0);
    const to = Number(ends["path-to"].value()?.value ?? 0);
    if (!from || !to) { replace(result, h("p", { class: "field-error", text: t("network.path_choose") })); return; }
    try {
      const path = await ipc.introductionPath(from, to);
      if (!path) { replace(result, h("p", { text: t("network.path_none") })); return; }
      if (path.length <= 2) { replace(result, h("p", { text: path.length === 1 ? t("network.path_same") : t("network.path_direct") })); return; }
      replace(result,
        h("p", { text: t("network.path_found", { count: path.length - 2 }) }),
        h("ol", { class: "path" }, path.map((a) => h("li", {}, open(a)))));
    } catch (e) { showError(e); }
  };
  replace(content,
    h("section", { class: "card", id: "network-analysis", attrs: { "aria-labelledby": "analysis-title" } },
      h("h2", { id: "analysis-title", text: t("network.analysis_heading") }),
      h("dl", { class: "plan-figures" },
        h("div", {}, h("dt", { text: t("network.actors") }), h("dd", { text: formatNumber(summary.actors) })),
        h("div", {}, h("dt", { text: t("network.links") }), h("dd", { text: formatNumber(summary.links) })),
        h("div", {}, h("dt", { text: t("network.components") }), h("dd", { id: "analysis-components", text: formatNumber(summary.components) })),
        h("div", {}, h("dt", { text: t("network.isolated") }), h("dd", { id: "analysis-isolated", text: formatNumber(summary.isolated) }))),
      summary.exact ? null : h("p", { class: "muted small", text: t("network.sampled") }),
      h("table", { class: "data", id: "analysis-table" },
        h("caption", { class: "table-caption", text: t("network.table_caption") }),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", text: t("actors.col.name") }),
          h("th", { scope: "col", text: t("actors.col.world") }),
          h("th", { scope: "col", class: "num", text: t("network.degree") }),
          h("th", { scope: "col", class: "num", text: t("network.betweenness") }),
          h("th", { scope: "col", class: "num", text: t("network.mondes_bridged") }))),
        tbody),
      more),
    h("div", { class: "dash-grid" },
      h("section", { class: "card", id: "analysis-bridges", attrs: { "aria-labelledby": "bridges-title" } },
        h("h2", { id: "bridges-title", text: t("network.bridges_heading") }),
        h("p", { class: "muted small", text: t("network.bridges_lead") }),
        summary.sole_bridges.length === 0 ? h("p", { class: "muted", text: t("network.no_bridges") }) :
          h("ul", { class: "plain-list" }, summary.sole_bridges.map((b) => h("li", {},
            h("span", { text: `${label("world", b.mondes[0])} ↔ ${label("world", b.mondes[1])} : ` }),
            b.actors.map((a, i) => [i ? ", " : "", open(a)]),
            b.count > b.actors.length ? h("span", { class: "muted", text: ` ${t("network.and_more", { count: formatNumber(b.count - b.actors.length) })}` }) : null)))),
      h("section", { class: "card", id: "analysis-path", attrs: { "aria-labelledby": "path-title" } },
        h("h2", { id: "path-title", text: t("network.path_heading") }),
        h("form", { class: "filters", on: { submit: findPath } },
          pick("path-from", t("network.path_from")),
          pick("path-to", t("network.path_to")),
          h("div", { class: "filter filter-button" }, h("button", { type: "submit", class: "btn primary", id: "path-find", text: t("network.path_find") }))),
        result),
      h("section", { class: "card", id: "analysis-isolated-list", attrs: { "aria-labelledby": "isolated-title" } },
        h("h2", { id: "isolated-title", text: t("network.isolated_heading") }),
        summary.isolated === 0 ? h("p", { class: "muted", text: t("network.no_isolated") }) : isolatedList,
        moreIsolated)));
}

// ----- Influence / interest matrix ----------------------------------------------------------

/** The usual stakeholder quadrant of a placed actor (3 and more counts as high). */
export function quadrant(influence, interest) {
  const hi = influence >= 3;
  const hin = interest >= 3;
  if (hi && hin) return "manage";
  if (hi) return "satisfy";
  if (hin) return "inform";
  return "monitor";
}

/** @param {HTMLElement} body */
async function renderMatrix(body) {
  // Counted in Rust; each cell brings its first actors only (a country's network would
  // otherwise put 100,000 buttons in the page).
  const m = await ipc.influenceMatrix();
  const placedCount = m.cells.reduce((n, c) => n + c.count, 0);
  const placed = m.cells.flatMap((c) => c.actors);
  const truncated = m.cells.some((c) => c.count > c.actors.length);
  const more = (count, shown) => (count > shown
    ? h("span", { class: "matrix-more muted small", text: t("matrix.more", { count: formatNumber(count - shown) }) })
    : null);
  const chip = (a) => {
    const b = h("button", { type: "button", class: "matrix-chip", text: a.name,
      attrs: { title: `${a.name} — ${label("world", a.world)}`, "data-actor-id": a.id }, on: { click: () => nav.open(a.id) } });
    b.style.borderLeftColor = WORLD_COLOURS[a.world];
    return b;
  };
  // Each cell is a group named by its place and count, so that its actors' buttons make sense
  // to a screen reader and from the keyboard; the axis figures are for the eye only.
  const grid = h("div", { class: "matrix-grid", id: "matrix-grid", attrs: { role: "group", "aria-label": t("matrix.heading") } });
  for (let inf = 5; inf >= 1; inf -= 1) {
    grid.append(h("div", { class: "matrix-axis-label", text: String(inf), attrs: { "aria-hidden": "true" } }));
    for (let int = 1; int <= 5; int += 1) {
      const cell = m.cells.find((c) => c.influence === inf && c.interest === int);
      grid.append(h("div", { class: `matrix-cell q-${quadrant(inf, int)}`, attrs: { role: "group",
        "aria-label": t("matrix.cell_label", { influence: inf, interest: int, count: formatNumber(cell ? cell.count : 0), quadrant: t(`matrix.${quadrant(inf, int)}`) }) } },
        cell ? cell.actors.map(chip) : [], cell ? more(cell.count, cell.actors.length) : null));
    }
  }
  grid.append(h("div", { attrs: { "aria-hidden": "true" } }), ...[1, 2, 3, 4, 5].map((i) => h("div", { class: "matrix-axis-label", text: String(i), attrs: { "aria-hidden": "true" } })));
  const quadrantNote = (q) => h("div", { class: `matrix-key q-${q}` }, h("strong", { text: t(`matrix.${q}`) }), h("span", { class: "small", text: ` — ${t(`matrix.${q}_hint`)}` }));
  replace(body, h("section", { class: "card", id: "matrix", attrs: { "aria-labelledby": "matrix-title" } },
    h("h2", { id: "matrix-title", text: t("matrix.heading") }),
    h("p", { class: "muted", text: t("matrix.lead", { placed: formatNumber(placedCount), total: formatNumber(m.total) }) }),
    h("div", { class: "matrix-wrap" },
      h("div", { class: "matrix-y", text: t("matrix.influence") }),
      h("div", {}, grid, h("div", { class: "matrix-x", text: t("matrix.interest") }))),
    h("div", { class: "matrix-keys" }, ["manage", "satisfy", "inform", "monitor"].map(quadrantNote)),
    h("details", { class: "table-alt", id: "matrix-table-alt" },
      h("summary", { text: t("matrix.as_table") }),
      h("table", { class: "data compact", id: "matrix-table" },
        h("caption", { class: "visually-hidden", text: t("matrix.heading") }),
        h("thead", {}, h("tr", {}, [t("actors.col.name"), t("actors.col.world"), t("matrix.influence"), t("matrix.interest"), t("matrix.quadrant")].map((x) => h("th", { scope: "col", text: x })))),
        h("tbody", {}, placed.map((a) => h("tr", {},
          h("th", { scope: "row" }, h("button", { type: "button", class: "link", text: a.name, on: { click: () => nav.open(a.id) } })),
          h("td", { text: label("world", a.world) }),
          h("td", { class: "num", text: String(a.influence) }),
          h("td", { class: "num", text: String(a.interest) }),
          h("td", { text: t(`matrix.${quadrant(/** @type {number} */ (a.influence), /** @type {number} */ (a.interest))}`) }))))),
      truncated ? h("p", { class: "muted small", id: "matrix-table-first", text: t("matrix.table_first", { count: formatNumber(placed.length), total: formatNumber(placedCount) }) }) : null),
    h("h3", { class: "small-heading", text: t("matrix.unplaced", { count: formatNumber(m.unplaced) }) }),
    m.unplaced === 0 ? null : h("p", { class: "muted small", text: t("matrix.unplaced_hint") }),
    h("div", { class: "matrix-unplaced", id: "matrix-unplaced" }, m.unplaced_first.map(chip), more(m.unplaced, m.unplaced_first.length))));
}
