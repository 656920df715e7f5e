// The workspace screen: its sections (dashboard, actors and their cards, network, meetings,
// team, needs and axes, tree, actions, timeline, search), the Projet de territoire header and
// the actors list.
import { renderTerritory } from "../territory/map.js";
import { h, replace, fold } from "../../core/dom.js";
import { t, label, formatDate, formatNumber, compare } from "../../core/i18n.js";
import { formDialog, confirmDialog, toast, showError, impactDetails } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { renderStructure } from "../plan/structure.js";
import { renderActions } from "../plan/actions.js";
import { renderTimeline } from "../plan/timeline.js";
import { dashboardCards } from "../dashboard/dashboard.js";
import { renderTree } from "../plan/tree.js";
import { renderCard, refreshCard } from "../actors/card.js";
import { renderNetwork } from "../network/network.js";
import { renderMeetings } from "../network/meetings.js";
import { renderTeam } from "../network/team.js";
import { renderCompetences } from "../grid/competences.js";
import { renderNotes } from "../notes/notes.js";
import { undoSet } from "../history/history.js";
import "../sharing/sharing.js";
import { communesFact } from "../territory/communes.js";
import { startImport, startExport } from "../exchange/exchange.js";
import { virtualTable, PAGE } from "../../core/virtual.js";
import { register, drawSection, isSection, navigate, setNavigator } from "../../core/router.js";
import { World as WORLDS, Engagement as ENGAGEMENTS, TerritoryKind as TERRITORY_KINDS, ProjectStatus as STATUSES } from "../../../bindings/codes.js";

/** @typedef {import("../../core/ipc.js").Actor} Actor */
/** @typedef {import("../../core/ipc.js").ProjectHeader} ProjectHeader */

export { WORLDS, ENGAGEMENTS };

/** View state that survives re-rendering (language switch, reload after a change). */
const view = {
  /** @type {ProjectHeader|null} */ header: null,
  filter: "",
  /** @type {"name"|"world"|"commune"|"engagement"} */ sortKey: "name",
  sortAsc: true,
  query: "",
  /** @type {number|null} */ openAction: null,
  /** @type {number|null} */ openActor: null,
  /** @type {number|null} */ openNote: null,
  /** @type {Section} */ section: "dashboard",
};
/** @typedef {"dashboard"|"territory"|"actors"|"network"|"meetings"|"competences"|"team"|"structure"|"tree"|"actions"|"notes"|"timeline"|"search"} Section */

/** @type {HTMLElement|null} */ let root = null;
/** @type {(h: ProjectHeader) => void} */ let onHeaderChange = () => {};

/**
 * Loads the workspace data and renders the screen into `container`.
 * @param {HTMLElement} container
 * @param {{onHeaderChange: (h: ProjectHeader) => void}} ctx
 */
export async function renderWorkspace(container, ctx) {
  root = container;
  onHeaderChange = ctx.onHeaderChange;
  view.filter = "";
  view.section = "dashboard";
  view.header = await ipc.getHeader();
  draw();
}

/** Re-renders from the view state (used after a language change). */
export function redrawWorkspace() { if (root && view.header) draw(); }

// An undo may change the project's header: read again, and the dashboard drawn again (the
// other sections draw themselves again, on the record they show).
document.addEventListener("catalyse:undone", () => {
  if (!root || !view.header) return;
  ipc.getHeader().then((header) => {
    view.header = header;
    if (view.section === "dashboard") draw();
  }).catch(showError);
});

// Every move between sections goes through the router: here is where it lands.
setNavigator((section, target) => {
  view.section = /** @type {Section} */ (section);
  view.openActor = target.actor ?? null;
  view.openAction = target.action ?? null;
  view.openNote = target.note ?? null;
  draw();
});

/** Shows one section of the workspace. @param {Section} section */
export async function showSection(section) {
  navigate(section);
  document.getElementById(`nav-${section}`)?.focus();
}

/** Opens an actor's card (from the list, the map, the matrix, a search, another card). */
export function openActor(id) { navigate("actors", { actor: id }); }

const cardContext = {
  onBack: () => { showSection("actors").then(() => focusFilter()).catch(showError); },
  openActor,
  openAction: (id) => navigate("actions", { action: id }),
  editActor: (a) => actorForm(a),
};

// The sections: what each draws, opened on what.
register("dashboard", (content) => {
  replace(content, h("div", { class: "stack" }, projectSection(/** @type {ProjectHeader} */ (view.header))));
  return dashboardCards().then((cards) => content.firstElementChild?.append(cards));
});
register("territory", (content) => renderTerritory(content));
register("structure", (content) => renderStructure(content));
register("tree", (content) => renderTree(content));
register("actions", (content, target) => renderActions(content, target.action ?? null));
register("timeline", (content) => renderTimeline(content));
register("notes", (content, target) => renderNotes(content, target.note ?? null));
register("actors", (content, target) => (target.actor != null
  ? renderCard(content, target.actor, cardContext)
  : replace(content, actorsSection())));
register("network", (content) => renderNetwork(content, { openActor }));
register("meetings", (content) => renderMeetings(content));
register("competences", (content) => renderCompetences(content));
register("team", (content) => renderTeam(content));
register("search", (content) => renderSearch(content));

/** The sections in groups a territory team recognises: its project, its network, itself. */
const NAV_GROUPS = /** @type {const} */ ([
  ["project", ["dashboard", "territory", "structure", "tree", "actions", "timeline", "notes"]],
  ["network", ["actors", "network", "meetings"]],
  ["team", ["competences", "team", "journal", "sharing"]],
]);

/** Whether the section list is unfolded on a narrow window (a side bar on a wide one). */
let navOpen = false;

/**
 * The side navigation: grouped sections in a side bar on a wide window; on a narrow one (or
 * at 200 % zoom), a button naming the current section that unfolds the list.
 */
function sideNav() {
  const list = h("div", { class: "sidenav-groups", id: "sidenav-groups" },
    NAV_GROUPS.map(([group, sections]) => h("div", { class: "sidenav-group" },
      h("h2", { class: "sidenav-heading", id: `nav-group-${group}`, text: t(`nav.group.${group}`) }),
      h("ul", { attrs: { "aria-labelledby": `nav-group-${group}` } }, sections.map((s) => h("li", {},
        h("button", {
          type: "button", class: "subnav-item", id: `nav-${s}`, text: t(`nav.${s}`),
          attrs: { "aria-current": view.section === s ? "page" : null },
          on: { click: () => { navOpen = false; showSection(s).catch(showError); } },
        })))))));
  const current = view.section === "search" ? t("nav.search") : t(`nav.${view.section}`);
  const toggle = h("button", {
    type: "button", class: "btn sidenav-toggle", id: "nav-toggle",
    attrs: { "aria-expanded": navOpen ? "true" : "false", "aria-controls": "sidenav-groups" },
    on: { click: () => {
      navOpen = !navOpen;
      nav.classList.toggle("open", navOpen);
      toggle.setAttribute("aria-expanded", navOpen ? "true" : "false");
      if (navOpen) /** @type {HTMLElement|null} */ (list.querySelector("[aria-current=page]") ?? list.querySelector("button"))?.focus();
    } },
  }, h("span", { class: "visually-hidden", text: `${t("nav.label")} : ` }), current, h("span", { attrs: { "aria-hidden": "true" }, text: " ▾" }));
  const nav = h("nav", { class: navOpen ? "sidenav open" : "sidenav", attrs: { "aria-label": t("nav.label") } }, toggle, list);
  nav.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && navOpen) { ev.stopPropagation(); navOpen = false; nav.classList.remove("open"); toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
  });
  return nav;
}

function draw() {
  if (!root || !view.header) return;
  const content = h("div", { class: "workspace-content" });
  replace(root, h("div", { class: "workspace", id: "workspace" }, sideNav(), content));
  const target = { actor: view.openActor ?? undefined, action: view.openAction ?? undefined, note: view.openNote ?? undefined };
  // An action's page or a note's editor opens once; the card stays open until the user leaves.
  view.openAction = null;
  view.openNote = null;
  drawSection(isSection(view.section) ? view.section : "dashboard", content, target).catch(showError);
}

// ----- Projet de territoire ----------------------------------------------------------------

function periodText(hd) {
  const start = formatDate(hd.period_start);
  const end = formatDate(hd.period_end);
  if (start && end) return t("project.period_from_to", { start, end });
  if (start) return t("project.period_from", { start });
  if (end) return t("project.period_to", { end });
  return t("project.period_none");
}

/** @param {ProjectHeader} hd */
function projectSection(hd) {
  return h("section", { class: "card project", id: "project", attrs: { "aria-labelledby": "project-title" } },
    h("div", { class: "project-top" },
      h("div", {},
        h("p", { class: "eyebrow" },
          h("span", { id: "project-territory", text: hd.territory_name }),
          " · ",
          h("span", { text: label("territory_kind", hd.territory_kind) })),
        h("h1", { id: "project-title", text: hd.title })),
      h("button", { type: "button", class: "btn", id: "edit-project", text: t("project.edit"), on: { click: editProject } })),
    h("dl", { class: "project-facts" },
      h("div", {}, h("dt", { text: t("project.status") }),
        h("dd", {}, h("span", { class: `status status-${hd.status}`, id: "project-status", text: label("project_status", hd.status) }))),
      h("div", {}, h("dt", { text: t("project.period") }), h("dd", { id: "project-period", text: periodText(hd) })),
      hd.adoption_date ? h("div", {}, h("dt", { text: t("project.adoption_date") }), h("dd", { text: formatDate(hd.adoption_date) })) : null,
      communesFact()),
    h("div", { class: "vision" },
      h("h2", { class: "small-heading", text: t("project.vision") }),
      hd.vision
        ? h("p", { class: "vision-text", id: "project-vision", text: hd.vision })
        : h("p", { class: "muted", id: "project-vision", text: t("project.vision_empty") })));
}

function editProject() {
  const hd = view.header;
  if (!hd) return;
  formDialog({
    id: "project-dialog",
    title: t("project.edit_title"),
    submitLabel: t("form.save"),
    fields: [
      { name: "territory_name", label: t("project.territory_name"), value: hd.territory_name, required: true, half: true },
      { name: "territory_kind", label: t("project.territory_kind"), type: "select", value: hd.territory_kind, half: true,
        options: TERRITORY_KINDS.map((k) => ({ value: k, label: label("territory_kind", k) })) },
      { name: "title", label: t("project.title"), value: hd.title, required: true },
      { name: "vision", label: t("project.vision"), type: "textarea", value: hd.vision },
      { name: "status", label: t("project.status"), type: "select", value: hd.status, half: true,
        options: STATUSES.map((s) => ({ value: s, label: label("project_status", s) })) },
      { name: "adoption_date", label: t("project.adoption_date"), type: "date", value: hd.adoption_date, hint: t("project.date_hint"), half: true },
      { name: "period_start", label: t("project.period_start"), type: "date", value: hd.period_start, hint: t("project.date_hint"), half: true },
      { name: "period_end", label: t("project.period_end"), type: "date", value: hd.period_end, hint: t("project.date_hint"), half: true },
    ],
    onSubmit: async (v) => {
      const saved = await ipc.updateHeader(/** @type {any} */ ({
        ...v,
        period_start: v.period_start || null,
        period_end: v.period_end || null,
        adoption_date: v.adoption_date || null,
      }));
      view.header = saved;
      onHeaderChange(saved);
      draw();
      toast(t("project.saved"));
    },
  });
}

// ----- Acteurs -----------------------------------------------------------------------------
// The list is virtualised: Rust filters, sorts and counts; the table holds the rows in view.

const COLUMNS = /** @type {const} */ (["name", "world", "commune", "engagement"]);

/** Pause in typing after which the matches are counted. */
const COUNT_AFTER_TYPING_MS = 150;

/** The list on screen: its table, the count line, and a sequence number against late answers. */
const actorList = {
  /** @type {ReturnType<typeof virtualTable<Actor>>|null} */ table: null,
  /** @type {HTMLElement|null} */ count: null,
  /** @type {HTMLElement|null} */ empty: null,
  seq: 0,
};

/** The query for a page of the list as the view shows it. @returns {import("../../core/ipc.js").ActorListQuery} */
function actorQuery(offset, limit, count) {
  const typed = view.filter.trim();
  const q = fold(typed);
  const byLabel = (kind, codes) => (q ? codes.filter((c) => fold(label(kind, c)).includes(q)) : []);
  return {
    filter: typed,
    label_worlds: /** @type {any} */ (byLabel("world", WORLDS)),
    label_engagements: /** @type {any} */ (byLabel("engagement", ENGAGEMENTS)),
    sort: view.sortKey,
    descending: !view.sortAsc,
    world_order: /** @type {any} */ ([...WORLDS].sort((a, b) => compare(label("world", a), label("world", b)))),
    offset, limit, count,
  };
}

/**
 * Asks Rust for the list as the view wants it and shows it: the first page and the counts
 * are asked at once (on two readers); the page shows as soon as it comes, and the counts
 * (a scan of every actor, the longer answer) then set the list's length.
 */
async function loadActors(keepScroll = false, typing = false) {
  const list = actorList;
  const mine = ++list.seq;
  // While the user types, counting waits for a pause: the readers stay free for the pages.
  const counting = new Promise((resolve) => setTimeout(resolve, typing ? COUNT_AFTER_TYPING_MS : 0))
    .then(() => (mine === list.seq ? ipc.actorPage(actorQuery(0, 0, true)) : null));
  counting.catch(() => {}); // awaited below, unless a newer answer makes it useless
  const page = await ipc.actorPage(actorQuery(0, PAGE, false));
  if (mine !== list.seq || !list.table || !list.count || !list.empty) return;
  // A short page is the whole list; otherwise it is at least that long until counted.
  const known = page.rows.length < PAGE ? page.rows.length : null;
  list.table.element.hidden = page.rows.length === 0;
  list.table.setCount(known ?? Math.max(PAGE, list.table.count()), page.rows, { keepScroll });
  // Which answer is shown (tests wait for it; a keystroke may not change the count).
  list.table.table.dataset.loaded = String(mine);
  const counts = await counting;
  if (!counts || mine !== list.seq) return;
  const total = counts.total ?? 0;
  const matched = counts.matched ?? 0;
  list.count.textContent = view.filter.trim()
    ? t("actors.count", { shown: formatNumber(matched), total: formatNumber(total) })
    : t("actors.count_all", { total: formatNumber(total) });
  list.table.element.hidden = matched === 0;
  list.empty.hidden = matched > 0;
  if (total === 0) {
    replace(list.empty, h("p", { text: t("actors.empty") }),
      h("button", { type: "button", class: "btn primary", text: t("actors.add"), on: { click: () => actorForm(null) } }));
  } else if (matched === 0) {
    replace(list.empty, h("p", { text: t("actors.no_match", { filter: view.filter.trim() }) }),
      h("button", { type: "button", class: "btn", text: t("actors.clear_filter"), on: { click: () => {
        view.filter = "";
        const input = /** @type {HTMLInputElement|null} */ (document.getElementById("actor-filter"));
        if (input) { input.value = ""; input.focus(); }
        loadActors().catch(showError);
      } } }));
  }
  list.table.resize(matched);
  list.table.table.dataset.counted = String(mine);
}

function actorsSection() {
  const filter = /** @type {HTMLInputElement} */ (h("input", {
    type: "search", id: "actor-filter", value: view.filter,
    placeholder: t("actors.filter_placeholder"), autocomplete: "off",
  }));
  const count = h("p", { class: "muted count", id: "actors-count", attrs: { "aria-live": "polite" } });
  const empty = h("div", { class: "empty", id: "actors-empty", hidden: true });
  const headRow = h("tr", {});
  const drawHead = () => replace(headRow, COLUMNS.map(headCell),
    h("th", { scope: "col", class: "col-actions" }, h("span", { class: "visually-hidden", text: t("actors.col.actions") })));
  const headCell = (key) => {
    const active = view.sortKey === key;
    return h("th", { scope: "col", class: `col-${key}`, attrs: { "aria-sort": active ? (view.sortAsc ? "ascending" : "descending") : "none" } },
      h("button", {
        type: "button", class: "sort", id: `sort-${key}`,
        on: { click: () => {
          if (view.sortKey === key) view.sortAsc = !view.sortAsc; else { view.sortKey = key; view.sortAsc = true; }
          drawHead();
          document.getElementById(`sort-${key}`)?.focus();
          loadActors().catch(showError);
        } },
      }, t(`actors.col.${key}`), h("span", { class: "sort-mark", attrs: { "aria-hidden": "true" }, text: active ? (view.sortAsc ? " ▲" : " ▼") : "" })));
  };
  drawHead();
  const table = virtualTable({
    id: "actors-table",
    caption: t("actors.heading"),
    label: t("actors.list_label"),
    head: headRow,
    columns: COLUMNS.length + 1,
    loadingText: t("list.loading"),
    fetch: async (offset, limit) => (await ipc.actorPage(actorQuery(offset, limit, false))).rows,
    renderRow: actorRow,
  });
  table.element.hidden = true;
  actorList.table = table;
  actorList.count = count;
  actorList.empty = empty;
  filter.addEventListener("input", () => { view.filter = filter.value; loadActors(false, true).catch(showError); });
  filter.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && filter.value) {
      ev.stopPropagation(); filter.value = ""; view.filter = ""; loadActors().catch(showError);
    }
  });
  loadActors().catch(showError);
  return h("section", { class: "card actors", id: "actors", attrs: { "aria-labelledby": "actors-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "actors-title", text: t("actors.heading") }),
      h("div", { class: "toolbar" },
        h("label", { class: "visually-hidden", htmlFor: "actor-filter", text: t("actors.filter") }),
        filter,
        h("button", { type: "button", class: "btn", id: "import-open", text: t("exchange.import"), on: { click: () => startImport(reloadActors) } }),
        h("button", { type: "button", class: "btn", id: "export-open", text: t("exchange.export"), on: { click: () => startExport() } }),
        h("button", { type: "button", class: "btn primary", id: "add-actor", text: t("actors.add"),
          attrs: { "aria-keyshortcuts": "Control+N" }, on: { click: () => actorForm(null) } }))),
    count,
    empty,
    table.element);
}

/** One row of the list. @param {Actor} a */
function actorRow(a) {
  return h("tr", { attrs: { "data-actor-id": a.id } },
    h("th", { scope: "row", class: "actor-name" },
      h("button", { type: "button", class: "link", text: a.name, title: a.name, attrs: { "aria-label": t("actors.open_card", { name: a.name }) }, on: { click: () => openActor(a.id) } })),
    h("td", {}, h("span", { class: `world world-${a.world}`, text: label("world", a.world) })),
    h("td", { text: a.commune, title: a.commune }),
    h("td", {}, h("span", { class: `engagement engagement-${a.engagement}`, text: label("engagement", a.engagement) })),
    h("td", { class: "col-actions" },
      h("button", { type: "button", class: "btn small", text: t("actors.edit"),
        attrs: { "aria-label": t("actors.edit_named", { name: a.name }) }, on: { click: () => actorForm(a) } }),
      h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"),
        attrs: { "aria-label": t("actors.delete_named", { name: a.name }) }, on: { click: () => removeActor(a) } })));
}

/** After a change: the list again, at the same place, when it is on screen. */
function refreshActorList() {
  if (view.section === "actors" && view.openActor === null && actorList.table?.element.isConnected) {
    loadActors(true).catch(showError);
  }
}

/** Opens the actor form, empty to add, filled to edit. @param {Actor|null} a */
export function actorForm(a) {
  formDialog({
    id: "actor-dialog",
    title: a ? t("actors.edit_title") : t("actors.new_title"),
    submitLabel: a ? t("form.save") : t("form.create"),
    fields: [
      { name: "name", label: t("actors.name"), value: a?.name, required: true },
      { name: "world", label: t("actors.world"), type: "select", value: a?.world ?? "association", half: true,
        options: WORLDS.map((w) => ({ value: w, label: label("world", w) })) },
      { name: "commune", label: t("actors.commune"), type: "commune", freeText: true, value: a?.commune, half: true,
        choice: a?.insee ? { value: a.insee, label: a.commune } : null },
      { name: "engagement", label: t("actors.engagement"), type: "select", value: a?.engagement ?? "informed",
        options: ENGAGEMENTS.map((e) => ({ value: e, label: label("engagement", e) })) },
      { name: "notes", label: t("actors.notes"), type: "textarea", value: a?.notes },
    ],
    onSubmit: async (v) => {
      const input = /** @type {import("../../core/ipc.js").ActorInput} */ (/** @type {any} */ ({ ...v, ...v.commune }));
      const saved = a ? await ipc.updateActor(a.id, input) : await ipc.createActor(input);
      if (view.openActor === saved.id) refreshCard(); else refreshActorList();
      toast(t(a ? "actors.updated" : "actors.created", { name: saved.name }));
    },
  });
}

/** @param {Actor} a */
async function removeActor(a) {
  let impact;
  try { impact = await ipc.actorDeleteImpact(a.id); } catch (e) { showError(e); return; }
  const hasEffects = impact.effects.length > 0;
  const ok = await confirmDialog({
    title: t("actors.confirm_delete_title"),
    message: t(hasEffects ? "actors.confirm_delete_impact" : "actors.confirm_delete", { name: a.name }),
    details: impactDetails(impact),
    confirmLabel: t("confirm.delete"),
  });
  if (!ok) return;
  try {
    const gone = await ipc.deleteActor(a.id);
    refreshActorList();
    const set = gone.change_set;
    // « Annuler » undoes the deletion's change set through the journal, as the Journal
    // does: the actor comes back with its contacts, tags, links, profile and mentions.
    toast(t("actors.deleted", { name: gone.name }), set === null ? {} : {
      actionLabel: t("toast.undo"),
      onAction: async () => {
        if (!(await undoSet(set))) return;
        refreshActorList();
        toast(t("actors.restored", { name: gone.name }));
      },
    });
  } catch (e) { showError(e); }
}

/** Runs a search across the workspace and shows the results, grouped by kind. */
export async function showSearch(query) {
  view.query = query;
  view.section = "search";
  draw();
}

async function renderSearch(content) {
  const hits = await ipc.search(view.query);
  const groups = ["actor", "contact", "meeting", "action"]
    .map((kind) => ({ kind, items: hits.filter((h) => h.kind === kind) }))
    .filter((g) => g.items.length);
  const open = (hit) => {
    if (hit.kind === "action") { navigate("actions", { action: hit.id }); return; }
    if (hit.kind === "meeting") { showSection("meetings").catch(showError); return; }
    openActor(hit.kind === "contact" ? /** @type {number} */ (hit.actor_id) : hit.id);
  };
  replace(content, h("section", { class: "card", id: "search-results", attrs: { "aria-labelledby": "search-title" } },
    h("h2", { id: "search-title", text: t("search.results_for", { query: view.query }) }),
    groups.length === 0 ? h("p", { class: "empty", id: "search-empty", text: t("search.none") }) : null,
    groups.map((g) => h("div", { class: "search-group", id: `search-${g.kind}` },
      h("h3", { class: "small-heading", text: `${t(`search.kind.${g.kind}`)} (${g.items.length})` }),
      h("ul", { class: "search-list" }, g.items.map((hit) => h("li", {},
        h("button", { type: "button", class: "link search-title", text: hit.title, on: { click: () => open(hit) } }),
        hit.detail ? h("span", { class: "muted small", text: ` — ${hit.kind === "meeting" ? formatDate(hit.detail) : hit.detail}` }) : null)))))));
}

async function reloadActors() {
  view.openActor = null;
  view.section = "actors";
  draw();
}

/** Shows the actors and focuses their quick filter (Ctrl+F). */
export async function focusFilter() {
  if (view.section !== "actors" || view.openActor !== null) await showSection("actors");
  document.getElementById("actor-filter")?.focus();
}
