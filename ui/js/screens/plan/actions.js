// "Actions": the table of fiches actions with column filters and sorting, the action form,
// and one action's page with its partners and funding plan.
import { h, replace } from "../../core/dom.js";
import { t, label, formatDate, formatMonth, formatNumber, compare, language, formatMoney } from "../../core/i18n.js";
import { formDialog, confirmDialog, toast, showError, impactDetails } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { newNoteForAction } from "../notes/notes.js";
import { historyButton } from "../history/history.js";
import { navigate } from "../../core/router.js";
import { actorNames, picker, searchActors } from "../../core/picker.js";
import { virtualTable, PAGE } from "../../core/virtual.js";
import { ActionStatus as STATUSES, Practice as PRACTICES, Engineering as ENGINEERINGS, FundingStatus as FUNDING_STATUSES } from "../../../bindings/codes.js";

/** @typedef {import("../../core/ipc.js").Action} Action */
/** @typedef {import("../../core/ipc.js").Funding} Funding */
/** @typedef {import("../../core/ipc.js").ActionRow} ActionRow */

const FILTERS = /** @type {const} */ (["status", "axis", "practice", "engineering", "lead"]);

const data = {
  /** @type {import("../../core/ipc.js").Axis[]} */ axes: [],
  /** @type {import("../../core/ipc.js").Need[]} */ needs: [],
  /** Names of the actors the open action and its funding lines name. @type {Map<number, string>} */ names: new Map(),
  /** @type {import("../../core/ipc.js").Member[]} */ members: [],
};
const view = {
  /** "" for any, "none" for no value, else a code or an id. @type {Record<string, string>} */
  filters: { status: "", axis: "", practice: "", engineering: "", lead: "" },
  /** The porteur chosen in the filter, as the picker shows it. @type {import("../../core/picker.js").Choice|null} */
  lead: null,
  text: "",
  /** @type {import("../../core/ipc.js").ActionSort} */ sortKey: "axis",
  sortAsc: true,
  /** @type {number|null} */ openId: null,
};
/** @type {HTMLElement|null} */ let root = null;

/** Formats basis points (1 % = 100) as a percentage. */
function percent(bp) {
  return new Intl.NumberFormat(language() === "fr" ? "fr-FR" : "en-GB", { style: "percent", maximumFractionDigits: 1 })
    .format(bp / 10000);
}
/** The amount as typed in a form (no grouping; a decimal comma in French, a point in English). */
function typed(cents) {
  if (cents === null || cents === undefined) return "";
  const text = (cents / 100).toFixed(2);
  return language() === "fr" ? text.replace(".", ",") : text;
}

const actorName = (id) => data.names.get(id) ?? "";
/** The current actor of a form, as a picker choice. */
const choiceOf = (id) => (id === null || id === undefined ? null : { value: String(id), label: actorName(id) });
const axisTitle = (id) => data.axes.find((a) => a.id === id)?.title ?? "";

/** The project's axes, needs and team (short lists); the actions are read page by page. */
async function load() {
  [data.axes, data.needs, data.members] = await Promise.all([ipc.listAxes(), ipc.listNeeds(), ipc.listMembers()]);
}

/** Loads and draws the section into `container`, optionally on one action's page. */
export async function renderActions(container, openId = null) {
  root = container;
  view.openId = openId;
  await load();
  await draw();
}

// An undo from a history: the list or the open action drawn again.
document.addEventListener("catalyse:undone", () => { if (root?.isConnected) draw().catch(showError); });

async function draw() {
  if (!root) return;
  if (view.openId !== null) {
    let open = null;
    try { open = await ipc.getAction(view.openId); } catch (e) { if (/** @type {any} */ (e)?.kind !== "not_found") throw e; }
    if (open) {
      const page = await actionPage(open);
      if (root) replace(root, page);
      return;
    }
    view.openId = null;
  }
  replace(root, tableSection());
}

// ----- Table (virtualised: Rust filters, sorts and pages) --------------------------------------

function filterOptions(key) {
  const opt = (value, text) => ({ value, text });
  switch (key) {
    case "status": return STATUSES.map((s) => opt(s, label("action_status", s)));
    case "axis": return [...data.axes.map((a) => opt(String(a.id), a.title)), opt("none", t("actions.no_axis"))];
    case "practice": return [...PRACTICES.map((p) => opt(p, label("practice", p))), opt("none", t("actions.filter_none"))];
    default: return [...ENGINEERINGS.map((e) => opt(e, label("engineering", e))), opt("none", t("actions.filter_none"))];
  }
}

/** A filter's value as the query wants it. @param {string} v @param {boolean} [numeric] */
function pickOf(v, numeric = false) {
  if (!v) return "any";
  if (v === "none") return "none";
  return { is: numeric ? Number(v) : v };
}

const table = {
  /** @type {ReturnType<typeof virtualTable<ActionRow>>|null} */ list: null,
  /** @type {HTMLElement|null} */ count: null,
  /** @type {HTMLElement|null} */ empty: null,
  seq: 0,
};

/** @returns {import("../../core/ipc.js").ActionListQuery} */
const query = (offset, limit, count) => ({
  filter: view.text.trim(),
  status: /** @type {any} */ (view.filters.status || null),
  axis: /** @type {any} */ (pickOf(view.filters.axis, true)),
  practice: /** @type {any} */ (pickOf(view.filters.practice)),
  engineering: /** @type {any} */ (pickOf(view.filters.engineering)),
  lead: /** @type {any} */ (pickOf(view.filters.lead, true)),
  dated: null,
  sort: view.sortKey, descending: !view.sortAsc, offset, limit, count,
});

const filtered = () => Boolean(view.text.trim()) || FILTERS.some((k) => view.filters[k]);

async function loadTable(keepScroll = false) {
  const mine = ++table.seq;
  const page = await ipc.actionPage(query(0, PAGE, true));
  if (mine !== table.seq || !table.list || !table.count || !table.empty) return;
  const total = page.total ?? 0;
  const matched = page.matched ?? 0;
  table.count.textContent = t("actions.count", { shown: formatNumber(matched), total: formatNumber(total) });
  table.list.element.hidden = matched === 0;
  table.empty.hidden = matched > 0;
  if (total === 0) replace(table.empty, h("p", { text: t("actions.empty") }));
  else if (matched === 0) {
    replace(table.empty, h("p", { text: t("actions.no_match") }),
      h("button", { type: "button", class: "btn", id: "actions-clear-filters", text: t("actions.clear_filters"), on: { click: () => {
        for (const k of FILTERS) view.filters[k] = "";
        view.lead = null;
        view.text = "";
        draw().catch(showError);
      } } }));
  }
  table.list.setCount(matched, page.rows, { keepScroll });
  table.list.table.dataset.loaded = String(mine);
}

/** @param {ActionRow} r */
function actionRow(r) {
  const a = r.action;
  return h("tr", { attrs: { "data-action-id": a.id } },
    h("th", { scope: "row", title: [a.title, a.practice ? label("practice", a.practice) : null,
      a.engineering ? label("engineering", a.engineering) : null].filter(Boolean).join(" · ") },
    h("button", { type: "button", class: "link action-open", text: a.title,
      on: { click: () => { view.openId = a.id; draw().catch(showError); } } }),
    a.practice || a.engineering ? h("span", { class: "muted small", text: ` ${[a.practice ? label("practice", a.practice) : null,
      a.engineering ? label("engineering", a.engineering) : null].filter(Boolean).join(" · ")}` }) : null),
    h("td", {}, h("span", { class: `astatus astatus-${a.status}`, text: label("action_status", a.status) })),
    h("td", { text: a.axis_id === null ? t("actions.no_axis") : axisTitle(a.axis_id) }),
    h("td", { text: r.lead === null ? t("actions.none") : r.lead.name }),
    h("td", { class: "nowrap", text: a.start_date || a.end_date
      ? t("actions.dates_from_to", { start: formatMonth(a.start_date) || "…", end: formatMonth(a.end_date) || "…" }) : t("actions.no_dates") }),
    h("td", { class: "num", text: a.budget_cents === null ? t("actions.none") : formatMoney(a.budget_cents) }));
}

function tableSection() {
  const reload = () => loadTable().catch(showError);
  const selects = FILTERS.filter((k) => k !== "lead").map((k) => {
    const id = `filter-${k}`;
    const select = h("select", { id, name: k },
      h("option", { value: "", text: t("actions.filter_any") }),
      filterOptions(k).map((o) => h("option", { value: o.value, text: o.text })));
    select.value = view.filters[k];
    select.addEventListener("change", () => { view.filters[k] = select.value; reload(); });
    return h("div", { class: "filter" }, h("label", { htmlFor: id, text: t(`actions.col.${k}`) }), select);
  });
  // The porteur: searched among every actor, never a list of them all.
  const none = { value: "none", label: t("actions.filter_none") };
  const lead = picker({
    id: "filter-lead", label: t("actions.col.lead"), placeholder: t("actions.filter_any"),
    value: view.lead,
    search: async (typedText) => [...(typedText ? [] : [none]), ...await searchActors(typedText)],
    onChoose: (c) => { view.lead = c; view.filters.lead = c?.value ?? ""; reload(); },
  });
  const text = /** @type {HTMLInputElement} */ (h("input", {
    type: "search", id: "action-filter", value: view.text, placeholder: t("actions.filter_placeholder"), autocomplete: "off",
  }));
  text.addEventListener("input", () => { view.text = text.value; reload(); });
  text.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && text.value) { ev.stopPropagation(); text.value = ""; view.text = ""; reload(); }
  });
  const filters = h("div", { class: "filters", id: "action-filters" },
    h("div", { class: "filter" }, h("label", { htmlFor: "action-filter", text: t("actions.filter_text") }), text),
    selects,
    h("div", { class: "filter" }, h("label", { htmlFor: "filter-lead", text: t("actions.col.lead") }), lead.element));
  const sortHead = (key) => {
    const active = view.sortKey === key;
    return h("th", { scope: "col", class: `col-${key}${key === "budget" ? " num" : ""}`, attrs: { "aria-sort": active ? (view.sortAsc ? "ascending" : "descending") : "none" } },
      h("button", { type: "button", class: "sort", id: `asort-${key}`, on: { click: () => {
        if (view.sortKey === key) view.sortAsc = !view.sortAsc; else { view.sortKey = key; view.sortAsc = true; }
        draw().then(() => document.getElementById(`asort-${key}`)?.focus()).catch(showError);
      } } }, t(`actions.col.${key}`),
      h("span", { class: "sort-mark", attrs: { "aria-hidden": "true" }, text: active ? (view.sortAsc ? " ▲" : " ▼") : "" })));
  };
  table.list = virtualTable({
    id: "actions-table", caption: t("actions.heading"), label: t("actions.list_label"),
    head: h("tr", {}, /** @type {const} */ (["title", "status", "axis", "lead", "dates", "budget"]).map(sortHead)),
    columns: 6, loadingText: t("list.loading"),
    fetch: async (offset, limit) => (await ipc.actionPage(query(offset, limit, false))).rows,
    renderRow: actionRow,
  });
  table.list.element.hidden = true;
  table.count = h("p", { class: "muted count", id: "actions-count", attrs: { "aria-live": "polite" } });
  table.empty = h("div", { class: "empty", id: "actions-empty", hidden: true });
  loadTable().catch(showError);
  return h("section", { class: "card", id: "actions", attrs: { "aria-labelledby": "actions-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "actions-title", text: t("actions.heading") }),
      h("button", { type: "button", class: "btn primary", id: "add-action", text: t("actions.add"), on: { click: () => actionForm(null) } })),
    filters, table.count, table.empty, table.list.element);
}

// ----- Form ------------------------------------------------------------------------------------

/** @param {Action|null} a */
function actionForm(a) {
  const dialog = formDialog({
    id: "action-dialog",
    title: t(a ? "actions.edit_title" : "actions.new_title"),
    submitLabel: t(a ? "form.save" : "form.create"),
    fields: [
      { name: "title", label: t("actions.title"), value: a?.title, required: true },
      { name: "axis_id", label: t("actions.axis"), type: "select", value: a?.axis_id == null ? "" : String(a.axis_id), half: true,
        options: [{ value: "", label: t("actions.no_axis") }, ...data.axes.map((x) => ({ value: String(x.id), label: x.title }))] },
      { name: "status", label: t("actions.status"), type: "select", value: a?.status ?? "idea", half: true,
        options: STATUSES.map((s) => ({ value: s, label: label("action_status", s) })) },
      { name: "start_date", label: t("actions.start_date"), type: "date", value: a?.start_date, half: true, hint: t("project.date_hint") },
      { name: "end_date", label: t("actions.end_date"), type: "date", value: a?.end_date, half: true, hint: t("project.date_hint") },
      { name: "budget", label: t("actions.budget"), value: typed(a?.budget_cents), half: true, hint: t("actions.budget_hint") },
      { name: "lead_actor_id", label: t("actions.lead"), type: "actor", choice: choiceOf(a?.lead_actor_id), half: true, hint: " " },
      { name: "commune", label: t("actions.commune"), type: "commune", half: true,
        choice: a?.insee ? { value: a.insee, label: a.commune ?? a.insee } : null },
      { name: "referent_member_id", label: t("actions.referent"), type: "select", hint: t("actions.referent_hint"),
        value: a?.referent_member_id == null ? "" : String(a.referent_member_id),
        options: [{ value: "", label: t("actions.none") }, ...[...data.members].sort((x, y) => compare(x.name, y.name)).map((m) => ({ value: String(m.id), label: m.name }))] },
      { name: "partners", label: t("actions.partners"), type: "partners",
        partners: (a?.partners ?? []).map((p) => ({ ...p, label: actorName(p.actor_id) })) },
      { name: "practice", label: t("actions.practice"), type: "select", value: a?.practice ?? "", half: true,
        options: [{ value: "", label: t("actions.none") }, ...PRACTICES.map((p) => ({ value: p, label: label("practice", p) }))] },
      { name: "activity", label: t("actions.activity"), type: "select", value: a?.activity == null ? "" : String(a.activity), half: true,
        options: activityOptions(a?.practice ?? "") },
      { name: "engineering", label: t("actions.engineering"), type: "select", value: a?.engineering ?? "",
        options: [{ value: "", label: t("actions.none") }, ...ENGINEERINGS.map((e) => ({ value: e, label: label("engineering", e) }))] },
      { name: "need_ids", label: t("actions.needs"), type: "checkboxes", values: (a?.need_ids ?? []).map(String),
        options: data.needs.map((n) => ({ value: String(n.id), label: n.title })) },
      { name: "description", label: t("actions.description"), type: "textarea", value: a?.description },
    ],
    onSubmit: async (v) => {
      const input = {
        title: v.title, description: v.description,
        axis_id: v.axis_id ? Number(v.axis_id) : null,
        need_ids: v.need_ids.map(Number),
        status: v.status,
        start_date: v.start_date || null, end_date: v.end_date || null,
        budget: v.budget,
        lead_actor_id: v.lead_actor_id ? Number(v.lead_actor_id) : null,
        referent_member_id: v.referent_member_id ? Number(v.referent_member_id) : null,
        partners: v.partners,
        practice: v.practice || null,
        activity: v.activity ? Number(v.activity) : null,
        engineering: v.engineering || null,
        insee: v.commune.insee,
      };
      const saved = a ? await ipc.updateAction(a.id, /** @type {any} */ (input)) : await ipc.createAction(/** @type {any} */ (input));
      view.openId = saved.id;
      await draw();
      toast(t(a ? "actions.updated" : "actions.created", { name: saved.title }));
    },
  });
  // The activity list follows the chosen practice.
  const practice = /** @type {HTMLSelectElement} */ (dialog.querySelector("select[name=practice]"));
  const activity = /** @type {HTMLSelectElement} */ (dialog.querySelector("select[name=activity]"));
  practice.addEventListener("change", () => {
    replace(activity, activityOptions(practice.value).map((o) => h("option", { value: o.value, text: o.label })));
    activity.value = "";
  });
}

function activityOptions(practice) {
  const none = { value: "", label: t("actions.none") };
  if (!practice) return [none];
  return [none, ...[1, 2, 3, 4].map((n) => ({ value: String(n), label: t(`activity.${practice}.${n}`) }))];
}

// ----- One action ------------------------------------------------------------------------------

/** @param {Action} a */
async function actionPage(a) {
  const [plan, lines, indicators] = await Promise.all([ipc.fundingPlan(a.id), ipc.fundingPage(a.id, 0, LINES_PAGE), ipc.listIndicators(a.id)]);
  data.names = await actorNames([a.lead_actor_id, ...a.partners.map((p) => p.actor_id)]);
  for (const f of lines.funders) data.names.set(f.id, f.name);
  const fact = (name, value) => h("div", {}, h("dt", { text: name }), h("dd", { text: value }));
  const back = h("button", { type: "button", class: "btn", id: "action-back", text: `← ${t("action.back")}`,
    on: { click: () => { view.openId = null; draw().catch(showError); } } });
  const planRows = [
    ["budget", plan.budget_cents], ["granted", plan.granted_cents], ["requested", plan.requested_cents],
    ["considered", plan.considered_cents], ["refused", plan.refused_cents],
  ];
  const gap = plan.gap_cents;
  return h("div", { class: "action-page", id: "action-page" },
    h("div", {}, back),
    h("section", { class: "card", attrs: { "aria-labelledby": "action-title" } },
      h("div", { class: "project-top" },
        h("div", {},
          h("p", { class: "eyebrow", text: a.axis_id === null ? t("actions.no_axis") : axisTitle(a.axis_id) }),
          h("h1", { id: "action-title", text: a.title })),
        h("div", { class: "toolbar" },
          h("button", { type: "button", class: "btn", id: "note-from-action", text: t("notes.from_action"), on: { click: () => newNoteForAction(a.id, (id) => navigate("notes", { note: id })) } }),
          h("button", { type: "button", class: "btn", id: "edit-action", text: t("actions.edit"), on: { click: () => actionForm(a) } }),
          historyButton("action", a.id, a.title, "action-history"),
          h("button", { type: "button", class: "btn danger-outline", id: "delete-action", text: t("actions.delete"), on: { click: () => removeAction(a) } }))),
      h("dl", { class: "project-facts" },
        fact(t("actions.status"), label("action_status", a.status)),
        fact(t("actions.col.dates"), a.start_date || a.end_date
          ? t("actions.dates_from_to", { start: formatDate(a.start_date) || "…", end: formatDate(a.end_date) || "…" }) : t("actions.no_dates")),
        fact(t("actions.lead"), a.lead_actor_id === null ? t("action.lead_none") : actorName(a.lead_actor_id)),
        fact(t("actions.referent"), data.members.find((m) => m.id === a.referent_member_id)?.name ?? t("actions.none")),
        fact(t("actions.practice"), a.practice
          ? label("practice", a.practice) + (a.activity ? ` — ${t(`activity.${a.practice}.${a.activity}`)}` : "") : t("actions.none")),
        fact(t("actions.engineering"), a.engineering ? label("engineering", a.engineering) : t("actions.none"))),
      h("h2", { class: "small-heading", text: t("actions.partners") }),
      a.partners.length
        ? h("ul", { id: "action-partners" }, a.partners.map((p) => h("li", { text: p.role ? `${actorName(p.actor_id)} — ${p.role}` : actorName(p.actor_id) })))
        : h("p", { class: "muted", text: t("action.partners_none") }),
      a.description ? h("p", { class: "vision-text", text: a.description }) : null),
    h("section", { class: "card", id: "funding", attrs: { "aria-labelledby": "funding-title" } },
      h("div", { class: "section-head" },
        h("h2", { id: "funding-title", text: t("action.funding.heading") }),
        h("button", { type: "button", class: "btn primary", id: "add-funding", text: t("action.funding.add"), on: { click: () => fundingForm(a, null) } })),
      h("dl", { class: "plan-figures", id: "funding-plan" },
        planRows.map(([k, v]) => h("div", { class: `plan-${k}` }, h("dt", { text: t(`action.plan.${k}`) }),
          h("dd", { text: v === null ? t("actions.none") : formatMoney(/** @type {number} */ (v)) }))),
        h("div", { class: gap !== null && gap < 0 ? "plan-gap over" : "plan-gap" },
          h("dt", { text: gap !== null && gap < 0 ? t("action.plan.over") : t("action.plan.gap") }),
          h("dd", { id: "plan-gap", text: gap === null ? t("actions.none") : formatMoney(Math.abs(gap)) }))),
      plan.budget_cents === null ? h("p", { class: "muted", text: t("action.plan.no_budget") }) : null,
      plan.funders.length ? h("table", { class: "data compact", id: "plan-shares" },
        h("caption", { text: t("action.plan.caption") }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("action.plan.funder") }),
          h("th", { scope: "col", class: "num", text: t("action.plan.granted") }),
          h("th", { scope: "col", class: "num", text: t("action.plan.requested") }),
          h("th", { scope: "col", class: "num", text: t("action.plan.share") }))),
        h("tbody", {}, plan.funders.map((f) => h("tr", {},
          h("th", { scope: "row", text: f.funder_id === null ? t("action.funding.no_funder") : f.funder_name }),
          h("td", { class: "num", text: formatMoney(f.granted_cents) }),
          h("td", { class: "num", text: formatMoney(f.requested_cents) }),
          h("td", { class: "num share", text: f.share_bp === null ? t("actions.none") : percent(f.share_bp) }))))) : null,
      lines.total ? fundingLines(a, lines) : h("p", { class: "muted", text: t("action.funding.empty") })),
    indicatorsCard(a, indicators));
}

/** `el` with one more class. @param {HTMLElement} el @param {string} name */
function withClass(el, name) { el.classList.add(name); return el; }

/** Funding lines shown at first, then added by « Afficher plus ». */
const LINES_PAGE = 100;

/**
 * The action's funding lines, a page at a time.
 * @param {Action} a @param {import("../../core/ipc.js").FundingPage} first
 */
function fundingLines(a, first) {
  /** @param {Funding} f */
  const row = (f) => h("tr", {},
    h("th", { scope: "row", text: f.funder_id === null ? t("action.funding.no_funder") : actorName(f.funder_id) }),
    h("td", { text: f.scheme }),
    h("td", { class: "num", text: formatMoney(f.amount_cents) }),
    h("td", {}, h("span", { class: `fstatus fstatus-${f.status}`, text: label("funding_status", f.status) })),
    h("td", { text: formatDate(f.decision_on) }),
    h("td", { class: "col-actions" },
      h("button", { type: "button", class: "btn small funding-edit", text: t("actors.edit"), on: { click: () => fundingForm(a, f) } }),
      withClass(historyButton("funding", f.id, f.scheme), "funding-history"),
      h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"), on: { click: () => removeFunding(f) } })));
  const body = h("tbody", {}, first.rows.map(row));
  let shown = first.rows.length;
  const status = h("p", { class: "muted small", id: "funding-lines-count", attrs: { "aria-live": "polite" } });
  const more = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn", id: "funding-more" }));
  const update = () => {
    status.textContent = t("action.lines.shown", { shown: formatNumber(shown), total: formatNumber(first.total) });
    status.hidden = shown >= first.total;
    more.hidden = shown >= first.total;
    more.textContent = t("action.lines.more", { count: formatNumber(Math.min(LINES_PAGE, first.total - shown)) });
  };
  more.addEventListener("click", async () => {
    try {
      const page = await ipc.fundingPage(a.id, shown, LINES_PAGE);
      for (const f of page.funders) data.names.set(f.id, f.name);
      body.append(...page.rows.map(row));
      shown += page.rows.length;
      update();
      if (shown >= first.total) body.lastElementChild?.querySelector("button")?.focus();
    } catch (e) { showError(e); }
  });
  update();
  return h("div", {},
    h("table", { class: "data compact", id: "funding-lines" },
      h("caption", { text: t("action.lines.caption") }),
      h("thead", {}, h("tr", {}, ["funder", "scheme", "amount", "status", "decision_on"].map((k) =>
        h("th", { scope: "col", class: k === "amount" ? "num" : "", text: t(`action.funding.${k}`) })),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: t("actors.col.actions") })))),
      body),
    status, more);
}

/** Formats a measured value the way the current language writes numbers. */
function num(v) {
  return v === null || v === undefined ? t("actions.none")
    : new Intl.NumberFormat(language() === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 2 }).format(v);
}

/** @param {Action} a @param {import("../../core/ipc.js").Indicator[]} list */
function indicatorsCard(a, list) {
  return h("section", { class: "card", id: "indicators", attrs: { "aria-labelledby": "indicators-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "indicators-title", text: t("indicators.heading") }),
      h("button", { type: "button", class: "btn primary", id: "add-indicator", text: t("indicators.add"), on: { click: () => indicatorForm(a, null) } })),
    list.length ? h("table", { class: "data compact", id: "indicators-table" },
      h("thead", {}, h("tr", {}, ["name", "target", "current", "progress", "measured_on"].map((k) =>
        h("th", { scope: "col", class: k === "name" || k === "measured_on" ? "" : "num", text: t(`indicators.${k}`) })),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: t("actors.col.actions") })))),
      h("tbody", {}, list.map((i) => h("tr", {},
        h("th", { scope: "row", text: i.name }),
        h("td", { class: "num", text: i.target === null ? t("actions.none") : `${num(i.target)} ${i.unit}`.trim() }),
        h("td", { class: "num", text: i.current === null ? t("actions.none") : `${num(i.current)} ${i.unit}`.trim() }),
        h("td", { class: "num", text: i.target && i.current !== null ? percent(Math.round((i.current / i.target) * 10000)) : t("actions.none") }),
        h("td", { text: formatDate(i.measured_on) }),
        h("td", { class: "col-actions" },
          h("button", { type: "button", class: "btn small", text: t("actors.edit"), on: { click: () => indicatorForm(a, i) } }),
          h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"), on: { click: () => removeIndicator(i) } }))))))
      : h("p", { class: "muted", text: t("indicators.empty") }));
}

/** @param {Action} a @param {import("../../core/ipc.js").Indicator|null} i */
function indicatorForm(a, i) {
  const typedNumber = (v) => (v === null || v === undefined ? "" : String(v).replace(".", ","));
  formDialog({
    id: "indicator-dialog",
    title: t(i ? "indicators.edit_title" : "indicators.new_title"),
    submitLabel: t(i ? "form.save" : "form.create"),
    fields: [
      { name: "name", label: t("indicators.name"), value: i?.name, required: true, half: true },
      { name: "unit", label: t("indicators.unit"), value: i?.unit, half: true },
      { name: "target", label: t("indicators.target"), value: typedNumber(i?.target), half: true },
      { name: "current", label: t("indicators.current"), value: typedNumber(i?.current), half: true },
      { name: "measured_on", label: t("indicators.measured_on"), type: "date", value: i?.measured_on, hint: t("project.date_hint") },
    ],
    onSubmit: async (v) => {
      const input = { ...v, measured_on: v.measured_on || null };
      if (i) await ipc.updateIndicator(i.id, /** @type {any} */ (input));
      else await ipc.createIndicator(a.id, /** @type {any} */ (input));
      await draw();
      toast(t("indicators.saved"));
    },
  });
}

/** @param {import("../../core/ipc.js").Indicator} i */
async function removeIndicator(i) {
  const ok = await confirmDialog({ title: t("indicators.confirm_delete_title"),
    message: t("indicators.confirm_delete", { name: i.name }), confirmLabel: t("confirm.delete") });
  if (!ok) return;
  try { await ipc.deleteIndicator(i.id); await draw(); toast(t("indicators.deleted")); } catch (e) { showError(e); }
}

/** @param {Action} a @param {Funding|null} f */
function fundingForm(a, f) {
  formDialog({
    id: "funding-dialog",
    title: t(f ? "action.funding.edit_title" : "action.funding.new_title"),
    submitLabel: t(f ? "form.save" : "form.create"),
    fields: [
      { name: "funder_id", label: t("action.funding.funder"), type: "actor", choice: choiceOf(f?.funder_id) },
      { name: "scheme", label: t("action.funding.scheme"), value: f?.scheme, half: true },
      { name: "amount", label: t("action.funding.amount"), value: typed(f?.amount_cents), required: true, half: true },
      { name: "status", label: t("action.funding.status"), type: "select", value: f?.status ?? "requested",
        options: FUNDING_STATUSES.map((s) => ({ value: s, label: label("funding_status", s) })) },
      { name: "requested_on", label: t("action.funding.requested_on"), type: "date", value: f?.requested_on, half: true },
      { name: "decision_on", label: t("action.funding.decision_on"), type: "date", value: f?.decision_on, half: true },
      { name: "notes", label: t("action.funding.notes"), type: "textarea", value: f?.notes },
    ],
    onSubmit: async (v) => {
      const input = { ...v, funder_id: v.funder_id ? Number(v.funder_id) : null,
        requested_on: v.requested_on || null, decision_on: v.decision_on || null };
      if (f) await ipc.updateFunding(f.id, /** @type {any} */ (input));
      else await ipc.createFunding(a.id, /** @type {any} */ (input));
      await draw();
      toast(t("action.funding.saved"));
    },
  });
}

/** @param {Funding} f */
async function removeFunding(f) {
  const name = `${f.funder_id === null ? t("action.funding.no_funder") : actorName(f.funder_id)} — ${formatMoney(f.amount_cents)}`;
  const ok = await confirmDialog({ title: t("action.funding.confirm_delete_title"),
    message: t("action.funding.confirm_delete", { name }), confirmLabel: t("confirm.delete") });
  if (!ok) return;
  try { await ipc.deleteFunding(f.id); await draw(); toast(t("action.funding.deleted")); } catch (e) { showError(e); }
}

/** @param {Action} a */
async function removeAction(a) {
  try {
    const impact = await ipc.actionDeleteImpact(a.id);
    const ok = await confirmDialog({
      title: t("actions.confirm_delete_title"),
      message: t("actions.confirm_delete", { name: a.title }),
      details: impactDetails(impact),
      confirmLabel: t("confirm.delete"),
    });
    if (!ok) return;
    await ipc.deleteAction(a.id);
    view.openId = null;
    await draw();
    toast(t("actions.deleted", { name: a.title }));
  } catch (e) { showError(e); }
}
