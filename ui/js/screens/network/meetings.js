// "Rencontres": the meetings where links are made (participants, practice, time spent,
// follow-ups), the links a meeting may have created, and the valorisation report.
import { h, replace, newId } from "../../core/dom.js";
import { t, label, formatDate, formatNumber, formatDecimal, compare } from "../../core/i18n.js";
import { formDialog, confirmDialog, toast, showError, impactDetails } from "../../core/dialogs.js";
import * as ipc from "../../core/ipc.js";
import { introducerOptions, parseIntroducer } from "../actors/card.js";
import { virtualTable, PAGE } from "../../core/virtual.js";
import { actorChoice, actorNames } from "../../core/picker.js";
import { MeetingKind as KINDS, Practice as PRACTICES, LinkNature as NATURES } from "../../../bindings/codes.js";

/** @typedef {import("../../core/ipc.js").Meeting} Meeting */
/** @typedef {import("../../core/ipc.js").MeetingRow} MeetingRow */


const data = {
  /** @type {import("../../core/ipc.js").Member[]} */ members: [],
};
const view = { /** @type {"list"|"report"} */ tab: "list", from: "", to: "", filter: "" };
/** @type {HTMLElement|null} */ let root = null;

/** Hours from minutes, the way they are typed (`1,5`). */
export function hoursText(minutes) {
  if (!minutes) return "";
  return formatDecimal(minutes / 60);
}

/** Loads and draws the section into `container`. */
export async function renderMeetings(container) {
  root = container;
  data.members = await ipc.listMembers();
  draw();
}

function draw() {
  if (!root) return;
  const tabs = h("div", { class: "tabs", attrs: { role: "tablist", "aria-label": t("meetings.heading") } },
    [["list", t("meetings.tab_list")], ["report", t("meetings.tab_report")]].map(([key, text]) => h("button", {
      type: "button", class: "tab", id: `meetings-tab-${key}`, text,
      attrs: { role: "tab", "aria-selected": view.tab === key ? "true" : "false" },
      on: { click: () => { view.tab = /** @type {any} */ (key); draw(); document.getElementById(`meetings-tab-${key}`)?.focus(); } },
    })));
  const body = h("div", { attrs: { role: "tabpanel" } });
  replace(root, h("div", { class: "stack" }, tabs, body));
  if (view.tab === "report") renderReport(body).catch(showError);
  else replace(body, listSection());
}

// ----- The list (virtualised: Rust pages, filters and counts) -------------------------------

const COLS = ["date", "title", "kind", "practice", "participants", "hours"];
const list = {
  /** @type {ReturnType<typeof virtualTable<MeetingRow>>|null} */ table: null,
  /** @type {HTMLElement|null} */ count: null,
  /** @type {HTMLElement|null} */ empty: null,
  seq: 0,
};

/** @returns {import("../../core/ipc.js").MeetingListQuery} */
const query = (offset, limit, count) => ({ filter: view.filter.trim(), offset, limit, count });

async function loadList(keepScroll = false) {
  const mine = ++list.seq;
  const page = await ipc.meetingPage(query(0, PAGE, true));
  if (mine !== list.seq || !list.table || !list.count || !list.empty) return;
  const total = page.total ?? 0;
  const matched = page.matched ?? 0;
  const hours = hoursText(page.matched_minutes ?? 0) || "0";
  list.count.textContent = view.filter.trim()
    ? t("meetings.count_filtered", { shown: formatNumber(matched), total: formatNumber(total), hours })
    : t("meetings.count", { count: formatNumber(total), hours });
  list.table.element.hidden = matched === 0;
  list.empty.hidden = matched > 0;
  if (total === 0) {
    replace(list.empty, h("p", { text: t("meetings.empty") }),
      h("button", { type: "button", class: "btn primary", text: t("meetings.add"), on: { click: () => meetingForm(null) } }));
  } else if (matched === 0) {
    replace(list.empty, h("p", { text: t("meetings.no_match", { filter: view.filter.trim() }) }));
  }
  list.table.setCount(matched, page.rows, { keepScroll });
}

function listSection() {
  const filter = /** @type {HTMLInputElement} */ (h("input", {
    type: "search", id: "meeting-filter", value: view.filter,
    placeholder: t("meetings.filter_placeholder"), autocomplete: "off",
  }));
  filter.addEventListener("input", () => { view.filter = filter.value; loadList().catch(showError); });
  filter.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && filter.value) { ev.stopPropagation(); filter.value = ""; view.filter = ""; loadList().catch(showError); }
  });
  const head = h("tr", {}, COLS.map((k) => h("th", { scope: "col", class: `col-${k}${k === "hours" ? " num" : ""}`, text: t(`meetings.col.${k}`) })),
    h("th", { scope: "col", class: "col-actions" }, h("span", { class: "visually-hidden", text: t("actors.col.actions") })));
  list.table = virtualTable({
    id: "meetings-table", caption: t("meetings.heading"), label: t("meetings.list_label"), head,
    columns: COLS.length + 1, loadingText: t("list.loading"),
    fetch: async (offset, limit) => (await ipc.meetingPage(query(offset, limit, false))).rows,
    renderRow: meetingRow,
  });
  list.table.element.hidden = true;
  list.count = h("p", { class: "muted count", id: "meetings-count", attrs: { "aria-live": "polite" } });
  list.empty = h("div", { class: "empty", id: "meetings-empty", hidden: true });
  loadList().catch(showError);
  return h("section", { class: "card", id: "meetings", attrs: { "aria-labelledby": "meetings-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "meetings-title", text: t("meetings.heading") }),
      h("div", { class: "toolbar" },
        h("label", { class: "visually-hidden", htmlFor: "meeting-filter", text: t("meetings.filter") }),
        filter,
        h("button", { type: "button", class: "btn primary", id: "add-meeting", text: t("meetings.add"), on: { click: () => meetingForm(null) } }))),
    list.count, list.empty, list.table.element);
}

/** @param {MeetingRow} r */
function meetingRow(r) {
  const m = r.meeting;
  const open = m.follow_ups.filter((f) => !f.done).length;
  const people = [...r.actors.map((a) => a.name), ...r.members].join(", ");
  return h("tr", { attrs: { "data-meeting-id": m.id } },
    h("td", { class: "nowrap", text: formatDate(m.date) }),
    h("th", { scope: "row", title: m.title }, m.title,
      open ? h("span", { class: "badge warn", text: t("meetings.open_follow_ups", { count: open }) }) : null),
    h("td", { text: label("meeting_kind", m.kind) }),
    h("td", { text: m.practice ? label("practice", m.practice) : "" }),
    h("td", { class: "participants", text: people, title: people }),
    h("td", { class: "num", text: hoursText(m.minutes_spent) }),
    h("td", { class: "col-actions" },
      h("button", { type: "button", class: "btn small", text: t("actors.edit"), attrs: { "aria-label": t("meetings.edit_named", { name: m.title }) },
        on: { click: () => meetingForm(r) } }),
      h("button", { type: "button", class: "btn small danger-outline", text: t("actors.delete"), attrs: { "aria-label": t("meetings.delete_named", { name: m.title }) },
        on: { click: () => removeMeeting(m) } })));
}

function practiceOptions() {
  const opts = [{ value: "", label: t("meetings.no_practice") }];
  for (const p of PRACTICES) {
    opts.push({ value: p, label: `${label("practice", p)} — ${t("meetings.any_activity")}` });
    for (let i = 1; i <= 4; i += 1) opts.push({ value: `${p}:${i}`, label: `${label("practice", p)} — ${t(`activity.${p}.${i}`)}` });
  }
  return opts;
}

/** @param {MeetingRow|null} row */
function meetingForm(row) {
  const m = row?.meeting ?? null;
  const practice = m?.practice ? (m.activity ? `${m.practice}:${m.activity}` : m.practice) : "";
  formDialog({
    id: "meeting-dialog",
    wide: true,
    title: m ? t("meetings.edit_title") : t("meetings.new_title"),
    submitLabel: m ? t("form.save") : t("form.create"),
    fields: [
      { name: "title", label: t("meetings.title"), value: m?.title, required: true },
      { name: "date", label: t("meetings.date"), type: "date", value: m?.date ?? new Date().toISOString().slice(0, 10), required: true, half: true, hint: t("project.date_hint") },
      { name: "kind", label: t("meetings.kind"), type: "select", value: m?.kind ?? "meeting", half: true,
        options: KINDS.map((k) => ({ value: k, label: label("meeting_kind", k) })) },
      { name: "practice", label: t("meetings.practice"), type: "select", value: practice, half: true, options: practiceOptions() },
      { name: "hours", label: t("meetings.hours"), value: m ? hoursText(m.minutes_spent) : "", half: true, hint: t("meetings.hours_hint") },
      { name: "commune", label: t("meetings.commune"), type: "commune", half: true,
        choice: m?.insee ? { value: m.insee, label: m.commune ?? m.insee } : null },
      { name: "actor_ids", label: t("meetings.actors"), type: "actors", choices: (row?.actors ?? []).map(actorChoice) },
      { name: "member_ids", label: t("meetings.members"), type: "checkboxes",
        options: [...data.members].sort((a, b) => compare(a.name, b.name)).map((x) => ({ value: String(x.id), label: x.name })),
        values: (m?.member_ids ?? []).map(String) },
      { name: "follow_ups", label: t("meetings.follow_ups"), type: "followups", followUps: m?.follow_ups ?? [] },
      { name: "notes", label: t("meetings.notes"), type: "textarea", value: m?.notes },
    ],
    onSubmit: async (v) => {
      const [p, activity] = String(v.practice || "").split(":");
      const input = {
        title: v.title, date: v.date, kind: v.kind,
        practice: p || null, activity: activity ? Number(activity) : null,
        hours: v.hours, notes: v.notes,
        actor_ids: v.actor_ids.map(Number), member_ids: v.member_ids.map(Number),
        follow_ups: v.follow_ups,
        insee: v.commune.insee,
      };
      const saved = m ? await ipc.updateMeeting(m.id, /** @type {any} */ (input)) : await ipc.createMeeting(/** @type {any} */ (input));
      if (list.table?.element.isConnected) await loadList(true);
      toast(t(m ? "meetings.updated" : "meetings.created", { name: saved.title }));
      const pairs = await ipc.proposedLinks(saved.id);
      if (pairs.length) {
        const names = await actorNames(pairs.flat());
        setTimeout(() => proposeLinks(saved, pairs, names), 0);
      }
    },
  });
}

/**
 * After a meeting: which links did it create? The user ticks them; nothing is assumed.
 * @param {Meeting} meeting @param {Array<[number, number]>} pairs @param {Map<number, string>} names
 */
function proposeLinks(meeting, pairs, names) {
  const actorName = (id) => names.get(id) ?? "";
  const user = data.members.find((x) => x.is_user);
  const byDefault = meeting.member_ids.length ? (user && meeting.member_ids.includes(user.id) ? user.id : meeting.member_ids[0]) : null;
  formDialog({
    id: "propose-links-dialog",
    title: t("meetings.propose_title"),
    submitLabel: t("meetings.propose_submit"),
    fields: [
      { name: "pairs", label: t("meetings.propose_pairs", { title: meeting.title }), type: "checkboxes", filterable: pairs.length > 8,
        options: pairs.map(([a, b]) => (compare(actorName(a), actorName(b)) <= 0 ? [a, b] : [b, a]))
          .sort((x, y) => compare(actorName(x[0]), actorName(y[0])) || compare(actorName(x[1]), actorName(y[1])))
          .map(([a, b]) => ({ value: `${a}-${b}`, label: `${actorName(a)} — ${actorName(b)}` })), values: [] },
      { name: "nature", label: t("links.nature"), type: "select", value: "dialogue", half: true,
        options: NATURES.map((n) => ({ value: n, label: label("link_nature", n) })) },
      { name: "strength", label: t("links.strength"), type: "select", value: "1", half: true,
        options: ["1", "2", "3"].map((s) => ({ value: s, label: label("strength", s) })) },
      { name: "introduced_by", label: t("links.introduced_by"), type: "select", value: byDefault ? `member:${byDefault}` : "",
        options: introducerOptions(data.members, []) },
    ],
    onSubmit: async (v) => {
      if (v.pairs.length === 0) return;
      const links = v.pairs.map((pair) => {
        const [a, b] = pair.split("-").map(Number);
        return { actor_a: a, actor_b: b, nature: v.nature, strength: Number(v.strength), since: meeting.date, notes: "",
          introduced_by: parseIntroducer(v.introduced_by), meeting_id: meeting.id };
      });
      const n = await ipc.createLinks(/** @type {any} */ (links));
      toast(t("meetings.links_created", { count: n }));
    },
  });
}

/** @param {Meeting} m */
async function removeMeeting(m) {
  let impact;
  try { impact = await ipc.meetingDeleteImpact(m.id); } catch (e) { showError(e); return; }
  const ok = await confirmDialog({
    title: t("meetings.confirm_delete_title"),
    message: t(impact.effects.length ? "meetings.confirm_delete_impact" : "meetings.confirm_delete", { name: m.title }),
    details: impactDetails(impact), confirmLabel: t("confirm.delete"),
  });
  if (!ok) return;
  try {
    await ipc.deleteMeeting(m.id);
    await loadList(true);
    toast(t("meetings.deleted", { name: m.title }));
  } catch (e) { showError(e); }
}

// ----- Valorisation report ------------------------------------------------------------------

/** A bar's filled part, sized through the CSSOM (the CSP forbids style attributes). */
function barFill(ratio) {
  const fill = h("span", { class: "bar-fill" });
  fill.style.width = `${Math.round(ratio * 100)}%`;
  return fill;
}

/** @param {HTMLElement} body */
async function renderReport(body) {
  const v = await ipc.valorisation(view.from || null, view.to || null);
  const fromId = newId("from");
  const toId = newId("to");
  const from = h("input", { type: "text", id: fromId, value: view.from, placeholder: t("date.placeholder"), attrs: { inputmode: "numeric" } });
  const to = h("input", { type: "text", id: toId, value: view.to, placeholder: t("date.placeholder"), attrs: { inputmode: "numeric" } });
  const error = h("p", { class: "field-error", id: "report-error", hidden: true, attrs: { role: "alert" } });
  const apply = async (ev) => {
    ev?.preventDefault();
    try {
      await ipc.valorisation(from.value.trim() || null, to.value.trim() || null);
      view.from = from.value.trim();
      view.to = to.value.trim();
      await renderReport(body);
    } catch (e) {
      error.hidden = false;
      error.textContent = /** @type {any} */ (e).message;
    }
  };
  const max = (rows) => Math.max(1, ...rows.map((r) => r.minutes));
  const table = (id, caption, rows, keyLabel) => h("div", { class: "report-block", id },
    h("h3", { text: caption }),
    rows.length === 0 ? h("p", { class: "muted", text: t("report.nothing") }) :
      h("table", { class: "data compact" },
        h("caption", { class: "visually-hidden", text: caption }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: keyLabel }), h("th", { scope: "col", class: "num", text: t("report.meetings") }),
          h("th", { scope: "col", class: "num", text: t("report.hours") }), h("th", { scope: "col", attrs: { "aria-hidden": "true" } }))),
        h("tbody", {}, rows.map((r) => h("tr", {},
          h("th", { scope: "row", text: r.label }),
          h("td", { class: "num", text: String(r.meetings) }),
          h("td", { class: "num", text: hoursText(r.minutes) || "0" }),
          h("td", { class: "bar-cell", attrs: { "aria-hidden": "true" } },
            h("span", { class: "bar-track" }, barFill(r.minutes / max(rows)))))))));
  const practiceRows = v.by_practice.map((r) => ({ ...r, label: r.key === "none" ? t("report.no_practice") : label("practice", r.key) }));
  const worldRows = v.by_world.map((r) => ({ ...r, label: label("world", r.key) }));
  const period = view.from || view.to
    ? t("report.period_value", { from: view.from ? formatDate(view.from) : t("report.start"), to: view.to ? formatDate(view.to) : t("report.today") })
    : t("report.all_time");
  replace(body, h("section", { class: "card report", id: "report", attrs: { "aria-labelledby": "report-title" } },
    h("div", { class: "section-head" },
      h("h2", { id: "report-title", text: t("report.heading") }),
      h("div", { class: "toolbar no-print" },
        h("button", { type: "button", class: "btn", id: "report-export", text: t("report.export"), on: { click: async () => {
          try {
            const done = await ipc.exportValorisation(view.from || null, view.to || null, t("report.export_title"), "valorisation.csv");
            if (done) toast(t("report.exported", { name: done.name }));
          } catch (e) { showError(e); }
        } } }),
        h("button", { type: "button", class: "btn", id: "report-print", text: t("report.print"), on: { click: () => window.print() } }))),
    h("form", { class: "filters no-print", on: { submit: apply } },
      h("div", { class: "filter" }, h("label", { htmlFor: fromId, text: t("report.from") }), from),
      h("div", { class: "filter" }, h("label", { htmlFor: toId, text: t("report.to") }), to),
      h("div", { class: "filter filter-button" }, h("button", { type: "submit", class: "btn primary", id: "report-apply", text: t("report.apply") }))),
    error,
    h("p", { class: "muted", id: "report-period", text: period }),
    h("dl", { class: "plan-figures" },
      h("div", {}, h("dt", { text: t("report.meetings") }), h("dd", { id: "report-meetings", text: String(v.meetings) })),
      h("div", {}, h("dt", { text: t("report.hours") }), h("dd", { id: "report-hours", text: hoursText(v.minutes) || "0" })),
      h("div", {}, h("dt", { text: t("report.new_links") }), h("dd", { id: "report-links", text: formatNumber(v.new_links_total) })),
      h("div", {}, h("dt", { text: t("report.introduced") }), h("dd", { id: "report-introduced", text: formatNumber(v.introduced_total) }))),
    h("div", { class: "dash-grid" },
      table("report-practice", t("report.by_practice"), practiceRows, t("meetings.col.practice")),
      table("report-world", t("report.by_world"), worldRows, t("actors.col.world")),
      table("report-member", t("report.by_member"), v.by_member, t("team.name")),
      h("div", { class: "report-block", id: "report-introducers" },
        h("h3", { text: t("report.by_introducer") }),
        v.by_introducer.length === 0 ? h("p", { class: "muted", text: t("report.nothing") }) :
          h("table", { class: "data compact" },
            h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("links.introduced_by") }), h("th", { scope: "col", class: "num", text: t("report.links") }))),
            h("tbody", {}, v.by_introducer.map((i) => h("tr", {},
              h("th", { scope: "row" }, i.name, i.kind === "member" ? h("span", { class: "badge", text: t("report.team") }) : null),
              h("td", { class: "num", text: formatNumber(i.links) }))))))),
    h("div", { class: "report-block", id: "report-new-links" },
      h("h3", { text: t("report.new_links_heading", { count: formatNumber(v.new_links_total) }) }),
      v.new_links_total > v.new_links.length
        ? h("p", { class: "muted small", id: "report-links-latest", text: t("report.latest_links", { shown: formatNumber(v.new_links.length) }) })
        : null,
      v.new_links.length === 0 ? h("p", { class: "muted", text: t("report.nothing") }) :
        h("table", { class: "data compact" },
          h("thead", {}, h("tr", {}, ["date", "pair", "nature", "introduced_by"].map((k) => h("th", { scope: "col", text: t(`report.col.${k}`) })))),
          h("tbody", {}, v.new_links.map((l) => h("tr", {},
            h("td", { class: "nowrap", text: formatDate(l.date) }),
            h("td", { text: `${l.a_name} — ${l.b_name}` }),
            h("td", { text: label("link_nature", l.nature) }),
            h("td", { text: l.introduced_by ?? "" }))))))));
}
